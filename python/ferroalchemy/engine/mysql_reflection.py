"""MySQL / MariaDB schema reflection, returning what SQLAlchemy 2.1's MySQL dialect returns: like
SQLAlchemy, it parses SHOW CREATE TABLE (DESCRIBE for views), whose text is the one place that has
every column option, key and constraint in the server's own spelling."""

from __future__ import annotations

import re
import warnings
from typing import Any

from .. import exc
from ..sql import sqltypes

# SHOW CREATE TABLE type names -> ferroalchemy types. MySQL-only types that ferroalchemy lacks
# (TINYINT, MEDIUMINT, LONGTEXT, YEAR, ...) map to the generic class SQLAlchemy's MySQL type derives from.
_TYPES: dict[str, type] = {
    "bigint": sqltypes.BIGINT,
    "binary": sqltypes.BINARY,
    "blob": sqltypes.BLOB,
    "boolean": sqltypes.BOOLEAN,
    "char": sqltypes.CHAR,
    "date": sqltypes.DATE,
    "datetime": sqltypes.DATETIME,
    "decimal": sqltypes.DECIMAL,
    "double": sqltypes.DOUBLE,
    "enum": sqltypes.Enum,
    "fixed": sqltypes.DECIMAL,
    "float": sqltypes.FLOAT,
    "int": sqltypes.INTEGER,
    "integer": sqltypes.INTEGER,
    "json": sqltypes.JSON,
    "longblob": sqltypes.BLOB,
    "longtext": sqltypes.TEXT,
    "mediumblob": sqltypes.BLOB,
    "mediumint": sqltypes.INTEGER,
    "mediumtext": sqltypes.TEXT,
    "nchar": sqltypes.NCHAR,
    "nvarchar": sqltypes.NVARCHAR,
    "numeric": sqltypes.NUMERIC,
    "smallint": sqltypes.SMALLINT,
    "text": sqltypes.TEXT,
    "time": sqltypes.TIME,
    "timestamp": sqltypes.TIMESTAMP,
    "tinyblob": sqltypes.BLOB,
    "tinyint": sqltypes.SMALLINT,
    "tinytext": sqltypes.TEXT,
    "uuid": sqltypes.UUID,
    "varbinary": sqltypes.VARBINARY,
    "varchar": sqltypes.VARCHAR,
    "year": sqltypes.INTEGER,
}

_Q = r"`(?P<{0}>(?:``|[^`])+)`"

# SQLAlchemy's MySQLTableDefinitionParser regexes, with the backquote as the identifier quote.
_COLUMN = re.compile(
    r"  " + _Q.format("name") + r" +(?P<coltype>\w+)"
    r"(?:\((?P<arg>(?:\d+|\d+,\d+|(?:'(?:''|[^'])*',?)+))\))?"
    r"(?: +(?P<unsigned>UNSIGNED))?"
    r"(?: +(?P<zerofill>ZEROFILL))?"
    r"(?: +CHARACTER SET +(?P<charset>[\w_]+))?"
    r"(?: +COLLATE +(?P<collate>[\w_]+))?"
    r"(?: +(?P<notnull>(?:NOT )?NULL))?"
    r"(?: +DEFAULT +(?P<default>(?:NULL|'(?:''|[^'])*'|\(.+?\)|[\-\w\.\(\)]+(?: +ON UPDATE [\-\w\.\(\)]+)?)))?"
    r"(?: +(?:GENERATED ALWAYS)? ?AS +(?P<generated>\(.*\))? ?(?P<persistence>VIRTUAL|STORED)?"
    r"(?: +(?P<notnull_generated>(?:NOT )?NULL))?)?"
    r"(?: +(?P<autoincr>AUTO_INCREMENT))?"
    r"(?: +COMMENT +'(?P<comment>(?:''|[^'])*)')?"
    r"(?: +COLUMN_FORMAT +(?P<colfmt>\w+))?"
    r"(?: +STORAGE +(?P<storage>\w+))?"
    r"(?: +(?P<extra>.*))?"
    r",?$",
    re.I | re.U,
)
_KEY = re.compile(
    r"  (?:(?P<type>\S+) )?KEY"
    r"(?: +" + _Q.format("name") + r")?"
    r"(?: +USING +(?P<using_pre>\S+))?"
    r" +\((?P<columns>.+?)\)"
    r"(?: +USING +(?P<using_post>\S+))?"
    r"(?: +KEY_BLOCK_SIZE *[ =]? *(?P<keyblock>\S+))?"
    r"(?: +WITH PARSER +(?P<parser>\S+))?"
    r"(?: +COMMENT +(?P<comment>'(?:''|[^'])*'))?"
    r"(?: +/\*(?P<version_sql>.+)\*/ *)?"
    r",?$",
    re.I | re.U,
)
_KEYEXPRS = re.compile(r"(?:(?:`((?:``|[^`])+)`)(?:\((\d+)\))?(?: +(ASC|DESC))?(?=\,|$))+", re.I | re.U)
_ON = "RESTRICT|CASCADE|SET NULL|NO ACTION|SET DEFAULT"
_FK = re.compile(
    r"  CONSTRAINT +" + _Q.format("name") + r" +FOREIGN KEY +"
    r"\((?P<local>[^\)]+?)\) REFERENCES +"
    r"(?P<table>`[^`]+`(?:\.`[^`]+`)?) +"
    r"\((?P<foreign>(?:`[^`]+`(?: *, *)?)+)\)"
    r"(?: +(?P<match>MATCH \w+))?"
    rf"(?: +ON DELETE (?P<ondelete>{_ON}))?"
    rf"(?: +ON UPDATE (?P<onupdate>{_ON}))?",
    re.I | re.U,
)
_CHECK = re.compile(r"  CONSTRAINT +" + _Q.format("name") + r" +CHECK +\((?P<sqltext>.+)\),?", re.I | re.U)
_ESCAPES = {"\\\\": "\\", "\\0": "\0", "\\b": "\b", "\\t": "\t", "\\n": "\n", "\\r": "\r", "\\Z": "\x1a"}


