"""Instrumented collections: a list or set that keeps the other side of a bidirectional
relationship in step, cascades new members into the parent's session, and marks the parent changed."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, SupportsIndex


class _FlushHistory:
    """What the flush reads of a loaded collection: its members against the baseline `_orig` (the
    members as loaded or last flushed)."""

    __slots__ = ()
    _orig: tuple[Any, ...]

    def _members(self) -> Any:
        return self

    def _added_members(self) -> list[Any]:
        orig = self._orig
        return [c for c in self if not any(c is o for o in orig)]  # type: ignore[attr-defined]

    def _removed_members(self) -> list[Any]:
        return [o for o in self._orig if not any(o is c for c in self)]  # type: ignore[attr-defined]

    def _settle(self) -> None:
        self._orig = tuple(self)  # type: ignore[arg-type]


class InstrumentedList(_FlushHistory, list):  # type: ignore[type-arg]
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

    def _append_quiet(self, item: Any) -> None:
        """Adds without events (the other side of a pair already knows)."""
        if not any(x is item for x in self):
            list.append(self, item)

    def _remove_quiet(self, item: Any) -> None:
        for i, x in enumerate(self):
            if x is item:
                list.__delitem__(self, i)
                return


class InstrumentedSet(_FlushHistory, set):  # type: ignore[type-arg]
    """``collection_class=set`` / ``Mapped[set[...]]``."""

    __slots__ = ("_parent", "_prop", "_orig")

    _setup = InstrumentedList._setup
    _added = InstrumentedList._added
    _removed = InstrumentedList._removed

    def add(self, item: Any) -> None:
        if item not in self:
            super().add(item)
            self._added(item)

    def update(self, *others: Iterable[Any]) -> None:
        for other in others:
            for it in list(other):
                self.add(it)

    def __ior__(self, other: Any) -> InstrumentedSet:  # type: ignore[override]
        self.update(other)
        return self

    def discard(self, item: Any) -> None:
        if item in self:
            super().discard(item)
            self._removed(item)

    def remove(self, item: Any) -> None:
        super().remove(item)
        self._removed(item)

    def pop(self) -> Any:
        item = super().pop()
        self._removed(item)
        return item

    def clear(self) -> None:
        items = list(self)
        super().clear()
        for it in items:
            self._removed(it)

    def difference_update(self, *others: Iterable[Any]) -> None:
        for other in others:
            for it in list(other):
                self.discard(it)

    def __isub__(self, other: Any) -> InstrumentedSet:  # type: ignore[override]
        self.difference_update(other)
        return self

    def intersection_update(self, *others: Iterable[Any]) -> None:
        keep = set(self).intersection(*others)
        for it in [x for x in self if x not in keep]:
            self.discard(it)

    def symmetric_difference_update(self, other: Iterable[Any]) -> None:
        other = set(other)
        for it in other:
            if it in self:
                self.discard(it)
            else:
                self.add(it)

    def __reduce__(self) -> Any:
        return (set, (set(self),))

    def _append_quiet(self, item: Any) -> None:
        set.add(self, item)

    def _remove_quiet(self, item: Any) -> None:
        set.discard(self, item)


class _ValidatedList(InstrumentedList):
    """A list whose relationship has an ``@validates`` method: each member added is what the validator
    returns for it; with ``include_removes`` it hears of each removal too."""

    __slots__ = ()

    def append(self, item: Any) -> None:
        super().append(self._prop._validator.added(self._parent, item))

    def insert(self, index: SupportsIndex, item: Any) -> None:
        super().insert(index, self._prop._validator.added(self._parent, item))

    def __setitem__(self, index: Any, value: Any) -> None:
        # As SQLAlchemy: the members replaced are removed before the new ones are validated.
        validator = self._prop._validator
        many = isinstance(index, slice)
        old = self[index]
        for it in old if many else [old]:
            self._removed(it)
        if many:
            value = [validator.added(self._parent, v) for v in value]
        else:
            value = validator.added(self._parent, value)
        list.__setitem__(self, index, value)
        for it in value if many else [value]:
            self._added(it)

    def _removed(self, item: Any) -> None:
        self._prop._validator.removed(self._parent, item)
        super()._removed(item)


class _ValidatedSet(InstrumentedSet):
    """A set whose relationship has an ``@validates`` method (see _ValidatedList)."""

    __slots__ = ()

    def add(self, item: Any) -> None:
        if item not in self:
            super().add(self._prop._validator.added(self._parent, item))

    def _removed(self, item: Any) -> None:
        self._prop._validator.removed(self._parent, item)
        super()._removed(item)


def new_collection(parent: Any, prop: Any, members: Iterable[Any] = ()) -> Any:
    """An empty or filled collection of the relationship's collection class, owned by `parent`."""
    if prop.lazy in ("write_only", "dynamic"):
        from .writeonly import AppenderQuery, WriteOnlyCollection

        return (WriteOnlyCollection if prop.lazy == "write_only" else AppenderQuery)(parent, prop, members)
    cls = InstrumentedSet if prop.collection_class is set else InstrumentedList
    if prop._validator is not None:
        cls = _ValidatedSet if cls is InstrumentedSet else _ValidatedList
    return cls(members)._setup(parent, prop)


def loaded_value(parent: Any, prop: Any, members: list[Any]) -> Any:
    """What `parent.<prop>` holds once loaded from the database: a collection whose members are
    also its flush baseline, or the single related object (or None)."""
    if not prop.uselist:
        return members[0] if members else None
    coll = new_collection(parent, prop, members)
    coll._orig = tuple(coll)
    return coll
