"""AsyncResult and friends: what ``stream()`` returns; every fetch is awaited."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any


class _AsyncFiltered:
    def __init__(self, sync: Any) -> None:
        self._sync = sync

    async def all(self) -> list[Any]:
        return self._sync.all()

    async def fetchall(self) -> list[Any]:
        return self._sync.fetchall()

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        return self._sync.fetchmany(size)

    async def fetchone(self) -> Any:
        return self._sync.fetchone()

    async def first(self) -> Any:
        return self._sync.first()

    async def one(self) -> Any:
        return self._sync.one()

    async def one_or_none(self) -> Any:
        return self._sync.one_or_none()

    async def partitions(self, size: int | None = None) -> AsyncIterator[list[Any]]:
        for part in self._sync.partitions(size):
            yield part

    def __aiter__(self) -> AsyncIterator[Any]:
        return self._iterate()

    async def _iterate(self) -> AsyncIterator[Any]:
        for item in self._sync:
            yield item

    async def close(self) -> None:
        self._sync.close()


class AsyncResult(_AsyncFiltered):
    def keys(self) -> Any:
        return self._sync.keys()

    def scalars(self, index: int = 0) -> AsyncScalarResult:
        return AsyncScalarResult(self._sync.scalars(index))

    def mappings(self) -> AsyncMappingResult:
        return AsyncMappingResult(self._sync.mappings())

    def unique(self, strategy: Any = None) -> AsyncResult:
        self._sync.unique(strategy)
        return self

    async def scalar(self) -> Any:
        return self._sync.scalar()

    async def scalar_one(self) -> Any:
        return self._sync.scalar_one()

    async def scalar_one_or_none(self) -> Any:
        return self._sync.scalar_one_or_none()


class AsyncScalarResult(_AsyncFiltered):
    def unique(self, strategy: Any = None) -> AsyncScalarResult:
        self._sync.unique(strategy)
        return self


class AsyncMappingResult(_AsyncFiltered):
    def keys(self) -> Any:
        return self._sync.keys()
