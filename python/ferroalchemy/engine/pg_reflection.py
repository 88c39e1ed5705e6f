"""PostgreSQL schema reflection from pg_catalog, returning what SQLAlchemy 2.1's PostgreSQL dialect
returns (same queries, same post-processing). Arrays, int2vectors and "char" values are turned
into JSON or text in SQL, since the Rust driver does not decode those types."""

from __future__ import annotations

import json
import re
import warnings
from typing import Any

from .. import exc
from ..sql import sqltypes
from ..sql.elements import text

# format_type() names -> ferroalchemy types. PostgreSQL-only types that ferroalchemy lacks map to
# their nearest generic class (SQLAlchemy's DOUBLE_PRECISION, BYTEA and JSONB subclass these).
_TYPES: dict[str, type] = {
    "integer": sqltypes.INTEGER,
    "bigint": sqltypes.BIGINT,
    "smallint": sqltypes.SMALLINT,
    "character varying": sqltypes.VARCHAR,
    "character": sqltypes.CHAR,
    '"char"': sqltypes.String,
    "name": sqltypes.String,
    "text": sqltypes.TEXT,
    "numeric": sqltypes.NUMERIC,
    "real": sqltypes.REAL,
    "double precision": sqltypes.DOUBLE,
    "uuid": sqltypes.UUID,
    "timestamp": sqltypes.TIMESTAMP,
    "timestamp with time zone": sqltypes.TIMESTAMP,
    "timestamp without time zone": sqltypes.TIMESTAMP,
    "time with time zone": sqltypes.TIME,
    "time without time zone": sqltypes.TIME,
    "time": sqltypes.TIME,
    "date": sqltypes.DATE,
    "bytea": sqltypes.LargeBinary,
    "boolean": sqltypes.BOOLEAN,
    "json": sqltypes.JSON,
    "jsonb": sqltypes.JSON,
    "interval": sqltypes.Interval,
}

_ARGS = re.compile(r"\((.*)\)")
_ARGS_DELIM = re.compile(r"\s*,\s*")
_ARRAY_SPEC = re.compile(r"((?:\[\])*)$")

# Which relkinds each name listing covers (SQLAlchemy's RELKINDS_TABLE_NO_FOREIGN / RELKINDS_VIEW).
_LIST_RELKINDS = {"table": "('r', 'p')", "view": "('v')", "materialized_view": "('m')"}

# SQLAlchemy's regex over pg_get_constraintdef() for foreign keys.
_QTOKEN = r'(?:"(?:[^"]|"")+"|[\w]+?)'
_FK = re.compile(
    rf"FOREIGN KEY \((.*?)(?:, PERIOD ({_QTOKEN}))?\) "
    rf"REFERENCES (?:({_QTOKEN})\.)?({_QTOKEN})"
    rf"\(((?:{_QTOKEN}(?: *, *)?)+)(?:, PERIOD ({_QTOKEN}))?\)"
    r"[\s]?(MATCH (FULL|PARTIAL|SIMPLE)+)?"
    r"[\s]?(?:ON (UPDATE|DELETE) "
    r"(CASCADE|RESTRICT|NO ACTION|"
    r"SET (?:NULL|DEFAULT)(?:\s\(.+\))?)+)?"
    r"[\s]?(?:ON (UPDATE|DELETE) "
    r"(CASCADE|RESTRICT|NO ACTION|"
    r"SET (?:NULL|DEFAULT)(?:\s\(.+\))?)+)?"
    r"[\s]?(DEFERRABLE|NOT DEFERRABLE)?"
    r"[\s]?(INITIALLY (DEFERRED|IMMEDIATE)+)?"
)


def _unquote(name: str) -> str:
    return name[1:-1].replace('""', '"') if name.startswith('"') else name


def _quoted_tokens(value: str) -> tuple[str, ...]:
    """'"My Schema".t' -> ('My Schema', 't'), as SQLAlchemy's quoted_token_parser."""
    tokens: list[str] = []
    cur: list[str] = []
    in_q = False
    i = 0
    while i < len(value):
        ch = value[i]
        if ch == '"':
            if in_q and value[i + 1 : i + 2] == '"':
                cur.append('"')
                i += 1
            else:
                in_q = not in_q
        elif ch == "." and not in_q:
            tokens.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
        i += 1
    tokens.append("".join(cur))
    return tuple(tokens)


