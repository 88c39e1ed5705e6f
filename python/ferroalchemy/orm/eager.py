"""Relationship loading after a statement's rows: "selectin" (one IN query per relationship per
batch of parents instead of one lazy load per parent), noload(), raiseload(), and the options that
wait on each object for its lazy loads (defaultload()/lazyload() paths, with_loader_criteria())."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from .. import _core
from ..sql.elements import BinaryExpression, BindParameter, and_
from ..sql.selectable import Join, Select
from .collections import loaded_value
from .relationships import MANYTOMANY, MANYTOONE
from .strategy_options import _LoaderOption

BATCH = 500


def apply_options(session: Any, statement: Select, result: Any) -> None:
    """Runs the eager loads the statement's options and its entities' relationships ask for, and
    marks raiseload() relationships. A streamed result (yield_per) runs them per chunk, as the
    chunk arrives."""
    cursor = result._cursor
    if not getattr(cursor, "streaming", False):
        with gc_paused():
            apply_to_rows(session, statement, cursor.peek_tuples())
        return
    apply_to_rows(session, statement, cursor.peek_tuples(True))
    cursor.on_chunk = lambda rows: apply_to_rows(session, statement, rows)


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pauses CPython's cyclic GC while eager loads build objects and collections, as hydration
    does in Rust: none of them is garbage yet, and collections set off while the batches arrive
    would rescan the whole, growing heap of just-loaded objects."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def apply_to_rows(session: Any, statement: Select, rows: list[Any]) -> None:
    for index, entity in enumerate(statement._raw_columns):
        mapper = getattr(entity, "__mapper__", None)
        if mapper is None or not isinstance(entity, type):
            continue
        parents = [row[index] for row in rows if row[index] is not None]
        if not parents:
            continue
        paths: list[Any] = [
            opt.steps for opt in statement._with_options if opt.steps and opt.steps[0][1].parent is mapper
        ]
        paths += [o for o in statement._with_options if getattr(o, "propagate_to_loaders", False)]
        load_paths(session, mapper, parents, paths, depth=0)
        raising = frozenset(s[0][1].key for s in paths if isinstance(s, tuple) and s[0][0] == "raise")
        if raising:
            for p in parents:
                state = p.__dict__["_sa_instance_state"]
                state.raise_on = raising | (state.raise_on or frozenset())


def load_paths(
    session: Any,
    mapper: Any,
    parents: list[Any],
    paths: list[Any],
    depth: int,
    seen: frozenset[Any] = frozenset(),
) -> None:
    """Runs the selectin loads (and noload()s) that `paths` name at `depth` for these parents of
    `mapper`, and those configured lazy="selectin", except toward a mapper already on the path
    (`seen`), where SQLAlchemy stops following configured eager loads."""
    seen = seen | {mapper}
    criteria = _propagating_criteria(paths)
    paths = [s for s in paths if isinstance(s, tuple)]
    props: dict[str, Any] = {}
    chosen: dict[str, str] = {}
    immediate: list[Any] = []
    for steps in paths:
        if len(steps) > depth and steps[depth][1].parent is mapper:
            strategy, prop = steps[depth]
            chosen.setdefault(prop.key, strategy)
            if strategy == "selectin":
                props[prop.key] = prop
            elif strategy == "immediate" and prop not in immediate:
                immediate.append(prop)
    # Relationships configured lazy="selectin" (or "subquery", which loads the same way) load so
    # unless an option says otherwise; lazy="immediate" ones load per parent right after.
    for prop in mapper._props.values():
        lazy = getattr(prop, "lazy", None)
        if lazy not in _AFTER_ROWS or chosen.get(prop.key, "default") != "default":
            continue
        if lazy == "immediate":
            # SQLAlchemy runs these also toward a mapper already on the path.
            immediate.append(prop)
        elif prop.key in props or prop.mapper not in seen:
            props.setdefault(prop.key, prop)
    for prop in props.values():
        deeper = [s for s in paths if len(s) > depth + 1 and s[depth][1] is prop]
        # A joined step right below runs inside the child query, as SQLAlchemy's LEFT OUTER JOIN.
        joined = [_LoaderOption((s[depth + 1],)) for s in deeper if s[depth + 1][0] == "joined"]
        children = load_relationship(session, prop, parents, joined + criteria)
        if children and (deeper or prop.mapper._has_eager):
            load_paths(session, prop.mapper, _unique(children), deeper + criteria, depth + 1, seen)
    for key, strategy in chosen.items():
        if strategy == "noload":
            _set_empty(mapper._props[key], parents)
    _remember_lazy_options(mapper, parents, paths, depth, props, criteria)
    # After the options waiting for lazy loads are in place: these lazy loads take them.
    for prop in immediate:
        _load_each(prop, parents)


_AFTER_ROWS = frozenset({"selectin", "subquery", "immediate"})


def _load_each(prop: Any, parents: list[Any]) -> None:
    """lazy="immediate": each parent's lazy load, right after the parents are loaded (a
    many-to-one whose object is in the identity map needs no SQL)."""
    key = prop.key
    for p in _unique(parents):
        if key in p.__dict__:
            continue
        marker = (id(p), key)
        if marker in _immediate_loading:
            # The lazy load of this very attribute loaded its parent again (through a joined or
            # immediate load back): it is being loaded already.
            continue
        _immediate_loading.add(marker)
        try:
            getattr(p, key)
        finally:
            _immediate_loading.discard(marker)


# (parent id, attribute) of the immediate loads under way, so a load that comes back to its
# parent does not start the same load again.
_immediate_loading: set[tuple[int, str]] = set()


def _propagating_criteria(paths: list[Any]) -> list[Any]:
    """with_loader_criteria() options travel in `paths` as one-step entries (see apply_to_rows)."""
    return [s for s in paths if not isinstance(s, tuple)]


def _set_empty(prop: Any, parents: list[Any]) -> None:
    """noload(): the relationship reads as empty (None, or an empty collection) without SQL."""
    prop._resolve()
    for p in parents:
        if prop.key not in p.__dict__:
            p.__dict__[prop.key] = loaded_value(p, prop, [])


def _remember_lazy_options(
    mapper: Any, parents: list[Any], paths: list[Any], depth: int, loaded: dict[str, Any], criteria: list[Any]
) -> None:
    """Options below a relationship that loads lazily (defaultload()/lazyload() paths with more
    steps, with_loader_criteria()) wait on each parent's state for its lazy load."""
    lazy: dict[str, list[Any]] = {}
    for steps in paths:
        if len(steps) <= depth + 1:
            continue
        strategy, prop = steps[depth]
        if prop.parent is mapper and prop.key not in loaded and strategy in ("default", "lazy", "immediate"):
            lazy.setdefault(prop.key, []).append(_LoaderOption(tuple(steps[depth + 1 :])))
    if criteria:
        for prop in mapper._props.values():
            if getattr(prop, "is_relationship", False) and prop.key not in loaded:
                lazy.setdefault(prop.key, []).extend(criteria)
    if not lazy:
        return
    for p in parents:
        p.__dict__["_sa_instance_state"].load_options = lazy


