"""The asyncio API on PostgreSQL and MySQL: an awaited statement lets the event loop run other tasks,
concurrent sessions over a small pool lose no update, a full pool is awaited (pool_timeout raises
TimeoutError), and cancelled statements leave the pool healthy. The pool cases run on a SQLite file
too. URLs from FERRO_TEST_POSTGRES_URL / FERRO_TEST_MYSQL_URL.

An async engine's awaited statements run on the aio runtime's thread; an AsyncEngine wrapping an
engine of create_engine() (IO = "worker") runs them on worker threads: both ways are checked."""

from __future__ import annotations

import asyncio
import random
from pathlib import Path
from typing import Any

import pytest

from ferroalchemy import Integer, String, create_engine, exc, func, literal, select, text, update
from ferroalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from ferroalchemy.ext.asyncio.exc import AsyncMethodRequired
from ferroalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sql.backends import server_url

SERVERS = ["postgresql", "mysql"]
IO = ["aio", "worker"]


class Base(DeclarativeBase):
    pass


class Counter(Base):
    __tablename__ = "aio_counter"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    value: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(20), default="")


def _sleep_sql(backend: str, seconds: float) -> Any:
    return text("SELECT pg_sleep(:s)" if backend == "postgresql" else "SELECT SLEEP(:s)").bindparams(s=seconds)


def _engine(backend: str, tmp: Path | None = None, io: str = "aio", **kw: Any) -> Any:
    if io == "worker":
        return AsyncEngine(create_engine(server_url(backend), **kw))
    if backend == "sqlite":
        # A file: each pooled connection its own (SQLite runs each statement in place).
        assert tmp is not None
        return create_async_engine(f"sqlite+aiosqlite:///{tmp / 'aio.db'}", **kw)
    return create_async_engine(server_url(backend), **kw)


async def _fresh_counter(engine: Any) -> None:
    async with engine.begin() as conn:
        await conn.run_sync(Base.metadata.drop_all)
        await conn.run_sync(Base.metadata.create_all)
    async with AsyncSession(engine) as s:
        s.add(Counter(id=1, value=0))
        await s.commit()


@pytest.mark.parametrize("io", IO)
@pytest.mark.parametrize("backend", SERVERS)
def test_waiting_statements_overlap(backend: str, io: str) -> None:
    """Ten tasks each wait on a slow statement; every one is sent before the first returns."""
    events: list[tuple[str, int]] = []

    async def main() -> None:
        engine = _engine(backend, io=io, pool_size=10)
        barrier = asyncio.Barrier(10)

        async def core(i: int) -> None:
            async with engine.connect() as conn:
                await barrier.wait()
                events.append(("sent", i))
                await conn.execute(_sleep_sql(backend, 0.3))
                events.append(("done", i))

        async def orm(i: int) -> None:
            async with AsyncSession(engine) as s:
                await s.connection()
                await barrier.wait()
                events.append(("sent", i))
                sleep = func.pg_sleep if backend == "postgresql" else func.sleep
                await s.execute(select(sleep(0.3)))
                events.append(("done", i))

        try:
            await asyncio.gather(*(core(i) for i in range(10)))
            kinds = [k for k, _ in events]
            assert kinds == ["sent"] * 10 + ["done"] * 10
            events.clear()
            await asyncio.gather(*(orm(i) for i in range(10)))
            kinds = [k for k, _ in events]
            assert kinds == ["sent"] * 10 + ["done"] * 10
            assert engine.pool.checkedout() == 0
        finally:
            await engine.dispose()

    asyncio.run(main())


