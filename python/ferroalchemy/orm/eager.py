"""Eager loading with "selectin": one IN query per relationship per batch of parents, after the
parents' own statement, instead of one lazy load per parent."""

from __future__ import annotations

from typing import Any

from ..sql.elements import and_
from ..sql.selectable import Join, Select
from .collections import loaded_value
from .relationships import MANYTOMANY, MANYTOONE
from .strategy_options import _LoaderOption

BATCH = 500


class JoinedEntity:
    """The target of a joinedload(): its mapper's columns, selected from an alias of its table."""

    def __init__(self, prop: Any, alias: Any) -> None:
        self.prop = prop
        self.mapper = prop.mapper
        self.alias = alias

    def _ferro_entity_columns(self) -> list[Any]:
        return [self.alias.c[c.key] for c in self.mapper._select_columns]


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

    def _plan_item(self, offset: int) -> tuple[Any, ...]:
        return ("entity", self.mapper.spec, [(i, offset + k) for k, i in enumerate(self.indices)])


def with_load_only(statement: Select) -> Select:
    """load_only() options narrow their entity's columns in the SELECT."""
    if not statement._with_options:
        return statement
    from .strategy_options import LoadOnly

    only = [o for o in statement._with_options if isinstance(o, LoadOnly)]
    if not only:
        return statement
    raw = []
    for e in statement._raw_columns:
        mapper = getattr(e, "__mapper__", None) if isinstance(e, type) else None
        match = next((o for o in only if o.mapper is mapper), None)
        raw.append(PartialEntity(mapper, match.keys) if match is not None else e)
    return statement.with_only_columns(*raw)


def with_joined_loads(statement: Select) -> tuple[Select, list[JoinedEntity]]:
    """The statement with the columns of each first-level joinedload target (from a LEFT OUTER JOIN
    it adds) or contains_eager target (from the join the statement has)."""
    joined = [opt for opt in statement._with_options if opt.steps and opt.steps[0][0] in ("joined", "contains")]
    if not joined:
        return statement, []
    augmented = statement
    entities = []
    for n, opt in enumerate(joined, 1):
        prop = opt.steps[0][1]
        prop._resolve()
        if opt.steps[0][0] == "contains":
            entity = JoinedEntity(prop, prop.mapper.local_table)
            augmented = augmented.add_columns(entity)
            entities.append(entity)
            continue
        if prop.direction == MANYTOMANY:
            raise NotImplementedError(
                "ferroalchemy: joinedload() of a many-to-many relationship is not implemented yet"
            )
        if prop.uselist and (statement._limit is not None or statement._offset is not None):
            raise NotImplementedError(
                "ferroalchemy: joinedload() of a collection with LIMIT/OFFSET is not implemented yet"
            )
        target_t = prop.mapper.local_table
        alias = target_t.alias(f"{target_t.name}_{n}")
        on = and_(
            *[
                (alias.c[b.key] == a) if prop.direction == MANYTOONE else (a == alias.c[b.key])
                for a, b in ([(fc, tc) for tc, fc in prop._pairs] if prop.direction == MANYTOONE else prop._pairs)
            ]
        )
        entity = JoinedEntity(prop, alias)
        augmented = augmented.add_columns(entity).outerjoin(alias, on)
        entities.append(entity)
    return augmented, entities


def assemble_joined(session: Any, statement: Select, result: Any, entities: list[JoinedEntity]) -> None:
    """Puts each joined row's related object into its parent, then drops the added columns."""
    width = len(statement._raw_columns)
    rows = result._cursor.peek_tuples()
    for k, entity in enumerate(entities):
        prop = entity.prop
        parent_index = next(
            i for i, e in enumerate(statement._raw_columns) if getattr(e, "__mapper__", None) is prop.parent
        )
        collected: dict[int, tuple[Any, list[Any]]] = {}
        for row in rows:
            parent, child = row[parent_index], row[width + k]
            if parent is None:
                continue
            entry = collected.setdefault(id(parent), (parent, []))
            if child is not None and not any(child is c for c in entry[1]):
                entry[1].append(child)
        for parent, members in collected.values():
            if prop.key in parent.__dict__:
                continue
            parent.__dict__[prop.key] = loaded_value(parent, prop, members)
        if prop.uselist:
            result._require_unique = True
    result._cursor.truncate_columns(width)
    # selectin steps under a joinedload continue from the joined objects.
    for entity in entities:
        deeper = [opt.steps for opt in statement._with_options if len(opt.steps) > 1 and opt.steps[0][1] is entity.prop]
        if deeper:
            k = entities.index(entity)
            related = [row[width + k] for row in rows if row[width + k] is not None]
            load_paths(session, entity.mapper, _unique(related), deeper, depth=1)


def apply_options(session: Any, statement: Select, result: Any) -> None:
    """Runs the eager loads the statement's options and its entities' relationships ask for, and
    marks raiseload() relationships. A streamed result (yield_per) runs them per chunk, as the
    chunk arrives."""
    cursor = result._cursor
    if not getattr(cursor, "streaming", False):
        apply_to_rows(session, statement, cursor.peek_tuples())
        return
    apply_to_rows(session, statement, cursor.peek_tuples(True))
    cursor.on_chunk = lambda rows: apply_to_rows(session, statement, rows)


