"""INSERT, UPDATE and DELETE statements."""

from __future__ import annotations

from typing import Any

from .. import _core, exc
from .elements import BindParameter, ClauseElement, ColumnElement, _coerce, _coerce_where, _unwrap, and_
from .selectable import Executable, _coerce_from, _entity_columns


class _DML(Executable, ClauseElement):
    _is_executable = True

    def __init__(self, table: Any) -> None:
        self.entity = table if getattr(table, "__mapper__", None) is not None else None
        self.table = _coerce_from(table)
        self._values: dict[str, Any] = {}
        self._returning: tuple[Any, ...] = ()
        self._where: tuple[ColumnElement, ...] = ()
        self._execution_options = {}
        self._stmt_cache: Any = None
        self._keys_cache: dict[tuple[str, ...], Any] = {}

    def _column_key(self, key: Any) -> str:
        if isinstance(key, str):
            col = self.table.c.get(key)
            if col is None and self.entity is not None:
                attr = getattr(self.entity, key, None)
                col = getattr(attr, "column", None)
            if col is None:
                raise exc.CompileError(f"Unconsumed column names: {key}")
            return col.name
        key = getattr(key, "__clause_element__", lambda: key)()
        return key.name

    _ordered = False

    def values(self, *args: Any, **kwargs: Any) -> Any:
        if self._ordered:
            raise exc.ArgumentError("This statement already has ordered values present")
        if args:
            if len(args) == 1 and isinstance(args[0], dict):
                kwargs = {**args[0], **kwargs}
            elif len(args) == 1 and isinstance(args[0], (list, tuple)) and isinstance(self, Insert) and not kwargs:
                return self._multi(args[0])
            else:
                raise NotImplementedError("ferroalchemy: positional values() is not implemented yet")
        new = self._generate()
        new._values = dict(self._values)
        for k, v in kwargs.items():
            name = self._column_key(k)
            col = self.table.c[name] if name in self.table.c else None
            if isinstance(_unwrap(v), ClauseElement):
                new._values[name] = _coerce(v, getattr(col, "type", None), name)
            else:
                # A plain value binds under the column's own name, as SQLAlchemy names it (`:name`).
                new._values[name] = BindParameter(name, v, getattr(col, "type", None), _has_value=True)
        new._keys_cache = {}
        return new

    def returning(self, *cols: Any, sort_by_parameter_order: bool = False, supplemental_cols: Any = None) -> Any:
        # An executemany's multi-row INSERT ... VALUES ... RETURNING gives its rows in the order of
        # the VALUES list on SQLite, PostgreSQL and MariaDB, which is parameter order: what
        # sort_by_parameter_order asks for.
        if supplemental_cols:
            raise NotImplementedError("ferroalchemy: returning(supplemental_cols=...) is not implemented yet")
        new = self._generate()
        new._returning = self._returning + cols
        new._keys_cache = {}
        return new

    def _returning_exprs(self) -> list[Any]:
        out = []
        for c in self._returning:
            cols = _entity_columns(c)
            out.extend(c2._expr() for c2 in cols) if cols is not None else out.append(_coerce(c)._expr())
        return out

    def _table_columns(self) -> list[tuple[str, Any]]:
        return [(c.name, c.type._handle) for c in self.table.c]

    _default_attr = "default"

    def _execute_on_connection(self, connection: Any, params: Any, execution_options: Any) -> Any:
        stmt, defaults = self._with_defaults(params, connection.dialect.name)
        return connection._execute_stmt(stmt._stmt(), params, self, defaults=defaults)

    def _with_defaults(self, params: Any, dialect_name: str = "") -> tuple[Any, list[tuple[str, Any]]]:
        """Python-side defaults for columns neither values() nor the parameters give: plain values and
        callables run per parameter set (in Rust); SQL expressions are rendered into the statement."""
        first = params[0] if isinstance(params, (list, tuple)) and params else params
        given = set(first) if isinstance(first, dict) else set()
        defaults: list[tuple[str, Any]] = []
        sql_values: dict[str, Any] = {}
        for col in self.table.c:
            d = getattr(col, self._default_attr, None)
            if d is None or col.name in self._values or col.key in given or col.name in given:
                continue
            if getattr(d, "is_sequence", False):
                # A Sequence default is the database's nextval where it has sequences, else nothing.
                if dialect_name == "postgresql":
                    sql_values[col.name] = d.next_value()
                continue
            if isinstance(d.arg, ColumnElement):
                sql_values[col.name] = d.arg
            else:
                defaults.append((col.name, d._zero_arg()))
        stmt = self.values(**sql_values) if sql_values else self
        return stmt, defaults

    def _compile_keys(self) -> list[str]:
        return []

    def _generate(self) -> Any:
        new = super()._generate()
        new._keys_cache = {}
        return new


