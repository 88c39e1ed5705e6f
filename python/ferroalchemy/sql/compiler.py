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
    if dialect is None and getattr(element, "_stringify_dialect", None):
        from ..engine.dialect import _DIALECTS

        dialect = _DIALECTS[element._stringify_dialect]()
    name = _dialect_name(dialect)
    literal_binds = bool(compile_kwargs.get("literal_binds"))
    # SQLAlchemy shows the SQL its driver would get: that driver's paramstyle, PostgreSQL's casts.
    style = getattr(dialect, "paramstyle", None) if name != "default" else None
    casts = bool(getattr(dialect, "_bind_casts", False))
    if isinstance(element, ColumnElement):
        sql, names, values = _core.compile_expression(element._expr(), name, literal_binds, style, casts)
        return Compiled(sql, names, values, dialect)
    if hasattr(element, "_display_form"):
        element = element._display_form(name)
    stmt = element._stmt()
    keys = list(getattr(element, "_compile_keys", lambda: [])())
    sql, names, values = _core.compile(stmt, name, literal_binds, keys, style, casts)
    return Compiled(sql, names, values, dialect)
