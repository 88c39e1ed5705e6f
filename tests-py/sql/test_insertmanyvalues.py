"""Executemany of INSERT ... RETURNING ("insertmanyvalues") against SQLAlchemy on each database: every row
comes back in parameter order, pages of `insertmanyvalues_page_size` rows go out as multi-row statements that
the cursor events see one by one, and an ORM flush of many new objects gets each its own generated key."""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any

import pytest

from .backends import BACKENDS, ferro, fresh_schema, make_engine, real


def _table(sa: ModuleType) -> tuple[Any, Any]:
    md = sa.MetaData()
    t = sa.Table(
        "imv_item",
        md,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(30)),
        sa.Column("qty", sa.Integer, nullable=True),
    )
    return md, t


def _statements(sa: ModuleType, engine: Any) -> list[tuple[str, bool]]:
    """(statement, executemany) of each INSERT the engine's cursor runs from now on."""
    seen: list[tuple[str, bool]] = []

    @sa.event.listens_for(engine, "before_cursor_execute")
    def record(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool) -> None:
        if statement.startswith("INSERT"):
            seen.append((statement, executemany))

    return seen


def _run(sa: ModuleType, backend: str, page_size: int | None, n: int) -> tuple[list[Any], list[bool], list[int]]:
    engine = make_engine(sa, backend)
    md, t = _table(sa)
    fresh_schema(engine, md)
    seen = _statements(sa, engine)
    stmt = sa.insert(t).returning(t.c.id, t.c.name, t.c.qty)
    if page_size is not None:
        stmt = stmt.execution_options(insertmanyvalues_page_size=page_size)
    params = [{"name": f"n{i}", "qty": None if i % 3 == 0 else i} for i in range(n)]
    with engine.begin() as conn:
        rows = [tuple(r) for r in conn.execute(stmt, params).all()]
    engine.dispose()
    # Rows per statement: the VALUES tuples each statement carries.
    per_statement = [s.count("), (") + 1 for s, _ in seen]
    return rows, [many for _, many in seen], per_statement


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize(("page_size", "n"), [(None, 25), (4, 10), (1, 3)])
def test_every_row_comes_back_in_parameter_order_one_statement_per_page(
    backend: str, page_size: int | None, n: int
) -> None:
    expected = _run(real, backend, page_size, n)
    got = _run(ferro, backend, page_size, n)
    assert got[0] == expected[0]
    assert [r[1] for r in got[0]] == [f"n{i}" for i in range(n)]
    assert got[1] == expected[1]
    assert got[2] == expected[2]


@pytest.mark.parametrize("backend", BACKENDS)
def test_inserted_primary_key_rows(backend: str) -> None:
    def run(sa: ModuleType) -> tuple[list[Any], str]:
        engine = make_engine(sa, backend)
        md, t = _table(sa)
        fresh_schema(engine, md)
        with engine.begin() as conn:
            generated = conn.execute(sa.insert(t), [{"name": "a"}, {"name": "b"}])
            given = conn.execute(sa.insert(t), [{"id": 50, "name": "a"}, {"id": 51, "name": "b"}])
            keys = [tuple(r) for r in generated.inserted_primary_key_rows + given.inserted_primary_key_rows]
            returning = conn.execute(sa.insert(t).returning(t.c.id), [{"name": "c"}, {"name": "d"}])
            with pytest.raises(sa.exc.InvalidRequestError) as err:
                _ = returning.inserted_primary_key_rows
        engine.dispose()
        return keys, str(err.value)

    assert run(ferro) == run(real)


class _Flushed:
    """The objects and INSERT statements of one ORM flush of new objects of one mapper."""

    def __init__(self, sa: ModuleType, backend: str, n: int) -> None:
        orm = importlib.import_module(f"{sa.__name__}.orm")

        class Base(orm.DeclarativeBase):
            pass

        class Item(Base):
            __tablename__ = "imv_flush_item"
            id = orm.mapped_column(sa.Integer, primary_key=True)
            name = orm.mapped_column(sa.String(30))
            qty = orm.mapped_column(sa.Integer, nullable=True)

        engine = make_engine(sa, backend)
        fresh_schema(engine, Base.metadata)
        with orm.Session(engine) as s:
            s.add(Item(id=1000, name="given"))
            s.commit()
        seen = _statements(sa, engine)
        with orm.Session(engine) as s:
            objs = [Item(name=f"o{i}", qty=None if i % 2 else i) for i in range(n)]
            s.add_all(objs)
            s.flush()
            self.ids = [(o.id, o.name) for o in objs]
            s.commit()
        with orm.Session(engine) as s:
            self.stored = sorted((o.id, o.name) for o in s.scalars(sa.select(Item)))
        engine.dispose()
        self.statements = len(seen)


@pytest.mark.parametrize("backend", BACKENDS)
def test_flush_of_many_new_objects_gives_each_its_own_key(backend: str) -> None:
    got = _Flushed(ferro, backend, 30)
    expected = _Flushed(real, backend, 30)
    assert got.ids == expected.ids
    assert sorted(got.ids + [(1000, "given")]) == got.stored
    # One statement for all the rows, where SQLAlchemy sends as few or (SQLite's one per row) more.
    assert got.statements == 1
    assert got.statements <= expected.statements
