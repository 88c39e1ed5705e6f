"""``sqlalchemy.ext.asyncio`` (not built yet: each entry point says so when used)."""

from __future__ import annotations

from typing import Any


def _not_yet(name: str) -> Any:
    def make(*args: Any, **kw: Any) -> Any:
        raise NotImplementedError(f"ferroalchemy: asyncio support ({name}) is not implemented yet")

    make.__name__ = name
    return make


create_async_engine = _not_yet("create_async_engine")
async_sessionmaker = _not_yet("async_sessionmaker")
AsyncSession = _not_yet("AsyncSession")
AsyncEngine = _not_yet("AsyncEngine")
async_scoped_session = _not_yet("async_scoped_session")


class AsyncAttrs:
    def __init_subclass__(cls, **kw: Any) -> None:
        raise NotImplementedError("ferroalchemy: asyncio support (AsyncAttrs) is not implemented yet")