@pytest.mark.parametrize("backend", SERVERS)
def test_loop_runs_while_a_statement_waits(backend: str) -> None:
    ticks: list[int] = []

    async def main() -> None:
        engine = _engine(backend)
        stop = asyncio.Event()

        async def ticker() -> None:
            while not stop.is_set():
                ticks.append(1)
                await asyncio.sleep(0.01)

        try:
            async with engine.connect() as conn:
                t = asyncio.create_task(ticker())
                await asyncio.sleep(0)
                before = len(ticks)
                await conn.execute(_sleep_sql(backend, 0.3))
                during = len(ticks) - before
                stop.set()
                await t
            assert during > 1
        finally:
            await engine.dispose()

    asyncio.run(main())


@pytest.mark.parametrize("backend", ["sqlite", *SERVERS])
def test_no_lost_update_with_1000_sessions_over_10_connections(backend: str, tmp_path: Path) -> None:
    async def main() -> None:
        engine = _engine(backend, tmp_path, pool_size=10, max_overflow=0)
        await _fresh_counter(engine)
        maker = async_sessionmaker(engine)

        async def increment() -> None:
            async with maker() as s:
                row = (await s.execute(select(Counter).where(Counter.id == 1).with_for_update())).scalar_one()
                row.value = row.value + 1
                await s.commit()

        async def atomic() -> None:
            async with maker() as s, s.begin():
                await s.execute(update(Counter).where(Counter.id == 1).values(value=Counter.value + 1))

        try:
            await asyncio.gather(*(increment() for _ in range(1000)))
            async with maker() as s:
                assert await s.scalar(select(Counter.value).where(Counter.id == 1)) == 1000
            await asyncio.gather(*(atomic() for _ in range(200)))
            async with maker() as s:
                assert await s.scalar(select(Counter.value).where(Counter.id == 1)) == 1200
            assert engine.pool.checkedout() == 0
        finally:
            await engine.dispose()

    asyncio.run(main())


@pytest.mark.parametrize("backend", ["sqlite", *SERVERS])
def test_full_pool_is_awaited_and_times_out(backend: str, tmp_path: Path) -> None:
    async def main() -> None:
        engine = _engine(backend, tmp_path, pool_size=1, max_overflow=0, pool_timeout=0.3)
        ticks: list[int] = []

        async def ticker() -> None:
            for _ in range(5):
                ticks.append(1)
                await asyncio.sleep(0)

        try:
            async with engine.connect() as held:
                await held.execute(text("SELECT 1"))
                t = asyncio.create_task(ticker())
                with pytest.raises(exc.TimeoutError, match="QueuePool limit of size 1 overflow 0 reached"):
                    async with engine.connect() as other:
                        await other.execute(text("SELECT 1"))
                # The ticker only runs while this task waits: it ran while the checkout waited.
                assert len(ticks) == 5
                await t
            # Released: the next checkout gets the connection.
            async with engine.connect() as conn:
                assert (await conn.execute(text("SELECT 2"))).scalar() == 2
        finally:
            await engine.dispose()

    asyncio.run(main())


@pytest.mark.parametrize("backend", SERVERS)
def test_errors_are_sqlalchemy_types(backend: str) -> None:
    async def main() -> None:
        engine = _engine(backend)
        await _fresh_counter(engine)
        try:
            async with AsyncSession(engine) as s:
                s.add(Counter(id=1, value=5))
                with pytest.raises(exc.IntegrityError) as info:
                    await s.commit()
                assert info.value.orig is not None
                await s.rollback()
            async with engine.connect() as conn:
                with pytest.raises(exc.ProgrammingError):
                    await conn.execute(text("SELECT * FROM no_such_table_here"))
            async with AsyncSession(engine) as s:
                assert (await s.get(Counter, 1)).value == 0
                await s.rollback()
                await s.connection()
                async with engine.begin() as conn:
                    await conn.run_sync(Base.metadata.drop_all)
                s.expunge_all()
                with pytest.raises(exc.ProgrammingError) as info:
                    await s.get(Counter, 1)
                assert info.value.orig is not None
        finally:
            await engine.dispose()

    asyncio.run(main())


