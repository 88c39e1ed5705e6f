"""SQLite schema reflection (SQLAlchemy's results and conventions): PRAGMAs for columns, keys and
indexes, and the stored CREATE TABLE text for constraint names, UNIQUE and CHECK constraints."""

from __future__ import annotations

import re
from typing import Any

from ..sql import sqltypes
from ..sql.elements import text

_TYPES: dict[str, type] = {
    "BIGINT": sqltypes.BIGINT,
    "BLOB": sqltypes.BLOB,
    "BOOL": sqltypes.BOOLEAN,
    "BOOLEAN": sqltypes.BOOLEAN,
    "CHAR": sqltypes.CHAR,
    "DATE": sqltypes.DATE,
    "DATE_CHAR": sqltypes.DATE,
    "DATETIME": sqltypes.DATETIME,
    "DECIMAL": sqltypes.DECIMAL,
    "DOUBLE": sqltypes.DOUBLE,
    "DOUBLE_PRECISION": sqltypes.DOUBLE,
    "FLOAT": sqltypes.FLOAT,
    "INT": sqltypes.INTEGER,
    "INTEGER": sqltypes.INTEGER,
    "JSON": sqltypes.JSON,
    "NUMERIC": sqltypes.NUMERIC,
    "REAL": sqltypes.REAL,
    "SMALLINT": sqltypes.SMALLINT,
    "TEXT": sqltypes.TEXT,
    "TIME": sqltypes.TIME,
    "TIMESTAMP": sqltypes.TIMESTAMP,
    "VARCHAR": sqltypes.VARCHAR,
    "NVARCHAR": sqltypes.NVARCHAR,
    "NCHAR": sqltypes.CHAR,
}


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _type(declared: str) -> sqltypes.TypeEngine:
    m = re.match(r"([\w ]+?)\s*(?:\(([\d\s,]*)\))?\s*$", declared or "")
    if not m:
        return sqltypes.NULLTYPE
    name = m.group(1).upper().replace(" ", "_")
    args = [int(a) for a in (m.group(2) or "").replace(" ", "").split(",") if a]
    cls = _TYPES.get(name)
    if cls is None:
        return sqltypes.NULLTYPE
    if issubclass(cls, sqltypes.String) and args:
        return cls(args[0])
    if issubclass(cls, sqltypes.Numeric) and not issubclass(cls, sqltypes.Float) and args:
        return cls(*args[:2])
    return cls()


