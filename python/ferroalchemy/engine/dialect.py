"""Dialect objects: what ``engine.dialect`` shows, and the per-database SQL the engine needs."""

from __future__ import annotations

from typing import Any

from .. import exc
from .driver_sql import colon_names, format_marks
from .mysql_reflection import MySQLReflection
from .pg_reflection import PGReflection
from .sqlite_reflection import SQLiteReflection

# SQLAlchemy dialect arguments that change nothing observable in ferroalchemy's dialect objects.
_INERT_DIALECT_ARGS = frozenset(
    ("label_length", "implicit_returning", "use_insertmanyvalues", "compiler_linting", "server_side_cursors", "dbapi")
)


class Dialect:
    name = "default"
    driver = ""
    paramstyle = "named"
    # The paramstyle each DB-API driver of this database takes, for the SQL `stmt.compile()` shows.
    _driver_paramstyles: dict[str, str] = {}
    # PostgreSQL's drivers get `::TYPE` casts after typed parameters (SQLAlchemy's BindTyping.RENDER_CASTS).
    _bind_casts = False
    supports_statement_cache = True
    default_schema_name: str | None = None
    supports_native_enum = False
    supports_native_boolean = False
    supports_sequences = False
    supports_sane_rowcount = True
    supports_comments = False
    # Comments written inside CREATE TABLE (MySQL) rather than by COMMENT ON statements (PostgreSQL).
    inline_comments = False
    requires_name_normalize = False
    non_native_boolean_check_constraint = False
    is_async = False
    max_identifier_length = 9999
    _user_defined_max_identifier_length: int | None = None
    # Rows per statement of an executemany of INSERT ... RETURNING (create_engine's option).
    insertmanyvalues_page_size = 1000
    _json_serializer: Any = None
    _json_deserializer: Any = None

    def __init__(
        self,
        driver: str = "",
        paramstyle: str | None = None,
        json_serializer: Any = None,
        json_deserializer: Any = None,
        max_identifier_length: int | None = None,
        insertmanyvalues_page_size: int | None = None,
        **kw: Any,
    ) -> None:
        """`driver` is ferroalchemy's; the keywords are those SQLAlchemy's dialects take (what
        ``url.get_dialect()(**kw)`` passes, as Alembic's offline mode does)."""
        unknown = set(kw) - _INERT_DIALECT_ARGS
        if unknown:
            raise TypeError(f"{type(self).__name__}() got unexpected keyword arguments {sorted(unknown)!r}")
        if driver:
            self.driver = driver
        self.paramstyle = paramstyle or self._driver_paramstyles.get(self.driver, type(self).paramstyle)
        if json_serializer is not None:
            self._json_serializer = json_serializer
        if json_deserializer is not None:
            self._json_deserializer = json_deserializer
        if max_identifier_length is not None:
            self._user_defined_max_identifier_length = self.max_identifier_length = max_identifier_length
        if insertmanyvalues_page_size is not None:
            self.insertmanyvalues_page_size = insertmanyvalues_page_size

    @property
    def identifier_preparer(self) -> Any:
        from ..sql.compiler import IdentifierPreparer

        prep = self.__dict__.get("_preparer")
        if prep is None:
            prep = self.__dict__["_preparer"] = IdentifierPreparer(self)
        return prep

    @property
    def type_compiler(self) -> Any:
        from ..sql.compiler import TypeCompiler

        return TypeCompiler(self)

    @property
    def ddl_compiler(self) -> Any:
        from ..sql.compiler import DDLCompiler

        return DDLCompiler

    statement_compiler = ddl_compiler

    @property
    def positional(self) -> bool:
        """True when the driver's paramstyle takes values by position (a tuple), not by name."""
        return self.paramstyle in ("qmark", "format", "numeric", "numeric_dollar")

    def has_table(self, connection: Any, table_name: str, schema: str | None = None) -> bool:
        raise NotImplementedError(f"ferroalchemy: has_table() on {self.name}")

    def _overrides_default(self, method: str) -> bool:
        """Whether this dialect has its own get_multi_* reflection (ferroalchemy's loop per table)."""
        return False

    def type_descriptor(self, typeobj: Any) -> Any:
        """The type this dialect uses for `typeobj` (what a TypeDecorator's load_dialect_impl returns)."""
        from ..sql.sqltypes import to_instance

        return to_instance(typeobj)

    def _driver_sql(self, sql: str) -> tuple[str, list[str] | None]:
        """exec_driver_sql() text in the paramstyle the user's driver takes, as the Rust driver takes
        it, and the parameter names in order when the text names them."""
        return colon_names(sql)

    # Isolation levels SQLAlchemy's driver for this database lists (its error message shows them).
    _isolation_levels: tuple[str, ...] = ()

    def _normalize_isolation_level(self, level: str) -> str:
        normalized = level.replace("_", " ").upper()
        allowed = self._isolation_levels
        if normalized not in allowed:
            raise exc.ArgumentError(
                f"Invalid value {normalized!r} for isolation_level. Valid isolation levels for {self.name!r} are "
                f"{', '.join(allowed)}"
            )
        return normalized

    def _isolation_level_sql(self, level: str) -> str:
        """The statement giving this session `level` (already normalized) for its next transactions."""
        raise NotImplementedError(f"ferroalchemy: isolation levels on {self.name} are not implemented yet")

    def _get_isolation_level_sql(self) -> str:
        raise NotImplementedError(f"ferroalchemy: isolation levels on {self.name} are not implemented yet")

    def _isolation_level_from_row(self, value: Any) -> str:
        return str(value).replace("-", " ").upper()

    def __repr__(self) -> str:
        return f"<{type(self).__module__}.{type(self).__name__} object at {hex(id(self))}>"