@pytest.mark.parametrize("io", IO)
@pytest.mark.parametrize("backend", SERVERS)
def test_cancelled_statements_leave_the_pool_healthy(backend: str, io: str) -> None:
    rng = random.Random(8)

    async def main() -> None:
        engine = _engine(backend, io=io, pool_size=5, max_overflow=0)
        await _fresh_counter(engine)
        maker = async_sessionmaker(engine)
        outcomes: dict[str, int] = {"done": 0, "cancelled": 0, "timeout": 0}

        async def in_transaction(i: int) -> None:
            async with maker() as s:
                await s.execute(update(Counter).where(Counter.id == 1).values(label=f"t{i}"))
                await s.execute(_sleep_sql(backend, rng.choice([0.0, 0.02, 0.1])))
                await s.commit()

        async def core_sleep(i: int) -> None:
            async with engine.connect() as conn:
                await conn.execute(_sleep_sql(backend, rng.choice([0.01, 0.05, 0.2])))
                await conn.execute(select(func.count()).select_from(Counter))

        async def long_select(i: int) -> None:
            async with maker() as s:
                await s.execute(text("SELECT COUNT(*) FROM aio_counter a, aio_counter b"))
                await s.execute(_sleep_sql(backend, 0.05))

        async def gets(i: int) -> None:
            async with maker() as s:
                await s.connection()
                for _ in range(50):
                    assert (await s.get(Counter, 1)).id == 1
                    s.expire_all()
                    assert await s.get(Counter, 2) is None

        async def one(i: int) -> None:
            work = rng.choice([in_transaction, core_sleep, long_select, gets])
            try:
                if i % 2:
                    async with asyncio.timeout(rng.uniform(0.0, 0.1)):
                        await work(i)
                else:
                    await work(i)
                outcomes["done"] += 1
            except TimeoutError:
                outcomes["timeout"] += 1

        try:
            tasks = [asyncio.create_task(one(i)) for i in range(60)]
            for t in tasks[::3]:
                await asyncio.sleep(rng.uniform(0.0, 0.02))
                t.cancel()
            for r in await asyncio.gather(*tasks, return_exceptions=True):
                if isinstance(r, asyncio.CancelledError):
                    outcomes["cancelled"] += 1
                elif isinstance(r, BaseException):
                    raise r
            assert outcomes["cancelled"] > 0 and outcomes["timeout"] > 0 and outcomes["done"] > 0
            assert engine.pool.checkedout() == 0

            # Every pooled connection answers its own query (none was returned mid-protocol, none
            # kept a transaction or a lock).
            barrier = asyncio.Barrier(5)

            async def probe(n: int) -> tuple[int, bool]:
                async with engine.connect() as conn:
                    await barrier.wait()
                    got = (await conn.execute(select(literal(n, Integer)))).scalar()
                    await conn.execute(update(Counter).where(Counter.id == 1).values(value=Counter.value + 1))
                    await conn.commit()
                    return got, conn.in_transaction()

            assert await asyncio.gather(*(probe(n) for n in range(5))) == [(n, False) for n in range(5)]
            assert engine.pool.checkedout() == 0
            async with maker() as s:
                assert await s.scalar(select(Counter.value).where(Counter.id == 1)) == 5
        finally:
            await engine.dispose()

    asyncio.run(main())