class SQLiteReflection:
    """Mixed into the SQLite dialect: the Inspector's operations."""

    def _master(self, schema: str | None) -> str:
        return (
            "sqlite_temp_master" if schema == "temp" else (f"{_q(schema)}.sqlite_master" if schema else "sqlite_master")
        )

    def _prefix(self, schema: str | None) -> str:
        return f"{_q(schema)}." if schema else ""

    def _table_sql(self, conn: Any, table: str, schema: str | None) -> str:
        sql = conn.execute(
            text(f"SELECT sql FROM {self._master(schema)} WHERE name = :n AND type = 'table'"), {"n": table}
        ).scalar()
        return sql or ""

    def reflect_schema_names(self, conn: Any) -> list[str]:
        return [r[1] for r in conn.exec_driver_sql("PRAGMA database_list") if r[1] != "temp"]

    def reflect_table_names(self, conn: Any, schema: str | None, kind: str) -> list[str]:
        rows = conn.execute(
            text(
                f"SELECT name FROM {self._master(schema)} WHERE type = :k AND name NOT LIKE 'sqlite~_%' ESCAPE '~' ORDER BY name"
            ),
            {"k": kind},
        )
        return list(rows.scalars())

    def reflect_columns(self, conn: Any, table: str, schema: str | None) -> list[dict[str, Any]]:
        rows = conn.exec_driver_sql(f"PRAGMA {self._prefix(schema)}table_info({_q(table)})").all()
        return [
            {"name": name, "type": _type(declared), "nullable": not notnull, "default": default, "primary_key": pk}
            for _cid, name, declared, notnull, default, pk in rows
        ]

    def reflect_pk_constraint(self, conn: Any, table: str, schema: str | None) -> dict[str, Any]:
        rows = conn.exec_driver_sql(f"PRAGMA {self._prefix(schema)}table_info({_q(table)})").all()
        cols = [r[1] for r in sorted((r for r in rows if r[5]), key=lambda r: r[5])]
        m = re.search(r'CONSTRAINT\s+"?(\w+)"?\s+PRIMARY\s+KEY', self._table_sql(conn, table, schema), re.I)
        return {"constrained_columns": cols, "name": m.group(1) if m else None}

    def reflect_foreign_keys(self, conn: Any, table: str, schema: str | None) -> list[dict[str, Any]]:
        rows = conn.exec_driver_sql(f"PRAGMA {self._prefix(schema)}foreign_key_list({_q(table)})").all()
        groups: dict[int, dict[str, Any]] = {}
        for fk_id, _seq, ref_table, col, ref_col, on_update, on_delete, _match in rows:
            g = groups.setdefault(
                fk_id,
                {
                    "name": None,
                    "constrained_columns": [],
                    "referred_schema": schema,
                    "referred_table": ref_table,
                    "referred_columns": [],
                    "options": {},
                },
            )
            g["constrained_columns"].append(col)
            g["referred_columns"].append(ref_col)
            if on_delete and on_delete.upper() != "NO ACTION":
                g["options"]["ondelete"] = on_delete
            if on_update and on_update.upper() != "NO ACTION":
                g["options"]["onupdate"] = on_update
        sql = self._table_sql(conn, table, schema)
        named = {
            tuple(c.strip(' "') for c in cols.split(",")): name
            for name, cols in re.findall(r'CONSTRAINT\s+"?(\w+)"?\s+FOREIGN\s+KEY\s*\(([^)]+)\)', sql, re.I)
        }
        out = [groups[k] for k in sorted(groups, reverse=True)]  # SQLite lists the last declared first
        for g in out:
            g["name"] = named.get(tuple(g["constrained_columns"]))
        return out

    def reflect_indexes(self, conn: Any, table: str, schema: str | None) -> list[dict[str, Any]]:
        out = []
        for _seq, name, unique, origin, *_ in conn.exec_driver_sql(
            f"PRAGMA {self._prefix(schema)}index_list({_q(table)})"
        ):
            if origin != "c" or name.startswith("sqlite_"):
                continue  # indexes SQLite made for PRIMARY KEY / UNIQUE constraints
            cols = [r[2] for r in conn.exec_driver_sql(f"PRAGMA {self._prefix(schema)}index_info({_q(name)})")]
            out.append({"name": name, "column_names": cols, "unique": unique, "dialect_options": {}})
        out.sort(key=lambda d: d["name"] or "~")
        return out

    def reflect_unique_constraints(self, conn: Any, table: str, schema: str | None) -> list[dict[str, Any]]:
        sql = self._table_sql(conn, table, schema)
        out = []
        for name, cols in re.findall(r'(?:CONSTRAINT\s+"?(\w+)"?\s+)?UNIQUE\s*\(([^)]+)\)', sql, re.I):
            out.append({"name": name or None, "column_names": [c.strip(' "') for c in cols.split(",")]})
        return out

    def reflect_check_constraints(self, conn: Any, table: str, schema: str | None) -> list[dict[str, Any]]:
        sql = self._table_sql(conn, table, schema)
        out = []
        for m in re.finditer(r'(?:CONSTRAINT\s+"?(\w+)"?\s+)?CHECK\s*\(', sql, re.I):
            depth, i = 1, m.end()
            while i < len(sql) and depth:
                depth += {"(": 1, ")": -1}.get(sql[i], 0)
                i += 1
            out.append({"sqltext": sql[m.end() : i - 1].strip(), "name": m.group(1)})
        return out
