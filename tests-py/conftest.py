"""Shared fixtures: SQLite engines (in memory, and a file per test) and a recorder of the SQL an
engine sends to the database (works for ferroalchemy's and SQLAlchemy's engines alike)."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

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


def record_sql(engine: Any) -> list[str]:
    """Listens on `engine` (either library's) and returns the list its statements are appended to,
    whitespace-normalised."""
    event = importlib.import_module(type(engine).__module__.split(".")[0] + ".event")
    log: list[str] = []

    def before(conn: Any, cursor: Any, statement: str, params: Any, context: Any, executemany: bool) -> None:
        log.append(" ".join(statement.split()))

    event.listen(engine, "before_cursor_execute", before)
    return log


@pytest.fixture
def sql_log() -> Callable[[Any], list[str]]:
    """`sql_log(engine)` starts recording the statements `engine` executes."""
    return record_sql
