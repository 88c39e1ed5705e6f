"""The asyncio workloads, on one event loop kept across runs:

- async_point_queries: 5,000 primary-key gets spread over 20 concurrent tasks, each with its own
  session (ORM) or connection (raw: aiosqlite, asyncpg, aiomysql).
- async_session_per_request: the same 5,000 gets as a web application makes them, each in a
  session of its own (checkout, get, close), 20 requests in flight; raw: a pool checkout per
  request (asyncpg, aiomysql), the task's connection for aiosqlite."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import data
import models
from databases import INSERT_USERS, USER_SQL, schema_sql

N_TASKS = 20


def per_task_ids(n: int) -> list[list[int]]:
    return list(data.chunks(data.get_ids(n), data.N_GETS // N_TASKS))


def _checked(lists: list[list[Any]]) -> tuple[int, int]:
    out = [o for objs in lists for o in objs]
    return len(out), models.checksum(out)


class OrmAsync:
    """Mixed into the ORM target: `AsyncSession.get` as an application writes it."""

    m: Any
    sa_async: Any
    async_engine: Any
    runner: asyncio.Runner

    def async_point_queries(self, n: int) -> Callable[[], Any]:
        User, AsyncSession = self.m.User, self.sa_async.AsyncSession
        groups = per_task_ids(n)

        async def task(ids: list[int]) -> list[Any]:
            async with AsyncSession(self.async_engine) as s:
                return [await s.get(User, pk) for pk in ids]

        async def gather() -> list[list[Any]]:
            return await asyncio.gather(*(task(ids) for ids in groups))

        return lambda: _checked(self.runner.run(gather()))

    def async_session_per_request(self, n: int) -> Callable[[], Any]:
        User, maker = self.m.User, self.sa_async.async_sessionmaker(self.async_engine)
        groups = per_task_ids(n)

        async def task(ids: list[int]) -> list[Any]:
            out = []
            for pk in ids:
                async with maker() as s:
                    out.append(await s.get(User, pk))
            return out

        async def gather() -> list[list[Any]]:
            return await asyncio.gather(*(task(ids) for ids in groups))

        return lambda: _checked(self.runner.run(gather()))


class RawAsync:
    """Mixed into the raw target: the bare async driver, an identity dict per task."""

    db: Any
    n: int
    _convert: Callable[[Any], Any]

    def _async_setup(self) -> None:
        self.runner = asyncio.Runner()
        self.runner.run(self._open())

    async def _open(self) -> None:
        kind = self.db.kind
        if kind == "sqlite":
            import aiosqlite

            if self.db.shared:
                self.aconns = [await aiosqlite.connect(self.db.paths[0]) for _ in range(N_TASKS)]
            else:  # one in-memory database, shared by the tasks as SQLAlchemy's StaticPool shares it
                con = await aiosqlite.connect(":memory:")
                for ddl in schema_sql(kind):
                    await con.execute(ddl)
                await con.executemany(INSERT_USERS, data.user_rows(self.n, kind))
                await con.commit()
                self.aconns = [con]
        elif kind == "postgresql":
            import asyncpg

            self.apool = await asyncpg.create_pool(min_size=N_TASKS, max_size=N_TASKS, **self.db.async_dsn())
        else:
            import aiomysql

            self.apool = await aiomysql.create_pool(minsize=N_TASKS, maxsize=N_TASKS, **self.db.async_dsn())

    def _async_close(self) -> None:
        async def close() -> None:
            if self.db.kind == "sqlite":
                for con in set(self.aconns):
                    await con.close()
            elif self.db.kind == "postgresql":
                await self.apool.close()
            else:
                self.apool.close()
                await self.apool.wait_closed()

        self.runner.run(close())
        self.runner.close()

    async def _task(self, i: int, ids: list[int]) -> list[Any]:
        identity: dict[int, Any] = {}
        out = []
        kind = self.db.kind
        if kind == "sqlite":
            con = self.aconns[i % len(self.aconns)]
            sql = USER_SQL + " WHERE id = ?"
            for pk in ids:
                obj = identity.get(pk)
                if obj is None:
                    async with con.execute(sql, (pk,)) as cur:
                        obj = identity[pk] = self._convert(await cur.fetchone())
                out.append(obj)
        elif kind == "postgresql":
            sql = USER_SQL + " WHERE id = $1"
            async with self.apool.acquire() as con:
                for pk in ids:
                    obj = identity.get(pk)
                    if obj is None:
                        obj = identity[pk] = self._convert(await con.fetchrow(sql, pk))
                    out.append(obj)
        else:
            sql = USER_SQL + " WHERE id = %s"
            async with self.apool.acquire() as con, con.cursor() as cur:
                for pk in ids:
                    obj = identity.get(pk)
                    if obj is None:
                        await cur.execute(sql, (pk,))
                        obj = identity[pk] = self._convert(await cur.fetchone())
                    out.append(obj)
                await con.rollback()
        return out

    def async_point_queries(self, n: int) -> Callable[[], Any]:
        groups = per_task_ids(n)

        async def gather() -> list[list[Any]]:
            return await asyncio.gather(*(self._task(i, ids) for i, ids in enumerate(groups)))

        return lambda: _checked(self.runner.run(gather()))

    async def _request(self, i: int, pk: int) -> Any:
        """One request's get: a pooled connection checked out for it (the task's own for SQLite)."""
        kind = self.db.kind
        if kind == "sqlite":
            con = self.aconns[i % len(self.aconns)]
            async with con.execute(USER_SQL + " WHERE id = ?", (pk,)) as cur:
                return self._convert(await cur.fetchone())
        if kind == "postgresql":
            async with self.apool.acquire() as con:
                return self._convert(await con.fetchrow(USER_SQL + " WHERE id = $1", pk))
        async with self.apool.acquire() as con, con.cursor() as cur:
            await cur.execute(USER_SQL + " WHERE id = %s", (pk,))
            row = await cur.fetchone()
            await con.rollback()
            return self._convert(row)

    def async_session_per_request(self, n: int) -> Callable[[], Any]:
        groups = per_task_ids(n)

        async def task(i: int, ids: list[int]) -> list[Any]:
            return [await self._request(i, pk) for pk in ids]

        async def gather() -> list[list[Any]]:
            return await asyncio.gather(*(task(i, ids) for i, ids in enumerate(groups)))

        return lambda: _checked(self.runner.run(gather()))
