"""Row order inside one table for a flush: a self-referential table's rows are inserted parents
first and deleted children first, in levels that each go out as one batch (as SQLAlchemy's
unit of work does for rows that depend on rows of their own table)."""

from __future__ import annotations

from typing import Any

from .. import exc
from .base import instance_state
from .relationships import MANYTOMANY, MANYTOONE


def _self_relationships(mapper: Any) -> list[Any]:
    return [
        p
        for p in mapper._writable_relationships
        if p.mapper is mapper and p.direction != MANYTOMANY and not p.post_update
    ]


def row_parent_by_key(mapper: Any, states: list[Any]) -> dict[int, list[Any]]:
    """The rows each row of a self-referential table references, by column values."""
    pairs: list[tuple[list[str], list[str]]] = []
    for prop in _self_relationships(mapper):
        ref = [mapper._attr_for_column(rc) for rc, _ in prop._pairs]
        fks = [mapper._attr_for_column(fc) for _, fc in prop._pairs]
        if (ref, fks) not in pairs:
            pairs.append((ref, fks))
    deps: dict[int, list[Any]] = {}
    for ref, fks in pairs:
        by_key = {tuple(s.obj().__dict__.get(a) for a in ref): s for s in states}
        for s in states:
            key = tuple(s.obj().__dict__.get(a) for a in fks)
            parent = by_key.get(key) if None not in key else None
            if parent is not None and parent is not s:
                deps.setdefault(id(s), []).append(parent)
    return deps


def _row_parent_by_relationship(mapper: Any, states: list[Any]) -> dict[int, list[Any]]:
    """The new rows each new row of a self-referential table must follow, from its relationships
    (many-to-one targets, one-to-many parents) and from foreign key values already set."""
    ids = {id(s) for s in states}
    deps = row_parent_by_key(mapper, states)
    for s in states:
        d = s.obj().__dict__
        for prop in _self_relationships(mapper):
            value = d.get(prop.key)
            if value is None:
                continue
            if prop.direction == MANYTOONE:
                t = instance_state(value)
                if id(t) in ids and t is not s:
                    deps.setdefault(id(s), []).append(t)
            else:
                for child in value._members():
                    c = instance_state(child)
                    if id(c) in ids and c is not s:
                        deps.setdefault(id(c), []).append(s)
    return deps


def self_levels(mapper: Any, states: list[Any], parents_of: Any) -> list[list[Any]]:
    """`states` in levels: each row after the rows it references in the same table (parents first).
    A table without self-referential relationships is one level."""
    if not _self_relationships(mapper) or len(states) < 2:
        return [states]
    deps = parents_of(mapper, states)
    if not deps:
        return [states]
    levels: list[list[Any]] = []
    placed: set[int] = set()
    todo = list(states)
    while todo:
        level = [s for s in todo if all(id(p) in placed for p in deps.get(id(s), ()))]
        if not level:
            raise exc.CircularDependencyError(
                f"Circular dependency detected among rows of table '{mapper.local_table.name}'"
            )
        levels.append(level)
        placed.update(id(s) for s in level)
        todo = [s for s in todo if id(s) not in placed]
    return levels


def insert_batches(mapper: Any, states: list[Any]) -> list[list[Any]]:
    """INSERT batches: one for most tables; a self-referential table goes level by level, so each
    row can take its parent's generated key."""
    return self_levels(mapper, states, _row_parent_by_relationship)