# The table options after SHOW CREATE TABLE's closing parenthesis, in the order SQLAlchemy reads
# them (quoted ones first: their text may hold anything), and those it leaves out.
_EQUALS = r"(?:\s*=\s*|\s+)"
_TABLE_OPTIONS = [
    (re.compile(rf"(?P<directive>{re.escape(d)}){_EQUALS}'(?P<val>(?:[^']|'')*?)'(?!')", re.I), True)
    for d in ("COMMENT", "DATA DIRECTORY", "INDEX DIRECTORY", "PASSWORD", "CONNECTION")
] + [
    (re.compile(rf"(?P<directive>{re.escape(d)}){_EQUALS}(?P<val>\w+)", re.I), False)
    for d in (
        "ENGINE",
        "TYPE",
        "AUTO_INCREMENT",
        "AVG_ROW_LENGTH",
        "CHARACTER SET",
        "DEFAULT CHARSET",
        "CHECKSUM",
        "COLLATE",
        "DELAY_KEY_WRITE",
        "INSERT_METHOD",
        "MAX_ROWS",
        "MIN_ROWS",
        "PACK_KEYS",
        "ROW_FORMAT",
        "KEY_BLOCK_SIZE",
        "STATS_SAMPLE_PAGES",
    )
]
_UNREFLECTED_OPTIONS = ("auto_increment", "data directory", "index directory")


def _table_options(line: str, prefix: str) -> dict[str, str]:
    """``{"mysql_engine": "InnoDB", "mysql_default charset": ...}`` from the closing line of SHOW
    CREATE TABLE, keyed as SQLAlchemy's Inspector.get_table_options() keys them."""
    options: dict[str, str] = {}
    rest = line
    for regex, quoted in _TABLE_OPTIONS:
        m = regex.search(rest)
        if m is None:
            continue
        options[m.group("directive").lower()] = _cleanup(m.group("val")) if quoted else m.group("val")
        rest = regex.sub("", rest)
    return {f"{prefix}_{k}": v for k, v in options.items() if k not in _UNREFLECTED_OPTIONS}


def _cleanup(raw: str) -> str:
    if "\\" in raw:
        raw = re.sub(r"\\.", lambda m: _ESCAPES.get(m.group(0), m.group(0)), raw)
    return raw.replace("''", "'")


