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


class Sent:
    """The statements an engine sends. On SQLite INSERTs are not counted: SQLAlchemy inserts one row
    per statement there (SQLite gives no RETURNING order guarantee) where ferroalchemy batches them."""

    def __init__(self, engine: Any) -> None:
        self.statements = record_sql(engine)
        self.skip = {"BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE"}
        if engine.dialect.name == "sqlite":
            self.skip.add("INSERT")


def record(engine: Any) -> Sent:
    return Sent(engine)


def phase(out: Out, log: Sent, name: str, value: Any) -> None:
    """Records a phase's observable value and how many statements it sent (transaction control aside)."""
    out.append((name, value, len([s for s in log.statements if s.split()[0] not in log.skip])))
    log.statements.clear()


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