def _strip_outer_parens(sql: str) -> str:
    """One layer of parentheses wrapping the whole text goes, skipping quoted literals."""
    s = sql.strip()
    if len(s) < 2 or s[0] != "(" or s[-1] != ")":
        return sql
    depth, quote, i = 0, "", 0
    while i < len(s):
        ch = s[i]
        if quote:
            if ch == quote:
                if s[i + 1 : i + 2] == quote:
                    i += 1
                else:
                    quote = ""
        elif ch in "'\"":
            quote = ch
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                return s[1:-1] if i == len(s) - 1 else sql
        i += 1
    return sql


def _warn(msg: str) -> None:
    warnings.warn(msg, exc.SAWarning, stacklevel=3)


class PGReflection:
    """Mixed into the PostgreSQL dialect: the Inspector's operations."""

    _server_version_num: int | None = None

    def _version(self, conn: Any) -> int:
        # Columns such as indnkeyatts (11) and indnullsnotdistinct (15) depend on the server.
        if self._server_version_num is None:
            self._server_version_num = int(conn.execute(text("SHOW server_version_num")).scalar())
        return self._server_version_num

    @staticmethod
    def _scope(schema: str | None) -> str:
        # Without a schema: what the search_path sees, minus pg_catalog (as SQLAlchemy).
        if schema is None:
            return "pg_catalog.pg_table_is_visible(c.oid) AND n.nspname != 'pg_catalog'"
        return "n.nspname = :schema"

    def _oid(self, conn: Any, table: str, schema: str | None) -> int:
        oid = conn.execute(
            text(
                "SELECT c.oid FROM pg_catalog.pg_class c "
                "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                "WHERE c.relname = :table AND c.relkind IN ('r', 'p', 'f', 'v', 'm') "
                f"AND {self._scope(schema)}"
            ),
            {"table": table, **({"schema": schema} if schema is not None else {})},
        ).scalar()
        if oid is None:
            raise exc.NoSuchTableError(f"{schema}.{table}" if schema else table)
        return oid

    def reflect_schema_names(self, conn: Any) -> list[str]:
        rows = conn.execute(
            text(
                "SELECT nspname FROM pg_catalog.pg_namespace WHERE nspname NOT LIKE 'pg~_%' ESCAPE '~' ORDER BY nspname"
            )
        )
        return list(rows.scalars())

    def reflect_table_names(self, conn: Any, schema: str | None, kind: str) -> list[str]:
        # No ORDER BY: SQLAlchemy returns pg_class order too.
        rows = conn.execute(
            text(
                "SELECT c.relname FROM pg_catalog.pg_class c "
                "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                f"WHERE c.relkind IN {_LIST_RELKINDS[kind]} AND c.relpersistence != 't' AND {self._scope(schema)}"
            ),
            {"schema": schema} if schema is not None else {},
        )
        return list(rows.scalars())

    # -- columns -------------------------------------------------------------------------------

    def _enums(self, conn: Any) -> dict[tuple[str, ...], dict[str, Any]]:
        rows = conn.execute(
            text(
                "SELECT t.typname, pg_catalog.pg_type_is_visible(t.oid), n.nspname, "
                "(SELECT json_agg(e.enumlabel::text ORDER BY e.enumsortorder)::text "
                " FROM pg_catalog.pg_enum e WHERE e.enumtypid = t.oid) "
                "FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace "
                "WHERE t.typtype = 'e' ORDER BY n.nspname, t.typname"
            )
        )
        return {
            ((name,) if visible else (schema, name)): {
                "name": name,
                "schema": schema,
                "visible": visible,
                "labels": json.loads(labels) if labels else [],
            }
            for name, visible, schema, labels in rows
        }

    def _reflect_type(
        self, conn: Any, format_type: str | None, column: str, collation: str | None, enums: dict[str, Any]
    ) -> sqltypes.TypeEngine:
        if format_type is None:
            _warn(f"PostgreSQL format_type() returned NULL for column '{column}'")
            return sqltypes.NULLTYPE
        m = _ARGS.search(format_type)
        args: list[str] = _ARGS_DELIM.split(m.group(1)) if m and m.group(1) else []
        array_dim = len(_ARRAY_SPEC.search(format_type).group(1) or "") // 2
        attype = _ARRAY_SPEC.sub("", _ARGS.sub("", format_type))
        cls = _TYPES.get(attype.lower())
        pos: tuple[Any, ...] = ()
        kw: dict[str, Any] = {}
        if attype == "numeric":
            if len(args) == 2:
                pos = (int(args[0]), int(args[1]))
        elif attype == "double precision":
            pos = (53,)
        elif attype in ("timestamp with time zone", "time with time zone"):
            kw["timezone"] = True  # ferroalchemy's TIMESTAMP/TIME take no precision yet
        elif attype in ("timestamp without time zone", "time without time zone", "time"):
            kw["timezone"] = False
        elif attype == "interval" or attype.startswith("interval "):
            cls = sqltypes.Interval
        elif cls is None:
            if "enums" not in enums:
                enums["enums"] = self._enums(conn)
            enum = enums["enums"].get(_quoted_tokens(attype))
            if enum is not None:
                cls = sqltypes.Enum
                pos = tuple(enum["labels"])
                kw["name"] = enum["name"]
        elif cls is not sqltypes.INTEGER and args:
            try:
                pos = (int(args[0]),)
            except ValueError:
                pos = ()
        if cls is None:
            _warn(f"Did not recognize type '{attype}' of column '{column}'")
            return sqltypes.NULLTYPE
        if collation is not None and issubclass(cls, sqltypes.String):
            kw["collation"] = collation
        coltype = cls(*pos, **kw)
        # PostgreSQL keeps neither the dimensions nor the sizes of arrays.
        return sqltypes.ARRAY(coltype) if array_dim else coltype

    def reflect_columns(self, conn: Any, table: str, schema: str | None) -> list[dict[str, Any]]:
        oid = self._oid(conn, table, schema)
        v = self._version(conn)
        generated = "a.attgenerated::text" if v >= 120000 else "NULL"
        identity = (
            "CASE WHEN a.attidentity != '' THEN (SELECT json_build_object("
            "'always', a.attidentity = 'a', 'start', s.seqstart, 'increment', s.seqincrement, "
            "'minvalue', s.seqmin, 'maxvalue', s.seqmax, 'cache', s.seqcache, 'cycle', s.seqcycle)::text "
            "FROM pg_catalog.pg_sequence s WHERE s.seqrelid = "
            "pg_catalog.pg_get_serial_sequence(a.attrelid::regclass::text, a.attname)::regclass::oid) END"
            if v >= 100000
            else "NULL"
        )
        rows = conn.execute(
            text(
                "SELECT a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod), "
                "CASE WHEN a.atthasdef THEN (SELECT pg_catalog.pg_get_expr(d.adbin, d.adrelid) "
                " FROM pg_catalog.pg_attrdef d WHERE d.adrelid = a.attrelid AND d.adnum = a.attnum) END, "
                "a.attnotnull, des.description, "
                f"{generated}, {identity}, "
                # the collation only when it differs from the type's default one
                "CASE WHEN a.attcollation != 0 AND a.attcollation != "
                " (SELECT t.typcollation FROM pg_catalog.pg_type t WHERE t.oid = a.atttypid) "
                " THEN (SELECT co.collname::text FROM pg_catalog.pg_collation co WHERE co.oid = a.attcollation) END "
                "FROM pg_catalog.pg_attribute a "
                "LEFT JOIN pg_catalog.pg_description des "
                " ON des.objoid = a.attrelid AND des.objsubid = a.attnum "
                "WHERE a.attrelid = :oid AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum"
            ),
            {"oid": oid},
        ).all()
        enums: dict[str, Any] = {}
        out = []
        for name, format_type, default, not_null, comment, gen, ident, collation in rows:
            coltype = self._reflect_type(conn, format_type, name, collation, enums)
            computed = None
            if gen not in (None, ""):
                # a generated column's "default" is its expression; s = stored, v = virtual
                computed = {"sqltext": default, "persisted": gen == "s"}
                default = None
            autoincrement = False
            if default is not None:
                m = re.search(r"(nextval\(')([^']+)('.*$)", default)
                if m is not None:
                    autoincrement = isinstance(coltype, sqltypes.Integer)
                    if "." not in m.group(2) and schema is not None:
                        default = f'{m.group(1)}"{schema}".{m.group(2)}{m.group(3)}'
            col: dict[str, Any] = {
                "name": name,
                "type": coltype,
                "nullable": not not_null,
                "default": default,
                "autoincrement": autoincrement or ident is not None,
                "comment": comment,
            }
            if computed is not None:
                col["computed"] = computed
            if ident is not None:
                col["identity"] = json.loads(ident)
            out.append(col)
        return out

    # -- constraints ---------------------------------------------------------------------------

    def _key_constraints(self, conn: Any, table: str, schema: str | None, contype: str) -> list[dict[str, Any]]:
        """Primary key ('p') or unique ('u') constraints with their index's key and INCLUDE columns."""
        oid = self._oid(conn, table, schema)
        v = self._version(conn)
        nkeyatts = "i.indnkeyatts" if v >= 110000 else "i.indnatts"
        nnd = "i.indnullsnotdistinct" if v >= 150000 else "false"
        rows = conn.execute(
            text(
                "SELECT con.conname, "
                "(SELECT json_agg(a.attname::text ORDER BY k.ord)::text "
                " FROM unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord) "
                " JOIN pg_catalog.pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum), "
                f"{nkeyatts}, {nnd}, des.description "
                "FROM pg_catalog.pg_constraint con "
                "JOIN pg_catalog.pg_index i ON i.indexrelid = con.conindid "
                "LEFT JOIN pg_catalog.pg_description des ON des.objoid = con.oid "
                " AND des.classoid = 'pg_catalog.pg_constraint'::regclass "
                "WHERE con.conrelid = :oid AND con.contype::text = :contype ORDER BY con.conname"
            ),
            {"oid": oid, "contype": contype},
        ).all()
        out = []
        for name, cols, nkey, nulls_not_distinct, comment in rows:
            cols = json.loads(cols) if cols else []
            info: dict[str, Any] = {"name": name, "column_names": cols[:nkey], "comment": comment}
            opts: dict[str, Any] = {}
            if v >= 110000:
                opts["postgresql_include"] = cols[nkey:]
            if contype == "u":
                opts["postgresql_nulls_not_distinct"] = nulls_not_distinct
            if opts:
                info["dialect_options"] = opts
            out.append(info)
        return out

    def reflect_pk_constraint(self, conn: Any, table: str, schema: str | None) -> dict[str, Any]:
        pks = self._key_constraints(conn, table, schema, "p")
        if not pks:
            return {"name": None, "constrained_columns": []}
        pk = pks[0]
        info = {"constrained_columns": pk["column_names"], "name": pk["name"], "comment": pk["comment"]}
        if "dialect_options" in pk:
            info["dialect_options"] = pk["dialect_options"]
        return info

    def reflect_unique_constraints(self, conn: Any, table: str, schema: str | None) -> list[dict[str, Any]]:
        out = []
        for uc in self._key_constraints(conn, table, schema, "u"):
            info = {"column_names": uc["column_names"], "name": uc["name"], "comment": uc["comment"]}
            if "dialect_options" in uc:
                info["dialect_options"] = uc["dialect_options"]
            out.append(info)
        return out

    def reflect_foreign_keys(self, conn: Any, table: str, schema: str | None) -> list[dict[str, Any]]:
        oid = self._oid(conn, table, schema)
        rows = conn.execute(
            text(
                "SELECT con.conname, pg_catalog.pg_get_constraintdef(con.oid, true), nsp_ref.nspname, "
                "des.description "
                "FROM pg_catalog.pg_constraint con "
                "LEFT JOIN pg_catalog.pg_class cls_ref ON cls_ref.oid = con.confrelid "
                "LEFT JOIN pg_catalog.pg_namespace nsp_ref ON nsp_ref.oid = cls_ref.relnamespace "
                "LEFT JOIN pg_catalog.pg_description des ON des.objoid = con.oid "
                " AND des.classoid = 'pg_catalog.pg_constraint'::regclass "
                "WHERE con.conrelid = :oid AND con.contype = 'f' ORDER BY con.conname"
            ),
            {"oid": oid},
        ).all()
        out = []
        for name, condef, conschema, comment in rows:
            (
                constrained,
                constrained_period,
                referred_schema,
                referred_table,
                referred,
                referred_period,
                _,
                match,
                key1,
                val1,
                key2,
                val2,
                deferrable,
                _,
                initially,
            ) = _FK.search(condef).groups()
            if constrained_period:
                constrained += f", {constrained_period}"
            if referred_period:
                referred += f", {referred_period}"
            onupdate = val1 if key1 == "UPDATE" else val2 if key2 == "UPDATE" else None
            ondelete = val1 if key1 == "DELETE" else val2 if key2 == "DELETE" else None
            if deferrable is not None:
                deferrable = deferrable == "DEFERRABLE"
            # pg_get_constraintdef() names the schema only when the search_path does not find it
            if referred_schema:
                referred_schema = _unquote(referred_schema)
            elif schema is not None and schema == conschema:
                referred_schema = schema
            options = {
                k: val
                for k, val in [
                    ("onupdate", onupdate),
                    ("ondelete", ondelete),
                    ("initially", initially),
                    ("deferrable", deferrable),
                    ("match", match),
                ]
                if val is not None and val != "NO ACTION"
            }
            out.append(
                {
                    "name": name,
                    "constrained_columns": [_unquote(c) for c in re.split(r"\s*,\s*", constrained)],
                    "referred_schema": referred_schema,
                    "referred_table": _unquote(referred_table),
                    "referred_columns": [_unquote(c) for c in re.split(r"\s*,\s", referred)],
                    "options": options,
                    "comment": comment,
                }
            )
        return out

    def reflect_indexes(self, conn: Any, table: str, schema: str | None) -> list[dict[str, Any]]:
        oid = self._oid(conn, table, schema)
        v = self._version(conn)
        nkeyatts = "i.indnkeyatts" if v >= 110000 else "i.indnatts"
        nnd = "i.indnullsnotdistinct" if v >= 150000 else "false"
        # One JSON array per index: each element (column name, or the expression's text), whether
        # it is an expression, and its operator class when that is not the type's default one.
        rows = conn.execute(
            text(
                "SELECT c.relname, i.indisunique, i.indisvalid, "
                "EXISTS (SELECT 1 FROM pg_catalog.pg_constraint con WHERE con.conrelid = i.indrelid "
                " AND con.conindid = i.indexrelid AND con.contype IN ('p', 'u', 'x')), "
                "to_json(i.indoption::int2[])::text, to_json(c.reloptions)::text, am.amname, "
                "CASE WHEN i.indpred IS NOT NULL THEN pg_catalog.pg_get_expr(i.indpred, i.indrelid) END, "
                f"{nkeyatts}, {nnd}, "
                "(SELECT json_agg(json_build_object("
                "  'element', CASE WHEN k.attnum = 0 "
                "   THEN pg_catalog.pg_get_indexdef(i.indexrelid, k.ord::int, true) ELSE a.attname::text END, "
                "  'is_expr', k.attnum = 0, "
                "  'opclass', CASE WHEN NOT opc.opcdefault THEN opc.opcname::text END) ORDER BY k.ord)::text "
                " FROM unnest(i.indkey::int2[], i.indclass::oid[]) WITH ORDINALITY AS k(attnum, opclass, ord) "
                " LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum "
                " LEFT JOIN pg_catalog.pg_opclass opc ON opc.oid = k.opclass) "
                "FROM pg_catalog.pg_index i "
                "JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid "
                "JOIN pg_catalog.pg_am am ON am.oid = c.relam "
                "WHERE i.indrelid = :oid AND NOT i.indisprimary ORDER BY c.relname"
            ),
            {"oid": oid},
        ).all()
        out = []
        for (
            name,
            unique,
            valid,
            has_constraint,
            indoption,
            reloptions,
            amname,
            where,
            nkey,
            nulls_not_distinct,
            elements,
        ) in rows:
            elements = json.loads(elements) if elements else []
            keys, included = elements[:nkey], [e["element"] for e in elements[nkey:]]
            names = [e["element"] for e in keys]
            index: dict[str, Any] = {"name": name, "unique": unique}
            if any(e["is_expr"] for e in keys):
                index["column_names"] = [None if e["is_expr"] else e["element"] for e in keys]
                index["expressions"] = names
            else:
                index["column_names"] = names
            opts: dict[str, Any] = {}
            ops = {e["element"]: e["opclass"] for e in keys if e["opclass"] is not None}
            if ops:
                opts["postgresql_ops"] = ops
            # indoption bits: 1 = DESC, 2 = NULLS FIRST; only what differs from the default is kept
            sorting = {}
            for col, flags in zip(names, json.loads(indoption) if indoption else [], strict=False):
                if flags & 0x01:
                    col_sorting: tuple[str, ...] = ("desc",) if flags & 0x02 else ("desc", "nulls_last")
                else:
                    col_sorting = ("nulls_first",) if flags & 0x02 else ()
                if col_sorting:
                    sorting[col] = col_sorting
            if sorting:
                index["column_sorting"] = sorting
            if has_constraint:
                index["duplicates_constraint"] = name
            if reloptions:
                opts["postgresql_with"] = dict(o.split("=", 1) for o in json.loads(reloptions))
            if amname != "btree":
                opts["postgresql_using"] = amname
            if where:
                opts["postgresql_where"] = where
            if v >= 110000:
                opts["postgresql_include"] = included
            if nulls_not_distinct:
                opts["postgresql_nulls_not_distinct"] = nulls_not_distinct
            if not valid:
                opts["postgresql_invalid"] = True
            if opts:
                index["dialect_options"] = opts
            out.append(index)
        return out

    def reflect_check_constraints(self, conn: Any, table: str, schema: str | None) -> list[dict[str, Any]]:
        oid = self._oid(conn, table, schema)
        rows = conn.execute(
            text(
                "SELECT con.conname, pg_catalog.pg_get_constraintdef(con.oid, true), des.description "
                "FROM pg_catalog.pg_constraint con "
                "LEFT JOIN pg_catalog.pg_description des ON des.objoid = con.oid "
                " AND des.classoid = 'pg_catalog.pg_constraint'::regclass "
                "WHERE con.conrelid = :oid AND con.contype = 'c' ORDER BY con.conname"
            ),
            {"oid": oid},
        ).all()
        out = []
        for name, src, comment in rows:
            # e.g. "CHECK (((a > 1) AND (a < 5))) NOT VALID", "CHECK (a NOT NULL) NO INHERIT"
            m = re.match(r"^CHECK *\((.+)\)( NO INHERIT)?( NOT VALID)?$", src, flags=re.DOTALL)
            if not m:
                _warn(f"Could not parse CHECK constraint text: {src!r}")
            entry: dict[str, Any] = {
                "name": name,
                "sqltext": _strip_outer_parens(m.group(1)) if m else "",
                "comment": comment,
            }
            if m:
                do = {}
                if " NOT VALID" in m.groups():
                    do["not_valid"] = True
                if " NO INHERIT" in m.groups():
                    do["no_inherit"] = True
                if do:
                    entry["dialect_options"] = do
            out.append(entry)
        return out

    def reflect_table_comment(self, conn: Any, table: str, schema: str | None) -> dict[str, Any]:
        oid = self._oid(conn, table, schema)
        comment = conn.execute(
            text(
                "SELECT des.description FROM pg_catalog.pg_description des "
                "WHERE des.objoid = :oid AND des.objsubid = 0 "
                "AND des.classoid = 'pg_catalog.pg_class'::regclass"
            ),
            {"oid": oid},
        ).scalar()
        return {"text": comment}
