"""DDL statements written in Python (``ALTER TABLE ... ADD/DROP CONSTRAINT``, ``COMMENT ON``) rather than by the Rust
DDL compiler; ``CreateTable``/``DropTable``/``CreateIndex``/``DropIndex`` live in ``sql.schema``."""

from __future__ import annotations

from typing import Any

from .. import exc
from .schema import (
    CheckConstraint,
    Constraint,
    ExecutableDDLElement,
    ForeignKeyConstraint,
    PrimaryKeyConstraint,
    UniqueConstraint,
)

__all__ = [
    "AddConstraint",
    "DropColumnComment",
    "DropConstraint",
    "DropTableComment",
    "SetColumnComment",
    "SetTableComment",
]


def _constraint_body(constraint: Any, compiler: Any) -> str:
    prep = compiler.preparer
    cols = ", ".join(prep.quote(c.name) for c in constraint.columns)
    if isinstance(constraint, PrimaryKeyConstraint):
        return f"PRIMARY KEY ({cols})"
    if isinstance(constraint, UniqueConstraint):
        return f"UNIQUE ({cols})"
    if isinstance(constraint, CheckConstraint):
        return f"CHECK ({constraint._sql()})"
    if isinstance(constraint, ForeignKeyConstraint):
        targets = [fk.column for fk in constraint.elements]
        ref = prep.format_table(targets[0].table)
        sql = f"FOREIGN KEY({cols}) REFERENCES {ref} ({', '.join(prep.quote(c.name) for c in targets)})"
        if constraint.ondelete is not None:
            sql += f" ON DELETE {constraint.ondelete}"
        if constraint.onupdate is not None:
            sql += f" ON UPDATE {constraint.onupdate}"
        return sql
    raise exc.CompileError(f"ferroalchemy cannot write DDL for {type(constraint).__name__}")


def _table_of(constraint: Any) -> Any:
    table = getattr(constraint, "table", None) or getattr(constraint, "parent", None)
    if table is None:
        raise exc.CompileError(f"Constraint {constraint.name!r} is not associated with any table.")
    return table


class AddConstraint(ExecutableDDLElement):
    """``ALTER TABLE t ADD [CONSTRAINT name] <constraint>``."""

    def __init__(self, element: Constraint, **kw: Any) -> None:
        self.element = element

    def _python_sql(self, compiler: Any) -> str:
        prep = compiler.preparer
        name = prep.format_constraint(self.element)
        head = f"ALTER TABLE {prep.format_table(_table_of(self.element))} ADD "
        if name is not None:
            head += f"CONSTRAINT {name} "
        return head + _constraint_body(self.element, compiler)


class DropConstraint(ExecutableDDLElement):
    """``ALTER TABLE t DROP CONSTRAINT name`` (MySQL: ``DROP FOREIGN KEY / INDEX / CHECK / PRIMARY KEY``)."""

    def __init__(self, element: Constraint, cascade: bool = False, if_exists: bool = False, **kw: Any) -> None:
        self.element = element
        self.cascade = cascade
        self.if_exists = if_exists

    def _python_sql(self, compiler: Any) -> str:
        prep = compiler.preparer
        table = prep.format_table(_table_of(self.element))
        name = prep.format_constraint(self.element)
        if compiler.dialect.name in ("mysql", "mariadb"):
            if isinstance(self.element, PrimaryKeyConstraint):
                return f"ALTER TABLE {table} DROP PRIMARY KEY "
            kind = {ForeignKeyConstraint: "FOREIGN KEY", UniqueConstraint: "INDEX", CheckConstraint: "CHECK"}.get(
                type(self.element), "CONSTRAINT"
            )
            return f"ALTER TABLE {table} DROP {kind} {name}"
        if name is None:
            raise exc.CompileError(f"Can't emit DROP CONSTRAINT for constraint {self.element!r}; it has no name")
        exists = "IF EXISTS " if self.if_exists else ""
        return f"ALTER TABLE {table} DROP CONSTRAINT {exists}{name}{' CASCADE' if self.cascade else ''}"


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


class SetTableComment(ExecutableDDLElement):
    """``COMMENT ON TABLE t IS '...'``."""

    def __init__(self, element: Any, **kw: Any) -> None:
        self.element = element

    def _python_sql(self, compiler: Any) -> str:
        return f"COMMENT ON TABLE {compiler.preparer.format_table(self.element)} IS {_literal(self.element.comment)}"


class DropTableComment(ExecutableDDLElement):
    def __init__(self, element: Any, **kw: Any) -> None:
        self.element = element

    def _python_sql(self, compiler: Any) -> str:
        return f"COMMENT ON TABLE {compiler.preparer.format_table(self.element)} IS NULL"


class SetColumnComment(ExecutableDDLElement):
    """``COMMENT ON COLUMN t.c IS '...'``."""

    def __init__(self, element: Any, **kw: Any) -> None:
        self.element = element

    def _python_sql(self, compiler: Any) -> str:
        col = compiler.preparer.format_column(self.element, use_table=True)
        if self.element.table is not None and self.element.table.schema:
            col = compiler.preparer.quote_schema(self.element.table.schema) + "." + col
        return f"COMMENT ON COLUMN {col} IS {_literal(self.element.comment)}"


class DropColumnComment(SetColumnComment):
    def _python_sql(self, compiler: Any) -> str:
        return super()._python_sql(compiler).rsplit(" IS ", 1)[0] + " IS NULL"
