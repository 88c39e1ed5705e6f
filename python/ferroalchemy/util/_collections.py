"""Ordered and immutable collections (SQLAlchemy's ``util.OrderedSet`` and ``util.immutabledict``)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, MutableSet
from typing import Any, NoReturn


class OrderedSet(MutableSet[Any]):
    """A set that iterates in insertion order."""

    def __init__(self, items: Iterable[Any] | None = None) -> None:
        self._d: dict[Any, None] = dict.fromkeys(items) if items is not None else {}

    def __contains__(self, item: Any) -> bool:
        return item in self._d

    def __iter__(self) -> Iterator[Any]:
        return iter(self._d)

    def __len__(self) -> int:
        return len(self._d)

    def add(self, item: Any) -> None:
        self._d[item] = None

    def discard(self, item: Any) -> None:
        self._d.pop(item, None)

    def remove(self, item: Any) -> None:
        del self._d[item]

    def update(self, *iterables: Iterable[Any]) -> None:
        for it in iterables:
            self._d.update(dict.fromkeys(it))

    def union(self, *iterables: Iterable[Any]) -> OrderedSet:
        out = OrderedSet(self)
        out.update(*iterables)
        return out

    def difference(self, *iterables: Iterable[Any]) -> OrderedSet:
        drop = set().union(*iterables)
        return OrderedSet(x for x in self if x not in drop)

    def intersection(self, *iterables: Iterable[Any]) -> OrderedSet:
        keep = set(self).intersection(*iterables)
        return OrderedSet(x for x in self if x in keep)

    def copy(self) -> OrderedSet:
        return OrderedSet(self)

    def __repr__(self) -> str:
        return f"OrderedSet({list(self._d)!r})"


class immutabledict(dict[Any, Any]):
    """A dict that refuses changes; ``union()`` returns a new one."""

    def _immutable(self, *a: Any, **kw: Any) -> NoReturn:
        raise TypeError(f"{type(self).__name__} object is immutable")

    __setitem__ = __delitem__ = setdefault = update = pop = popitem = clear = _immutable  # type: ignore[assignment]

    def union(self, *others: Any) -> immutabledict:
        merged = dict(self)
        for o in others:
            merged.update(o)
        return immutabledict(merged)

    def merge_with(self, *others: Any) -> immutabledict:
        return self.union(*[o for o in others if o])

    def __or__(self, other: Any) -> immutabledict:  # type: ignore[override]
        return self.union(other)

    def __reduce__(self) -> Any:
        return immutabledict, (dict(self),)

    def __repr__(self) -> str:
        return f"immutabledict({dict.__repr__(self)})"
