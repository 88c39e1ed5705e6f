"""Dialect inserts: ``sqlite.insert()`` / ``postgresql.insert()`` with ``on_conflict_do_update()``,
``on_conflict_do_nothing()`` and the ``excluded`` pseudo-table; ``mysql.insert()`` with
``on_duplicate_key_update()`` and the ``inserted`` pseudo-table."""

from __future__ import annotations

import warnings
from typing import Any

from .. import _core, exc
from ..sql.dml import Insert as _Insert
from ..sql.elements import ClauseElement, ColumnClause, _coerce, _coerce_where, _unwrap
from ..sql.selectable import ColumnCollection


class _Excluded:
    """The row that was proposed for insertion: ``excluded.<column>``."""

    def __init__(self, table: Any) -> None:
        self._ref = _core.TableRef("excluded", None)
        self.name = "excluded"
        self.c = ColumnCollection()
        for col in table.c:
            clause = ColumnClause(col.name, col.type, False, self)
            clause.key = col.key
            self.c._add(clause)

    def __getattr__(self, key: str) -> Any:
        return getattr(self.__dict__["c"], key)


class Insert(_Insert):
    """PostgreSQL's INSERT (SQLite's differs only in taking no ``constraint``)."""

    _on_conflict: tuple[Any, ...] | None = None
    # (constraint name, index predicate) of the ON CONFLICT target.
    _conflict_target: tuple[str | None, Any] = (None, None)
    _stringify_dialect = "postgresql"

    @property
    def excluded(self) -> Any:
        return _Excluded(self.table).c

    def _target(self, index_elements: Any, constraint: Any, index_where: Any) -> tuple[list[str], str | None, Any]:
        """(index columns, constraint name, index predicate), as SQLAlchemy's OnConflictClause reads
        them: a named constraint object stands for its name, an unnamed one for its columns."""
        name = None
        if constraint is not None:
            if index_elements is not None:
                raise ValueError("'constraint' and 'index_elements' are mutually exclusive")
            if isinstance(constraint, str):
                name = constraint
            elif getattr(constraint, "name", None) and not hasattr(constraint, "expressions"):
                name = constraint.name
            else:
                index_elements = list(getattr(constraint, "expressions", None) or constraint.columns)
                opts = getattr(constraint, "dialect_options", None) or {}
                index_where = (opts.get("postgresql") or {}).get("where", index_where)
        cols = [self._column_key(getattr(e, "key", e) if not isinstance(e, str) else e) for e in index_elements or ()]
        where = _coerce_where(index_where) if index_where is not None else None
        return cols, name, where

    def on_conflict_do_nothing(
        self, constraint: Any = None, index_elements: Any = None, index_where: Any = None
    ) -> Insert:
        cols, name, where = self._target(index_elements, constraint, index_where)
        new = self._generate()
        new._on_conflict = (cols, None, None)
        new._conflict_target = (name, where)
        return new

    def on_conflict_do_update(
        self,
        constraint: Any = None,
        index_elements: Any = None,
        index_where: Any = None,
        set_: Any = None,
        where: Any = None,
    ) -> Insert:
        if not set_:
            raise exc.ArgumentError("on_conflict_do_update() requires set_ with at least one column")
        target, name, index_pred = self._target(index_elements, constraint, index_where)
        if not target and name is None:
            raise exc.ArgumentError(
                "Either constraint or index_elements, but not both, must be specified unless DO NOTHING"
            )
        values = []
        for k, v in dict(set_).items():
            col_name = self._column_key(k)
            col = self.table.c[col_name]
            values.append((col_name, v if isinstance(_unwrap(v), ClauseElement) else _coerce(v, col.type, col_name)))
        new = self._generate()
        new._on_conflict = (target, values, _coerce_where(where) if where is not None else None)
        new._conflict_target = (name, index_pred)
        return new

    def _on_conflict_spec(self) -> Any:
        if self._on_conflict is None:
            return None
        target, values, where = self._on_conflict
        return (
            target,
            None if values is None else [(k, _coerce(v)._expr()) for k, v in values],
            where._expr() if where is not None else None,
        )

    def _insert_options(self) -> dict[str, Any]:
        name, where = self._conflict_target
        if name is None and where is None:
            return {}
        return {"constraint": name, "index_where": where._expr() if where is not None else None}


