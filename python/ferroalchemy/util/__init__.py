"""``sqlalchemy.util``: the small helpers SQLAlchemy exports there and tools (Alembic) import from it."""

from __future__ import annotations

import inspect
from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from . import compat, topological
from ._collections import OrderedSet, immutabledict

_T = TypeVar("_T")

__all__ = [
    "OrderedDict",
    "OrderedSet",
    "asbool",
    "await_only",
    "compat",
    "decorator",
    "immutabledict",
    "inspect_getfullargspec",
    "memoized_property",
    "to_list",
    "topological",
    "unique_list",
]


def asbool(obj: Any) -> bool:
    """True/False for a config value: "true"/"yes"/"on"/"y"/"t"/"1" and their negatives, any case."""
    if isinstance(obj, str):
        word = obj.strip().lower()
        if word in ("true", "yes", "on", "y", "t", "1"):
            return True
        if word in ("false", "no", "off", "n", "f", "0"):
            return False
        raise ValueError(f"String is not true/false: {obj!r}")
    return bool(obj)


def to_list(x: Any, default: Any = None) -> Any:
    if x is None:
        return default
    if isinstance(x, (list, tuple, set, frozenset)) or (isinstance(x, Iterable) and not isinstance(x, (str, bytes))):
        return list(x)
    return [x]


def unique_list(seq: Iterable[_T], hashfunc: Callable[[_T], Any] | None = None) -> list[_T]:
    seen: set[Any] = set()
    out: list[_T] = []
    for item in seq:
        key = hashfunc(item) if hashfunc is not None else item
        if key not in seen:
            seen.add(key)
            out.append(item)
    return out


class memoized_property:
    """A read-only property computed once per instance, then stored in its ``__dict__``."""

    def __init__(self, fget: Callable[[Any], Any], doc: str | None = None) -> None:
        self.fget = fget
        self.__doc__ = doc or fget.__doc__
        self.__name__ = fget.__name__

    def __get__(self, obj: Any, cls: Any) -> Any:
        if obj is None:
            return self
        obj.__dict__[self.__name__] = result = self.fget(obj)
        return result


def inspect_getfullargspec(fn: Callable[..., Any]) -> inspect.FullArgSpec:
    return inspect.getfullargspec(fn)


def decorator(target: Callable[..., Any]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Turns ``target(fn, *args, **kw)`` into a decorator whose result keeps ``fn``'s name and signature."""
    import functools

    def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(fn)
        def wrapper(*args: Any, **kw: Any) -> Any:
            return target(fn, *args, **kw)

        return wrapper

    return decorate


def await_only(awaitable: Any) -> Any:
    raise NotImplementedError(
        "ferroalchemy: await_only() (running an awaitable from sync code through greenlet) is not implemented; "
        "ferroalchemy's asyncio does not use greenlet"
    )
