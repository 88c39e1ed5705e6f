"""Compiling statements for display: ``str(stmt)`` and ``stmt.compile(dialect=...)``."""

from __future__ import annotations

from typing import Any

from .. import _core


def _dialect_name(dialect: Any) -> str:
    if dialect is None:
        return "default"
    name = getattr(dialect, "name", dialect)
    return "default" if name not in ("sqlite", "postgresql", "mysql", "mariadb") else str(name)


def compile_element(element: Any, dialect: Any, compile_kwargs: dict[str, Any]) -> Any:
    from .elements import ColumnElement, Compiled

    # A dialect's own construct (postgresql.insert()) prints with that dialect, as in SQLAlchemy.
    name = _dialect_name(dialect) if dialect is not None else getattr(element, "_stringify_dialect", "default")
    literal_binds = bool(compile_kwargs.get("literal_binds"))
    if isinstance(element, ColumnElement):
        sql, names, values = _core.compile_expression(element._expr(), name, literal_binds)
        return Compiled(sql, names, values, dialect)
    stmt = element._stmt()
    keys = list(getattr(element, "_compile_keys", lambda: [])())
    sql, names, values = _core.compile(stmt, name, literal_binds, keys)
    return Compiled(sql, names, values, dialect)
