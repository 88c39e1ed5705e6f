"""Core statements: str() matches SQLAlchemy 2.1 (SQLAlchemy itself is the oracle), and executing
them on SQLite returns the same rows as SQLAlchemy does."""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType
from typing import Any

import pytest
import sqlalchemy as real

import ferroalchemy as ferro


def _schema(sa: ModuleType) -> tuple[Any, Any, Any]:
    m = sa.MetaData()
    dept = sa.Table("department", m, sa.Column("id", sa.Integer, primary_key=True), sa.Column("name", sa.String(50)))
    emp = sa.Table(
        "employee",
        m,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("dept_id", sa.Integer, sa.ForeignKey("department.id")),
        sa.Column("email", sa.String(80), unique=True, index=True),
    )
    return m, dept, emp


STATEMENTS: dict[str, Callable[[ModuleType, Any, Any], Any]] = {
    "where_eq": lambda sa, d, e: sa.select(e).where(e.c.id == 5),
    "startswith": lambda sa, d, e: sa.select(e.c.name).where(e.c.name.startswith("A")),
    "and_or": lambda sa, d, e: sa.select(e.c.id).where(
        sa.or_(e.c.name == "a", sa.and_(e.c.id < 3, e.c.dept_id == None))  # noqa: E711 - SQL IS NULL
    ),
    "order_limit": lambda sa, d, e: sa.select(e.c.name).order_by(e.c.name.desc()).limit(2).offset(1),
    "join": lambda sa, d, e: sa.select(e.c.name, d.c.name).join_from(e, d),
    "count": lambda sa, d, e: sa.select(sa.func.count()).select_from(e),
    "group_having": lambda sa, d, e: (
        sa.select(e.c.dept_id, sa.func.count(e.c.id)).group_by(e.c.dept_id).having(sa.func.count(e.c.id) > 1)
    ),
    "insert_values": lambda sa, d, e: sa.insert(e).values(name="x", dept_id=1),
    "update": lambda sa, d, e: sa.update(e).where(e.c.id == 3).values(name="y"),
    "delete": lambda sa, d, e: sa.delete(e).where(e.c.name == "z"),
    "in_list": lambda sa, d, e: sa.select(e.c.id).where(e.c.dept_id.in_([1, 2])),
    "insert_multi": lambda sa, d, e: sa.insert(d).values([{"id": 7, "name": "x"}, {"id": 8, "name": "y"}]),
    "between": lambda sa, d, e: sa.select(e.c.id).where(e.c.id.between(2, 4), ~e.c.dept_id.between(5, 9)),
    "exists": lambda sa, d, e: sa.select(d.c.name).where(sa.select(e.c.id).where(e.c.dept_id == d.c.id).exists()),
    "order_by_label": lambda sa, d, e: (
        sa.select(e.c.dept_id, sa.func.count().label("n")).group_by(e.c.dept_id).order_by(sa.desc("n"), "dept_id")
    ),
    "window": lambda sa, d, e: sa.select(
        e.c.name, sa.func.rank().over(partition_by=e.c.dept_id, order_by=e.c.id.desc()).label("r")
    ).order_by(e.c.id),
    "window_frame": lambda sa, d, e: sa.select(
        e.c.id, sa.func.sum(e.c.id).over(order_by=e.c.id, rows=(None, 0)).label("running")
    ).order_by(e.c.id),
    "subquery": lambda sa, d, e: (lambda sq: sa.select(sq.c.dept_id, sq.c.n).where(sq.c.n > 1).order_by(sq.c.dept_id))(
        sa.select(e.c.dept_id, sa.func.count(e.c.id).label("n")).group_by(e.c.dept_id).subquery()
    ),
    "cte": lambda sa, d, e: (lambda c: sa.select(c.c.dept_id, c.c.total).where(c.c.total > 3).order_by(c.c.dept_id))(
        sa.select(e.c.dept_id, sa.func.sum(e.c.id).label("total")).group_by(e.c.dept_id).cte("totals")
    ),
    "join_subquery": lambda sa, d, e: (
        lambda sq: sa.select(d.c.name, sq.c.n).join(sq, d.c.id == sq.c.dept_id).order_by(d.c.id)
    )(sa.select(e.c.dept_id, sa.func.count(e.c.id).label("n")).group_by(e.c.dept_id).subquery()),
}

