"""Pool classes as SQLAlchemy names them. The pool itself is Rust's; these select its behaviour
(``poolclass=``) and report on it (``engine.pool.status()``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class PoolResetState:
    """What the pool ``reset`` event receives: how the connection is being returned."""

    transaction_was_reset: bool
    """True when the Connection already rolled back (or committed) its transaction before
    returning the connection, so the pool's own rollback is a formality."""
    terminate_only: bool
    """True when the connection is being discarded rather than returned (detached / gc'ed)."""
    asyncio_safe: bool
    """True when the reset may talk to the database (always, outside asyncio gc cleanup)."""


class Pool:
    _kind = "queue"

    def __init__(self, *args: Any, **kw: Any) -> None:
        if args or kw:
            raise NotImplementedError(
                "ferroalchemy: constructing a pool directly (create_engine(pool=...)) is not implemented yet; use poolclass="
            )
        self._core: Any = None

    @classmethod
    def _attached(cls, core_engine: Any) -> Pool:
        p = cls.__new__(cls)
        p._core = core_engine
        return p

    def size(self) -> int:
        return int(self._core.pool_size()) if self._core is not None else 0

    def checkedin(self) -> int:
        return int(self._core.pool_checkedin()) if self._core is not None else 0

    def checkedout(self) -> int:
        return int(self._core.pool_checkedout()) if self._core is not None else 0

    def overflow(self) -> int:
        return int(self._core.pool_overflow()) if self._core is not None else 0

    def status(self) -> str:
        return (
            f"Pool size: {self.size()}  Connections in pool: {self.checkedin()} "
            f"Current Overflow: {self.overflow()} Current Checked out connections: {self.checkedout()}"
        )

    def dispose(self) -> None:
        if self._core is not None:
            self._core.dispose()


class QueuePool(Pool):
    _kind = "queue"


class AsyncAdaptedQueuePool(QueuePool):
    pass


class StaticPool(Pool):
    _kind = "static"

    def status(self) -> str:
        return "StaticPool"


class NullPool(Pool):
    _kind = "null"

    def status(self) -> str:
        return "NullPool"


class SingletonThreadPool(Pool):
    _kind = "singleton"

    def status(self) -> str:
        # As SQLAlchemy's: the connections it holds, one per thread that connected.
        size = len(self._core.pool_idle_ids()) if self._core is not None else 0
        return f"SingletonThreadPool id:{id(self)} size: {size}"


class AssertionPool(Pool):
    _kind = "static"