def insert(table: Any) -> Insert:
    return Insert(table)


class SQLiteInsert(Insert):
    """SQLite's INSERT: ON CONFLICT names its target by index columns only."""

    _stringify_dialect = "sqlite"

    def on_conflict_do_nothing(  # type: ignore[override]
        self, index_elements: Any = None, index_where: Any = None
    ) -> Insert:
        return super().on_conflict_do_nothing(index_elements=index_elements, index_where=index_where)

    def on_conflict_do_update(  # type: ignore[override]
        self, index_elements: Any = None, index_where: Any = None, set_: Any = None, where: Any = None
    ) -> Insert:
        return super().on_conflict_do_update(
            index_elements=index_elements, index_where=index_where, set_=set_, where=where
        )


def sqlite_insert(table: Any) -> SQLiteInsert:
    return SQLiteInsert(table)


class _Inserted(ColumnClause):
    """``inserted.<col>``: the value the row would have had, MySQL's ``VALUES(col)``."""

    __slots__ = ()

    def _expr(self) -> Any:
        if self._inner is None:
            self._inner = _core.func("VALUES", [_core.column(None, self.name, self.type._handle)], self.type._handle)
        return self._inner


class MySQLInsert(_Insert):
    """MySQL's INSERT with ``on_duplicate_key_update()``."""

    _on_duplicate: list[tuple[str, Any]] | None = None
    _stringify_dialect = "mysql"

    @property
    def inserted(self) -> ColumnCollection:
        cols = ColumnCollection()
        for col in self.table.c:
            clause = _Inserted(col.name, col.type)
            clause.key = col.key
            cols._add(clause)
        return cols

    def on_duplicate_key_update(self, *args: Any, **kw: Any) -> MySQLInsert:
        """SET values for a row whose key exists: a dict or kwargs (rendered in table order) or a
        list of (column, value) tuples (rendered in that order)."""
        if args and kw:
            raise exc.ArgumentError("Can't pass kwargs and positional arguments simultaneously")
        if len(args) > 1:
            raise exc.ArgumentError("Only a single dictionary or list of tuples is accepted positionally.")
        update = args[0] if args else kw
        if isinstance(update, list):
            pairs = list(update)
        elif isinstance(update, (dict, ColumnCollection)):
            pairs = list(update.items())
        else:
            raise ValueError(
                "update parameter must be a non-empty dictionary or a ColumnCollection such as the "
                "`.c.` collection of a Table object"
            )
        if not pairs:
            raise ValueError("update parameter dictionary must not be empty")
        names = [k if isinstance(k, str) else getattr(_unwrap(k), "key", None) for k, _ in pairs]
        unknown = [n for n in names if n not in self.table.c]
        if unknown:
            warnings.warn(
                "Additional column names not matching any column keys in table "
                f"'{self.table.name}': {', '.join(repr(n) for n in unknown)}",
                exc.SAWarning,
                stacklevel=2,
            )
        items = [(self._column_key(n), v) for n, (_, v) in zip(names, pairs, strict=True) if n not in unknown]
        order = [n for n, _ in items] if isinstance(update, list) else []
        given = dict(items)
        names = order + [c.name for c in self.table.c if c.name in given and c.name not in order]
        values = []
        for name in names:
            v = given[name]
            col = self.table.c[name]
            # A plain value binds anonymously (`param_1`), typed as its column.
            values.append((name, _coerce(v, col.type, "param")))
        new = self._generate()
        new._on_duplicate = values
        return new

    def _insert_options(self) -> dict[str, Any]:
        if self._on_duplicate is None:
            return {}
        return {"on_duplicate": [(k, v._expr()) for k, v in self._on_duplicate]}


def mysql_insert(table: Any) -> MySQLInsert:
    return MySQLInsert(table)