# A fixed IN list prints as (:p_1, :p_2) here where SQLAlchemy prints a POSTCOMPILE placeholder
# (expanding IN is the Core SQL issue's), so only its rows are compared.
STR_COMPARED = sorted(set(STATEMENTS) - {"in_list"})


@pytest.mark.parametrize("name", STR_COMPARED)
def test_str_matches_sqlalchemy(name: str) -> None:
    _, rd, re_ = _schema(real)
    _, fd, fe = _schema(ferro)
    assert str(STATEMENTS[name](ferro, fd, fe)) == str(STATEMENTS[name](real, rd, re_))


@pytest.mark.parametrize("name", sorted(set(STATEMENTS) - {"insert_values", "insert_multi", "update", "delete"}))
def test_rows_match_sqlalchemy(name: str) -> None:
    rows = {}
    for sa in (real, ferro):
        m, d, e = _schema(sa)
        engine = sa.create_engine("sqlite://")
        m.create_all(engine)
        with engine.begin() as conn:
            conn.execute(sa.insert(d), [{"id": 1, "name": "Eng"}, {"id": 2, "name": "Ops"}])
            conn.execute(
                sa.insert(e),
                [
                    {"id": i, "name": n, "dept_id": dep, "email": f"{n}@x"}
                    for i, n, dep in [(1, "Ann", 1), (2, "Bob", 1), (3, "Al", 2), (4, "a", None), (5, "Cy", 2)]
                ],
            )
            rows[sa.__name__] = [tuple(r) for r in conn.execute(STATEMENTS[name](sa, d, e))]
    assert rows["ferroalchemy"] == rows["sqlalchemy"]
    assert rows["ferroalchemy"], "the statement should select something"


def test_create_all_twice_and_drop_all() -> None:
    m, d, e = _schema(ferro)
    engine = ferro.create_engine("sqlite://")
    m.create_all(engine)
    m.create_all(engine)  # checkfirst: existing tables are left alone
    with engine.connect() as conn:
        names = (
            conn.execute(ferro.text("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")).scalars().all()
        )
        index = conn.execute(ferro.text("SELECT sql FROM sqlite_master WHERE name='ix_employee_email'")).scalar()
    assert names == ["department", "employee"]
    assert index == "CREATE UNIQUE INDEX ix_employee_email ON employee (email)"
    m.drop_all(engine)
    with engine.connect() as conn:
        assert conn.execute(ferro.text("SELECT count(*) FROM sqlite_master WHERE type='table'")).scalar() == 0


def test_create_table_ddl_matches_sqlalchemy() -> None:
    from sqlalchemy.dialects import sqlite
    from sqlalchemy.schema import CreateTable as RealCreateTable

    from ferroalchemy.schema import CreateTable

    _, _, re_ = _schema(real)
    _, _, fe = _schema(ferro)
    assert str(CreateTable(fe).compile(dialect=ferro.engine.dialect.SQLiteDialect())) == str(
        RealCreateTable(re_).compile(dialect=sqlite.dialect())
    )


def test_non_sql_operands_and_strings_are_rejected() -> None:
    _, d, e = _schema(ferro)
    with pytest.raises(ferro.exc.ArgumentError, match="Textual SQL expression"):
        ferro.select(e).where("id = 1")
    with pytest.raises(ferro.exc.ArgumentError, match="Column expression, FROM clause"):
        ferro.select(object())
    with pytest.raises(ferro.exc.ArgumentError, match="SQL expression element or literal value expected"):
        e.c.id == d  # noqa: B015
    with pytest.raises(AttributeError):
        e.c.no_such_column  # noqa: B018
