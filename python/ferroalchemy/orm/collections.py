"""Instrumented collections: a list that keeps the other side of a bidirectional relationship in
step, cascades new members into the parent's session, and marks the parent changed."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, SupportsIndex


class InstrumentedList(list):  # type: ignore[type-arg]
    __slots__ = ("_parent", "_prop", "_orig", "__weakref__")

    def _setup(self, parent: Any, prop: Any) -> InstrumentedList:
        self._parent = parent
        self._prop = prop
        # Members as the database has them, for many-to-many history at flush.
        self._orig: tuple[Any, ...] = ()
        return self

    def _added(self, item: Any) -> None:
        prop = getattr(self, "_prop", None)
        if prop is not None:
            prop._collection_added(self._parent, item)

    def _removed(self, item: Any) -> None:
        prop = getattr(self, "_prop", None)
        if prop is not None:
            prop._collection_removed(self._parent, item)

    def append(self, item: Any) -> None:
        super().append(item)
        self._added(item)

    def extend(self, items: Iterable[Any]) -> None:
        for it in list(items):
            self.append(it)

    def __iadd__(self, items: Iterable[Any]) -> InstrumentedList:  # type: ignore[override]
        self.extend(items)
        return self

    def insert(self, index: SupportsIndex, item: Any) -> None:
        super().insert(index, item)
        self._added(item)

    def remove(self, item: Any) -> None:
        super().remove(item)
        self._removed(item)

    def pop(self, index: SupportsIndex = -1) -> Any:
        item = super().pop(index)
        self._removed(item)
        return item

    def clear(self) -> None:
        items = list(self)
        super().clear()
        for it in items:
            self._removed(it)

    def __setitem__(self, index: Any, value: Any) -> None:
        old = self[index]
        super().__setitem__(index, value)
        for it in old if isinstance(index, slice) else [old]:
            self._removed(it)
        for it in value if isinstance(index, slice) else [value]:
            self._added(it)

    def __delitem__(self, index: Any) -> None:
        old = self[index]
        super().__delitem__(index)
        for it in old if isinstance(index, slice) else [old]:
            self._removed(it)

    def __reduce__(self) -> Any:
        return (list, (list(self),))


def loaded_value(parent: Any, prop: Any, members: list[Any]) -> Any:
    """What `parent.<prop>` holds once loaded from the database: a collection whose members are
    also its flush baseline, or the single related object (or None)."""
    if not prop.uselist:
        return members[0] if members else None
    coll = InstrumentedList(members)._setup(parent, prop)
    coll._orig = tuple(members)
    return coll
