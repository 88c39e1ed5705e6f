"""Eager loading with "selectin": one IN query per relationship per batch of parents, after the
parents' own statement, instead of one lazy load per parent."""

from __future__ import annotations

from typing import Any

from ..sql.elements import and_
from ..sql.selectable import Join, Select
from .collections import InstrumentedList
from .relationships import MANYTOMANY, MANYTOONE

BATCH = 500


class JoinedEntity:
    """The target of a joinedload(): its mapper's columns, selected from an alias of its table."""

    def __init__(self, prop: Any, alias: Any) -> None:
        self.prop = prop
        self.mapper = prop.mapper
        self.alias = alias

    def _ferro_entity_columns(self) -> list[Any]:
        return [self.alias.c[c.key] for c in self.mapper._select_columns]


def with_joined_loads(statement: Select) -> tuple[Select, list[JoinedEntity]]:
    """The statement with a LEFT OUTER JOIN and the columns of each first-level joinedload target."""
    joined = [opt for opt in statement._with_options if opt.steps and opt.steps[0][0] == "joined"]
    if not joined:
        return statement, []
    augmented = statement
    entities = []
    for n, opt in enumerate(joined, 1):
        prop = opt.steps[0][1]
        prop._resolve()
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
            if prop.uselist:
                coll = InstrumentedList(members)._setup(parent, prop)
                coll._orig = tuple(members)
                parent.__dict__[prop.key] = coll
            else:
                parent.__dict__[prop.key] = members[0] if members else None
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
    """Runs the eager loads the statement's options and its entities' relationships ask for."""
    for index, entity in enumerate(statement._raw_columns):
        mapper = getattr(entity, "__mapper__", None)
        if mapper is None or not isinstance(entity, type):
            continue
        parents = [o for o in result._cursor.peek_column(index) if o is not None]
        if not parents:
            continue
        paths = [opt.steps for opt in statement._with_options if opt.steps and opt.steps[0][1].parent is mapper]
        load_paths(session, mapper, parents, paths, depth=0)


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
        children = load_relationship(session, prop, parents)
        if children:
            deeper = [s for s in paths if len(s) > depth + 1 and s[depth][1] is prop]
            load_paths(session, prop.mapper, children, deeper, depth + 1)


def _unique(objs: list[Any]) -> list[Any]:
    seen: set[int] = set()
    out = []
    for o in objs:
        if id(o) not in seen:
            seen.add(id(o))
            out.append(o)
    return out


def load_relationship(session: Any, prop: Any, parents: list[Any]) -> list[Any]:
    """Loads `prop` for every parent that has not loaded it yet; returns the related objects."""
    prop._resolve()
    todo = _unique([p for p in parents if prop.key not in p.__dict__])
    loaded: list[Any] = []
    target = prop.mapper.class_
    for start in range(0, len(todo), BATCH):
        batch = todo[start : start + BATCH]
        if prop.direction == MANYTOONE:
            loaded.extend(_load_many_to_one(session, prop, target, batch))
        else:
            loaded.extend(_load_collections(session, prop, target, batch))
    # Parents that had it loaded already still pass their related objects on to deeper paths.
    for p in parents:
        if p not in todo:
            value = p.__dict__.get(prop.key)
            if value is not None:
                loaded.extend(value if prop.uselist else [value])
    return _unique(loaded)


def _load_many_to_one(session: Any, prop: Any, target: type, batch: list[Any]) -> list[Any]:
    pairs = prop._local_fk_attrs()
    if len(pairs) != 1:
        raise NotImplementedError("ferroalchemy: selectinload over a composite foreign key is not implemented yet")
    tattr, fkattr = pairs[0]
    keys = {getattr(p, fkattr) for p in batch} - {None}
    found = {}
    if keys:
        stmt = Select(target).where(getattr(target, tattr).in_(sorted(keys, key=repr)))
        for obj in session._execute_orm(stmt, None).scalars().all():
            found[getattr(obj, tattr)] = obj
    for p in batch:
        p.__dict__[prop.key] = found.get(getattr(p, fkattr))
    return list(found.values())


def _load_collections(session: Any, prop: Any, target: type, batch: list[Any]) -> list[Any]:
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
        )
        rows = [(child, key) for child, key in session._execute_orm(stmt, None).all()]
    else:
        pairs = prop._child_fk_attrs()
        if len(pairs) != 1:
            raise NotImplementedError("ferroalchemy: selectinload over a composite key is not implemented yet")
        pattr, fkattr = pairs[0]
        keys = [getattr(p, pattr) for p in batch]
        stmt = Select(target).where(getattr(target, fkattr).in_(keys))
        rows = [(child, getattr(child, fkattr)) for child in session._execute_orm(stmt, None).scalars().all()]
    groups: dict[Any, list[Any]] = {}
    for child, key in rows:
        groups.setdefault(key, []).append(child)
    for p in batch:
        members = groups.get(getattr(p, pattr), [])
        if prop.uselist:
            coll = InstrumentedList(members)._setup(p, prop)
            coll._orig = tuple(members)
            p.__dict__[prop.key] = coll
        else:
            p.__dict__[prop.key] = members[0] if members else None
    return [c for c, _ in rows]