class SQLiteDialect(SQLiteReflection, Dialect):
    name = "sqlite"
    driver = "pysqlite"
    paramstyle = "qmark"
    default_schema_name = "main"
    _isolation_levels = ("READ UNCOMMITTED", "SERIALIZABLE", "AUTOCOMMIT")

    def _isolation_level_sql(self, level: str) -> str:
        return f"PRAGMA read_uncommitted = {1 if level == 'READ UNCOMMITTED' else 0}"

    def _get_isolation_level_sql(self) -> str:
        return "PRAGMA read_uncommitted"

    def _isolation_level_from_row(self, value: Any) -> str:
        return "READ UNCOMMITTED" if value else "SERIALIZABLE"

    def has_table(self, connection: Any, table_name: str, schema: str | None = None) -> bool:
        from ..sql.elements import text

        master = (
            "sqlite_temp_master" if schema == "temp" else (f'"{schema}".sqlite_master' if schema else "sqlite_master")
        )
        row = connection.execute(
            text(f"SELECT name FROM {master} WHERE type IN ('table', 'view') AND name = :name"),
            {"name": table_name},
        ).first()
        return row is not None


class PGDialect(PGReflection, Dialect):
    name = "postgresql"
    driver = "psycopg"  # SQLAlchemy 2.1's default PostgreSQL driver
    paramstyle = "pyformat"
    _driver_paramstyles = {"asyncpg": "numeric_dollar", "pg8000": "format"}
    _bind_casts = True
    default_schema_name = "public"
    supports_native_enum = True
    supports_native_boolean = True
    supports_sequences = True
    supports_comments = True
    max_identifier_length = 63
    _isolation_levels = ("AUTOCOMMIT", "READ COMMITTED", "READ UNCOMMITTED", "REPEATABLE READ", "SERIALIZABLE")

    def _isolation_level_sql(self, level: str) -> str:
        return f"SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL {level}"

    def _get_isolation_level_sql(self) -> str:
        return "SHOW TRANSACTION ISOLATION LEVEL"

    def has_type(self, connection: Any, type_name: str, schema: str | None = None) -> bool:
        return _pg_catalog_has(connection, "pg_type", "typ", "pg_catalog.pg_type_is_visible", type_name, schema)

    def _driver_sql(self, sql: str) -> tuple[str, list[str] | None]:
        return format_marks(sql, lambda n: f"${n}")

    def has_table(self, connection: Any, table_name: str, schema: str | None = None) -> bool:
        # Without a schema, a table counts when the search_path finds it, as in SQLAlchemy.
        return _pg_catalog_has(
            connection,
            "pg_class",
            "rel",
            "pg_catalog.pg_table_is_visible",
            table_name,
            schema,
            "'r', 'p', 'f', 'v', 'm'",
        )


