"""Compiling statements for display: ``str(stmt)`` and ``stmt.compile(dialect=...)``; the identifier
preparer and type compiler a dialect exposes; the compiler object ``@compiles`` functions receive."""

from __future__ import annotations

from typing import Any

from .. import _core


def _dialect_name(dialect: Any) -> str:
    if dialect is None:
        return "default"
    name = getattr(dialect, "name", dialect)
    return "default" if name not in ("sqlite", "postgresql", "mysql", "mariadb") else str(name)


def _default_dialect() -> Any:
    from ..engine.dialect import Dialect

    return Dialect()


def compile_element(element: Any, dialect: Any, compile_kwargs: dict[str, Any]) -> Any:
    from .elements import ColumnElement, Compiled

    if _custom:
        fn = custom_compiler_for(type(element), _dialect_name(dialect))
        if fn is not None:
            d = dialect if dialect is not None else _default_dialect()
            return Compiled(fn(element, DDLCompiler(d), **compile_kwargs), [], [], d)
    if hasattr(element, "_python_sql"):
        d = dialect if dialect is not None else _default_dialect()
        return Compiled(element._python_sql(DDLCompiler(d)), [], [], d)
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


# `@compiles` registrations: class -> {dialect name or "default": function}.
_custom: dict[type, dict[str, Any]] = {}


def custom_compiler_for(cls: type, dialect_name: str) -> Any:
    names = (dialect_name, "mysql") if dialect_name == "mariadb" else (dialect_name,)
    for klass in cls.__mro__:
        by_dialect = _custom.get(klass)
        if by_dialect is not None:
            for n in names:
                if n in by_dialect:
                    return by_dialect[n]
            if "default" in by_dialect:
                return by_dialect["default"]
    return None


class IdentifierPreparer:
    """Quotes names as the dialect's compiler does (``dialect.identifier_preparer``)."""

    def __init__(self, dialect: Any) -> None:
        self.dialect = dialect
        self._name = _dialect_name(dialect)
        self.initial_quote = self.final_quote = "`" if self._name in ("mysql", "mariadb") else '"'

    def quote_identifier(self, value: str) -> str:
        q = self.initial_quote
        return q + value.replace(q, q + q) + q

    def quote(self, ident: str | None, force: Any = None) -> Any:
        if ident is None:
            return None
        forced = getattr(ident, "quote", None)
        if forced is True:
            return self.quote_identifier(ident)
        if forced is False:
            return str(ident)
        return _core.quote_identifier(str(ident), self._name)

    def quote_schema(self, schema: str, force: Any = None) -> str:
        return str(self.quote(schema))

    def format_table(self, table: Any, use_schema: bool = True, name: str | None = None) -> str:
        out = self.quote(name if name is not None else table.name)
        if use_schema and getattr(table, "schema", None):
            out = self.quote_schema(table.schema) + "." + out
        return str(out)

    def format_column(self, column: Any, use_table: bool = False, name: str | None = None, **kw: Any) -> str:
        out = str(self.quote(name if name is not None else column.name))
        if use_table and getattr(column, "table", None) is not None:
            out = self.format_table(column.table, use_schema=False) + "." + out
        return out

    def format_constraint(self, constraint: Any, _alembic_quote: bool = True) -> Any:
        from .base import _NoneName
        from .naming import _constraint_name_for_table

        name = constraint.name
        if isinstance(name, _NoneName) or (name is not None and getattr(constraint, "table", None) is not None):
            table = constraint.table
            if table is not None and table.metadata.naming_convention:
                name = _constraint_name_for_table(constraint, table)
        if name is None:
            return None
        return self.quote(name) if _alembic_quote else name

    format_index = format_constraint


class TypeCompiler:
    """``dialect.type_compiler.process(type_)``: a type's DDL name on the dialect."""

    def __init__(self, dialect: Any) -> None:
        self.dialect = dialect

    def process(self, type_: Any, **kw: Any) -> str:
        return str(type_.compile(dialect=self.dialect))


class DDLCompiler:
    """The compiler a ``@compiles`` function receives: ``process()`` for nested elements, ``preparer``,
    ``dialect`` and its ``type_compiler``."""

    def __init__(self, dialect: Any, statement: Any = None, **kw: Any) -> None:
        self.dialect = dialect
        self.statement = statement
        self.preparer = dialect.identifier_preparer
        self.type_compiler = dialect.type_compiler

    @property
    def sql_compiler(self) -> DDLCompiler:
        return self

    def process(self, element: Any, **kw: Any) -> str:
        from .elements import TextClause
        from .schema import Column

        if isinstance(element, str):
            return element
        if isinstance(element, TextClause) and not element._bound:
            return element.text
        if isinstance(element, Column) and custom_compiler_for(Column, _dialect_name(self.dialect)) is None:
            return self.preparer.format_column(element)
        kw.setdefault("literal_binds", True)
        return str(compile_element(element, self.dialect, kw))

    def get_column_specification(self, column: Any, **kw: Any) -> str:
        """``name TYPE [DEFAULT ...] [NOT NULL]`` as CREATE TABLE writes a column."""
        parts = [self.preparer.format_column(column), self.type_compiler.process(column.type)]
        default = self.get_column_default_string(column)
        if default is not None:
            parts.append("DEFAULT " + default)
        if not column.nullable:
            parts.append("NOT NULL")
        return " ".join(parts)

    def get_column_default_string(self, column: Any) -> str | None:
        from .schema import DefaultClause

        sd = column.server_default
        if not isinstance(sd, DefaultClause):
            return None
        return render_server_default(sd.arg, self.dialect)

    def render_literal_value(self, value: Any, type_: Any) -> str:
        from .elements import literal

        return str(compile_element(literal(value, type_), self.dialect, {"literal_binds": True}))


SQLCompiler = DDLCompiler


def render_server_default(arg: Any, dialect: Any) -> str:
    """A server default's SQL: a string as a quoted literal, ``text()`` as written, an expression compiled."""
    from .elements import ColumnElement, TextClause

    if isinstance(arg, str):
        return "'" + arg.replace("'", "''") + "'"
    if isinstance(arg, TextClause):
        return arg.text
    if isinstance(arg, ColumnElement):
        return str(compile_element(arg, dialect, {"literal_binds": True}))
    return str(arg)