class Insert(_DML):
    _multi_values: tuple[dict[str, Any], ...] = ()
    _from_select: tuple[list[str], Any] | None = None

    def inline(self) -> Insert:
        """SQLAlchemy's "don't fetch generated keys": ferroalchemy's INSERT never pre-executes defaults
        nor fetches keys it was not asked for, so the statement is the same."""
        return self._generate()

    def _execute_on_connection(self, connection: Any, params: Any, execution_options: Any) -> Any:
        pk = self._implicit_returning_pk(connection.dialect.name, params)
        if pk is None:
            return super()._execute_on_connection(connection, params, execution_options)
        # PostgreSQL's driver reports no lastrowid: the generated key comes back through RETURNING,
        # as SQLAlchemy's implicit returning does, and the result still returns no rows.
        stmt, defaults = self.returning(pk)._with_defaults(params, connection.dialect.name)
        result = connection._execute_stmt(stmt._stmt(), params, self, defaults=defaults)
        return result._implicit_returning()

    def _implicit_returning_pk(self, dialect_name: str, params: Any) -> Any:
        """The autoincrement primary key a single-row INSERT on PostgreSQL leaves to the database."""
        if dialect_name != "postgresql" or self._returning or self._multi_values or self._from_select is not None:
            return None
        if isinstance(params, (list, tuple)):
            if len(params) > 1:
                return None
            params = params[0] if params else None
        given = set(params or ()) | set(self._values)
        pks = list(self.table.primary_key)
        if len(pks) != 1 or not pks[0]._is_autoincrement() or {pks[0].key, pks[0].name} & given:
            return None
        return pks[0]

    def _multi(self, rows: Any) -> Insert:
        """``values([{...}, {...}])`` (or tuples in column order): one multi-row VALUES statement."""
        new = self._generate()
        out = []
        for i, row in enumerate(rows):
            if not isinstance(row, dict):
                row = dict(zip([c.key for c in self.table.c], row, strict=False))
            converted = {}
            for k, v in row.items():
                name = self._column_key(k)
                col = self.table.c[name]
                if isinstance(_unwrap(v), ClauseElement):
                    converted[name] = _coerce(v, col.type, name)
                else:
                    converted[name] = BindParameter(f"{col.key}_m{i}", v, col.type, _has_value=True)
            out.append(converted)
        new._multi_values = tuple(out)
        return new

    def _stmt(self) -> Any:
        if self._stmt_cache is None:
            stmt = _core.insert(
                self.table._ref,
                self._table_columns(),
                [(k, v._expr()) for k, v in self._values.items()],
                self._returning_exprs(),
                [[(k, v._expr()) for k, v in row.items()] for row in self._multi_values],
                self._on_conflict_spec(),
            )
            options = self._insert_options()
            if self._from_select is not None:
                names, select = self._from_select
                options["from_select"] = (names, select._stmt())
            self._stmt_cache = _core.insert_options(stmt, **options) if options else stmt
        return self._stmt_cache

    def _on_conflict_spec(self) -> Any:
        """ON CONFLICT for the dialect inserts that have it; plain INSERT has none."""
        return None

    def _insert_options(self) -> dict[str, Any]:
        """What the dialect inserts add beyond ON CONFLICT's basic form."""
        return {}

    def _compile_keys(self) -> list[str]:
        # With no values() and no parameters, str(insert(t)) lists every column, as SQLAlchemy does.
        if self._values or self._multi_values or self._from_select is not None:
            return []
        return [c.name for c in self.table.c]

    def _display_form(self, dialect_name: str) -> Insert:
        """The statement `compile(dialect=...)` shows: with the RETURNING execution would add."""
        pk = self._implicit_returning_pk(dialect_name, dict.fromkeys(self._compile_keys()))
        return self if pk is None else self.returning(pk)

    def _with_defaults(self, params: Any, dialect_name: str = "") -> tuple[Any, list[tuple[str, Any]]]:
        if self._from_select is None:
            return super()._with_defaults(params, dialect_name)
        missing = [
            c.name
            for c in self.table.c
            if getattr(c, "default", None) is not None and c.name not in self._from_select[0]
        ]
        if missing:
            raise NotImplementedError(
                "ferroalchemy: INSERT ... FROM SELECT into a table whose columns "
                f"{', '.join(missing)} have Python-side defaults is not implemented yet"
            )
        return self, []

    def from_select(self, names: Any, select: Any, include_defaults: bool = True) -> Insert:
        """``INSERT INTO t (names) SELECT ...``: the SELECT's rows, its columns in `names` order."""
        if self._values or self._multi_values:
            raise exc.InvalidRequestError("This construct already inserts value expressions")
        if not getattr(select, "_is_select", False):
            raise exc.ArgumentError(f"SELECT construct expected for from_select(), got {select!r}.")
        cols = [self._column_key(n) for n in names]
        if len(cols) != len(select._expanded_columns()):
            raise exc.ArgumentError(
                f"from_select() names {len(cols)} columns but the SELECT has {len(select._expanded_columns())}"
            )
        new = self._generate()
        new._from_select = (cols, select)
        return new