def _unique(objs: list[Any]) -> list[Any]:
    seen: set[int] = set()
    out = []
    for o in objs:
        if id(o) not in seen:
            seen.add(id(o))
            out.append(o)
    return out


def load_relationship(session: Any, prop: Any, parents: list[Any], options: list[Any] = ()) -> list[Any]:  # type: ignore[assignment]
    """Loads `prop` for every parent that has not loaded it yet; returns the related objects
    (a many-to-many's may repeat). `options` apply to the query that loads them."""
    prop._resolve()
    key = prop.key
    todo = _unique([p for p in parents if key not in p.__dict__])
    loaded: list[Any] = []
    target = prop.mapper.class_
    for start in range(0, len(todo), BATCH):
        batch = todo[start : start + BATCH]
        if prop.direction == MANYTOONE:
            loaded.extend(_load_many_to_one(session, prop, target, batch, options))
        else:
            loaded.extend(_load_collections(session, prop, target, batch, options))
    # Parents that had it loaded already still pass their related objects on to deeper paths.
    if len(todo) != len(parents):
        todo_ids = {id(p) for p in todo}
        for p in parents:
            if id(p) not in todo_ids:
                value = p.__dict__.get(key)
                if value is not None:
                    loaded.extend(value if prop.uselist else [value])
    return loaded


