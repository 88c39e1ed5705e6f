"""Eager loading with "selectin": one IN query per relationship per batch of parents, after the
parents' own statement, instead of one lazy load per parent."""

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


class JoinedEntity:
    """The target of a joinedload(): its mapper's columns, selected from an alias of its table.
    Hydration attaches each row's object to its parent and reports to `sink` (see
    rust/py/src/orm/joined.rs)."""

    is_joined_entity = True

    def __init__(self, prop: Any, alias: Any, parent: JoinedEntity | None = None, depth: int = 0) -> None:
        self.prop = prop
        self.mapper = prop.mapper
        self.alias = alias
        self.parent = parent
        self.depth = depth
        self.sink: list[Any] = []
        # Deferred columns stay out of the join, as they do from the entity's own SELECT.
        deferred = self.mapper._deferred_keys
        cols = self.mapper._select_columns
        self.indices = [i for i, c in enumerate(cols) if self.mapper._attr_for_column(c) not in deferred]

    def _ferro_entity_columns(self) -> list[Any]:
        cols = self.mapper._select_columns
        return [self.alias.c[cols[i].key] for i in self.indices]

    def _plan_item(self, offset: int, parent_position: int) -> tuple[Any, ...]:
        attrs = [(i, offset + k) for k, i in enumerate(self.indices)]
        return ("joined", self.mapper.spec, attrs, parent_position, self.prop.key, bool(self.prop.uselist), self.sink)


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
        return ("entity", self.mapper.spec, [(i, offset + k) for k, i in enumerate(self.indices)])


def prepare(statement: Select) -> Select:
    """The statement as it runs: with_loader_criteria() in its WHERE clause, and each entity's
    columns narrowed by deferred columns and load_only()/defer()/undefer()."""
    return _with_column_options(_with_criteria(statement))


def _with_criteria(statement: Select) -> Select:
    from .strategy_options import LoaderCriteria

    if not statement._with_options:
        return statement
    crit = [o for o in statement._with_options if isinstance(o, LoaderCriteria)]
    for o in crit:
        if any(getattr(e, "__mapper__", None) is o.mapper for e in statement._raw_columns):
            statement = statement.where(o.criteria)
    return statement


def _with_column_options(statement: Select) -> Select:

    options = statement._with_options
    if not options and not any(
        isinstance(e, type) and getattr(e, "__mapper__", None) is not None and e.__mapper__._deferred_keys
        for e in statement._raw_columns
    ):
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


def _column_keys(mapper: Any, options: Any) -> set[str] | None:
    """The column attributes an entity's SELECT names, or None for all of them."""
    from .strategy_options import ColumnDeferral, LoadOnly

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


def with_joined_loads(statement: Select) -> tuple[Select, list[JoinedEntity]]:
    """The statement with the columns of each joinedload target (from a LEFT OUTER JOIN it adds,
    nested joinedloads each joining to the alias above) or contains_eager target (from the join
    the statement has)."""
    joined = [opt for opt in statement._with_options if opt.steps and opt.steps[0][0] in ("joined", "contains")]
    if not joined:
        return statement, []
    augmented = statement
    entities: list[JoinedEntity] = []
    by_path: dict[tuple[int, ...], JoinedEntity] = {}
    counts: dict[str, int] = {}
    for opt in joined:
        parent: JoinedEntity | None = None
        for depth, (strategy, prop) in enumerate(opt.steps):
            if strategy not in ("joined", "contains") or (depth and strategy == "contains"):
                break
            path = tuple(id(p) for _, p in opt.steps[: depth + 1])
            if path in by_path:
                parent = by_path[path]
                continue
            prop._resolve()
            if strategy == "contains":
                entity = JoinedEntity(prop, prop.mapper.local_table)
                augmented = augmented.add_columns(entity)
            else:
                _check_joinable(statement, prop)
                target_t = prop.mapper.local_table
                counts[target_t.name] = n = counts.get(target_t.name, 0) + 1
                alias = target_t.alias(f"{target_t.name}_{n}")
                entity = JoinedEntity(prop, alias, parent, depth)
                augmented = augmented.add_columns(entity).outerjoin(alias, _join_on(prop, alias, parent))
            by_path[path] = parent = entity
            entities.append(entity)
    return augmented, entities


