"""``sqlalchemy.event``: listen / listens_for / remove / contains, for engine, pool, session and
mapper events. An event ferroalchemy does not dispatch yet is refused at listen() time with
NotImplementedError rather than silently never called."""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterable
from typing import Any

from .. import exc

ENGINE_EVENTS = {
    "before_cursor_execute",
    "after_cursor_execute",
    "begin",
    "commit",
    "rollback",
    "engine_connect",
    "handle_error",
    "before_execute",
    "after_execute",
    "engine_disposed",
    "savepoint",
    "rollback_savepoint",
    "release_savepoint",
}
POOL_EVENTS = {"connect", "first_connect", "checkout", "checkin", "reset", "invalidate", "close"}
SESSION_EVENTS = {
    "before_flush",
    "after_flush",
    "after_flush_postexec",
    "before_commit",
    "after_commit",
    "after_rollback",
    "after_begin",
}
# Schema events, on a Table or MetaData (or their classes): listeners get (target, connection, **kw).
DDL_EVENTS = {"before_create", "after_create", "before_drop", "after_drop", "column_reflect"}
MAPPER_EVENTS = {"before_insert", "after_insert", "before_update", "after_update", "before_delete", "after_delete"}

# Events SQLAlchemy has that are not dispatched yet: refused by name.
_KNOWN_NOT_YET = {
    "soft_invalidate",
    "detach",
    "close_detached",
    "set_connection_execution_options",
    "after_soft_rollback",
    "after_attach",
    "after_transaction_create",
    "after_transaction_end",
    "after_bulk_update",
    "after_bulk_delete",
    "do_orm_execute",
    "transient_to_pending",
    "pending_to_persistent",
    "persistent_to_detached",
    "deleted_to_detached",
    "load",
    "refresh",
    "refresh_flush",
    "expire",
    "init",
    "set",
    "append",
    "remove",
    "before_configured",
    "after_configured",
    "mapper_configured",
    "instrument_class",
    "do_connect",
}

_listeners: weakref.WeakKeyDictionary[Any, dict[str, list[Callable[..., Any]]]] = weakref.WeakKeyDictionary()
# (event, listener) pairs registered with retval=True, per target: their return value is used.
_retval: weakref.WeakKeyDictionary[Any, set[tuple[str, Callable[..., Any]]]] = weakref.WeakKeyDictionary()
# Events anything ever listened for: lookups for the others return at once (the hot path).
_identifiers: set[str] = set()


def _kind(target: Any) -> set[str]:
    from ..engine.base import Connection, Engine
    from ..orm.session import Session, sessionmaker
    from ..pool import Pool

    if isinstance(target, (Engine, Connection)) or target in (Engine, Connection):
        return ENGINE_EVENTS | POOL_EVENTS
    if isinstance(target, Pool) or (isinstance(target, type) and issubclass(target, Pool)):
        return POOL_EVENTS
    if isinstance(target, (Session, sessionmaker)) or (isinstance(target, type) and issubclass(target, Session)):
        return SESSION_EVENTS
    from ..sql.schema import MetaData, Table

    if isinstance(target, (Table, MetaData)) or target in (Table, MetaData):
        return DDL_EVENTS
    if (
        getattr(target, "__mapper__", None) is not None
        or type(target).__name__ == "Mapper"
        or _is_declarative_base(target)
    ):
        return MAPPER_EVENTS
    raise exc.InvalidRequestError(f"No such event target {target!r}")


def _is_declarative_base(target: Any) -> bool:
    return isinstance(target, type) and hasattr(target, "registry") and hasattr(target, "metadata")


def _key(target: Any) -> Any:
    from ..engine.base import Connection

    # A Connection's engine events belong to its engine, as in SQLAlchemy.
    return target.engine if isinstance(target, Connection) else target


def listen(target: Any, identifier: str, fn: Callable[..., Any], *args: Any, **kw: Any) -> None:
    if kw.get("named"):
        raise NotImplementedError("ferroalchemy: event.listen(named=True) is not implemented yet")
    if identifier not in _kind(target):
        if identifier in _KNOWN_NOT_YET:
            raise NotImplementedError(f"ferroalchemy: the {identifier!r} event is not implemented yet")
        raise exc.InvalidRequestError(f"No such event '{identifier}' for target '{target}'")
    if kw.get("retval") and identifier == "before_cursor_execute":
        raise NotImplementedError("ferroalchemy: before_cursor_execute with retval=True is not implemented yet")
    key = _key(target)
    _listeners.setdefault(key, {}).setdefault(identifier, []).append(fn)
    if kw.get("retval"):
        _retval.setdefault(key, set()).add((identifier, fn))
    _identifiers.add(identifier)


def listens_for(
    target: Any, identifier: str, *args: Any, **kw: Any
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
        listen(target, identifier, fn, *args, **kw)
        return fn

    return decorate


def remove(target: Any, identifier: str, fn: Callable[..., Any]) -> None:
    fns = _listeners.get(_key(target), {}).get(identifier, [])
    if fn not in fns:
        raise exc.InvalidRequestError(f"No listeners found for event {target} / {identifier!r} / {fn} ")
    fns.remove(fn)
    _retval.get(_key(target), set()).discard((identifier, fn))


def contains(target: Any, identifier: str, fn: Callable[..., Any]) -> bool:
    return fn in _listeners.get(_key(target), {}).get(identifier, [])


def listeners_for(targets: Iterable[Any], identifier: str) -> list[Callable[..., Any]]:
    """Listeners registered for `identifier` on any of `targets` (an object, then its classes)."""
    if identifier not in _identifiers:
        return []
    out: list[Callable[..., Any]] = []
    for t in targets:
        try:
            by_event = _listeners.get(t)
        except TypeError:  # unhashable target
            continue
        if by_event:
            out.extend(by_event.get(identifier, ()))
    return out


def listeners_with_retval(targets: Iterable[Any], identifier: str) -> list[tuple[Callable[..., Any], bool]]:
    """`listeners_for`, each with whether it was registered with retval=True."""
    if identifier not in _identifiers:
        return []
    out: list[tuple[Callable[..., Any], bool]] = []
    for t in targets:
        try:
            by_event = _listeners.get(t)
        except TypeError:
            continue
        if by_event:
            returns = _retval.get(t, ())
            out.extend((fn, (identifier, fn) in returns) for fn in by_event.get(identifier, ()))
    return out


def dispatch(targets: Iterable[Any], identifier: str, *args: Any, **kw: Any) -> None:
    for fn in listeners_for(targets, identifier):
        fn(*args, **kw)


class _Dispatcher:
    """``target.dispatch.<event>(*args, **kw)``: calls the target's (and its class's) listeners."""

    __slots__ = ("_targets",)

    def __init__(self, target: Any) -> None:
        self._targets = (target, type(target))

    def __getattr__(self, identifier: str) -> Callable[..., None]:
        targets = self._targets
        return lambda *args, **kw: dispatch(targets, identifier, *args, **kw)
