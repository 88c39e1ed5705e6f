"""``sqlalchemy.sql.visitors``: walking an expression tree by its elements' ``get_children()``."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any


def _children(element: Any) -> list[Any]:
    get = getattr(element, "get_children", None)
    return list(get()) if get is not None else []


def iterate(element: Any, opts: dict[str, Any] | None = None) -> Iterator[Any]:
    """Every element under (and including) `element`, breadth first."""
    stack = [element]
    while stack:
        item = stack.pop(0)
        yield item
        stack.extend(_children(item))


def traverse(element: Any, opts: dict[str, Any], visitors: dict[str, Callable[[Any], Any]]) -> Any:
    """Calls ``visitors[element.__visit_name__](element)`` for each element of the tree."""
    for item in iterate(element, opts):
        fn = visitors.get(getattr(item, "__visit_name__", ""))
        if fn is not None:
            fn(item)
    return element


def replacement_traverse(element: Any, opts: dict[str, Any], replace: Callable[[Any], Any]) -> Any:
    """`element` with each element for which `replace()` returns something swapped for that."""
    new = replace(element)
    if new is not None:
        return new
    for child in list(iterate(element, opts))[1:]:
        if replace(child) is not None:
            raise NotImplementedError(
                "ferroalchemy: replacement_traverse() replacing an element below the root is not implemented yet"
            )
    return element
