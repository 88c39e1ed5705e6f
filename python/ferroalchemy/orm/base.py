"""Shared ORM pieces: ``Mapped``, the session registry, state access."""

from __future__ import annotations

import weakref
from typing import Any, Generic, TypeVar

from .. import _core

_T = TypeVar("_T")

# Sessions by id, so an instance state (which stores only an id) finds its session.
_sessions: weakref.WeakValueDictionary[int, Any] = weakref.WeakValueDictionary()

NO_VALUE = type("NO_VALUE", (), {"__repr__": lambda self: "<NO_VALUE>"})()


class Mapped(Generic[_T]):
    """The annotation ``Mapped[int]``: at class level an attribute of the mapped class, on an
    instance the value. Only for typing; the mapper installs the real descriptors."""

    __slots__ = ()

    if not hasattr(Generic, "__class_getitem__"):  # pragma: no cover
        pass


class WriteOnlyMapped(Mapped[_T]):
    """The annotation ``WriteOnlyMapped[list[B]]``: a relationship loaded ``lazy="write_only"``."""

    __slots__ = ()


class DynamicMapped(Mapped[_T]):
    """The annotation ``DynamicMapped[B]``: a relationship loaded ``lazy="dynamic"``."""

    __slots__ = ()


class _MappedAnnotationSentinel:
    pass


def instance_state(obj: Any) -> Any:
    state = obj.__dict__.get("_sa_instance_state")
    if state is None:
        mapper = getattr(type(obj), "__mapper__", None)
        if mapper is None:
            from .exc import UnmappedInstanceError

            raise UnmappedInstanceError(f"Class '{type(obj).__module__}.{type(obj).__name__}' is not mapped")
        state = _core.InstanceState(mapper, obj)
        obj.__dict__["_sa_instance_state"] = state
    return state


def session_for_state(state: Any) -> Any:
    sid = state.session_id
    if not sid:
        return None
    return _sessions.get(sid)


def state_str(obj: Any) -> str:
    return f"<{type(obj).__name__} at {hex(id(obj))}>"


def object_session(instance: Any) -> Any:
    return session_for_state(instance_state(instance))
