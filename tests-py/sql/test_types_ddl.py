"""Each type's DDL, str() and repr() as SQLAlchemy prints them per dialect, and what create_all/drop_all
do on the database (PostgreSQL's named ENUM types are created before their table and dropped after)."""

from __future__ import annotations

import enum
from collections.abc import Callable
from types import ModuleType
from typing import Any

import pytest

from .backends import BACKENDS, dialect_of, ferro, make_engine, real


class Mood(enum.Enum):
    happy = 1
    so_so = "x"


def _pg(sa: ModuleType) -> Any:
    return __import__(f"{sa.__name__}.dialects.postgresql", fromlist=["JSONB"])


TYPES: dict[str, Callable[[ModuleType], Any]] = {
    "json": lambda sa: sa.JSON(),
    "json_none_as_null": lambda sa: sa.JSON(none_as_null=True),
    "jsonb": lambda sa: _pg(sa).JSONB(),
    "pg_json": lambda sa: _pg(sa).JSON(),
    "uuid_upper": lambda sa: sa.UUID(),
    "uuid": lambda sa: sa.Uuid(),
    "uuid_as_string": lambda sa: sa.Uuid(as_uuid=False),
    "array_int": lambda sa: sa.ARRAY(sa.Integer),
    "array_varchar": lambda sa: _pg(sa).ARRAY(sa.String(5)),
    "array_2d": lambda sa: sa.ARRAY(sa.Integer, dimensions=2),
    "enum_class": lambda sa: sa.Enum(Mood),
    "enum_strings": lambda sa: sa.Enum("a", "b", name="ab"),
    "enum_not_native": lambda sa: sa.Enum(Mood, native_enum=False),
    "enum_length": lambda sa: sa.Enum(Mood, native_enum=False, length=20),
    "enum_values_callable": lambda sa: sa.Enum(Mood, values_callable=lambda e: [str(m.value) for m in e]),
    "enum_quoted_name": lambda sa: sa.Enum("a", name="My Mood"),
    "interval": lambda sa: sa.Interval(),
    "pickle": lambda sa: sa.PickleType(),
    "char": lambda sa: sa.CHAR(3),
    "char_bare": lambda sa: sa.CHAR(),
    "nchar": lambda sa: sa.NCHAR(4),
    "nvarchar": lambda sa: sa.NVARCHAR(10),
    "real": lambda sa: sa.REAL(),
    "double": lambda sa: sa.DOUBLE(),
    "double_precision": lambda sa: sa.DOUBLE_PRECISION(),
    "float_precision": lambda sa: sa.Float(10),
    "decimal": lambda sa: sa.DECIMAL(10, 2),
    "timestamp": lambda sa: sa.TIMESTAMP(),
    "timestamp_tz": lambda sa: sa.TIMESTAMP(timezone=True),
    "datetime_upper": lambda sa: sa.DATETIME(),
    "time_tz": lambda sa: sa.Time(timezone=True),
    "clob": lambda sa: sa.CLOB(),
    "blob": lambda sa: sa.BLOB(),
    "binary": lambda sa: sa.BINARY(4),
    "varbinary": lambda sa: sa.VARBINARY(4),
    "text_length": lambda sa: sa.Text(100),
    "collated": lambda sa: sa.String(10, collation="C"),
    "variant": lambda sa: sa.String(10).with_variant(sa.Text(), "postgresql"),
    "numeric_float": lambda sa: sa.Numeric(10, 2, asdecimal=False),
}


def _ddl(sa: ModuleType, t: Any, backend: str) -> str:
    try:
        return str(t.compile(dialect=dialect_of(sa, backend)))
    except sa.exc.CompileError as err:
        return f"raises {type(err).__name__}"


@pytest.mark.parametrize("name", sorted(TYPES))
def test_type_str_repr_and_ddl_per_dialect(name: str) -> None:
    def show(sa: ModuleType) -> list[str]:
        t = TYPES[name](sa)
        return [repr(t), str(t)] + [_ddl(sa, t, b) for b in BACKENDS]

    assert show(ferro) == show(real)


@pytest.mark.parametrize("backend", BACKENDS)
def test_create_table_ddl_matches(backend: str) -> None:
    def ddl(sa: ModuleType) -> str:
        metadata = sa.MetaData()
        cols = [sa.Column("id", sa.Integer, primary_key=True)]
        for name in ("json", "uuid", "enum_class", "interval", "pickle", "char", "real", "timestamp", "nvarchar"):
            cols.append(sa.Column(name, TYPES[name](sa)))
        if backend == "postgresql":
            cols += [sa.Column(n, TYPES[n](sa)) for n in ("jsonb", "array_int", "array_2d", "enum_quoted_name")]
        t = sa.Table("typed", metadata, *cols)
        create_table = __import__(f"{sa.__name__}.schema", fromlist=["CreateTable"]).CreateTable
        return str(create_table(t).compile(dialect=dialect_of(sa, backend)))

    assert ddl(ferro) == ddl(real)


def _pg_types(conn: Any, sa: ModuleType) -> list[str]:
    return sorted(
        r[0]
        for r in conn.execute(
            sa.text(
                "SELECT t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace "
                "WHERE t.typtype = 'e' AND n.nspname = 'public' AND t.typname LIKE 'ferro_ddl%'"
            )
        )
    )


@pytest.mark.parametrize("backend", BACKENDS)
def test_create_all_and_drop_all_effects(backend: str) -> None:
    def run(sa: ModuleType) -> list[Any]:
        engine = make_engine(sa, backend)
        metadata = sa.MetaData()
        table = sa.Table(
            "ferro_ddl_enum",
            metadata,
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("mood", sa.Enum(Mood, name="ferro_ddl_mood")),
            sa.Column("other", sa.Enum("p", "q", name="ferro_ddl_pq", native_enum=False)),
        )
        seen: list[Any] = []
        try:
            metadata.drop_all(engine)
            metadata.create_all(engine)
            metadata.create_all(engine)  # checkfirst: nothing twice
            with engine.connect() as conn:
                seen.append(list(conn.execute(sa.select(table)).keys()))
                if backend == "postgresql":
                    seen.append(_pg_types(conn, sa))
            metadata.tables["ferro_ddl_enum"].drop(engine)
            with engine.connect() as conn:
                if backend == "postgresql":
                    seen.append(_pg_types(conn, sa))  # Table.drop() keeps the type
            metadata.drop_all(engine)
            with engine.connect() as conn:
                if backend == "postgresql":
                    seen.append(_pg_types(conn, sa))
            with engine.connect() as conn:
                seen.append(engine.dialect.has_table(conn, "ferro_ddl_enum"))
        finally:
            metadata.drop_all(engine)
            engine.dispose()
        return seen

    assert run(ferro) == run(real)
