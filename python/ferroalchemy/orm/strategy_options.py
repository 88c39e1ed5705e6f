"""Loader options: selectinload (subqueryload loads the same way), joinedload, contains_eager,
raiseload, lazyload, noload, defaultload on relationship paths; load_only, defer, undefer on
columns; with_loader_criteria. The other strategies say so when named."""

from __future__ import annotations

import warnings
from typing import Any

from .. import exc
from ..sql.elements import ClauseElement


class _LoaderOption:
    """A path of relationship attributes, each with the strategy that loads it."""

    def __init__(self, steps: tuple[tuple[str, Any], ...]) -> None:
        self.steps = steps

    def _chain(self, strategy: str, attr: Any) -> _LoaderOption:
        return _LoaderOption(self.steps + ((strategy, _relationship_of(attr)),))

    def selectinload(self, attr: Any, *more: Any) -> _LoaderOption:
        opt = self._chain("selectin", attr)
        for a in more:
            opt = opt._chain("selectin", a)
        return opt

    def subqueryload(self, attr: Any, *more: Any) -> _LoaderOption:
        # Loaded by a second statement over the parents' keys, like selectinload: the same
        # statements count and results as SQLAlchemy's subquery form.
        return self.selectinload(attr, *more)

    def contains_eager(self, attr: Any, alias: Any = None) -> _LoaderOption:
        if self.steps or alias is not None:
            raise NotImplementedError(
                "ferroalchemy: contains_eager() below the first level or with alias= is not implemented yet"
            )
        return self._chain("contains", attr)

    def raiseload(self, attr: Any, sql_only: bool = False) -> _LoaderOption:
        if sql_only:
            raise NotImplementedError("ferroalchemy: raiseload(sql_only=True) is not implemented yet")
        return self._chain("raise", attr)

    def joinedload(self, attr: Any, *more: Any, innerjoin: bool = False) -> _LoaderOption:
        if innerjoin:
            raise NotImplementedError("ferroalchemy: joinedload(innerjoin=True) is not implemented yet")
        if self.steps and self.steps[-1][0] not in ("selectin", "joined"):
            raise NotImplementedError(
                "ferroalchemy: joinedload() below a contains_eager()/defaultload() is not implemented yet"
            )
        opt = self._chain("joined", attr)
        for a in more:
            opt = opt.joinedload(a)
        return opt

    def lazyload(self, attr: Any) -> _LoaderOption:
        return self._chain("lazy", attr)

    def immediateload(self, attr: Any, recursion_depth: int | None = None) -> _LoaderOption:
        if recursion_depth is not None:
            raise NotImplementedError("ferroalchemy: immediateload(recursion_depth=...) is not implemented yet")
        return self._chain("immediate", attr)

    def noload(self, attr: Any) -> _LoaderOption:
        _warn_noload()
        return self._chain("noload", attr)

    def defaultload(self, attr: Any) -> _LoaderOption:
        return self._chain("default", attr)

    def __repr__(self) -> str:
        return "Load(" + ".".join(f"{s}:{p.key}" for s, p in self.steps) + ")"

    def __getattr__(self, name: str) -> Any:
        if name in _NOT_YET:
            return _not_yet(name)
        raise AttributeError(name)


def _relationship_of(attr: Any) -> Any:
    prop = getattr(attr, "prop", None)
    if prop is None or not getattr(prop, "is_relationship", False):
        raise exc.ArgumentError(f"Expected a relationship attribute such as User.addresses, got {attr!r}")
    return prop


def selectinload(attr: Any, *more: Any, recursion_depth: int | None = None) -> _LoaderOption:
    if recursion_depth is not None:
        raise NotImplementedError("ferroalchemy: selectinload(recursion_depth=...) is not implemented yet")
    return _LoaderOption(()).selectinload(attr, *more)


def joinedload(attr: Any, *more: Any, innerjoin: bool = False) -> _LoaderOption:
    return _LoaderOption(()).joinedload(attr, *more, innerjoin=innerjoin)


def subqueryload(attr: Any, *more: Any) -> _LoaderOption:
    return _LoaderOption(()).subqueryload(attr, *more)


def contains_eager(attr: Any, alias: Any = None) -> _LoaderOption:
    return _LoaderOption(()).contains_eager(attr, alias)


def raiseload(attr: Any, sql_only: bool = False) -> _LoaderOption:
    return _LoaderOption(()).raiseload(attr, sql_only)


