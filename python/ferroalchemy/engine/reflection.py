"""``inspect(engine)``: the Inspector, reading schema information through the dialect."""

from __future__ import annotations

import contextlib
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from typing import Any

from .. import exc

_TableKey = tuple[str | None, str]


@dataclass
class _ReflectionInfo:
    """What reflecting some tables found, per kind, keyed by (schema, table name): a tool that has
    read it already (Alembic's autogenerate) hands it to ``Inspector.reflect_table()``."""

    columns: dict[_TableKey, Any] = field(default_factory=dict)
    pk_constraint: dict[_TableKey, Any] = field(default_factory=dict)
    foreign_keys: dict[_TableKey, Any] = field(default_factory=dict)
    indexes: dict[_TableKey, Any] = field(default_factory=dict)
    unique_constraints: dict[_TableKey, Any] = field(default_factory=dict)
    table_comment: dict[_TableKey, Any] = field(default_factory=dict)
    check_constraints: dict[_TableKey, Any] = field(default_factory=dict)
    table_options: dict[_TableKey, Any] = field(default_factory=dict)
    unreflectable: dict[_TableKey, Any] = field(default_factory=dict)


class _InfoSource:
    """The Inspector's get_* methods over a _ReflectionInfo, falling back to the Inspector."""

    def __init__(self, insp: Inspector, info: _ReflectionInfo) -> None:
        self._insp = insp
        self._info = info

    def has_table(self, name: str, schema: str | None = None) -> bool:
        return (schema, name) in self._info.columns or self._insp.has_table(name, schema)

    def __getattr__(self, meth: str) -> Any:
        kind = meth[len("get_") :]
        found = getattr(self._info, kind, None)

        def get(name: str, schema: str | None = None) -> Any:
            if found is not None and (schema, name) in found:
                return found[(schema, name)]
            return getattr(self._insp, meth)(name, schema)

        return get


