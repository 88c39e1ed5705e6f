"""Load plans for ORM selects, primary-key lookups and lazy loads."""

from __future__ import annotations

from typing import Any

from .. import _core, exc
from ..sql.elements import BindParameter, Label, and_
from ..sql.selectable import FromClause, Join, Select
from .collections import loaded_value
from .relationships import MANYTOMANY, MANYTOONE


def plan_for(stmt: Select) -> Any:
    """A LoadPlan when the select names a mapped class; None for plain column rows."""
    raw = stmt._raw_columns
    if len(raw) == 1 and isinstance(raw[0], type):
        mapper = getattr(raw[0], "__mapper__", None)
        if mapper is not None:
            return mapper._entity_load_plan()
    cached = stmt.__dict__.get("_plan_cache")
    if cached is not None and cached[0] is raw:
        return cached[1]
    items: list[tuple[Any, ...]] = []
    keys: list[str] = []
    idx = 0
    has_entity = False
    joined: list[Any] = []
    for e in stmt._raw_columns:
        mapper = getattr(e, "__mapper__", None)
        if mapper is not None and isinstance(e, type):
            items.append(mapper._entity_plan_item(idx))
            keys.append(e.__name__)
            idx += len(mapper._select_columns)
            has_entity = True
        elif hasattr(e, "_aliased_plan_item"):
            items.append(e._aliased_plan_item(idx))
            keys.append(e.__name__)
            idx += len(e.mapper._table_props)
            has_entity = True
        elif getattr(e, "is_joined_entity", False):
            # Attached to its parent object in hydration; not a column of the result's rows.
            # A nested joinedload's parent is the joined item above it: -1 - its index.
            parent = _entity_position(stmt, e.prop.parent) if e.parent is None else -1 - joined.index(e.parent)
            items.append(e._plan_item(idx, parent))
            joined.append(e)
            idx += len(e.indices)
        elif hasattr(e, "_plan_item"):
            items.append(e._plan_item(idx))
            keys.append(e.mapper.class_.__name__)
            idx += len(e.indices)
            has_entity = True
        elif hasattr(e, "_ferro_entity_columns"):
            items.append(e.mapper._entity_plan_item(idx))
            keys.append(e.mapper.class_.__name__)
            idx += len(e.mapper._select_columns)
        elif isinstance(e, FromClause):
            for c in e.c:
                items.append(("column", idx))
                keys.append(c.key)
                idx += 1
        else:
            items.append(("column", idx))
            key = getattr(e, "key", None)
            if isinstance(e, Label):
                key = e.name
            keys.append(key if isinstance(key, str) else (getattr(e, "_result_name", None) or f"anon_{idx}"))
            idx += 1
    plan = _core.LoadPlan(items, keys) if has_entity else None
    stmt.__dict__["_plan_cache"] = (stmt._raw_columns, plan)
    return plan


def _entity_position(stmt: Select, mapper: Any) -> int:
    """Where the entity of `mapper` is in the statement's result rows."""
    pos = 0
    for e in stmt._raw_columns:
        if getattr(e, "is_joined_entity", False):
            continue
        if getattr(e, "__mapper__", None) is mapper and isinstance(e, type):
            return pos
        if hasattr(e, "indices") and e.mapper is mapper:  # the entity narrowed by deferred columns
            return pos
        pos += len(e.c) if isinstance(e, FromClause) else 1
    raise exc.InvalidRequestError(f"Mapper {mapper} is not an entity of the statement")


def normalize_ident(mapper: Any, ident: Any) -> tuple[Any, ...]:
    pk = mapper.primary_key
    if isinstance(ident, dict):
        values = []
        for c in pk:
            key = mapper._attr_for_column(c)
            if key in ident:
                values.append(ident[key])
            elif c.name in ident:
                values.append(ident[c.name])
            else:
                raise exc.InvalidRequestError(
                    f"Incorrect names of values in identifier formed from argument to get(); "
                    f"primary key attribute names are {', '.join(repr(mapper._attr_for_column(c)) for c in pk)}"
                )
        return tuple(values)
    values = tuple(ident) if isinstance(ident, (tuple, list)) else (ident,)
    if len(values) != len(pk):
        raise exc.InvalidRequestError(
            "Incorrect number of values in identifier formed from argument to get(); primary key columns "
            f"are {', '.join(repr(str(c)) for c in pk)}"
        )
    return values


NOT_IN_MAP = object()


