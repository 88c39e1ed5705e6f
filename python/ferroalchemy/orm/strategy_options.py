"""Loader options. selectinload and (first-level) joinedload are built; the other strategies say
so when named."""

from __future__ import annotations

from typing import Any

from .. import exc


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

    def joinedload(self, attr: Any, *more: Any, innerjoin: bool = False) -> _LoaderOption:
        if self.steps or more:
            raise NotImplementedError("ferroalchemy: joinedload() below the first level is not implemented yet")
        if innerjoin:
            raise NotImplementedError("ferroalchemy: joinedload(innerjoin=True) is not implemented yet")
        return self._chain("joined", attr)

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


def _not_yet(name: str) -> Any:
    def option(*args: Any, **kw: Any) -> Any:
        raise NotImplementedError(f"ferroalchemy: the {name}() loader option is not implemented yet")

    option.__name__ = name
    return option


_NOT_YET = (
    "subqueryload",
    "lazyload",
    "raiseload",
    "noload",
    "contains_eager",
    "load_only",
    "defer",
    "undefer",
    "defaultload",
    "immediateload",
    "with_loader_criteria",
    "selectin_polymorphic",
)

subqueryload = _not_yet("subqueryload")
lazyload = _not_yet("lazyload")
raiseload = _not_yet("raiseload")
noload = _not_yet("noload")
contains_eager = _not_yet("contains_eager")
load_only = _not_yet("load_only")
defer = _not_yet("defer")
undefer = _not_yet("undefer")
defaultload = _not_yet("defaultload")
immediateload = _not_yet("immediateload")
with_loader_criteria = _not_yet("with_loader_criteria")
selectin_polymorphic = _not_yet("selectin_polymorphic")
