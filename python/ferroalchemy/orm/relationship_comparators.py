"""SQL from relationship attributes in queries: ``==`` / ``!=`` against an object or None,
``any()``, ``has()`` and ``contains()``, rendered as SQLAlchemy's relationship comparator renders
them (EXISTS subqueries correlated to the parent, or the foreign key compared to a bound value)."""

from __future__ import annotations

from typing import Any

from .. import exc
from ..sql.compound import Exists
from ..sql.elements import and_, literal, literal_column, not_, or_
from ..sql.selectable import Select
from .relationships import MANYTOMANY, MANYTOONE


def compare(prop: Any, other: Any, negate: bool) -> Any:
    """``Address.user == some_user`` / ``== None``, and a collection ``== None`` (no member)."""
    prop._resolve()
    if prop.direction != MANYTOONE:
        if other is not None:
            raise exc.InvalidRequestError(
                "Can't compare a collection to an object or collection; use contains() to test for membership."
            )
        exists = _exists(prop, None)
        return exists if negate else not_(exists)
    if other is None:
        return and_(*[fc.is_not(None) if negate else fc.is_(None) for _, fc in prop._pairs])
    if not isinstance(other, prop.mapper.class_):
        raise exc.ArgumentError(
            f"Mapped instance expected for relationship comparison to object; got {other!r}. "
            f"Classes, queries and other SQL elements are not accepted in this context."
        )
    tm = prop.mapper
    pairs = [(getattr(other, tm._attr_for_column(tc)), fc) for tc, fc in prop._pairs]
    if negate:
        return and_(*[or_(fc != v, fc.is_(None)) for v, fc in pairs])
    # SQLAlchemy substitutes the object's key into the lazy-load clause: `:param_1 = fk`.
    return and_(*[literal(v, fc.type) == fc for v, fc in pairs])


def any_(prop: Any, criterion: Any, kwargs: dict[str, Any]) -> Any:
    """``User.addresses.any(Address.email == x)``: EXISTS a related row matching the criteria."""
    prop._resolve()
    if not prop.uselist:
        raise exc.InvalidRequestError("'any()' not implemented for scalar attributes. Use has().")
    return _exists(prop, _criteria(prop, criterion, kwargs))


def has(prop: Any, criterion: Any, kwargs: dict[str, Any]) -> Any:
    """``Address.user.has(User.name == x)``: EXISTS the related row, matching the criteria."""
    prop._resolve()
    if prop.uselist:
        raise exc.InvalidRequestError("'has()' not implemented for collections. Use any().")
    return _exists(prop, _criteria(prop, criterion, kwargs))


def contains(prop: Any, other: Any) -> Any:
    """``User.addresses.contains(address)``: the parent's key compared to the member's."""
    prop._resolve()
    if not prop.uselist:
        raise exc.InvalidRequestError("'contains' not implemented for scalar attributes.  Use ==")
    if not isinstance(other, prop.mapper.class_):
        raise exc.ArgumentError(
            f"Mapped instance expected for relationship comparison to object; got {other!r}. "
            f"Classes, queries and other SQL elements are not accepted in this context."
        )
    if getattr(prop, "_extra", None):
        raise NotImplementedError(
            "ferroalchemy: contains() of a relationship with a custom primaryjoin is not implemented yet"
        )
    tm = prop.mapper
    if prop.direction == MANYTOMANY:
        # The secondary table joins in under an alias, as SQLAlchemy's contains() does.
        sec = prop.secondary.alias()
        parent_side = [pc == sec.c[sc.key] for pc, sc in prop._sec_parent]
        member_side = [
            literal(getattr(other, tm._attr_for_column(tc)), tc.type) == sec.c[sc.key] for tc, sc in prop._sec_target
        ]
        return and_(*parent_side, *member_side)
    # One-to-many: the parent's key equals the member's foreign key value.
    cm = tm
    return and_(*[pc == literal(getattr(other, cm._attr_for_column(fc)), pc.type) for pc, fc in prop._pairs])


def _criteria(prop: Any, criterion: Any, kwargs: dict[str, Any]) -> Any:
    target = prop.mapper.class_
    for key, value in kwargs.items():
        crit = getattr(target, key) == value
        criterion = crit if criterion is None else and_(criterion, crit)
    return criterion


def _exists(prop: Any, criterion: Any) -> Exists:
    """EXISTS (SELECT 1 FROM <target> WHERE <join to the parent> [AND criterion])."""
    target_t = prop.mapper.local_table
    if target_t is prop.parent.local_table:
        # SQLAlchemy aliases the target inside the EXISTS then; not done here yet.
        raise NotImplementedError(
            "ferroalchemy: any()/has()/== None of a self-referential relationship is not implemented yet"
        )
    if prop.direction == MANYTOMANY:
        sec = prop.secondary
        join = [pc == sc for pc, sc in prop._sec_parent] + [tc == sc for tc, sc in prop._sec_target]
        froms: tuple[Any, ...] = (target_t, sec)
    elif prop.direction == MANYTOONE:
        join = [tc == fc for tc, fc in prop._pairs]
        froms = (target_t,)
    else:
        join = [pc == fc for pc, fc in prop._pairs]
        froms = (target_t,)
    join += list(getattr(prop, "_extra", ()) or ())
    where = [*join] if criterion is None else [*join, criterion]
    inner = Select(literal_column("1")).select_from(*froms).where(and_(*where))
    # The parent's table stays in the enclosing query, as SQLAlchemy correlates it.
    return Exists(inner.correlate_except(*froms))
