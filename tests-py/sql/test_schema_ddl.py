"""Table/Column/MetaData: attributes, CREATE TABLE text, and create_all/drop_all against a database."""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType
from typing import Any

import pytest
import sqlalchemy as real
from sqlalchemy.dialects import sqlite as real_sqlite
from sqlalchemy.schema import CreateTable as RealCreateTable

import ferroalchemy as ferro
from ferroalchemy.dialects import sqlite as ferro_sqlite
from ferroalchemy.schema import CreateTable

from .schema import make_schema

SqlLog = Callable[[Any], list[str]]


def _ddl_run(sa: ModuleType, action: Callable[[Any, Any], None], sql_log: SqlLog) -> list[str]:
    """The CREATE/DROP statements `action(metadata, engine)` sends on a fresh in-memory database."""
    m, _, _ = make_schema(sa)
    engine = sa.create_engine("sqlite://")
    log = sql_log(engine)
    action(m, engine)
    return [s for s in log if s.startswith(("CREATE", "DROP"))]


def _table_names(engine: Any) -> list[str]:
    with engine.connect() as conn:
        sql = "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
        return list(conn.execute(ferro.text(sql)).scalars().all())


def test_table_and_column_attributes() -> None:
    m, users, addresses = make_schema(ferro)
    assert m.tables["users"] is users and users.metadata is m
    assert list(users.c.keys()) == ["id", "name", "age", "email"]
    assert [c.name for c in users.primary_key] == ["id"]
    assert users.c.name.table is users and str(users.c.name) == "users.name"
    assert users.c.id.primary_key and not users.c.id.nullable
    assert not users.c.name.nullable and users.c.name.unique and users.c.name.type.length == 50
    assert users.c.age.nullable and isinstance(users.c.age.type, ferro.Integer)
    assert users.c.email.index
    assert [(fk.parent.name, fk.column.table.name, fk.column.name) for fk in addresses.foreign_keys] == [
        ("user_id", "users", "id")
    ]
    assert [t.name for t in m.sorted_tables] == ["users", "addresses"]
    assert "name" in users.c and "nope" not in users.c


def test_column_without_a_type_takes_its_foreign_key_target_type() -> None:
    for sa in (real, ferro):
        _, _, addresses = make_schema(sa)
        assert isinstance(addresses.c.user_id.type, sa.Integer), sa.__name__


@pytest.mark.parametrize("table", ["users", "addresses"])
def test_create_table_ddl_matches_sqlalchemy(table: str) -> None:
    real_m, _, _ = make_schema(real)
    ferro_m, _, _ = make_schema(ferro)
    expected = str(RealCreateTable(real_m.tables[table]).compile(dialect=real_sqlite.dialect()))
    assert str(CreateTable(ferro_m.tables[table]).compile(dialect=ferro_sqlite.dialect())) == expected
    assert str(CreateTable(ferro_m.tables[table])) == str(RealCreateTable(real_m.tables[table]))


def test_create_all_emits_the_ddl_sqlalchemy_emits(sql_log: SqlLog) -> None:
    def create(m: Any, engine: Any) -> None:
        m.create_all(engine)

    expected = _ddl_run(real, create, sql_log)
    assert len(expected) == 3  # two tables, one index
    assert _ddl_run(ferro, create, sql_log) == expected


def test_drop_all_emits_the_ddl_sqlalchemy_emits(sql_log: SqlLog) -> None:
    def create_then_drop(m: Any, engine: Any) -> None:
        m.create_all(engine)
        m.drop_all(engine)

    expected = _ddl_run(real, create_then_drop, sql_log)
    assert expected[-2:] == ["DROP TABLE addresses", "DROP TABLE users"]
    assert _ddl_run(ferro, create_then_drop, sql_log) == expected


def test_create_all_twice_and_drop_all_twice(sql_log: SqlLog) -> None:
    m, _, _ = make_schema(ferro)
    engine = ferro.create_engine("sqlite://")
    m.create_all(engine)
    log = sql_log(engine)
    m.create_all(engine)  # checkfirst: existing tables are left alone
    assert not [s for s in log if s.startswith("CREATE")]
    assert _table_names(engine) == ["addresses", "users"]
    with engine.connect() as conn:
        index = conn.execute(ferro.text("SELECT sql FROM sqlite_master WHERE name = 'ix_users_email'")).scalar()
    assert index == "CREATE INDEX ix_users_email ON users (email)"
    m.drop_all(engine)
    assert _table_names(engine) == []
    m.drop_all(engine)  # nothing left to drop: no error
    assert _table_names(engine) == []


def test_create_all_without_checkfirst_fails_on_existing_tables() -> None:
    m, users, addresses = make_schema(ferro)
    engine = ferro.create_engine("sqlite://")
    m.create_all(engine, checkfirst=False)
    with pytest.raises(ferro.exc.OperationalError, match="table users already exists"):
        m.create_all(engine, checkfirst=False)


def test_table_create_and_drop_and_drop_all_subset() -> None:
    m, users, addresses = make_schema(ferro)
    engine = ferro.create_engine("sqlite://")
    users.create(engine)
    assert _table_names(engine) == ["users"]
    addresses.create(engine)
    m.drop_all(engine, tables=[addresses])
    assert _table_names(engine) == ["users"]
    users.drop(engine)
    assert _table_names(engine) == []


def test_created_table_enforces_its_constraints() -> None:
    m, users, _ = make_schema(ferro)
    engine = ferro.create_engine("sqlite://")
    m.create_all(engine)
    with engine.connect() as conn:
        with pytest.raises(ferro.exc.IntegrityError, match="NOT NULL constraint failed: users.name"):
            conn.execute(ferro.insert(users).values(age=1))
        conn.execute(ferro.insert(users).values(name="a"))
        with pytest.raises(ferro.exc.IntegrityError, match="UNIQUE constraint failed: users.name"):
            conn.execute(ferro.insert(users).values(name="a"))


def test_positional_server_defaults_match_sqlalchemy() -> None:
    """``Column("a", Integer, FetchedValue())`` / ``DefaultClause("7")`` given positionally are the
    column's server default (``for_update=True``: its server onupdate), as the keywords would be."""

    def build(sa: ModuleType) -> tuple[str, list[str], list[str], list[Any]]:
        m = sa.MetaData()
        t = sa.Table(
            "fv",
            m,
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("a", sa.Integer, sa.FetchedValue()),
            sa.Column("b", sa.Integer, sa.DefaultClause("7")),
            sa.Column("c", sa.Integer, sa.FetchedValue(for_update=True)),
        )
        create = __import__(f"{sa.__name__}.schema", fromlist=["CreateTable"]).CreateTable
        engine = sa.create_engine("sqlite://")
        m.create_all(engine)
        with engine.begin() as conn:
            conn.execute(t.insert().values(id=1))
            rows = [tuple(r) for r in conn.execute(sa.select(t))]
        return (
            str(create(t)),
            [type(c.server_default).__name__ for c in t.c],
            [type(c.server_onupdate).__name__ for c in t.c],
            rows,
        )

    assert build(ferro) == build(real)
