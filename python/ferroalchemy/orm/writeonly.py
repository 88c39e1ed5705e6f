"""``lazy="write_only"`` (``WriteOnlyCollection``) and ``lazy="dynamic"`` (``AppenderQuery``): collections
that never load as a whole. Members added or removed in memory wait here for the flush; reading goes
through a SELECT of the parent's rows."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, NoReturn

from .. import exc
from ..sql.elements import and_, literal
from ..sql.selectable import Join, Select
from .base import instance_state, session_for_state, state_str
from .exc import DetachedInstanceError
from .query import Query


class _PendingMembers:
    """What the flush reads of a collection: members added and removed since the last flush."""

    _added: list[Any]
    _removed: list[Any]

    def _members(self) -> list[Any]:
        return list(self._added)

    def _added_members(self) -> list[Any]:
        return list(self._added)

    def _removed_members(self) -> list[Any]:
        return list(self._removed)

    def _settle(self) -> None:
        self._added = []
        self._removed = []

    def _append_quiet(self, item: Any) -> None:
        if any(x is item for x in self._removed):
            self._removed = [x for x in self._removed if x is not item]
        elif not any(x is item for x in self._added):
            self._added.append(item)

    def _remove_quiet(self, item: Any) -> None:
        if any(x is item for x in self._added):
            self._added = [x for x in self._added if x is not item]
        elif not any(x is item for x in self._removed):
            self._removed.append(item)


def _parent_select(prop: Any, parent: Any) -> Select:
    """SELECT of the rows `parent`'s collection holds, in the relationship's order."""
    target = prop.mapper.class_
    pm = prop.parent
    if prop.direction.name == "MANYTOMANY":
        on = and_(*[tc == sc for tc, sc in prop._sec_target])
        crit = [literal(getattr(parent, pm._attr_for_column(pc)), sc.type) == sc for pc, sc in prop._sec_parent]
        stmt = Select(target).select_from(Join(prop.mapper.local_table, prop.secondary, on, False, False))
    else:
        stmt = Select(target)
        crit = [literal(getattr(parent, pm._attr_for_column(pc)), fc.type) == fc for pc, fc in prop._pairs]
    stmt = stmt.where(*crit, *prop._extra)
    return stmt.order_by(*prop.order_by) if prop.order_by else stmt


class WriteOnlyCollection(_PendingMembers):
    """``parent.collection`` of a ``lazy="write_only"`` relationship."""

    def __init__(self, parent: Any, prop: Any, members: Iterable[Any] = ()) -> None:
        self.instance = parent
        self._prop = prop
        self._added: list[Any] = []
        self._removed: list[Any] = []
        for item in members:
            self.add(item)

    def __iter__(self) -> NoReturn:
        raise TypeError(
            "WriteOnly collections don't support iteration in-place; to query for collection items, use the "
            "select() method to produce a SQL statement and execute it with session.scalars()."
        )

    def select(self) -> Select:
        return _parent_select(self._prop, self.instance)

    def insert(self) -> Any:
        from ..sql.dml import insert

        prop = self._prop
        if prop.direction.name != "ONETOMANY":
            raise exc.InvalidRequestError(
                "Write only bulk INSERT only supported for one-to-many collections; for many-to-many, use a "
                "separate bulk INSERT along with add_all()."
            )
        pm, tm = prop.parent, prop.mapper
        values = {tm._attr_for_column(fc): getattr(self.instance, pm._attr_for_column(pc)) for pc, fc in prop._pairs}
        return insert(tm.class_).values(**values)

    def update(self) -> Any:
        from ..sql.dml import update

        return update(self._prop.mapper.class_).where(*self.select()._where)

    def delete(self) -> Any:
        from ..sql.dml import delete

        return delete(self._prop.mapper.class_).where(*self.select()._where)

    def add(self, item: Any) -> None:
        self._append_quiet(item)
        self._prop._collection_added(self.instance, item)

    def add_all(self, items: Iterable[Any]) -> None:
        for item in items:
            self.add(item)

    def remove(self, item: Any) -> None:
        self._remove_quiet(item)
        self._prop._collection_removed(self.instance, item)


class AppenderQuery(_PendingMembers, Query):
    """``parent.collection`` of a ``lazy="dynamic"`` relationship: a Query of the parent's rows that
    also appends and removes."""

    def __init__(self, parent: Any, prop: Any, members: Iterable[Any] = ()) -> None:
        self.instance = parent
        self._prop = prop
        self._added = []
        self._removed = []
        self._single_entity = True
        for item in members:
            self.append(item)

    @property
    def session(self) -> Any:  # type: ignore[override]
        """The parent's session once the parent has a row (autoflushing it first, as SQLAlchemy
        does); None before that, when only the members appended in memory exist."""
        state = instance_state(self.instance)
        session = session_for_state(state)
        if session is not None and session.autoflush and not session._flushing and self.instance in session:
            session.flush()
        return session if state.identity is not None else None

    @property
    def _select(self) -> Select:  # type: ignore[override]
        return _parent_select(self._prop, self.instance)

    def _with(self, select: Select) -> Query:
        session = self.session or session_for_state(instance_state(self.instance))
        if session is None:
            raise DetachedInstanceError(
                f"Parent instance {state_str(self.instance)} is not bound to a Session, and no contextual session "
                f"is established; lazy load operation of attribute '{self._prop.key}' cannot proceed"
            )
        q = Query.__new__(Query)
        q.session = session
        q._select = select
        q._single_entity = True
        return q

    def _pending_only(self) -> bool:
        return self.session is None

    def __iter__(self) -> Iterator[Any]:
        if self._pending_only():
            return iter(list(self._added))
        return super().__iter__()

    def __getitem__(self, index: Any) -> Any:
        if self._pending_only():
            return list(self._added)[index]
        if isinstance(index, slice):
            return self._with(self._select.slice(index.start or 0, index.stop)).all()
        return self._with(self._select.offset(index).limit(1)).one()

    def all(self) -> list[Any]:
        return list(self)

    def count(self) -> int:
        if self._pending_only():
            return len(self._added)
        return super().count()

    def append(self, item: Any) -> None:
        self._append_quiet(item)
        self._prop._collection_added(self.instance, item)

    def extend(self, items: Iterable[Any]) -> None:
        for item in items:
            self.append(item)

    def add_all(self, items: Iterable[Any]) -> None:
        self.extend(items)

    def add(self, item: Any) -> None:
        self.append(item)

    def remove(self, item: Any) -> None:
        self._remove_quiet(item)
        self._prop._collection_removed(self.instance, item)

    def __repr__(self) -> str:
        return f"<sqlalchemy.orm.dynamic.AppenderQuery object at {hex(id(self))}>"
