"""Joined eager loading: joinedload() and contains_eager() add the related entity's columns (from a
LEFT OUTER JOIN to an alias, or the statement's own join); hydration attaches each row's related
object to its parent in Rust (rust/py/src/orm/joined.rs); collections are set here afterwards."""

from __future__ import annotations

from typing import Any

from ..sql.elements import UnaryExpression, and_
from ..sql.selectable import Select
from .collections import loaded_value
from .eager import _unique, load_paths
from .relationships import MANYTOMANY, MANYTOONE
from .strategy_options import _LoaderOption


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
        # Deferred columns stay out of the join, as they do from the entity's own SELECT; so do
        # SQL expressions (column_property), which name the table, not the alias: they load on
        # first access.
        deferred = self.mapper._deferred_keys
        props = self.mapper._select_props()
        self.indices = [i for i, p in enumerate(props) if p.key not in deferred and not p.is_expression]

    def _ferro_entity_columns(self) -> list[Any]:
        cols = self.mapper._select_columns
        return [self.alias.c[cols[i].key] for i in self.indices]

    def _plan_item(self, offset: int, parent_position: int) -> tuple[Any, ...]:
        spec_index = self.mapper._spec_index
        attrs = [(spec_index[i], offset + k) for k, i in enumerate(self.indices)]
        return ("joined", self.mapper.spec, attrs, parent_position, self.prop.key, bool(self.prop.uselist), self.sink)


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
                if prop.uselist and prop.order_by:
                    # The collection's order_by, after the statement's own, as SQLAlchemy adds it.
                    augmented = augmented.order_by(*_order_on_alias(prop, alias))
            by_path[path] = parent = entity
            entities.append(entity)
    return augmented, entities


def with_default_joins(statement: Select) -> Select:
    """The statement with a joinedload() of each relationship its entities configure
    lazy="joined" (and theirs, down to a mapper already on the path, where SQLAlchemy stops),
    unless an option names another strategy for it. One that cannot be joined here (see
    _check_joinable) loads as selectinload() would: the same objects, one more statement."""
    extra: list[_LoaderOption] = []
    for e in statement._raw_columns:
        mapper = getattr(e, "__mapper__", None) if isinstance(e, type) else None
        if mapper is not None and mapper._default_joined:
            _default_paths(statement, mapper, (), frozenset({mapper}), extra)
    return statement.options(*extra) if extra else statement


def _default_paths(
    statement: Select, mapper: Any, prefix: tuple[Any, ...], seen: frozenset[Any], out: list[_LoaderOption]
) -> None:
    depth = len(prefix)
    for prop in mapper._default_joined:
        prop._resolve()
        if prop.mapper in seen or _overridden(statement, prefix, prop):
            continue
        if not _joinable(statement, prop):
            # Its own query then joins what its target configures.
            out.append(_LoaderOption((*prefix, ("selectin", prop))))
            continue
        steps = (*prefix, ("joined", prop))
        out.append(_LoaderOption(steps))
        if depth < _MAX_DEFAULT_DEPTH:
            _default_paths(statement, prop.mapper, steps, seen | {prop.mapper}, out)


# Configured joins chain along distinct mappers only; this bounds a pathological chain.
_MAX_DEFAULT_DEPTH = 8


def _overridden(statement: Select, prefix: tuple[Any, ...], prop: Any) -> bool:
    """Whether an option of the statement names a strategy other than defaultload() for `prop`
    at the end of this path."""
    depth = len(prefix)
    for opt in statement._with_options:
        steps = getattr(opt, "steps", ())
        if len(steps) <= depth or steps[depth][1] is not prop or steps[depth][0] == "default":
            continue
        if all(s[1] is p[1] for s, p in zip(steps, prefix, strict=False)):
            return True
    return False


def _joinable(statement: Select, prop: Any) -> bool:
    try:
        _check_joinable(statement, prop)
    except NotImplementedError:
        return False
    return True


def _check_joinable(statement: Select, prop: Any) -> None:
    if getattr(prop, "_extra", None):
        raise NotImplementedError(
            "ferroalchemy: joinedload() of a relationship with a custom primaryjoin is not implemented yet"
        )
    if any(getattr(o, "mapper", None) is prop.mapper for o in statement._with_options if hasattr(o, "criteria")):
        raise NotImplementedError(
            "ferroalchemy: with_loader_criteria() of a joinedload() target is not implemented yet"
        )
    if prop.direction == MANYTOMANY:
        raise NotImplementedError("ferroalchemy: joinedload() of a many-to-many relationship is not implemented yet")
    if prop.uselist and (statement._limit is not None or statement._offset is not None):
        raise NotImplementedError("ferroalchemy: joinedload() of a collection with LIMIT/OFFSET is not implemented yet")
    if prop.uselist and prop.order_by:
        _order_on_alias(prop, prop.mapper.local_table.alias("probe"))


def _order_on_alias(prop: Any, alias: Any) -> list[Any]:
    """The relationship's order_by with its target table's columns taken from `alias`."""
    target_t = prop.mapper.local_table
    out = []
    for term in prop.order_by:
        inner = term.element if isinstance(term, UnaryExpression) else term
        if getattr(inner, "table", None) is not target_t:
            raise NotImplementedError(
                f"ferroalchemy: joinedload() of {prop.parent.class_.__name__}.{prop.key}, whose order_by is not "
                "a column of its target table, is not implemented yet"
            )
        col = alias.c[inner.key]
        out.append(UnaryExpression._make(term.modifier, col) if isinstance(term, UnaryExpression) else col)
    return out


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
