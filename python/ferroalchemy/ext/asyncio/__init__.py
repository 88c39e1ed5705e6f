"""``sqlalchemy.ext.asyncio``: the asyncio API over ferroalchemy's core, with no greenlet.

On SQLite each awaited operation runs its statements in place on the event loop's thread (one
statement at a time; DESIGN.md allows this for the embedded database). On PostgreSQL and MySQL the
loop runs other tasks while a statement waits on the server (see ``offload``). Lazy loading
inside async code raises MissingGreenlet, as in SQLAlchemy: load with selectinload(), or through
``awaitable_attrs`` or ``run_sync()``."""

from . import exc
from .engine import AsyncConnection, AsyncEngine, AsyncTransaction, async_engine_from_config, create_async_engine
from .result import AsyncMappingResult, AsyncResult, AsyncScalarResult
from .session import AsyncAttrs, AsyncSession, AsyncSessionTransaction, async_scoped_session, async_sessionmaker

__all__ = [
    "AsyncAttrs",
    "AsyncConnection",
    "AsyncEngine",
    "AsyncMappingResult",
    "AsyncResult",
    "AsyncScalarResult",
    "AsyncSession",
    "AsyncSessionTransaction",
    "AsyncTransaction",
    "async_scoped_session",
    "async_sessionmaker",
    "async_engine_from_config",
    "create_async_engine",
    "exc",
]
