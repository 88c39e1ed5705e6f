"""``sqlalchemy.util.topological``: dependency sorts over (parent, child) edges."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from .. import exc


def sort_as_subsets(tuples: Iterable[tuple[Any, Any]], allitems: Sequence[Any]) -> Iterator[list[Any]]:
    """Rounds of items whose parents all came in earlier rounds, each round in `allitems` order."""
    edges: dict[Any, set[Any]] = {}
    for parent, child in tuples:
        edges.setdefault(child, set()).add(parent)
    todo = list(allitems)
    done: set[Any] = set()
    while todo:
        ready = [item for item in todo if not (edges.get(item, set()) - done - {item})]
        if not ready:
            raise exc.CircularDependencyError(
                "Circular dependency detected.", set(todo), [(p, c) for c, ps in edges.items() for p in ps]
            )
        done.update(ready)
        todo = [item for item in todo if item not in done]
        yield ready


def sort(tuples: Iterable[tuple[Any, Any]], allitems: Sequence[Any], deterministic_order: bool = True) -> Iterator[Any]:
    for subset in sort_as_subsets(tuples, allitems):
        yield from subset
