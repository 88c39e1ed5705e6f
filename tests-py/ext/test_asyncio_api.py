"""The smaller parts of the asyncio API, on SQLite and the servers: transaction accessors that
return the same proxy each time, is_active, invalidate, aclose, the module-level session lookups,
async_engine_from_config and the engine's option and cache methods."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path
from typing import Any

import pytest

from ferroalchemy import String, exc, select, text
from ferroalchemy.ext.asyncio import (
    AsyncSession,
    async_engine_from_config,
    async_object_session,
    async_session,
    close_all_sessions,
    create_async_engine,
)
from ferroalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sql.backends import server_url


class Base(DeclarativeBase):
    pass


class Note(Base):
    __tablename__ = "aio_api_note"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    body: Mapped[str] = mapped_column(String(20), unique=True)


def _url(backend: str, tmp: Path) -> str:
    return f"sqlite+aiosqlite:///{tmp / 'api.db'}" if backend == "sqlite" else server_url(backend)


BACKENDS = ["sqlite", "postgresql", "mysql"]


async def _fresh(engine: Any) -> None:
    async with engine.begin() as conn:
        await conn.run_sync(Base.metadata.drop_all)
        await conn.run_sync(Base.metadata.create_all)


@pytest.mark.parametrize("backend", BACKENDS)
def test_transaction_accessors_and_is_active(backend: str, tmp_path: Path) -> None:
    async def main() -> None:
        engine = create_async_engine(_url(backend, tmp_path))
        await _fresh(engine)
        try:
            async with engine.connect() as conn:
                assert conn.get_transaction() is None and not conn.closed
                await conn.execute(select(1))
                trans = conn.get_transaction()
                assert trans is not None and trans is conn.get_transaction()
                nested = await conn.begin_nested()
                assert conn.in_nested_transaction() and conn.get_nested_transaction() is nested
                await nested.commit()
                assert not conn.in_nested_transaction() and conn.get_nested_transaction() is None
                await trans.rollback()
                assert not conn.in_transaction()
            assert conn.closed

            async with AsyncSession(engine) as s:
                assert s.get_transaction() is None and s.is_active
                s.add(Note(id=1, body="a"))
                await s.flush()
                assert s.get_transaction() is s.get_transaction() is not None
                sp = s.begin_nested()
                await sp
                assert s.in_nested_transaction() and s.get_nested_transaction() is sp
                await sp.commit()
                assert not s.in_nested_transaction() and s.get_nested_transaction() is None
                s.add(Note(id=2, body="a"))  # duplicate body: the flush fails
                with pytest.raises(exc.IntegrityError):
                    await s.flush()
                assert not s.is_active
                await s.rollback()
                assert s.is_active and s.get_transaction() is None
        finally:
            await engine.dispose()

    asyncio.run(main())


@pytest.mark.parametrize("backend", BACKENDS)
def test_session_lookups_invalidate_and_aclose(backend: str, tmp_path: Path) -> None:
    async def main() -> None:
        engine = create_async_engine(_url(backend, tmp_path))
        await _fresh(engine)
        try:
            s = AsyncSession(engine)
            note = Note(id=1, body="x")
            s.add(note)
            assert async_session(s.sync_session) is s and async_object_session(note) is s
            assert async_object_session(Note(id=9, body="y")) is None
            await s.flush()
            conn = await s.connection()
            await s.invalidate()
            assert conn.invalidated and engine.pool.checkedout() == 0
            async with AsyncSession(engine) as s2:  # the flushed row was never committed
                assert (await s2.scalars(select(Note))).all() == []

            async with contextlib.aclosing(AsyncSession(engine)) as s3:
                s3.add(Note(id=2, body="z"))
                await s3.commit()
                await s3.connection()
            assert engine.pool.checkedout() == 0
            async with contextlib.aclosing(engine.connect()) as c:
                await c.start()
                assert (await c.execute(text("SELECT body FROM aio_api_note"))).scalar_one() == "z"
            assert c.closed

            s4 = AsyncSession(engine)
            await s4.connection()
            await close_all_sessions()
            assert engine.pool.checkedout() == 0
        finally:
            await engine.dispose()

    asyncio.run(main())


def test_async_engine_from_config_and_engine_options(tmp_path: Path) -> None:
    async def main() -> None:
        engine = async_engine_from_config(
            {"db.url": f"sqlite+aiosqlite:///{tmp_path / 'cfg.db'}", "db.echo": "false", "db.pool_size": "3"},
            prefix="db.",
        )
        try:
            assert engine.echo is False and engine.pool.size() == 3
            engine.update_execution_options(stream_results=False, custom="kept")
            assert engine.get_execution_options()["custom"] == "kept"
            async with engine.connect() as conn:
                assert conn.sync_connection.get_execution_options()["custom"] == "kept"
                await conn.execute(select(1))
            assert engine.sync_engine._core.cache_len() > 0
            engine.clear_compiled_cache()
            assert engine.sync_engine._core.cache_len() == 0
            with pytest.raises(NotImplementedError, match="raw DBAPI connections"):
                await engine.raw_connection()
        finally:
            await engine.dispose()

    asyncio.run(main())