class LoadOnly:
    """``load_only(User.id, User.email)``: the entity's SELECT names only these columns (and the
    primary key); the others stay unloaded and load on first access."""

    steps: tuple[Any, ...] = ()

    def __init__(self, *attrs: Any, raiseload: bool = False) -> None:
        if raiseload:
            raise NotImplementedError("ferroalchemy: load_only(raiseload=True) is not implemented yet")
        if not attrs:
            raise exc.ArgumentError("load_only() needs at least one column attribute")
        props = [getattr(a, "prop", None) for a in attrs]
        if any(p is None or getattr(p, "is_relationship", True) for p in props):
            raise exc.ArgumentError(f"load_only() takes column attributes, got {attrs!r}")
        self.mapper = props[0].parent
        self.keys = {p.key for p in props}


def load_only(*attrs: Any, raiseload: bool = False) -> LoadOnly:
    return LoadOnly(*attrs, raiseload=raiseload)


def lazyload(attr: Any) -> _LoaderOption:
    return _LoaderOption(()).lazyload(attr)


def immediateload(attr: Any, recursion_depth: int | None = None) -> _LoaderOption:
    """Each parent's lazy load of `attr`, run right after the parents are loaded."""
    return _LoaderOption(()).immediateload(attr, recursion_depth)


def noload(attr: Any) -> _LoaderOption:
    _warn_noload()
    return _LoaderOption(())._chain("noload", attr)


def _warn_noload() -> None:
    warnings.warn(
        "The noload() option is deprecated and will be removed in a future release.  This option "
        "produces incorrect results by returning ``None`` for related items. (deprecated since: 2.1)",
        exc.SADeprecationWarning,
        stacklevel=3,
    )


def defaultload(attr: Any) -> _LoaderOption:
    return _LoaderOption(()).defaultload(attr)


class ColumnDeferral:
    """``defer(User.bio)`` / ``undefer(User.bio)``: the column leaves / joins its entity's SELECT;
    a column left out loads with its own SELECT on first access."""

    steps: tuple[Any, ...] = ()

    def __init__(self, attr: Any, deferred: bool, raiseload: bool = False) -> None:
        if raiseload:
            raise NotImplementedError("ferroalchemy: defer(raiseload=True) is not implemented yet")
        prop = getattr(attr, "prop", None)
        if prop is None or getattr(prop, "is_relationship", True):
            name = "defer" if deferred else "undefer"
            raise exc.ArgumentError(f"{name}() takes a column attribute such as User.name, got {attr!r}")
        self.mapper = prop.parent
        self.key = prop.key
        self.deferred = deferred


def defer(attr: Any, *more: Any, raiseload: bool = False) -> ColumnDeferral:
    if more:
        raise NotImplementedError("ferroalchemy: defer() of a path through relationships is not implemented yet")
    return ColumnDeferral(attr, True, raiseload)


def undefer(attr: Any, *more: Any) -> ColumnDeferral:
    if more:
        raise NotImplementedError("ferroalchemy: undefer() of a path through relationships is not implemented yet")
    return ColumnDeferral(attr, False)


class LoaderCriteria:
    """``with_loader_criteria(User, User.active == True)``: the criteria join the WHERE clause of
    every SELECT of the entity the statement runs, and of the relationship loads (selectin and
    lazy) of the objects it loads."""

    steps: tuple[Any, ...] = ()

    def __init__(self, entity: Any, criteria: Any, include_aliases: bool, propagate_to_loaders: bool) -> None:
        mapper = getattr(entity, "__mapper__", None)
        if mapper is None:
            raise NotImplementedError(
                "ferroalchemy: with_loader_criteria() of something other than a mapped class is not implemented yet"
            )
        if include_aliases:
            raise NotImplementedError("ferroalchemy: with_loader_criteria(include_aliases=True) is not implemented yet")
        self.mapper = mapper
        # A callable receives the class, as in SQLAlchemy (the lambda form).
        self.criteria = criteria if isinstance(criteria, ClauseElement) or not callable(criteria) else criteria(entity)
        self.propagate_to_loaders = propagate_to_loaders


def with_loader_criteria(
    entity_or_base: Any,
    where_criteria: Any,
    loader_only: bool = False,
    include_aliases: bool = False,
    propagate_to_loaders: bool = True,
    track_closure_variables: bool = True,
) -> LoaderCriteria:
    if loader_only:
        raise NotImplementedError("ferroalchemy: with_loader_criteria(loader_only=True) is not implemented yet")
    return LoaderCriteria(entity_or_base, where_criteria, include_aliases, propagate_to_loaders)


def _not_yet(name: str) -> Any:
    def option(*args: Any, **kw: Any) -> Any:
        raise NotImplementedError(f"ferroalchemy: the {name}() loader option is not implemented yet")

    option.__name__ = name
    return option


_NOT_YET = ("selectin_polymorphic",)

selectin_polymorphic = _not_yet("selectin_polymorphic")
