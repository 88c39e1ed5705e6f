"""Shared fixtures: SQLite engines (in memory, and a file per test)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

import ferroalchemy
from ferroalchemy import Engine


@pytest.fixture
def engine() -> Iterator[Engine]:
    e = ferroalchemy.create_engine("sqlite+pysqlite:///:memory:")
    yield e
    e.dispose()


@pytest.fixture
def file_engine(tmp_path: Path) -> Iterator[Engine]:
    e = ferroalchemy.create_engine(f"sqlite:///{tmp_path / 'test.db'}")
    yield e
    e.dispose()