def _quote(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


def _keyexprs(text: str) -> list[tuple[str, int | None]]:
    return [(c.replace("``", "`"), int(n) if n else None) for c, n, _ in _KEYEXPRS.findall(text)]


def _warn(msg: str) -> None:
    warnings.warn(msg, exc.SAWarning, stacklevel=4)


def _column_type(coltype: str, args: str | None, spec: dict[str, Any], column: str) -> sqltypes.TypeEngine:
    cls = _TYPES.get(coltype.lower())
    if cls is None:
        _warn(f"Did not recognize type '{coltype}' of column '{column}'")
        return sqltypes.NULLTYPE
    if not args:
        type_args: list[Any] = []
    elif args[0] == "'" and args[-1] == "'":
        type_args = [a[1:-1].replace("''", "'") for a in re.findall(r"'(?:''|[^'])*'", args)]
    else:
        type_args = [int(v) for v in re.findall(r"\d+", args)]
    if issubclass(cls, sqltypes.Enum):
        return sqltypes.Enum(*type_args, native_enum=True)
    if issubclass(cls, sqltypes.Text) or issubclass(cls, (sqltypes.Integer, sqltypes.Float, sqltypes.JSON)):
        t = cls()  # display widths and sizes of the TEXT/BLOB family do not carry over
    elif issubclass(cls, (sqltypes.Date, sqltypes.Time, sqltypes.DateTime, sqltypes.Uuid)):
        t = cls()  # fractional-second precision is not kept by ferroalchemy's types yet
    elif issubclass(cls, sqltypes.Numeric):
        t = cls(*type_args[:2])
    elif issubclass(cls, (sqltypes.String, sqltypes.LargeBinary)) and type_args:
        t = cls(type_args[0])
    else:
        t = cls()
    if spec.get("collate") and isinstance(t, sqltypes.String):
        t.collation = spec["collate"]
    return t


def _parse_column(line: str) -> dict[str, Any] | None:
    m = _COLUMN.match(line)
    if m is None:
        _warn(f"Unknown column definition {line!r}")
        return None
    spec = m.groupdict()
    name = spec["name"].replace("``", "`")
    coltype = _column_type(spec["coltype"], spec["arg"], spec, name)
    col: dict[str, Any] = {
        "name": name,
        "type": coltype,
        "default": None if spec["default"] == "NULL" else spec["default"],
        "comment": _cleanup(spec["comment"]) if spec["comment"] is not None else None,
        "nullable": not (spec["notnull"] == "NOT NULL" or spec["notnull_generated"] == "NOT NULL"),
    }
    if spec["autoincr"]:
        col["autoincrement"] = True
    elif isinstance(coltype, sqltypes.Integer):
        col["autoincrement"] = False
    if spec["generated"] is not None:
        computed: dict[str, Any] = {"sqltext": spec["generated"]}
        if spec["persistence"] is not None:
            computed["persisted"] = spec["persistence"] == "STORED"
        col["computed"] = computed
    return col


class _State:
    def __init__(self) -> None:
        self.columns: list[dict[str, Any]] = []
        self.keys: list[dict[str, Any]] = []
        self.fks: list[dict[str, Any]] = []
        self.checks: list[dict[str, Any]] = []
        # The line after the closing parenthesis: the table's options, its comment among them.
        self.options: str = ""


class MySQLReflection:
    """Mixed into the MySQL/MariaDB dialect: the Inspector's operations."""

    def _default_schema(self, conn: Any) -> str | None:
        return conn.exec_driver_sql("SELECT DATABASE()").scalar()

    def _full_name(self, table: str, schema: str | None) -> str:
        return f"{_quote(schema)}.{_quote(table)}" if schema else _quote(table)

    def _parse(self, conn: Any, table: str, schema: str | None) -> _State:
        full = self._full_name(table, schema)
        row = conn.exec_driver_sql(f"SHOW CREATE TABLE {full}").first()
        if row is None:
            raise exc.NoSuchTableError(full)
        sql = str(row[1]).strip()
        state = _State()
        if re.match(r"^CREATE(?! TABLE)(\s.*)?\sVIEW", sql):
            # A view's text has no column definitions: DESCRIBE has them.
            # SQLAlchemy reports every view column as nullable (it tests DESCRIBE's 'YES'/'NO' text
            # for truth), and so does this, so that both read a view alike.
            for name, coltype, _null, _key, default, extra in conn.exec_driver_sql(f"DESCRIBE {full}"):
                parts = [" ", _quote(name), coltype]
                if default:
                    if coltype.startswith("timestamp") and default.startswith("C") or default == "NULL":
                        parts += ["DEFAULT", default]
                    else:
                        parts += ["DEFAULT", "'{}'".format(default.replace("'", "''"))]
                if extra:
                    parts.append(extra)
                col = _parse_column(" ".join(parts))
                if col is not None:
                    state.columns.append(col)
            return state
        for line in re.split(r"\r?\n", sql):
            if line.startswith("  `"):
                col = _parse_column(line)
                if col is not None:
                    state.columns.append(col)
            elif line.startswith(") "):
                state.options = line
            elif line.startswith("CREATE ") or line == ")" or not line:
                continue
            elif (m := _KEY.match(line)) is not None:
                key = m.groupdict()
                key["columns"] = _keyexprs(key["columns"])
                if key["name"] is not None:
                    key["name"] = key["name"].replace("``", "`")
                state.keys.append(key)
            elif (m := _FK.match(line)) is not None:
                fk = m.groupdict()
                fk["table"] = [t.replace("``", "`") for t in re.findall(r"`((?:``|[^`])+)`", fk["table"])]
                fk["local"] = [c for c, _ in _keyexprs(fk["local"])]
                fk["foreign"] = [c for c, _ in _keyexprs(fk["foreign"])]
                state.fks.append(fk)
            elif (m := _CHECK.match(line)) is not None:
                state.checks.append({"name": m.group("name"), "sqltext": m.group("sqltext")})
            elif "PARTITION" not in line:
                _warn(f"Unknown schema content: {line!r}")
        return state

    def reflect_schema_names(self, conn: Any) -> list[str]:
        return [r[0] for r in conn.exec_driver_sql("SHOW schemas")]

    def reflect_table_names(self, conn: Any, schema: str | None, kind: str) -> list[str]:
        schema = schema if schema is not None else self._default_schema(conn)
        if schema is None:
            return []
        kinds = ("BASE TABLE",) if kind == "table" else ("VIEW", "SYSTEM VIEW")
        return [r[0] for r in conn.exec_driver_sql(f"SHOW FULL TABLES FROM {_quote(schema)}") if r[1] in kinds]

    def reflect_columns(self, conn: Any, table: str, schema: str | None) -> list[dict[str, Any]]:
        return self._parse(conn, table, schema).columns

    def reflect_pk_constraint(self, conn: Any, table: str, schema: str | None) -> dict[str, Any]:
        for key in self._parse(conn, table, schema).keys:
            if key["type"] == "PRIMARY":
                return {"constrained_columns": [c for c, _ in key["columns"]], "name": None}
        return {"constrained_columns": [], "name": None}

    def reflect_foreign_keys(self, conn: Any, table: str, schema: str | None) -> list[dict[str, Any]]:
        out = []
        default_schema: str | None = None
        for fk in self._parse(conn, table, schema).fks:
            ref_schema = fk["table"][-2] if len(fk["table"]) > 1 else schema
            if not ref_schema:
                if default_schema is None:
                    default_schema = self._default_schema(conn)
                if schema == default_schema:
                    ref_schema = schema
            out.append(
                {
                    "name": fk["name"].replace("``", "`"),
                    "constrained_columns": fk["local"],
                    "referred_schema": ref_schema,
                    "referred_table": fk["table"][-1],
                    "referred_columns": fk["foreign"],
                    "options": {k: fk[k] for k in ("onupdate", "ondelete") if fk[k] not in ("NO ACTION", None)},
                }
            )
        return out

    def reflect_indexes(self, conn: Any, table: str, schema: str | None) -> list[dict[str, Any]]:
        out = []
        for key in self._parse(conn, table, schema).keys:
            flavor = key["type"]
            if flavor == "PRIMARY":
                continue
            options: dict[str, Any] = {}
            if flavor in ("FULLTEXT", "SPATIAL"):
                options[f"{self.name}_prefix"] = flavor  # type: ignore[attr-defined]
            elif flavor is not None and flavor != "UNIQUE":
                _warn(f"Converting unknown KEY type {flavor} to a plain KEY")
            if key["parser"]:
                options[f"{self.name}_with_parser"] = key["parser"].strip("`")  # type: ignore[attr-defined]
            index: dict[str, Any] = {
                "name": key["name"],
                "column_names": [c for c, _ in key["columns"]],
                "unique": flavor == "UNIQUE",
            }
            lengths = {c: n for c, n in key["columns"] if n is not None}
            if lengths:
                options[f"{self.name}_length"] = lengths  # type: ignore[attr-defined]
            if options:
                index["dialect_options"] = options
            out.append(index)
        out.sort(key=lambda d: d["name"] or "~")
        return out

    def reflect_unique_constraints(self, conn: Any, table: str, schema: str | None) -> list[dict[str, Any]]:
        out = [
            {"name": key["name"], "column_names": [c for c, _ in key["columns"]], "duplicates_index": key["name"]}
            for key in self._parse(conn, table, schema).keys
            if key["type"] == "UNIQUE"
        ]
        out.sort(key=lambda d: d["name"] or "~")
        return out

    def reflect_check_constraints(self, conn: Any, table: str, schema: str | None) -> list[dict[str, Any]]:
        out = list(self._parse(conn, table, schema).checks)
        out.sort(key=lambda d: d["name"] or "~")
        return out

    def reflect_table_options(self, conn: Any, table: str, schema: str | None) -> dict[str, str]:
        return _table_options(self._parse(conn, table, schema).options, self.name)

    def reflect_table_comment(self, conn: Any, table: str, schema: str | None) -> dict[str, Any]:
        return {"text": _table_options(self._parse(conn, table, schema).options, "").get("_comment")}
