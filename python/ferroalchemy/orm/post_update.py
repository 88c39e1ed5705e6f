"""``relationship(..., post_update=True)``: a many-to-one whose foreign key is written by a separate
UPDATE after the rows are inserted (and cleared by one before rows are deleted), so two tables that
reference each other can be flushed (SQLAlchemy's answer to mutually dependent rows)."""

from __future__ import annotations

from typing import Any

from ..sql.dml import update
from ..sql.elements import BindParameter, and_


def _post_update_props(mapper: Any) -> list[Any]:
    return [p for p in mapper._writable_relationships if p.post_update]


def deferred_columns(mappers: list[Any]) -> set[int]:
    """Foreign key columns written by post-update: the flush does not order tables by them."""
    return {id(fc) for m in mappers for p in _post_update_props(m) for _, fc in p._pairs}


def _emit(connection: Any, mapper: Any, rows: list[tuple[Any, dict[str, Any]]]) -> None:
    """One UPDATE per set of columns: ``UPDATE t SET fk=? WHERE pk=?`` for each (state, values)."""
    table = mapper.local_table
    pk_keys = [mapper._attr_for_column(c) for c in mapper.primary_key]
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for state, values in rows:
        d = state.obj().__dict__
        params = {f"pk_{k}": d.get(k) for k in pk_keys}
        params.update(values)
        groups.setdefault(tuple(sorted(values)), []).append(params)
    for keys, params in groups.items():
        crit = [
            c == BindParameter(f"pk_{mapper._attr_for_column(c)}", None, c._resolved_type()) for c in mapper.primary_key
        ]
        cols = {mapper._props[k].column.key: BindParameter(k, None, mapper._props[k].column.type) for k in keys}
        stmt = update(table).where(and_(*crit)).values(**cols)
        connection.execute(stmt, params if len(params) > 1 else params[0])


def write_after_insert(connection: Any, states: list[Any]) -> None:
    """After the INSERTs and UPDATEs: each post-update foreign key takes its target's key."""
    by_mapper: dict[int, tuple[Any, list[tuple[Any, dict[str, Any]]]]] = {}
    for state in states:
        props = _post_update_props(state.mapper)
        obj = state.obj() if props else None
        if obj is None:
            continue
        d = obj.__dict__
        values: dict[str, Any] = {}
        for prop in props:
            if prop.key not in d:
                continue
            target = d[prop.key]
            for tattr, fkattr in prop._local_fk_attrs():
                value = getattr(target, tattr) if target is not None else None
                if d.get(fkattr) != value:
                    values[fkattr] = value
        if values:
            by_mapper.setdefault(id(state.mapper), (state.mapper, []))[1].append((state, values))
            # Written by the UPDATE below: the object holds what its row now holds.
            d.update(values)
    for mapper, rows in by_mapper.values():
        _emit(connection, mapper, rows)


def clear_before_delete(connection: Any, deleted: list[Any]) -> None:
    """Before the DELETEs: rows being deleted stop referencing their post-update targets, which may
    be deleted first."""
    by_mapper: dict[int, tuple[Any, list[tuple[Any, dict[str, Any]]]]] = {}
    for state in deleted:
        props = _post_update_props(state.mapper)
        obj = state.obj() if props else None
        if obj is None:
            continue
        values: dict[str, Any] = {}
        for prop in props:
            if getattr(obj, prop.key) is not None:
                values.update({fkattr: None for _, fkattr in prop._local_fk_attrs()})
        if values:
            by_mapper.setdefault(id(state.mapper), (state.mapper, []))[1].append((state, values))
    for mapper, rows in by_mapper.values():
        _emit(connection, mapper, rows)
