"""``inspect(engine)``: the Inspector, reading schema information through the dialect."""

from __future__ import annotations

from typing import Any

from .. import exc


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
        if not hasattr(self.dialect, "reflect_columns"):
            raise NotImplementedError(f"ferroalchemy: schema reflection on {self.dialect.name} is not implemented yet")

    def _run(self, fn: str, *args: Any) -> Any:
        if self._conn is not None:
            return getattr(self.dialect, fn)(self._conn, *args)
        with self.engine.connect() as conn:
            return getattr(self.dialect, fn)(conn, *args)

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
