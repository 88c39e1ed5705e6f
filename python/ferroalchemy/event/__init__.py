"""``sqlalchemy.event``. Event dispatch is not built yet: registering a listener says so rather than
silently never calling it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def listen(target: Any, identifier: str, fn: Callable[..., Any], *args: Any, **kw: Any) -> None:
    raise NotImplementedError(f"ferroalchemy: events ({identifier!r} listeners) are not implemented yet")


def listens_for(
    target: Any, identifier: str, *args: Any, **kw: Any
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
        listen(target, identifier, fn, *args, **kw)
        return fn

    return decorate


def remove(target: Any, identifier: str, fn: Callable[..., Any]) -> None:
    raise NotImplementedError("ferroalchemy: events are not implemented yet")


def contains(target: Any, identifier: str, fn: Callable[..., Any]) -> bool:
    return False
