"""ORM fixtures: the shared models created on a fresh SQLite file."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ferroalchemy import Engine

from .models import Base


@pytest.fixture
def db(file_engine: Engine) -> Iterator[Engine]:
    Base.metadata.create_all(file_engine)
    yield file_engine
