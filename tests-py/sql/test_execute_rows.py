"""Executing Core statements on SQLite returns the same rows, rowcounts and table contents as SQLAlchemy."""

from __future__ import annotations

from types import ModuleType
from typing import Any

import pytest
import sqlalchemy as real

import ferroalchemy as ferro

from . import cases_expressions
from .backends import BACKENDS
from .schema import USERS, seeded_engine
from .statements import DML, SELECTS

# Parameters for the statements that have a bindparam() of their own.
PARAMS: dict[str, dict[str, Any]] = {"bindparam": {"uid": 2}, **cases_expressions.PARAMS}


def _ordered(stmt: Any, rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Rows as a user can rely on them: in order under ORDER BY, as a multiset otherwise."""
    if "ORDER BY" in str(stmt):
        return rows
    return sorted(rows, key=repr)


def _typed(rows: list[tuple[Any, ...]]) -> list[tuple[tuple[str, Any], ...]]:
    """Each value with its Python type: 1 and 1.0 and Decimal(1) are different results to a user."""
    return [tuple((type(v).__name__, v) for v in row) for row in rows]


def _select_rows(sa: ModuleType, backend: str, name: str) -> Any:
    engine, users, addresses = seeded_engine(sa, backend)
    try:
        stmt = SELECTS[name](sa, users, addresses)
        with engine.connect() as conn:
            return _typed(_ordered(stmt, [tuple(r) for r in conn.execute(stmt, PARAMS.get(name))]))
    except _REJECTED(sa) as err:
        # A statement the database rejects (PostgreSQL's GROUP BY rule, MariaDB's missing NULLS LAST)
        # or the dialect cannot express must fail the same way through both libraries.
        return ("raises", type(err).__name__)
    finally:
        engine.dispose()


def _REJECTED(sa: ModuleType) -> tuple[type[BaseException], ...]:
    return (sa.exc.DBAPIError, sa.exc.CompileError, NotImplementedError)


def _dml_effect(sa: ModuleType, backend: str, name: str) -> Any:
    """(rowcount, rows RETURNING gave, both tables afterwards) for a DML statement.

    rowcount only for UPDATE and DELETE without RETURNING: SQLAlchemy documents it as meaningless for
    INSERT and as driver-dependent with RETURNING (pysqlite reports 0 for a DELETE that returned a row)."""
    engine, users, addresses = seeded_engine(sa, backend)
    try:
        with engine.begin() as conn:
            stmt = DML[name](sa, users, addresses)
            result = conn.execute(stmt)
            # Only RETURNING the statement asked for (SQLAlchemy's implicit one on PostgreSQL yields []).
            explicit = "RETURNING" in str(stmt)
            returned = sorted((tuple(r) for r in result), key=repr) if explicit else None
            rowcount = None if "INSERT INTO" in str(stmt) or explicit else result.rowcount
            if backend == "sqlite" and str(stmt).startswith("WITH"):
                # pysqlite counts rows only for statements that start with INSERT/UPDATE/DELETE, so
                # SQLAlchemy reports -1 for WITH ... UPDATE; ferroalchemy reports the real count.
                rowcount = None
            tables = [[tuple(r) for r in conn.execute(sa.select(t).order_by(t.c.id))] for t in (users, addresses)]
            return rowcount, returned, tables
    except _REJECTED(sa) as err:
        return ("raises", type(err).__name__)
    finally:
        engine.dispose()


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("name", sorted(SELECTS))
def test_select_rows_match_sqlalchemy(name: str, backend: str) -> None:
    expected = _select_rows(real, backend, name)
    assert expected, "every select here matches something"
    assert _select_rows(ferro, backend, name) == expected


DML_WITHOUT_RETURNING = sorted(set(DML) - {"insert_bare", "insert_returning"})


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("name", DML_WITHOUT_RETURNING)
def test_dml_effect_matches_sqlalchemy(name: str, backend: str) -> None:
    expected = _dml_effect(real, backend, name)
    assert _dml_effect(ferro, backend, name) == expected


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_insert_returning_rows(backend: str) -> None:
    for sa in (real, ferro):
        engine, users, _ = seeded_engine(sa, backend)
        with engine.begin() as conn:
            stmt = sa.insert(users).values(name="Dee").returning(users.c.id, users.c.name)
            assert conn.execute(stmt).all() == [(len(USERS) + 1, "Dee")], sa.__name__
        engine.dispose()


def test_insert_with_params_and_inserted_primary_key() -> None:
    engine, users, _ = seeded_engine(ferro)
    with engine.begin() as conn:
        result = conn.execute(ferro.insert(users), {"name": "Dee", "age": 9})
        assert tuple(result.inserted_primary_key) == (len(USERS) + 1,)
        assert result.rowcount == 1
        many = conn.execute(users.insert(), [{"name": "Eve", "age": None}, {"name": "Fay", "age": 1}])
        assert many.rowcount == 2
        got = conn.execute(ferro.select(users.c.name, users.c.age).where(users.c.id > len(USERS))).all()
    assert got == [("Dee", 9), ("Eve", None), ("Fay", 1)]


def test_executemany_columns_come_from_the_first_parameter_set() -> None:
    """As in SQLAlchemy: keys only later dicts have are ignored; keys later dicts lack are an error."""
    engine, users, _ = seeded_engine(ferro)
    with engine.begin() as conn:
        conn.execute(users.insert(), [{"name": "Eve"}, {"name": "Fay", "age": 1}])
        got = conn.execute(ferro.select(users.c.name, users.c.age).where(users.c.id > len(USERS))).all()
        assert got == [("Eve", None), ("Fay", None)]
        with pytest.raises(ferro.exc.StatementError) as info:
            conn.execute(users.insert(), [{"name": "Gus", "age": 1}, {"name": "Hal"}])
    assert "A value is required for bind parameter 'age', in parameter group 1" in str(info.value)


def test_update_and_delete_rowcounts_and_rollback() -> None:
    engine, users, _ = seeded_engine(ferro)
    with engine.connect() as conn:
        assert conn.execute(ferro.update(users).where(users.c.age == 25).values(age=26)).rowcount == 2
        assert conn.execute(ferro.delete(users).where(users.c.name == "Bob")).rowcount == 1
        assert conn.execute(ferro.select(ferro.func.count()).select_from(users)).scalar() == len(USERS) - 1
        conn.rollback()
        assert conn.execute(ferro.select(ferro.func.count()).select_from(users)).scalar() == len(USERS)
        assert conn.execute(ferro.select(users.c.age).where(users.c.id == 5)).scalar() == 25


def test_unique_violation_via_core_insert() -> None:
    engine, users, _ = seeded_engine(ferro)
    with engine.connect() as conn:
        with pytest.raises(ferro.exc.IntegrityError) as info:
            conn.execute(ferro.insert(users).values(name="Alice"))
    err = info.value
    assert err.orig is not None and "UNIQUE constraint failed: users.name" in str(err.orig)
    assert err.statement == "INSERT INTO users (name) VALUES (?)"
    # SQLAlchemy keeps the parameters as they went to the driver.
    assert err.params == ("Alice",)
    assert str(err).startswith("(")
    assert "[SQL: INSERT INTO users (name) VALUES (?)]" in str(err)