class MySQLDialect(MySQLReflection, Dialect):
    name = "mysql"
    driver = "mysqldb"
    paramstyle = "format"
    _driver_paramstyles = {"pymysql": "pyformat", "aiomysql": "pyformat"}
    supports_native_enum = True
    supports_comments = True
    inline_comments = True
    max_identifier_length = 64

    @property
    def is_mariadb(self) -> bool:
        return self.name == "mariadb"

    _isolation_levels = ("SERIALIZABLE", "READ UNCOMMITTED", "READ COMMITTED", "REPEATABLE READ", "AUTOCOMMIT")

    def _isolation_level_sql(self, level: str) -> str:
        return f"SET SESSION TRANSACTION ISOLATION LEVEL {level}"

    def _get_isolation_level_sql(self) -> str:
        # MariaDB before 11.1 (and MySQL before 5.7.20) name it tx_isolation.
        return "SELECT @@tx_isolation"

    def _driver_sql(self, sql: str) -> tuple[str, list[str] | None]:
        return format_marks(sql, lambda n: "?")

    def has_table(self, connection: Any, table_name: str, schema: str | None = None) -> bool:
        from ..sql.elements import text

        row = connection.execute(
            text(
                "SELECT TABLE_NAME FROM information_schema.TABLES "
                "WHERE TABLE_SCHEMA = COALESCE(:schema, DATABASE()) AND TABLE_NAME = :name"
            ),
            {"name": table_name, "schema": schema},
        ).first()
        return row is not None


def _pg_catalog_has(
    connection: Any, catalog: str, prefix: str, visible: str, name: str, schema: str | None, kinds: str = ""
) -> bool:
    """Whether PostgreSQL's catalog `catalog` (pg_class, pg_type) has `name`: in `schema`, or where the
    search_path finds it; `kinds` limits pg_class to those relkinds."""
    from ..sql.elements import text

    alias = prefix[0]
    where = "n.nspname = :schema" if schema else f"{visible}({alias}.oid)"
    if kinds:
        where += f" AND {alias}.relkind IN ({kinds})"
    params = {"name": name, **({"schema": schema} if schema else {})}
    sql = (
        f"SELECT {alias}.{prefix}name FROM pg_catalog.{catalog} {alias} "
        f"JOIN pg_catalog.pg_namespace n ON n.oid = {alias}.{prefix}namespace "
        f"WHERE {alias}.{prefix}name = :name AND {where}"
    )
    return connection.execute(text(sql), params).first() is not None


_DIALECTS = {
    "sqlite": SQLiteDialect,
    "postgresql": PGDialect,
    "postgres": PGDialect,
    "mysql": MySQLDialect,
    "mariadb": MySQLDialect,
}


def dialect_for(url: Any) -> Dialect:
    backend = url.get_backend_name()
    cls = _DIALECTS.get(backend)
    if cls is None:
        raise exc.NoSuchModuleError(f"Can't load plugin: sqlalchemy.dialects:{url.drivername.replace('+', '.')}")
    d = cls(url.get_driver_name())
    if backend == "mariadb":
        d.name = "mariadb"
    return d
