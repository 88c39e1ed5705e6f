"""``create_mock_engine()``: a connection-like object that hands each DDL element to a callable
instead of running it (for printing the DDL ``create_all()`` would emit, and Alembic's offline mode)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .dialect import Dialect, dialect_for
from .url import URL, make_url


class MockConnection:
    def __init__(self, dialect: Dialect, execute: Callable[..., Any]) -> None:
        self._dialect = dialect
        self._execute_impl = execute

    @property
    def engine(self) -> MockConnection:
        return self

    @property
    def dialect(self) -> Dialect:
        return self._dialect

    @property
    def name(self) -> str:
        return self._dialect.name

    def connect(self, **kwargs: Any) -> MockConnection:
        return self

    def schema_for_object(self, obj: Any) -> str | None:
        return getattr(obj, "schema", None)

    def execution_options(self, **kw: Any) -> MockConnection:
        return self

    def execute(self, obj: Any, parameters: Any = None, execution_options: Any = None) -> Any:
        return self._execute_impl(obj, parameters)


def create_mock_engine(url: str | URL, executor: Any, **kw: Any) -> MockConnection:
    """A "mock" engine for `url`'s dialect: ``metadata.create_all(engine, checkfirst=False)`` calls
    ``executor(element, parameters)`` with each DDL element, which ``element.compile(dialect=engine.dialect)``
    prints in that dialect's SQL. Nothing is connected to."""
    u = make_url(url)
    dialect = dialect_for(u)
    # The keywords the dialect takes configure it; others are left for the caller, as in SQLAlchemy.
    for k in ("paramstyle", "json_serializer", "json_deserializer", "max_identifier_length"):
        if k in kw:
            value = kw.pop(k)
            if k == "paramstyle":
                dialect.paramstyle = value
            elif k == "max_identifier_length":
                dialect._user_defined_max_identifier_length = dialect.max_identifier_length = value
            else:
                setattr(dialect, f"_{k}", value)
    return MockConnection(dialect, executor)
