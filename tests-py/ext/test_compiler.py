"""sqlalchemy.ext.compiler: @compiles for custom DDL constructs, compiled and executed as SQLAlchemy does."""

from __future__ import annotations

from types import ModuleType
from typing import Any

import pytest
import sqlalchemy as real
from sqlalchemy.ext import compiler as real_compiler

import ferroalchemy as ferro
from ferroalchemy import schema
from ferroalchemy.ext import compiler


def _construct(sa: ModuleType, comp: ModuleType) -> tuple[type, type]:
    """A DDL construct with a default and a PostgreSQL rendering, and an expression construct."""

    class RenameColumn(sa.schema.ExecutableDDLElement):
        def __init__(self, table: str, old: str, new: str) -> None:
            self.table, self.old, self.new = table, old, new

    @comp.compiles(RenameColumn)
    def _default(element: Any, compiler: Any, **kw: Any) -> str:
        q = compiler.preparer.quote
        return f"ALTER TABLE {q(element.table)} RENAME COLUMN {q(element.old)} TO {q(element.new)}"

    @comp.compiles(RenameColumn, "postgresql")
    def _pg(element: Any, compiler: Any, **kw: Any) -> str:
        return _default(element, compiler, **kw) + " /* pg */"

    class Shout(sa.sql.expression.ColumnElement):
        inherit_cache = False

        def __init__(self, text: str) -> None:
            self.text = text

    @comp.compiles(Shout)
    def _shout(element: Any, compiler: Any, **kw: Any) -> str:
        return compiler.process(sa.literal(element.text.upper()), literal_binds=True)

    return RenameColumn, Shout


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql", "mysql"])
def test_custom_ddl_compiles_per_dialect_as_in_sqlalchemy(dialect: str) -> None:
    ours, _ = _construct(ferro, compiler)
    theirs, _ = _construct(real, real_compiler)
    mine = ferro.create_mock_engine(f"{dialect}://", print).dialect
    real_dialect = real.create_mock_engine(f"{dialect}://", print).dialect
    for args in [("users", "name", "full_name"), ("User", "select", "x y")]:
        assert str(ours(*args).compile(dialect=mine)) == str(theirs(*args).compile(dialect=real_dialect))


def test_custom_ddl_executes(engine: ferro.Engine) -> None:
    rename, _ = _construct(ferro, compiler)
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(10))")
        conn.execute(rename("users", "name", "full_name"))
        assert [c["name"] for c in ferro.inspect(conn).get_columns("users")] == ["id", "full_name"]


def test_custom_expression_compiles_alone_but_not_inside_a_statement() -> None:
    _, shout = _construct(ferro, compiler)
    assert str(shout("hi").compile(dialect=ferro.create_mock_engine("sqlite://", print).dialect)) == "'HI'"
    with pytest.raises(NotImplementedError, match="Shout"):
        str(ferro.select(shout("hi")))


def test_overriding_a_builtin_expression_is_refused() -> None:
    with pytest.raises(NotImplementedError, match="BinaryExpression"):
        compiler.compiles(ferro.BinaryExpression)(lambda element, compiler, **kw: "x")


def test_a_builtin_ddl_construct_can_be_overridden_per_dialect() -> None:
    t = ferro.Table("t", ferro.MetaData(), ferro.Column("a", ferro.Integer), ferro.UniqueConstraint("a", name="uq_a"))
    uq = next(c for c in t.constraints if isinstance(c, ferro.UniqueConstraint))
    mysql = ferro.create_mock_engine("mysql://", print).dialect
    sqlite = ferro.create_mock_engine("sqlite://", print).dialect
    assert str(schema.DropConstraint(uq).compile(dialect=mysql)) == "ALTER TABLE t DROP INDEX uq_a"

    class Marker(schema.DropConstraint):
        pass

    compiler.compiles(Marker, "mysql")(lambda element, compiler, **kw: "-- custom")
    try:
        assert str(Marker(uq).compile(dialect=mysql)) == "-- custom"
        assert str(Marker(uq).compile(dialect=sqlite)) == "ALTER TABLE t DROP CONSTRAINT uq_a"
    finally:
        compiler.deregister(Marker)
    assert str(Marker(uq).compile(dialect=mysql)) == "ALTER TABLE t DROP INDEX uq_a"
