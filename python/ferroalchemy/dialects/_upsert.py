"""``sqlite.insert()`` / ``postgresql.insert()``: INSERT with ``on_conflict_do_update()``,
``on_conflict_do_nothing()`` and the ``excluded`` pseudo-table."""

from __future__ import annotations

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
    _on_conflict: tuple[Any, ...] | None = None

    @property
    def excluded(self) -> Any:
        return _Excluded(self.table).c

    def _target(self, index_elements: Any, constraint: Any) -> list[str]:
        if constraint is not None:
            raise NotImplementedError("ferroalchemy: on_conflict_*(constraint=...) is not implemented yet")
        return [self._column_key(getattr(e, "key", e) if not isinstance(e, str) else e) for e in index_elements or ()]

    def on_conflict_do_nothing(
        self, constraint: Any = None, index_elements: Any = None, index_where: Any = None
    ) -> Insert:
        if index_where is not None:
            raise NotImplementedError("ferroalchemy: on_conflict_do_nothing(index_where=...) is not implemented yet")
        new = self._generate()
        new._on_conflict = (self._target(index_elements, constraint), None, None)
        return new

    def on_conflict_do_update(
        self,
        constraint: Any = None,
        index_elements: Any = None,
        index_where: Any = None,
        set_: Any = None,
        where: Any = None,
    ) -> Insert:
        if index_where is not None:
            raise NotImplementedError("ferroalchemy: on_conflict_do_update(index_where=...) is not implemented yet")
        if not set_:
            raise exc.ArgumentError("on_conflict_do_update() requires set_ with at least one column")
        target = self._target(index_elements, constraint)
        if not target:
            raise exc.ArgumentError(
                "Either constraint or index_elements, but not both, must be specified unless DO NOTHING"
            )
        values = []
        for k, v in dict(set_).items():
            name = self._column_key(k)
            col = self.table.c[name]
            values.append((name, v if isinstance(_unwrap(v), ClauseElement) else _coerce(v, col.type, name)))
        new = self._generate()
        new._on_conflict = (target, values, _coerce_where(where) if where is not None else None)
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


def insert(table: Any) -> Insert:
    return Insert(table)
