"""AsyncResult and friends: what ``stream()`` returns; every fetch is awaited."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

from .offload import Lane

# Rows fetched per call while iterating (each call may fetch from the server cursor).
_ITER_BATCH = 100


class _AsyncFiltered:
    def __init__(self, sync: Any, lane: Lane | None = None) -> None:
        self._sync = sync
        # The lane of the connection or session whose cursor the rows come from.
        self._lane = lane

    async def _call(self, fn: Callable[..., Any], *args: Any) -> Any:
        if self._lane is None:
            return fn(*args)
        return await self._lane.run(fn, *args)

    async def all(self) -> list[Any]:
        return await self._call(self._sync.all)

    async def fetchall(self) -> list[Any]:
        return await self._call(self._sync.fetchall)

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        return await self._call(self._sync.fetchmany, size)

    async def fetchone(self) -> Any:
        return await self._call(self._sync.fetchone)

    async def first(self) -> Any:
        return await self._call(self._sync.first)

    async def one(self) -> Any:
        return await self._call(self._sync.one)

    async def one_or_none(self) -> Any:
        return await self._call(self._sync.one_or_none)

    async def partitions(self, size: int | None = None) -> AsyncIterator[list[Any]]:
        parts = self._sync.partitions(size)
        while True:
            part = await self._call(next, parts, None)
            if part is None:
                return
            yield part

    def __aiter__(self) -> AsyncIterator[Any]:
        return self._iterate()

    async def _iterate(self) -> AsyncIterator[Any]:
        while True:
            batch = await self._call(self._sync.fetchmany, _ITER_BATCH)
            if not batch:
                return
            for item in batch:
                yield item

    async def close(self) -> None:
        await self._call(self._sync.close)


class AsyncResult(_AsyncFiltered):
    def keys(self) -> Any:
        return self._sync.keys()

    def scalars(self, index: int = 0) -> AsyncScalarResult:
        return AsyncScalarResult(self._sync.scalars(index), self._lane)

    def mappings(self) -> AsyncMappingResult:
        return AsyncMappingResult(self._sync.mappings(), self._lane)

    def unique(self, strategy: Any = None) -> AsyncResult:
        self._sync.unique(strategy)
        return self

    async def scalar(self) -> Any:
        return await self._call(self._sync.scalar)

    async def scalar_one(self) -> Any:
        return await self._call(self._sync.scalar_one)

    async def scalar_one_or_none(self) -> Any:
        return await self._call(self._sync.scalar_one_or_none)


class AsyncScalarResult(_AsyncFiltered):
    def unique(self, strategy: Any = None) -> AsyncScalarResult:
        self._sync.unique(strategy)
        return self


class AsyncMappingResult(_AsyncFiltered):
    def keys(self) -> Any:
        return self._sync.keys()
