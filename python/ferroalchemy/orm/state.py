"""What ``inspect(obj)`` returns: a view of the object's InstanceState with SQLAlchemy's attributes."""

from __future__ import annotations

from typing import Any

from .base import NO_VALUE, session_for_state


class AttributeState:
    def __init__(self, state: InstanceStateView, key: str) -> None:
        self.state = state
        self.key = key

    @property
    def value(self) -> Any:
        return getattr(self.state.object, self.key)

    @property
    def loaded_value(self) -> Any:
        obj = self.state.object
        return obj.__dict__.get(self.key, NO_VALUE) if obj is not None else NO_VALUE

    @property
    def history(self) -> Any:
        from collections import namedtuple

        History = namedtuple("History", ["added", "unchanged", "deleted"])
        obj = self.state.object
        cs = self.state._state.committed_state or {}
        current = obj.__dict__.get(self.key, NO_VALUE) if obj is not None else NO_VALUE
        if self.key in cs and cs[self.key] is not current and cs[self.key] != current:
            old = cs[self.key]
            return History([current] if current is not NO_VALUE else [], [], [old] if old is not NO_VALUE else [])
        if current is NO_VALUE:
            return History([], [], [])
        if self.state._state.identity is None:
            return History([current], [], [])
        return History([], [current], [])


class _Attrs:
    def __init__(self, state: InstanceStateView) -> None:
        self._state = state

    def __getattr__(self, key: str) -> AttributeState:
        if key in self._state.mapper._props:
            return AttributeState(self._state, key)
        raise AttributeError(key)

    def __getitem__(self, key: str) -> AttributeState:
        if key in self._state.mapper._props:
            return AttributeState(self._state, key)
        raise KeyError(key)

    def keys(self) -> list[str]:
        return list(self._state.mapper._props)

    def __iter__(self) -> Any:
        return iter([AttributeState(self._state, k) for k in self._state.mapper._props])


class InstanceStateView:
    def __init__(self, state: Any) -> None:
        self._state = state

    @property
    def object(self) -> Any:  # noqa: A003 - SQLAlchemy's name
        return self._state.obj()

    def obj(self) -> Any:
        return self._state.obj()

    @property
    def mapper(self) -> Any:
        return self._state.mapper

    @property
    def class_(self) -> type:
        return self._state.mapper.class_

    @property
    def transient(self) -> bool:
        return bool(self._state.transient)

    @property
    def pending(self) -> bool:
        return bool(self._state.pending)

    @property
    def persistent(self) -> bool:
        return bool(self._state.persistent)

    @property
    def deleted(self) -> bool:
        return bool(self._state.is_deleted)

    @property
    def was_deleted(self) -> bool:
        return bool(self._state.was_deleted or self._state.is_deleted)

    @property
    def detached(self) -> bool:
        return bool(self._state.detached) or bool(self._state.was_deleted)

    @property
    def has_identity(self) -> bool:
        return bool(self._state.has_identity)

    @property
    def identity(self) -> tuple[Any, ...] | None:
        return self._state.identity

    @property
    def key(self) -> tuple[Any, ...] | None:
        ident = self._state.identity
        return None if ident is None else (self.class_, ident, None)

    identity_key = key

    @property
    def session(self) -> Any:
        return session_for_state(self._state)

    @property
    def async_session(self) -> Any:
        return None

    @property
    def modified(self) -> bool:
        return bool(self._state.modified)

    @property
    def expired(self) -> bool:
        return bool(self._state.expired)

    @property
    def expired_attributes(self) -> set[str]:
        """The attributes that reload on next access (SQLAlchemy counts relationships too after a full
        expiry, which is what commit() does)."""
        if not self._state.expired:
            return set()
        obj = self.object
        d = obj.__dict__ if obj is not None else {}
        return {k for k in self.mapper._props if k not in d}

    @property
    def dict(self) -> dict[str, Any]:
        obj = self.object
        return {k: v for k, v in obj.__dict__.items() if k != "_sa_instance_state"} if obj is not None else {}

    @property
    def unloaded(self) -> set[str]:
        obj = self.object
        d = obj.__dict__ if obj is not None else {}
        return {k for k in self.mapper._props if k not in d}

    @property
    def attrs(self) -> _Attrs:
        return _Attrs(self)

    def __repr__(self) -> str:
        return f"<sqlalchemy.orm.state.InstanceState object at {hex(id(self._state))}>"
