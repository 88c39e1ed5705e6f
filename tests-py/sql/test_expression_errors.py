"""Bad input to the expression language fails as it fails in SQLAlchemy 2.1: same exception class, same message."""

from __future__ import annotations

import re
from collections.abc import Callable
from types import ModuleType
from typing import Any

import pytest
import sqlalchemy as real

import ferroalchemy as ferro

from .schema import make_schema

Attempt = Callable[[ModuleType, Any, Any, Any], Any]


def _outcome(sa: ModuleType, attempt: Attempt) -> tuple[str, str]:
    """(exception class name, message) of running `attempt` with library `sa` on a fresh SQLite database."""
    m, users, addresses = make_schema(sa)
    engine = sa.create_engine("sqlite://")
    m.create_all(engine)
    try:
        with engine.connect() as conn:
            attempt(sa, users, addresses, conn)
    except Exception as err:  # noqa: BLE001 - any exception is the outcome under test
        return type(err).__name__, str(err)
    finally:
        engine.dispose()
    raise AssertionError(f"{sa.__name__} raised nothing")


def _normalised(message: str) -> str:
    """The message without what legitimately differs: object addresses, the library and driver names."""
    message = re.sub(r"0x[0-9a-f]+", "0x", message)
    message = message.replace("ferroalchemy", "sqlalchemy")
    return message.split(" (Background on this error")[0]


# Each case raises in both libraries with the same class and message.
SAME_MESSAGE: dict[str, Attempt] = {
    "compare_with_a_table": lambda sa, u, a, c: u.c.id == u,
    "arithmetic_with_a_table": lambda sa, u, a, c: u.c.id + u,
    "between_a_table": lambda sa, u, a, c: u.c.id.between(u, 2),
    "in_not_a_list": lambda sa, u, a, c: u.c.id.in_(object()),
    "in_a_string": lambda sa, u, a, c: u.c.id.in_("abc"),
    "unknown_column_attribute": lambda sa, u, a, c: u.c.nope,
    "unknown_column_key": lambda sa, u, a, c: u.c["nope"],
    "insert_unknown_column": lambda sa, u, a, c: str(sa.insert(u).values(nope=1)),
    "update_unknown_column": lambda sa, u, a, c: str(sa.update(u).values({"nope": 1})),
    "filter_by_unknown_column": lambda sa, u, a, c: sa.select(u).filter_by(nope=1),
    "where_plain_string": lambda sa, u, a, c: sa.select(u).where("id = 1"),
    "function_of_a_table": lambda sa, u, a, c: sa.func.lower(u),
    "select_an_object": lambda sa, u, a, c: sa.select(object()),
    "autoescape_needs_a_string": lambda sa, u, a, c: u.c.name.startswith(5, autoescape=True),
    "text_bindparams_unknown_name": lambda sa, u, a, c: sa.text("SELECT :x").bindparams(y=1),
    "text_without_its_parameter": lambda sa, u, a, c: c.execute(sa.text("SELECT :x")),
    "text_with_another_parameter": lambda sa, u, a, c: c.execute(sa.text("SELECT :x"), {"y": 1}),
    "bindparam_without_its_value": lambda sa, u, a, c: c.execute(sa.select(u).where(u.c.id == sa.bindparam("uid"))),
    "execute_a_plain_string": lambda sa, u, a, c: c.execute("SELECT 1"),
    "varchar_without_length_on_mysql": lambda sa, u, a, c: str(
        sa.schema.CreateTable(sa.Table("t", sa.MetaData(), sa.Column("x", sa.String))).compile(
            dialect=__import__(f"{sa.__name__}.dialects.mysql", fromlist=["dialect"]).dialect()
        )
    ),
    "expanding_bindparam_without_its_list": lambda sa, u, a, c: c.execute(
        sa.select(u).where(u.c.id.in_(sa.bindparam("ids", expanding=True)))
    ),
}


@pytest.mark.parametrize("name", sorted(SAME_MESSAGE))
def test_error_matches_sqlalchemy(name: str) -> None:
    want_cls, want_msg = _outcome(real, SAME_MESSAGE[name])
    got_cls, got_msg = _outcome(ferro, SAME_MESSAGE[name])
    assert (got_cls, _normalised(got_msg)) == (want_cls, _normalised(want_msg))


def test_error_classes_are_ferroalchemys_own() -> None:
    m, users, _ = make_schema(ferro)
    with pytest.raises(ferro.exc.ArgumentError, match="SQL expression element or literal value expected, got Table"):
        users.c.id == users  # noqa: B015
    with pytest.raises(ferro.exc.CompileError, match="^Unconsumed column names: nope$"):
        str(ferro.insert(users).values(nope=1))
    with pytest.raises(ferro.exc.InvalidRequestError, match='have a property "nope". Searched entities: users$'):
        ferro.select(users).filter_by(nope=1)
    with pytest.raises(AttributeError):
        users.c.nope  # noqa: B018


def test_a_value_the_driver_cannot_bind() -> None:
    """SQLAlchemy 2.1 takes any object as a literal (`users.c.id == object()` builds) and the driver rejects it
    at execution with ProgrammingError; ferroalchemy converts values when the expression is built, so the same
    ProgrammingError comes from building it."""
    want_cls, want_msg = _outcome(real, lambda sa, u, a, c: c.execute(sa.select(u).where(u.c.id == object())))
    got_cls, got_msg = _outcome(ferro, lambda sa, u, a, c: c.execute(sa.select(u).where(u.c.id == object())))
    assert got_cls == want_cls == "ProgrammingError"
    assert "type 'object' is not supported" in want_msg
    assert "type 'object' is not supported" in got_msg


def test_missing_text_parameter_is_a_statement_error_of_invalid_request() -> None:
    m, _, _ = make_schema(ferro)
    engine = ferro.create_engine("sqlite://")
    with engine.connect() as conn, pytest.raises(ferro.exc.StatementError) as info:
        conn.execute(ferro.text("SELECT :x"))
    assert isinstance(info.value.orig, ferro.exc.InvalidRequestError)
    assert "A value is required for bind parameter 'x'" in str(info.value)
    engine.dispose()


def test_tuple_in_is_not_implemented_yet() -> None:
    _, users, _ = make_schema(ferro)
    with pytest.raises(NotImplementedError, match="ferroalchemy: tuple_"):
        ferro.tuple_(users.c.id, users.c.name).in_([(1, "a")])
