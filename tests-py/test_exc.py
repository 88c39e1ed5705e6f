"""ferroalchemy.exc and ferroalchemy.orm.exc: SQLAlchemy's names, hierarchy and messages."""

from __future__ import annotations

import pytest
import sqlalchemy.exc as real_exc
import sqlalchemy.orm.exc as real_orm_exc

import ferroalchemy.exc as exc
import ferroalchemy.orm.exc as orm_exc

NAMES = [
    "SQLAlchemyError",
    "ArgumentError",
    "ObjectNotExecutableError",
    "InvalidRequestError",
    "NoResultFound",
    "MultipleResultsFound",
    "NoSuchColumnError",
    "ResourceClosedError",
    "PendingRollbackError",
    "StatementError",
    "DBAPIError",
    "DatabaseError",
    "IntegrityError",
    "OperationalError",
    "ProgrammingError",
    "InterfaceError",
    "DataError",
    "NotSupportedError",
    "InternalError",
    "CompileError",
    "NoSuchModuleError",
]


def _ancestors(cls: type) -> list[str]:
    """Names of the classes `cls` derives from, stopping at the builtins."""
    return [k.__name__ for k in cls.__mro__ if k.__module__ != "builtins" or k in (KeyError, Exception)]


@pytest.mark.parametrize("name", NAMES)
def test_hierarchy_matches_sqlalchemy(name: str) -> None:
    assert _ancestors(getattr(exc, name)) == _ancestors(getattr(real_exc, name))


@pytest.mark.parametrize("name", [*NAMES, "TimeoutError"])
def test_class_level_error_code_matches_sqlalchemy(name: str) -> None:
    assert getattr(getattr(exc, name), "code", None) == getattr(getattr(real_exc, name), "code", None)


@pytest.mark.parametrize("name", ["DetachedInstanceError", "ObjectDeletedError", "UnmappedInstanceError"])
def test_orm_hierarchy_matches_sqlalchemy(name: str) -> None:
    assert _ancestors(getattr(orm_exc, name)) == _ancestors(getattr(real_orm_exc, name))


def test_orm_exc_reexports_core_errors() -> None:
    assert orm_exc.NoResultFound is exc.NoResultFound
    assert orm_exc.MultipleResultsFound is exc.MultipleResultsFound


@pytest.mark.parametrize("code", [None, "7s2a", "bhk3"])
def test_message_with_a_code_matches_sqlalchemy(code: str | None) -> None:
    kw = {"code": code} if code else {}
    assert str(exc.InvalidRequestError("boom", **kw)) == str(real_exc.InvalidRequestError("boom", **kw))
    assert str(orm_exc.DetachedInstanceError("boom", **kw)) == str(real_orm_exc.DetachedInstanceError("boom", **kw))


def test_object_not_executable_message() -> None:
    assert str(exc.ObjectNotExecutableError("SELECT 1")) == str(real_exc.ObjectNotExecutableError("SELECT 1"))
