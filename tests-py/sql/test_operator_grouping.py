"""Parentheses around nested operators match SQLAlchemy's: associative operators chain bare,
others group, and ORDER BY modifiers stack without brackets (which SQLite would reject)."""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType
from typing import Any

import pytest
import sqlalchemy

import ferroalchemy as fa


def _users(m: ModuleType) -> Any:
    md = m.MetaData()
    return m.Table(
        "users",
        md,
        m.Column("id", m.Integer, primary_key=True),
        m.Column("name", m.String),
        m.Column("email", m.String),
        m.Column("age", m.Integer),
    ).c


CASES: dict[str, Callable[[ModuleType, Any], Any]] = {
    "desc_nulls_last": lambda m, c: m.select(c.id).order_by(c.age.desc().nulls_last()),
    "asc_nulls_first": lambda m, c: m.select(c.id).order_by(m.nulls_first(m.asc(c.age))),
    "add_chain": lambda m, c: m.select(c.age + 1 + 2),
    "sub_chain": lambda m, c: m.select(c.age - 1 - 2),
    "mul_chain": lambda m, c: m.select(c.age * 2 * 3),
    "add_right_nested": lambda m, c: m.select(c.age + (c.id + 2)),
    "sub_right_nested": lambda m, c: m.select(c.age - (c.id - 2)),
    "add_under_mul": lambda m, c: m.select((c.age + 1) * 2),
    "concat_chain": lambda m, c: m.select(c.name + "-" + c.email),
    "contains": lambda m, c: m.select(c.id).where(c.name.contains("x")),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_str_matches_sqlalchemy(case: str) -> None:
    build = CASES[case]
    assert str(build(fa, _users(fa))) == str(build(sqlalchemy, _users(sqlalchemy)))


def test_desc_nulls_last_runs_on_sqlite() -> None:
    engine = fa.create_engine("sqlite://")
    md = fa.MetaData()
    t = fa.Table("t", md, fa.Column("id", fa.Integer, primary_key=True), fa.Column("age", fa.Integer))
    md.create_all(engine)
    with engine.begin() as conn:
        conn.execute(t.insert(), [{"age": None}, {"age": 3}, {"age": 1}])
        ages = conn.execute(fa.select(t.c.age).order_by(t.c.age.desc().nulls_last())).scalars().all()
    assert ages == [3, 1, None]