def _in(column: Any, keys: list[Any]) -> Any:
    """``column IN (keys)`` for key values read from loaded objects: one expanding parameter,
    without the per-value checks in_() gives values from user code."""
    col = column.__clause_element__() if hasattr(column, "__clause_element__") else column
    return BinaryExpression._make(col, "in", BindParameter._expanding_anon(keys, col._type, col._bind_name), "in")


def _order_by(prop: Any) -> list[Any]:
    """The relationship's order_by columns (none when it has none)."""
    return list(getattr(prop, "order_by", False) or ())


def _extra(prop: Any) -> list[Any]:
    """Terms of an explicit primaryjoin beyond the column pairs: every load ANDs them."""
    return list(getattr(prop, "_extra", ()) or ())


def _load_many_to_one(session: Any, prop: Any, target: type, batch: list[Any], options: Any) -> list[Any]:
    pairs = prop._local_fk_attrs()
    if len(pairs) != 1:
        raise NotImplementedError("ferroalchemy: selectinload over a composite foreign key is not implemented yet")
    tattr, fkattr = pairs[0]
    keys = {getattr(p, fkattr) for p in batch} - {None}
    found: list[Any] = []
    if keys:
        stmt = Select(target).where(_in(getattr(target, tattr), sorted(keys, key=repr)), *_extra(prop))
        stmt = stmt.options(*options)
        found = _objects(session._execute_orm(stmt, None), options)
    _core.attach_related(batch, fkattr, found, tattr, prop.key, prop)
    return found


def _objects(result: Any, options: Any) -> list[Any]:
    # Only a joined collection below can repeat an object in the rows.
    return (result.unique() if options else result).scalars().all()  # type: ignore[no-any-return]


def _load_collections(session: Any, prop: Any, target: type, batch: list[Any], options: Any) -> list[Any]:
    if prop.direction == MANYTOMANY:
        (pc, sc), *rest = prop._sec_parent
        if rest:
            raise NotImplementedError("ferroalchemy: selectinload over a composite key is not implemented yet")
        pattr = prop.parent._attr_for_column(pc)
        keys = [getattr(p, pattr) for p in batch]
        on = and_(*[tc == c for tc, c in prop._sec_target])
        stmt = (
            Select(target, sc)
            .select_from(Join(prop.mapper.local_table, prop.secondary, on, False, False))
            .where(_in(sc, keys), *_extra(prop))
            .order_by(*_order_by(prop))
            .options(*options)
        )
        result = session._execute_orm(stmt, None)
        rows = (result.unique() if options else result).all()
        children = [r[0] for r in rows]
        child_keys: Any = [r[1] for r in rows]
    else:
        pairs = prop._child_fk_attrs()
        if len(pairs) != 1:
            raise NotImplementedError("ferroalchemy: selectinload over a composite key is not implemented yet")
        pattr, child_keys = pairs[0]
        keys = [getattr(p, pattr) for p in batch]
        stmt = Select(target).where(_in(getattr(target, child_keys), keys), *_extra(prop))
        stmt = stmt.order_by(*_order_by(prop)).options(*options)
        children = _objects(session._execute_orm(stmt, None), options)
    _core.attach_related(batch, pattr, children, child_keys, prop.key, prop, loaded_value)
    return children