def apply_to_rows(session: Any, statement: Select, rows: list[Any]) -> None:
    for index, entity in enumerate(statement._raw_columns):
        mapper = getattr(entity, "__mapper__", None)
        if mapper is None or not isinstance(entity, type):
            continue
        parents = [row[index] for row in rows if row[index] is not None]
        if not parents:
            continue
        paths = [opt.steps for opt in statement._with_options if opt.steps and opt.steps[0][1].parent is mapper]
        load_paths(session, mapper, parents, paths, depth=0)
        raising = frozenset(s[0][1].key for s in paths if s[0][0] == "raise")
        if raising:
            for p in parents:
                state = p.__dict__["_sa_instance_state"]
                state.raise_on = raising | (state.raise_on or frozenset())


def load_paths(session: Any, mapper: Any, parents: list[Any], paths: list[tuple[Any, ...]], depth: int) -> None:
    props = {}
    for steps in paths:
        if len(steps) > depth and steps[depth][1].parent is mapper and steps[depth][0] == "selectin":
            props[steps[depth][1].key] = steps[depth][1]
    # Relationships configured lazy="selectin" load this way without an option.
    for prop in mapper._props.values():
        if getattr(prop, "is_relationship", False) and prop.lazy == "selectin":
            props.setdefault(prop.key, prop)
    for prop in props.values():
        deeper = [s for s in paths if len(s) > depth + 1 and s[depth][1] is prop]
        # A joined step right below runs inside the child query, as SQLAlchemy's LEFT OUTER JOIN.
        joined = [_LoaderOption((s[depth + 1],)) for s in deeper if s[depth + 1][0] == "joined"]
        children = load_relationship(session, prop, parents, joined)
        if children:
            load_paths(session, prop.mapper, children, deeper, depth + 1)


def _unique(objs: list[Any]) -> list[Any]:
    seen: set[int] = set()
    out = []
    for o in objs:
        if id(o) not in seen:
            seen.add(id(o))
            out.append(o)
    return out


def load_relationship(session: Any, prop: Any, parents: list[Any], options: list[Any] = ()) -> list[Any]:  # type: ignore[assignment]
    """Loads `prop` for every parent that has not loaded it yet; returns the related objects.
    `options` apply to the query that loads them."""
    prop._resolve()
    todo = _unique([p for p in parents if prop.key not in p.__dict__])
    loaded: list[Any] = []
    target = prop.mapper.class_
    for start in range(0, len(todo), BATCH):
        batch = todo[start : start + BATCH]
        if prop.direction == MANYTOONE:
            loaded.extend(_load_many_to_one(session, prop, target, batch, options))
        else:
            loaded.extend(_load_collections(session, prop, target, batch, options))
    # Parents that had it loaded already still pass their related objects on to deeper paths.
    todo_ids = {id(p) for p in todo}
    for p in parents:
        if id(p) not in todo_ids:
            value = p.__dict__.get(prop.key)
            if value is not None:
                loaded.extend(value if prop.uselist else [value])
    return _unique(loaded)


def _load_many_to_one(session: Any, prop: Any, target: type, batch: list[Any], options: Any) -> list[Any]:
    pairs = prop._local_fk_attrs()
    if len(pairs) != 1:
        raise NotImplementedError("ferroalchemy: selectinload over a composite foreign key is not implemented yet")
    tattr, fkattr = pairs[0]
    keys = {getattr(p, fkattr) for p in batch} - {None}
    found = {}
    if keys:
        stmt = Select(target).where(getattr(target, tattr).in_(sorted(keys, key=repr))).options(*options)
        for obj in session._execute_orm(stmt, None).unique().scalars().all():
            found[getattr(obj, tattr)] = obj
    for p in batch:
        p.__dict__[prop.key] = found.get(getattr(p, fkattr))
    return list(found.values())


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
            .where(sc.in_(keys))
            .options(*options)
        )
        rows = [(child, key) for child, key in session._execute_orm(stmt, None).unique().all()]
    else:
        pairs = prop._child_fk_attrs()
        if len(pairs) != 1:
            raise NotImplementedError("ferroalchemy: selectinload over a composite key is not implemented yet")
        pattr, fkattr = pairs[0]
        keys = [getattr(p, pattr) for p in batch]
        stmt = Select(target).where(getattr(target, fkattr).in_(keys)).options(*options)
        rows = [(child, getattr(child, fkattr)) for child in session._execute_orm(stmt, None).unique().scalars().all()]
    groups: dict[Any, list[Any]] = {}
    for child, key in rows:
        groups.setdefault(key, []).append(child)
    for p in batch:
        p.__dict__[prop.key] = loaded_value(p, prop, groups.get(getattr(p, pattr), []))
    return [c for c, _ in rows]
