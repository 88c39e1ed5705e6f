"""sqlite.insert() with ON CONFLICT: SQL as SQLAlchemy renders it, and the rows it leaves."""

from __future__ import annotations

import pytest
import sqlalchemy as real
from sqlalchemy.dialects import sqlite as real_sqlite
from sqlalchemy.dialects.sqlite import insert as real_insert

import ferroalchemy as ferro
from ferroalchemy.dialects import sqlite as ferro_sqlite
from ferroalchemy.dialects.sqlite import insert as ferro_insert


def _table(sa):  # type: ignore[no-untyped-def]
    m = sa.MetaData()
    return m, sa.Table(
        "u",
        m,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("email", sa.String(20), unique=True),
        sa.Column("age", sa.Integer),
    )


def _upserts(insert, t):  # type: ignore[no-untyped-def]
    s = insert(t).values(id=1, email="a@x", age=30)
    return [
        s.on_conflict_do_update(index_elements=["id"], set_={"email": s.excluded.email, "age": s.excluded.age + 1}),
        s.on_conflict_do_nothing(index_elements=["email"]),
        s.on_conflict_do_nothing(),
        s.on_conflict_do_update(index_elements=[t.c.id], set_={"age": 5}, where=t.c.age > 1),
    ]


@pytest.mark.parametrize("i", range(4))
def test_sql_matches_sqlalchemy(i: int) -> None:
    mine = _upserts(ferro_insert, _table(ferro)[1])[i].compile(dialect=ferro_sqlite.dialect())
    theirs = _upserts(real_insert, _table(real)[1])[i].compile(dialect=real_sqlite.dialect())
    assert str(mine) == str(theirs)


def test_upsert_rows() -> None:
    m, t = _table(ferro)
    engine = ferro.create_engine("sqlite://")
    m.create_all(engine)
    with engine.begin() as conn:
        conn.execute(ferro_insert(t).values(id=1, email="a@x", age=30))
        stmt = ferro_insert(t).values(id=1, email="b@x", age=40)
        conn.execute(stmt.on_conflict_do_update(index_elements=["id"], set_={"age": stmt.excluded.age}))
        conn.execute(ferro_insert(t).values(id=2, email="b@x", age=1).on_conflict_do_nothing())
        assert conn.execute(ferro.select(t).order_by(t.c.id)).all() == [(1, "a@x", 40), (2, "b@x", 1)]
        with pytest.raises(ferro.exc.IntegrityError):
            conn.execute(ferro_insert(t).values(id=3, email="a@x", age=1).on_conflict_do_nothing(index_elements=["id"]))
