"""str(stmt) and stmt.compile() match SQLAlchemy 2.1 for the same construct (SQLAlchemy is the oracle)."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as real

import ferroalchemy as ferro
from ferroalchemy.dialects import sqlite as ferro_sqlite

from .backends import BACKENDS, dialect_of
from .schema import make_schema
from .statements import ALL, Build


def _both(build: Build) -> tuple[Any, Any]:
    """The same construct built with SQLAlchemy and with ferroalchemy."""
    _, ru, ra = make_schema(real)
    _, fu, fa = make_schema(ferro)
    return build(real, ru, ra), build(ferro, fu, fa)


@pytest.mark.parametrize("name", sorted(ALL))
def test_str_matches_sqlalchemy(name: str) -> None:
    expected, actual = _both(ALL[name])
    assert _compiled(lambda: str(actual)) == _compiled(lambda: str(expected))


def _compiled(build: Any) -> Any:
    """What compiling gives a user: the result, or the class of what it raises (SQLAlchemy's own
    CompileError, InvalidRequestError or NotImplementedError for what a dialect cannot say)."""
    try:
        return build()
    except (real.exc.SQLAlchemyError, ferro.exc.SQLAlchemyError, NotImplementedError) as err:
        return ("raises", type(err).__name__)


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("name", sorted(ALL))
def test_dialect_compile_and_params_match_sqlalchemy(name: str, backend: str) -> None:
    expected, actual = _both(ALL[name])

    def compiled(stmt: Any, sa: Any) -> Any:
        c = stmt.compile(dialect=dialect_of(sa, backend))
        return str(c), c.params

    assert _compiled(lambda: compiled(actual, ferro)) == _compiled(lambda: compiled(expected, real))


def test_compile_params_hold_the_values() -> None:
    _, u, _ = make_schema(ferro)
    compiled = ferro.select(u).where(u.c.name.startswith("A"), u.c.age > 7).limit(3).compile()
    assert compiled.params == {"name_1": "A", "age_1": 7, "param_1": 3}


@pytest.mark.parametrize("name", ["where_eq", "startswith", "limit_offset", "update_values", "delete_where"])
def test_literal_binds_match_sqlalchemy(name: str) -> None:
    expected, actual = _both(ALL[name])
    kw = {"compile_kwargs": {"literal_binds": True}}
    assert str(actual.compile(**kw)) == str(expected.compile(**kw))


def test_column_expressions_outside_a_statement() -> None:
    _, ru, _ = make_schema(real)
    _, fu, _ = make_schema(ferro)
    assert str(fu.c.id == 5) == str(ru.c.id == 5) == "users.id = :id_1"
    assert str(ferro.and_(fu.c.id == 5, fu.c.name == "a")) == str(real.and_(ru.c.id == 5, ru.c.name == "a"))
    assert str(fu.c.name.not_like("a%")) == str(ru.c.name.not_like("a%"))
    assert str(-fu.c.age) == str(-ru.c.age)


def test_text_keeps_named_binds() -> None:
    sql = "SELECT * FROM users WHERE id = :id AND name = :name"
    assert str(ferro.text(sql)) == str(real.text(sql)) == sql
    compiled = ferro.text(sql).compile(dialect=ferro_sqlite.dialect())
    assert str(compiled) == "SELECT * FROM users WHERE id = ? AND name = ?"