@pytest.mark.parametrize("backend", SERVERS)
def test_connection_begin_nested_and_stream(backend: str) -> None:
    async def main() -> None:
        engine = _engine(backend)
        await _fresh_counter(engine)
        try:
            async with engine.connect() as conn:
                await conn.begin()
                nested = await conn.begin_nested()
                await conn.execute(update(Counter).values(value=7))
                await nested.rollback()
                await conn.execute(update(Counter).values(label="kept"))
                await conn.commit()
                result = await conn.stream(select(Counter.value, Counter.label))
                assert [tuple(r) async for r in result] == [(0, "kept")]
                scalars = await conn.stream_scalars(select(Counter.id))
                assert await scalars.all() == [1]
            async with AsyncSession(engine) as s:
                s.add_all([Counter(id=i, value=i) for i in range(2, 6)])
                await s.commit()
                streamed = await s.stream_scalars(select(Counter).order_by(Counter.id).execution_options(yield_per=2))
                assert [c.id async for c in streamed] == [1, 2, 3, 4, 5]
                # As SQLAlchemy: rows of a server-side cursor are only fetched through stream().
                with pytest.raises(AsyncMethodRequired, match=r"Use the AsyncSession.stream\(\) method"):
                    await s.execute(select(Counter.id).execution_options(yield_per=2))
                with pytest.raises(AsyncMethodRequired, match=r"Can't use the AsyncConnection.execute\(\)"):
                    await (await s.connection()).execute(select(Counter.id).execution_options(yield_per=2))
            assert engine.pool.checkedout() == 0
        finally:
            await engine.dispose()

    asyncio.run(main())


@pytest.mark.parametrize("io", IO)
@pytest.mark.parametrize("backend", SERVERS)
def test_awaited_selects_share_the_identity_map(backend: str, io: str) -> None:
    async def main() -> None:
        engine = _engine(backend, io=io)
        await _fresh_counter(engine)
        try:
            async with AsyncSession(engine) as s:
                s.add(Counter(id=2, value=9, label="two"))
                await s.commit()
                await s.connection()
                rows = (await s.scalars(select(Counter).order_by(Counter.id))).all()
                assert [(c.id, c.value, c.label) for c in rows] == [(1, 0, ""), (2, 9, "two")]
                assert await s.get(Counter, 2) is rows[1]
                assert await s.scalar(select(func.count()).select_from(Counter)) == 2
                assert (await s.execute(select(Counter.label).where(Counter.id == 2))).scalar_one() == "two"
                rows[0].value = 5  # pending: the next SELECT autoflushes it first
                assert await s.scalar(select(Counter.value).where(Counter.id == 1)) == 5
                await s.rollback()
                assert await s.scalar(select(Counter.value).where(Counter.id == 1)) == 0
            async with engine.connect() as conn:
                assert (await conn.scalars(select(Counter.id).order_by(Counter.id))).all() == [1, 2]
                assert (
                    await conn.execute(text("SELECT label FROM aio_counter WHERE id = :i"), {"i": 2})
                ).scalar() == "two"
        finally:
            await engine.dispose()

    asyncio.run(main())


@pytest.mark.parametrize("io", IO)
@pytest.mark.parametrize("backend", SERVERS)
def test_sessions_per_request_over_a_small_pool(backend: str, io: str) -> None:
    """A session per request (get, execute, close) from 50 tasks over a pool of 2: every request is
    served, the pool's checkout listener hears each checkout when one listens, and nothing stays
    checked out."""
    from ferroalchemy import event

    async def main() -> None:
        engine = _engine(backend, io=io, pool_size=2, max_overflow=0)
        await _fresh_counter(engine)
        maker = async_sessionmaker(engine)

        async def request(i: int) -> int:
            async with maker() as s:
                c = await s.get(Counter, 1)
                n = await s.scalar(select(func.count()).select_from(Counter))
                return c.id + n

        try:
            assert await asyncio.gather(*(request(i) for i in range(50))) == [2] * 50
            assert engine.pool.checkedout() == 0
            checkouts: list[int] = []
            pool = engine.sync_engine

            def on_checkout(*_: Any) -> None:
                checkouts.append(1)

            event.listen(pool, "checkout", on_checkout)
            try:
                assert await asyncio.gather(*(request(i) for i in range(10))) == [2] * 10
            finally:
                event.remove(pool, "checkout", on_checkout)
            assert len(checkouts) == 10 and engine.pool.checkedout() == 0
        finally:
            await engine.dispose()

    asyncio.run(main())