def from_identity_map(session: Any, prop: Any, obj: Any) -> Any:
    """A many-to-one by primary key whose target is loaded already resolves without SQL."""
    prop._resolve()
    if prop.direction != MANYTOONE:
        return NOT_IN_MAP
    pairs = prop._local_fk_attrs()
    if prop._extra or [prop.mapper._attr_for_column(c) for c in prop.mapper.primary_key] != [t for t, _ in pairs]:
        return NOT_IN_MAP
    d = obj.__dict__
    if any(fk not in d for _, fk in pairs):
        return NOT_IN_MAP
    values = tuple(d[fk] for _, fk in pairs)
    if None in values:
        return None
    target = session.identity_map.get(prop.mapper.mapper_id, values, prop.mapper._pk_types)
    if target is None or target.__dict__["_sa_instance_state"].expired:
        return NOT_IN_MAP
    return target


def lazy_load(session: Any, prop: Any, obj: Any) -> Any:
    prop._resolve()
    target = prop.mapper.class_
    # Options the loading query left for this relationship (defaultload() paths, criteria).
    pending = obj.__dict__["_sa_instance_state"].load_options
    options = pending.get(prop.key, ()) if pending else ()
    if prop.direction == MANYTOONE:
        pairs = prop._local_fk_attrs()
        values = tuple(getattr(obj, fkattr) for _, fkattr in pairs)
        if None in values:
            return None
        if (
            not options
            and not prop._extra
            and [prop.mapper._attr_for_column(c) for c in prop.mapper.primary_key] == [t for t, _ in pairs]
        ):
            return session.get(target, values)
        stmt = Select(target).where(
            *[getattr(target, t) == v for (t, _), v in zip(pairs, values, strict=True)], *prop._extra
        )
        return session.execute(stmt.options(*options)).scalars().first()
    stmt = prop.__dict__.get("_lazy_stmt")
    if stmt is None:
        stmt = _lazy_statement(prop, target)
        prop._lazy_stmt = stmt
    if options:
        stmt = stmt.options(*options)
    if prop.direction == MANYTOMANY:
        pm = prop.parent
        params = {f"lz_{i}": getattr(obj, pm._attr_for_column(pc)) for i, (pc, _) in enumerate(prop._sec_parent)}
    else:
        params = {f"lz_{i}": getattr(obj, pattr) for i, (pattr, _) in enumerate(prop._child_fk_attrs())}
    session._autoflush()
    rows = session._execute_orm(stmt, params).scalars().all()
    return loaded_value(obj, prop, rows)


def _lazy_statement(prop: Any, target: type) -> Select:
    """SELECT of the related objects, with the parent's key as bind parameters `lz_N`."""
    if prop.direction == MANYTOMANY:
        sec = prop.secondary
        on = and_(*[tc == sc for tc, sc in prop._sec_target])
        crit = [sc == BindParameter(f"lz_{i}", None, sc._resolved_type()) for i, (_, sc) in enumerate(prop._sec_parent)]
        stmt = Select(target).select_from(Join(prop.mapper.local_table, sec, on, False, False))
    else:
        stmt = Select(target)
        crit = [fc == BindParameter(f"lz_{i}", None, fc.type) for i, (_, fc) in enumerate(prop._pairs)]
    stmt = stmt.where(and_(*crit, *prop._extra))
    return stmt.order_by(*prop.order_by) if prop.order_by else stmt


def load_column(session: Any, state: Any, obj: Any, prop: Any, also: tuple[Any, ...] = ()) -> Any:
    """A column the object's SELECT left out (deferred, or not named by load_only()), with the
    properties `also` that are missing with it: one SELECT of them by primary key, as SQLAlchemy's
    deferred loader."""
    from .base import state_str
    from .exc import ObjectDeletedError

    session._check_io()
    session._autoflush()
    pk = state.mapper.primary_key
    props = (prop, *also)
    stmt = Select(*[p.column for p in props]).where(*[c == v for c, v in zip(pk, state.identity, strict=True)])
    rows = session._execute_orm(stmt, None).all()
    if not rows:
        raise ObjectDeletedError(f"Instance '{state_str(obj)}' has been deleted, or its row is otherwise not present.")
    d = obj.__dict__
    for p, value in zip(props, rows[0], strict=True):
        d[p.key] = value
    return rows[0][0]


def has_eager_relationships(stmt: Select) -> bool:
    """Whether an entity of the statement has relationships configured lazy="selectin"."""
    for e in stmt._raw_columns:
        mapper = getattr(e, "__mapper__", None)
        if mapper is not None and isinstance(e, type) and mapper._has_eager:
            return True
    return False


def check_yield_per_joined(joined: list[Any]) -> None:
    """yield_per hydrates chunk by chunk, which a joined eager load of a collection cannot (its
    parent's rows may span chunks): SQLAlchemy refuses it with this error."""
    if any(entity.prop.uselist for entity in joined):
        raise exc.InvalidRequestError(
            "Can't use yield_per with eager loaders that require uniquing or row buffering, e.g. "
            "joinedload() against collections or subqueryload().  Consider the selectinload() "
            "strategy for better flexibility in loading objects."
        )
    raise NotImplementedError("ferroalchemy: yield_per with joinedload() of a many-to-one is not implemented yet")