def _check_joinable(statement: Select, prop: Any) -> None:
    if prop.direction == MANYTOMANY:
        raise NotImplementedError("ferroalchemy: joinedload() of a many-to-many relationship is not implemented yet")
    if prop.uselist and (statement._limit is not None or statement._offset is not None):
        raise NotImplementedError("ferroalchemy: joinedload() of a collection with LIMIT/OFFSET is not implemented yet")


def _join_on(prop: Any, alias: Any, parent: JoinedEntity | None) -> Any:
    """The LEFT OUTER JOIN's ON clause: the parent's columns (from its alias when the parent is
    itself joined) against the target alias's."""

    def own(col: Any) -> Any:
        return col if parent is None else parent.alias.c[col.key]

    if prop.direction == MANYTOONE:
        return and_(*[alias.c[tc.key] == own(fc) for tc, fc in prop._pairs])
    return and_(*[own(pc) == alias.c[fc.key] for pc, fc in prop._pairs])


def assemble_joined(session: Any, statement: Select, result: Any, entities: list[JoinedEntity]) -> None:
    """Sets the collections hydration gathered per parent, then runs the deeper steps of each
    joined path from the joined objects."""
    for entity in entities:
        prop = entity.prop
        if not prop.uselist:
            continue
        for parent, members, wanted in entity.sink:
            if wanted:
                parent.__dict__[prop.key] = loaded_value(parent, prop, members)
        result._require_unique = True
    # Other steps under a joinedload continue from the joined objects.
    for entity in entities:
        d = entity.depth
        deeper = [
            opt.steps
            for opt in statement._with_options
            if len(opt.steps) > d + 1
            and opt.steps[d][1] is entity.prop
            and opt.steps[d + 1][0] not in ("joined", "contains")
            and all(s[0] in ("joined", "contains") for s in opt.steps[: d + 1])
        ]
        if deeper or entity.mapper._has_eager:
            on_path = {entity.prop.parent}
            above = entity.parent
            while above is not None:
                on_path.add(above.prop.parent)
                above = above.parent
            load_paths(session, entity.mapper, _unique(_related(entity)), deeper, d + 1, frozenset(on_path))


def _related(entity: JoinedEntity) -> list[Any]:
    if not entity.prop.uselist:
        return entity.sink
    return _unique([m for _, members, _ in entity.sink for m in members])


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
    for steps in paths:
        if len(steps) > depth and steps[depth][1].parent is mapper:
            strategy, prop = steps[depth]
            chosen.setdefault(prop.key, strategy)
            if strategy == "selectin":
                props[prop.key] = prop
    # Relationships configured lazy="selectin" load this way unless an option says otherwise.
    for prop in mapper._props.values():
        if getattr(prop, "is_relationship", False) and prop.lazy == "selectin":
            if chosen.get(prop.key, "default") == "default" and (prop.key in props or prop.mapper not in seen):
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
        if prop.parent is mapper and prop.key not in loaded and strategy in ("default", "lazy"):
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


def _load_many_to_one(session: Any, prop: Any, target: type, batch: list[Any], options: Any) -> list[Any]:
    pairs = prop._local_fk_attrs()
    if len(pairs) != 1:
        raise NotImplementedError("ferroalchemy: selectinload over a composite foreign key is not implemented yet")
    tattr, fkattr = pairs[0]
    keys = {getattr(p, fkattr) for p in batch} - {None}
    found: list[Any] = []
    if keys:
        stmt = Select(target).where(_in(getattr(target, tattr), sorted(keys, key=repr))).options(*options)
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
            .where(_in(sc, keys))
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
        stmt = Select(target).where(_in(getattr(target, child_keys), keys)).order_by(*_order_by(prop)).options(*options)
        children = _objects(session._execute_orm(stmt, None), options)
    _core.attach_related(batch, pattr, children, child_keys, prop.key, prop, loaded_value)
    return children
