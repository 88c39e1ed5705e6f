"""Result.columns() and Result.freeze() against SQLAlchemy, on SQLite and PostgreSQL: the same
statement through both libraries gives the same keys, rows, scalars, mappings and errors."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from types import ModuleType
from typing import Any

import pytest
import sqlalchemy as real

import ferroalchemy as ferro

BACKENDS = ["sqlite", "postgresql"]
ROWS = [(1, "ann", 3.5), (2, "bob", None), (3, "cy", 1.0), (4, "bob", 2.0)]


def make_engine(sa: ModuleType, backend: str) -> Any:
    """A fresh SQLite database, or the PostgreSQL server of FERRO_TEST_POSTGRES_URL (SQLAlchemy
    through psycopg, ferroalchemy through its own driver)."""
    if backend == "sqlite":
        return sa.create_engine("sqlite://")
    url = os.environ.get("FERRO_TEST_POSTGRES_URL")
    if not url:
        pytest.skip("FERRO_TEST_POSTGRES_URL is not set")
    if sa is real:
        url = real.make_url(url).set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    return sa.create_engine(url)


def _setup(sa: ModuleType, backend: str) -> tuple[Any, Any]:
    md = sa.MetaData()
    t = sa.Table(
        "rc_items",
        md,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("name", sa.String(20)),
        sa.Column("score", sa.Float),
    )
    engine = make_engine(sa, backend)
    md.drop_all(engine)
    md.create_all(engine)
    with engine.begin() as c:
        c.execute(sa.insert(t), [{"id": i, "name": n, "score": s} for i, n, s in ROWS])
    return engine, t


@pytest.fixture(params=BACKENDS)
def both(request: pytest.FixtureRequest) -> Iterator[dict[ModuleType, tuple[Any, Any]]]:
    pair = {sa: _setup(sa, request.param) for sa in (real, ferro)}
    yield pair
    for engine, t in pair.values():
        t.metadata.drop_all(engine)
        engine.dispose()


def _outcome(fn: Callable[[], Any]) -> Any:
    try:
        return ("ok", fn())
    except Exception as e:  # noqa: BLE001 - the class and message are what we compare
        return ("raised", type(e).__name__, str(e))


def _run(both: dict[ModuleType, tuple[Any, Any]], use: Callable[[ModuleType, Any, Any], Any]) -> None:
    """Runs `use(sa, conn, table)` on each library and asserts the same outcome."""
    seen = {}
    for sa, (engine, t) in both.items():
        with engine.connect() as c:
            seen[sa] = _outcome(lambda: use(sa, c, t))  # noqa: B023 - called at once
    assert seen[ferro] == seen[real]


def _stmt(sa: ModuleType, t: Any) -> Any:
    return sa.select(t.c.id, t.c.name, t.c.score).order_by(t.c.id)


def _plain(rows: list[Any]) -> list[tuple[Any, ...]]:
    return [tuple(r) for r in rows]


COLUMNS_CASES: dict[str, Callable[[ModuleType, Any, Any], Any]] = {
    "by_name_reordered": lambda sa, c, t: _plain(c.execute(_stmt(sa, t)).columns("score", "id").all()),
    "by_index": lambda sa, c, t: _plain(c.execute(_stmt(sa, t)).columns(2, 0).all()),
    "by_negative_index": lambda sa, c, t: _plain(c.execute(_stmt(sa, t)).columns(-1).all()),
    "by_column_object": lambda sa, c, t: _plain(c.execute(_stmt(sa, t)).columns(t.c.name, t.c.id).all()),
    "one_column_stays_rows": lambda sa, c, t: _plain(c.execute(_stmt(sa, t)).columns("name").all()),
    "keys": lambda sa, c, t: list(c.execute(_stmt(sa, t)).columns("name", "id").keys()),
    "row_attributes": lambda sa, c, t: [
        (r.name, r.id, r._fields) for r in c.execute(_stmt(sa, t)).columns("name", "id")
    ],
    "mappings": lambda sa, c, t: [dict(m) for m in c.execute(_stmt(sa, t)).columns("score", "name").mappings()],
    "scalars_after": lambda sa, c, t: c.execute(_stmt(sa, t)).columns("name", "id").scalars(1).all(),
    "scalars_by_name_after": lambda sa, c, t: c.execute(_stmt(sa, t)).columns("score", "name").scalars("name").all(),
    "chained": lambda sa, c, t: _plain(c.execute(_stmt(sa, t)).columns("score", "name", "id").columns(2, "name").all()),
    "unique": lambda sa, c, t: _plain(c.execute(_stmt(sa, t)).columns("name").unique().all()),
    "returns_self": lambda sa, c, t: (lambda r: r.columns("id") is r)(c.execute(_stmt(sa, t))),
    "fetch_methods": lambda sa, c, t: (
        lambda r: (tuple(r.fetchone()), _plain(r.fetchmany(2)), r.first() and tuple(r.first() or ()))
    )(c.execute(_stmt(sa, t)).columns("name")),
    "partial_fetch_then_columns": lambda sa, c, t: (lambda r: (tuple(r.fetchone()), _plain(r.columns("id").all())))(
        c.execute(_stmt(sa, t))
    ),
    "text_statement": lambda sa, c, t: _plain(
        c.execute(sa.text("SELECT id, name FROM rc_items ORDER BY id")).columns("name").all()
    ),
    "unknown_name": lambda sa, c, t: c.execute(_stmt(sa, t)).columns("nope").all(),
    "index_out_of_range": lambda sa, c, t: c.execute(_stmt(sa, t)).columns(5).all(),
    "ambiguous_name": lambda sa, c, t: c.execute(sa.select(t.c.id, t.c.name.label("id"))).columns("id"),
    "text_duplicate_name_takes_the_last": lambda sa, c, t: _plain(
        c.execute(sa.text("SELECT id AS x, name AS x FROM rc_items ORDER BY id")).columns("x").all()
    ),
    "no_rows_statement": lambda sa, c, t: c.execute(sa.update(t).where(t.c.id == 0).values(name="z")).columns("id"),
}


@pytest.mark.parametrize("case", sorted(COLUMNS_CASES))
def test_columns(both: dict[ModuleType, tuple[Any, Any]], case: str) -> None:
    _run(both, COLUMNS_CASES[case])


def _frozen_twice(sa: ModuleType, c: Any, t: Any) -> Any:
    frozen = c.execute(_stmt(sa, t)).freeze()
    first, second = frozen(), frozen()
    return (
        _plain(first.all()),
        list(second.keys()),
        second.scalars(1).all(),
        _plain(frozen().columns("score").all()),
        [dict(m) for m in frozen().mappings()],
        tuple(frozen().first()),
        [r.name for r in frozen()],
    )


FREEZE_CASES: dict[str, Callable[[ModuleType, Any, Any], Any]] = {
    "replays": _frozen_twice,
    "data": lambda sa, c, t: _plain(c.execute(_stmt(sa, t)).freeze().data),
    "consumes_the_result": lambda sa, c, t: (lambda r: (r.freeze(), r.all())[1])(c.execute(_stmt(sa, t))),
    "after_columns": lambda sa, c, t: _plain(c.execute(_stmt(sa, t)).columns("name", "id").freeze()().all()),
    "after_partial_fetch": lambda sa, c, t: (lambda r: (r.fetchone(), _plain(r.freeze()().all()))[1])(
        c.execute(_stmt(sa, t))
    ),
    "with_new_rows": lambda sa, c, t: (
        lambda f: [(r.id, r.name, r.score) for r in f.with_new_rows([(9, "zed", 0.5)])()]
    )(c.execute(_stmt(sa, t)).freeze()),
    "empty": lambda sa, c, t: (lambda f: (f().all(), list(f().keys()), f().first()))(
        c.execute(_stmt(sa, t).where(t.c.id > 100)).freeze()
    ),
    "one": lambda sa, c, t: tuple(c.execute(_stmt(sa, t).where(t.c.id == 2)).freeze()().one()),
    "scalar_one_fails_on_many": lambda sa, c, t: c.execute(_stmt(sa, t)).freeze()().scalar_one(),
    # SQLAlchemy raises a bare NotImplementedError here: compare the class only.
    "no_rows_statement": lambda sa, c, t: _outcome(
        lambda: c.execute(sa.update(t).where(t.c.id == 0).values(name="z")).freeze()
    )[:2],
}


@pytest.mark.parametrize("case", sorted(FREEZE_CASES))
def test_freeze(both: dict[ModuleType, tuple[Any, Any]], case: str) -> None:
    _run(both, FREEZE_CASES[case])


def test_frozen_result_is_sqlalchemys_class_names() -> None:
    e = ferro.create_engine("sqlite://")
    with e.connect() as c:
        frozen = c.execute(ferro.text("SELECT 1 AS x")).freeze()
        assert isinstance(frozen, ferro.engine.FrozenResult)
        result = frozen()
        assert isinstance(result, ferro.engine.IteratorResult) and isinstance(result, ferro.engine.Result)
        assert repr(result).startswith("<sqlalchemy.engine.result.IteratorResult object at ")
        assert result.all() == [(1,)]
    e.dispose()