class Inspector:
    def __init__(self, bind: Any) -> None:
        from .base import Connection, Engine

        if isinstance(bind, Engine):
            self.engine = bind
            self._conn: Connection | None = None
        elif isinstance(bind, Connection):
            self.engine = bind.engine
            self._conn = bind
        else:
            raise exc.NoInspectionAvailable(f"No inspection system is available for object of type {type(bind)}")
        self.bind = bind
        self.dialect = self.engine.dialect
        # Free for callers to cache what they read (SQLAlchemy's Inspector.info_cache).
        self.info_cache: dict[Any, Any] = {}
        if not hasattr(self.dialect, "reflect_columns"):
            raise NotImplementedError(f"ferroalchemy: schema reflection on {self.dialect.name} is not implemented yet")

    def _run(self, fn: str, *args: Any) -> Any:
        if self._conn is not None:
            return getattr(self.dialect, fn)(self._conn, *args)
        with self.engine.connect() as conn:
            return getattr(self.dialect, fn)(conn, *args)

    @contextlib.contextmanager
    def _operation_context(self) -> Iterator[Any]:
        if self._conn is not None:
            yield self._conn
        else:
            with self.engine.connect() as conn:
                yield conn

    @property
    def default_schema_name(self) -> str | None:
        return self.dialect.default_schema_name

    def get_schema_names(self) -> list[str]:
        return self._run("reflect_schema_names")

    def get_table_names(self, schema: str | None = None) -> list[str]:
        return self._run("reflect_table_names", schema, "table")

    def get_view_names(self, schema: str | None = None) -> list[str]:
        return self._run("reflect_table_names", schema, "view")

    def has_table(self, table_name: str, schema: str | None = None) -> bool:
        return self._run("has_table", table_name, schema)

    def _table(self, name: str, schema: str | None) -> None:
        if not self.has_table(name, schema):
            raise exc.NoSuchTableError(name)

    def get_columns(self, table_name: str, schema: str | None = None) -> list[dict[str, Any]]:
        self._table(table_name, schema)
        return self._run("reflect_columns", table_name, schema)

    def get_pk_constraint(self, table_name: str, schema: str | None = None) -> dict[str, Any]:
        self._table(table_name, schema)
        return self._run("reflect_pk_constraint", table_name, schema)

    def get_foreign_keys(self, table_name: str, schema: str | None = None) -> list[dict[str, Any]]:
        self._table(table_name, schema)
        return self._run("reflect_foreign_keys", table_name, schema)

    def get_indexes(self, table_name: str, schema: str | None = None) -> list[dict[str, Any]]:
        self._table(table_name, schema)
        return self._run("reflect_indexes", table_name, schema)

    def get_unique_constraints(self, table_name: str, schema: str | None = None) -> list[dict[str, Any]]:
        self._table(table_name, schema)
        return self._run("reflect_unique_constraints", table_name, schema)

    def get_check_constraints(self, table_name: str, schema: str | None = None) -> list[dict[str, Any]]:
        self._table(table_name, schema)
        return self._run("reflect_check_constraints", table_name, schema)

    def get_table_comment(self, table_name: str, schema: str | None = None) -> dict[str, Any]:
        # SQLAlchemy's SQLite dialect has no table comments either: it raises NotImplementedError.
        if not hasattr(self.dialect, "reflect_table_comment"):
            raise NotImplementedError(f"ferroalchemy: table comments are not stored by {self.dialect.name}")
        self._table(table_name, schema)
        return self._run("reflect_table_comment", table_name, schema)

    def get_table_options(self, table_name: str, schema: str | None = None) -> dict[str, Any]:
        """Dialect-specific table options: MySQL's (``mysql_engine``, ``mysql_default charset``,
        ...); SQLite and PostgreSQL tables have none that SQLAlchemy reflects for ordinary tables."""
        self._table(table_name, schema)
        if not hasattr(self.dialect, "reflect_table_options"):
            return {}
        return self._run("reflect_table_options", table_name, schema)  # type: ignore[no-any-return]

    def _multi(self, kind: str, schema: str | None, filter_names: Collection[str] | None) -> dict[_TableKey, Any]:
        names = list(filter_names) if filter_names is not None else self.get_table_names(schema)
        get = getattr(self, f"get_{kind}")
        return {(schema, name): get(name, schema) for name in names}

    def get_multi_columns(
        self, schema: str | None = None, filter_names: Collection[str] | None = None, **kw: Any
    ) -> dict[_TableKey, Any]:
        return self._multi("columns", schema, filter_names)

    def get_multi_pk_constraint(
        self, schema: str | None = None, filter_names: Collection[str] | None = None, **kw: Any
    ) -> dict[_TableKey, Any]:
        return self._multi("pk_constraint", schema, filter_names)

    def get_multi_foreign_keys(
        self, schema: str | None = None, filter_names: Collection[str] | None = None, **kw: Any
    ) -> dict[_TableKey, Any]:
        return self._multi("foreign_keys", schema, filter_names)

    def get_multi_indexes(
        self, schema: str | None = None, filter_names: Collection[str] | None = None, **kw: Any
    ) -> dict[_TableKey, Any]:
        return self._multi("indexes", schema, filter_names)

    def get_multi_unique_constraints(
        self, schema: str | None = None, filter_names: Collection[str] | None = None, **kw: Any
    ) -> dict[_TableKey, Any]:
        return self._multi("unique_constraints", schema, filter_names)

    def get_multi_check_constraints(
        self, schema: str | None = None, filter_names: Collection[str] | None = None, **kw: Any
    ) -> dict[_TableKey, Any]:
        return self._multi("check_constraints", schema, filter_names)

    def get_multi_table_comment(
        self, schema: str | None = None, filter_names: Collection[str] | None = None, **kw: Any
    ) -> dict[_TableKey, Any]:
        return self._multi("table_comment", schema, filter_names)

    def get_multi_table_options(
        self, schema: str | None = None, filter_names: Collection[str] | None = None, **kw: Any
    ) -> dict[_TableKey, Any]:
        return self._multi("table_options", schema, filter_names)

    def reflect_table(
        self,
        table: Any,
        include_columns: Collection[str] | None = None,
        exclude_columns: Collection[str] = (),
        resolve_fks: bool = True,
        _extend_on: Any = None,
        _reflect_info: _ReflectionInfo | None = None,
    ) -> None:
        """Fills `table` (already constructed, usually empty) with what the database has."""
        from ..sql import reflect

        if exclude_columns:
            raise NotImplementedError(
                "ferroalchemy: Inspector.reflect_table(exclude_columns=...) is not implemented yet"
            )
        source: Any = self if _reflect_info is None else _InfoSource(self, _reflect_info)
        items, referred = reflect.reflected_items(source, table.name, table.schema, (), include_columns, table)
        for item in items:
            table._append(item)
        if referred and resolve_fks:
            reflect.autoload_referred(table.metadata, self.bind, referred)
