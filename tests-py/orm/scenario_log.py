"""Differential scenario runs: a scenario records (phase, observable value, statements sent) with
either library, and the test compares what SQLAlchemy 2.1 and ferroalchemy recorded."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from types import ModuleType
from typing import Any

from conftest import record_sql
from sql.backends import ferro, fresh_schema, make_engine, real

Out = list[Any]


class _Sent(list):  # type: ignore[type-arg]
    """The statements an engine sent; on SQLite INSERTs are not counted: SQLAlchemy inserts one row
    per statement there (no RETURNING order guarantee) where ferroalchemy batches them."""

    sqlite = False


def record(engine: Any) -> _Sent:
    sent = _Sent()
    sent.sqlite = engine.dialect.name == "sqlite"
    log = record_sql(engine)
    sent.source = log  # type: ignore[attr-defined]
    return sent


def phase(out: Out, log: _Sent, name: str, value: Any) -> None:
    """Records a phase's observable value and the statements it sent (transaction control aside)."""
    skip = {"BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE"} | ({"INSERT"} if log.sqlite else set())
    source = log.source  # type: ignore[attr-defined]
    out.append((name, value, len([s for s in source if s.split()[0] not in skip])))
    source.clear()


def run(
    sa: ModuleType, build: Callable[[ModuleType], dict[str, Any]], backend: str, scenario: Callable[..., None]
) -> Out:
    """Runs `scenario(sa, orm, models, engine, out)` on a fresh schema of `build(sa)`'s models."""
    orm = importlib.import_module(sa.__name__ + ".orm")
    m = build(sa)
    engine = make_engine(sa, backend)
    try:
        fresh_schema(engine, m["Base"].metadata)
        out: Out = []
        scenario(sa, orm, m, engine, out)
        m["Base"].metadata.drop_all(engine)
        return out
    finally:
        engine.dispose()


def run_both(
    build: Callable[[ModuleType], dict[str, Any]], backend: str, scenario: Callable[..., None]
) -> tuple[Out, Out]:
    """(SQLAlchemy's record, ferroalchemy's record) of `scenario`."""
    return run(real, build, backend, scenario), run(ferro, build, backend, scenario)
