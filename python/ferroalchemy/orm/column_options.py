"""What an entity's SELECT names and filters: deferred columns and load_only()/defer()/undefer()
narrow its columns (a PartialEntity stands for it), with_loader_criteria() joins its WHERE clause."""

from __future__ import annotations

from typing import Any

from ..sql.selectable import Select
from .strategy_options import ColumnDeferral, LoaderCriteria, LoadOnly


class PartialEntity:
    """An entity under load_only(): its primary key and the named columns only."""

    def __init__(self, mapper: Any, keys: set[str]) -> None:
        self.mapper = mapper
        cols = mapper._select_columns
        pk = {id(c) for c in mapper.primary_key}
        self.indices = [i for i, c in enumerate(cols) if id(c) in pk or mapper._attr_for_column(c) in keys]

    def _ferro_entity_columns(self) -> list[Any]:
        cols = self.mapper._select_columns
        return [cols[i] for i in self.indices]

    def __selectable__(self) -> Any:
        return self.mapper.local_table

    def _plan_item(self, offset: int) -> tuple[Any, ...]:
        spec_index = self.mapper._spec_index
        return ("entity", self.mapper.spec, [(spec_index[i], offset + k) for k, i in enumerate(self.indices)])


def prepare(statement: Select) -> Select:
    """The statement as it runs: with_loader_criteria() in its WHERE clause, and each entity's
    columns narrowed by deferred columns and load_only()/defer()/undefer()."""
    return _with_column_options(_with_criteria(statement))


def _with_criteria(statement: Select) -> Select:
    if not statement._with_options:
        return statement
    crit = [o for o in statement._with_options if isinstance(o, LoaderCriteria)]
    for o in crit:
        if any(_mapper_of(target) is o.mapper for target, *_ in statement._joins):
            # SQLAlchemy puts the criteria into that join's ON clause.
            raise NotImplementedError(
                "ferroalchemy: with_loader_criteria() of an entity the statement joins to is not implemented yet"
            )
        if any(getattr(e, "__mapper__", None) is o.mapper for e in statement._raw_columns):
            statement = statement.where(o.criteria)
    return statement


def _mapper_of(target: Any) -> Any:
    prop = getattr(target, "prop", None)
    if getattr(prop, "is_relationship", False):
        return prop.mapper
    return getattr(target, "__mapper__", None)


def _with_column_options(statement: Select) -> Select:
    options = statement._with_options
    if not options and not has_deferred_columns(statement):
        return statement
    raw: list[Any] = []
    changed = False
    for e in statement._raw_columns:
        mapper = getattr(e, "__mapper__", None) if isinstance(e, type) else None
        keys = _column_keys(mapper, options) if mapper is not None else None
        if keys is None:
            raw.append(e)
        else:
            raw.append(PartialEntity(mapper, keys))
            changed = True
    return statement.with_only_columns(*raw) if changed else statement


def has_deferred_columns(statement: Select) -> bool:
    """Whether an entity of the statement has columns mapped deferred (its SELECT leaves them out
    even without options)."""
    return any(
        isinstance(e, type) and getattr(e, "__mapper__", None) is not None and e.__mapper__._deferred_keys
        for e in statement._raw_columns
    )


def _column_keys(mapper: Any, options: Any) -> set[str] | None:
    """The column attributes an entity's SELECT names, or None for all of them."""
    left_out = set(mapper._deferred_keys)
    only: set[str] | None = None
    for o in options:
        if getattr(o, "mapper", None) is not mapper:
            continue
        if isinstance(o, LoadOnly):
            only = set(o.keys) if only is None else only | o.keys
        elif isinstance(o, ColumnDeferral):
            (left_out.add if o.deferred else left_out.discard)(o.key)
    if only is not None:
        return only - (left_out - mapper._deferred_keys)
    if not left_out:
        return None
    return {k for k, p in mapper._props.items() if not getattr(p, "is_relationship", False)} - left_out