class Update(_DML):
    _default_attr = "onupdate"

    def where(self, *criteria: Any) -> Update:
        new = self._generate()
        new._where = self._where + tuple(_coerce_where(c) for c in criteria)
        return new

    filter = where

    def filter_by(self, **kw: Any) -> Update:
        return self.where(*[self.table.c[self._column_key(k)] == v for k, v in kw.items()])

    def ordered_values(self, *args: tuple[Any, Any]) -> Update:
        """SET in the order given: ``ordered_values((t.c.a, 1), (t.c.b, 2))``."""
        if self._values:
            kind = "ordered values" if self._ordered else "values"
            raise exc.ArgumentError(f"This statement already has {kind} present")
        new = self.values(dict(args))
        new._ordered = True
        return new

    def _stmt(self) -> Any:
        if self._stmt_cache is None:
            where = and_(*self._where) if self._where else None
            stmt = _core.update(
                self.table._ref,
                self._table_columns(),
                [(k, v._expr()) for k, v in self._values.items()],
                where._expr() if where is not None else None,
                self._returning_exprs(),
            )
            self._stmt_cache = _core.update_ordered(stmt) if self._ordered else stmt
        return self._stmt_cache


class Delete(_DML):
    _default_attr = "_no_default"

    def where(self, *criteria: Any) -> Delete:
        new = self._generate()
        new._where = self._where + tuple(_coerce_where(c) for c in criteria)
        return new

    filter = where

    def filter_by(self, **kw: Any) -> Delete:
        return self.where(*[self.table.c[self._column_key(k)] == v for k, v in kw.items()])

    def _stmt(self) -> Any:
        if self._stmt_cache is None:
            where = and_(*self._where) if self._where else None
            self._stmt_cache = _core.delete(
                self.table._ref, where._expr() if where is not None else None, self._returning_exprs()
            )
        return self._stmt_cache


def insert(table: Any) -> Insert:
    return Insert(table)


def update(table: Any) -> Update:
    return Update(table)


def delete(table: Any) -> Delete:
    return Delete(table)
