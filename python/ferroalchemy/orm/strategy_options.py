"""Loader options: selectinload (subqueryload loads the same way), first-level joinedload and
contains_eager, raiseload, load_only. The other strategies say so when named."""

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
        if self.steps and self.steps[-1][0] != "selectin":
            raise NotImplementedError(
                "ferroalchemy: joinedload() below a joinedload()/contains_eager() is not implemented yet"
            )
        opt = self._chain("joined", attr)
        for a in more:
            opt = opt.joinedload(a)
        return opt

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


def _not_yet(name: str) -> Any:
    def option(*args: Any, **kw: Any) -> Any:
        raise NotImplementedError(f"ferroalchemy: the {name}() loader option is not implemented yet")

    option.__name__ = name
    return option


_NOT_YET = (
    "lazyload",
    "noload",
    "defer",
    "undefer",
    "defaultload",
    "immediateload",
    "with_loader_criteria",
    "selectin_polymorphic",
)

lazyload = _not_yet("lazyload")
noload = _not_yet("noload")
defer = _not_yet("defer")
undefer = _not_yet("undefer")
defaultload = _not_yet("defaultload")
immediateload = _not_yet("immediateload")
with_loader_criteria = _not_yet("with_loader_criteria")
selectin_polymorphic = _not_yet("selectin_polymorphic")
