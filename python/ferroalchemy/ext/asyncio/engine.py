"""AsyncEngine and AsyncConnection over the Rust-backed Engine and Connection."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from ...engine.base import Connection, Engine, NestedTransaction
from ...engine.create import config_options, create_engine
from .exc import refuse_streamed
from .offload import Lane, in_background, offload_for, to_completion
from .result import AsyncResult
from .statements import await_select, awaitable


def async_engine_from_config(configuration: dict[str, Any], prefix: str = "sqlalchemy.", **kwargs: Any) -> AsyncEngine:
    """``engine_from_config()`` for an AsyncEngine: the ``<prefix>url`` key and the other
    ``<prefix>*`` options of ``configuration`` (strings coerced as engine_from_config does)."""
    url, options = config_options(configuration, prefix, kwargs)
    return create_async_engine(url, **options)


def create_async_engine(url: Any, **kw: Any) -> AsyncEngine:
    engine = create_engine(url, **kw)
    # Its server connections belong to the runtime whose thread runs the awaited statements.
    engine._core_args["aio"] = True
    return AsyncEngine(engine)


def adopt(proxy: Any, sync: Any) -> Any:
    """Makes `proxy` the async face of sync transaction `sync`, remembered on it, so that
    get_transaction() returns this same object each time, as SQLAlchemy's does."""
    proxy._sync = sync
    sync.__dict__["_async_proxy"] = proxy
    return proxy


def proxy_of(sync: Any, make: Callable[[], Any]) -> Any:
    """The async proxy of sync transaction `sync` (None for none), made by `make` the first time."""
    if sync is None:
        return None
    return sync.__dict__.get("_async_proxy") or adopt(make(), sync)


class AsyncTransaction:
    def __init__(self, conn: AsyncConnection, nested: bool = False) -> None:
        self.connection = conn
        self.nested = nested
        self._sync: Any = None

    async def start(self) -> AsyncTransaction:
        conn = self.connection
        await conn.start()
        return adopt(self, await conn._lane.run(self._begin, conn.sync_connection))  # type: ignore[no-any-return]

    def _begin(self, sync_connection: Connection) -> Any:
        return sync_connection.begin_nested() if self.nested else sync_connection.begin()

    def __await__(self) -> Any:
        return self.start().__await__()

    async def commit(self) -> None:
        await self.connection._lane.run(self._sync.commit)

    async def rollback(self) -> None:
        await self.connection._lane.run(self._sync.rollback)

    @property
    def is_active(self) -> bool:
        return self._sync is not None and self._sync.is_active

    async def __aenter__(self) -> AsyncTransaction:
        return await self.start()

    async def __aexit__(self, type_: Any, value: Any, tb: Any) -> None:
        await to_completion(self.connection._lane, self.connection._lane.run(self._sync.__exit__, type_, value, tb))


class AsyncConnection:
    def __init__(
        self, engine: AsyncEngine, sync_connection: Connection | None = None, lane: Lane | None = None
    ) -> None:
        self.engine = engine
        self.sync_engine = engine.sync_engine
        self.sync_connection: Any = sync_connection
        # A Session's connection shares the Session's lane: their calls use one connection in turn.
        self._lane = lane or Lane(offload_for(self.sync_engine), self._holds_connection)

    def _holds_connection(self) -> bool:
        c = self.sync_connection
        return c is not None and not c._core.closed

    async def start(self) -> AsyncConnection:
        if self.sync_connection is None:
            try:
                await self._lane.run(self._connect)
            except asyncio.CancelledError:
                # The checkout may still finish on its worker: the connection goes back then.
                in_background(self.close())
                raise
        return self

    def _connect(self) -> None:
        # Kept by the worker itself, so a checkout whose task was cancelled is still closed.
        self.sync_connection = self.sync_engine.connect()

    def __await__(self) -> Any:
        return self.start().__await__()

    async def __aenter__(self) -> AsyncConnection:
        return await self.start()

    async def __aexit__(self, type_: Any, value: Any, tb: Any) -> None:
        await to_completion(self._lane, self.close())

    @property
    def dialect(self) -> Any:
        return self.sync_engine.dialect

    @property
    def info(self) -> dict[str, Any]:
        return self.sync_connection.info

    def begin(self) -> AsyncTransaction:
        return AsyncTransaction(self)

    def begin_nested(self) -> AsyncTransaction:
        return AsyncTransaction(self, nested=True)

    def in_transaction(self) -> bool:
        return bool(self.sync_connection.in_transaction())

    def in_nested_transaction(self) -> bool:
        return bool(self.sync_connection.in_nested_transaction())

    def get_transaction(self) -> AsyncTransaction | None:
        trans = self.sync_connection.get_transaction()
        return proxy_of(trans, lambda: AsyncTransaction(self, nested=isinstance(trans, NestedTransaction)))  # type: ignore[no-any-return]

    def get_nested_transaction(self) -> AsyncTransaction | None:
        return proxy_of(self.sync_connection.get_nested_transaction(), lambda: AsyncTransaction(self, nested=True))  # type: ignore[no-any-return]

    @property
    def closed(self) -> bool:
        return self.sync_connection is None or bool(self.sync_connection.closed)

    @property
    def invalidated(self) -> bool:
        return self.sync_connection is not None and bool(self.sync_connection.invalidated)

    async def get_raw_connection(self) -> Any:
        raise NotImplementedError("ferroalchemy: raw DBAPI connections are not available (no Python driver is used)")

    async def _run(self, fn: Any, *args: Any, **kw: Any) -> Any:
        return await self._lane.run(fn, *args, **kw)

    async def execute(self, statement: Any, parameters: Any = None, *, execution_options: Any = None) -> Any:
        sync = self.sync_connection
        if (
            awaitable(statement, parameters)
            and sync is not None
            and not sync._core.closed
            and self._lane.can_await_statements()
        ):
            result = await await_select(self._lane, sync, statement._stmt(), statement, parameters, execution_options)
            if result is not None:
                return result
        result = await self._run(sync.execute, statement, parameters, execution_options=execution_options)
        refuse_streamed(result, "AsyncConnection")
        return result

    async def exec_driver_sql(self, statement: str, parameters: Any = None, **kw: Any) -> Any:
        return await self._run(self.sync_connection.exec_driver_sql, statement, parameters)

    async def scalar(self, statement: Any, parameters: Any = None, *, execution_options: Any = None) -> Any:
        return (await self.execute(statement, parameters, execution_options=execution_options)).scalar()

    async def scalars(self, statement: Any, parameters: Any = None, *, execution_options: Any = None) -> Any:
        return (await self.execute(statement, parameters, execution_options=execution_options)).scalars()

    async def stream(self, statement: Any, parameters: Any = None, **kw: Any) -> AsyncResult:
        # As SQLAlchemy's: the rows come from a cursor as they are fetched.
        kw["execution_options"] = {**(kw.get("execution_options") or {}), "stream_results": True}
        return AsyncResult(await self._run(self.sync_connection.execute, statement, parameters, **kw), self._lane)

    async def stream_scalars(self, statement: Any, parameters: Any = None, **kw: Any) -> Any:
        return (await self.stream(statement, parameters, **kw)).scalars()

    async def run_sync(self, fn: Any, *arg: Any, **kw: Any) -> Any:
        return await self._run(fn, self.sync_connection, *arg, **kw)

    async def commit(self) -> None:
        await self._run(self.sync_connection.commit)

    async def rollback(self) -> None:
        await self._run(self.sync_connection.rollback)

    async def close(self) -> None:
        await self._lane.run_unpooled(self._close)

    async def aclose(self) -> None:
        """``close()``, under the name ``contextlib.aclosing`` calls."""
        await self.close()

    def _close(self) -> None:
        if self.sync_connection is not None:
            self.sync_connection.close()

    async def invalidate(self, exception: BaseException | None = None) -> None:
        await self._run(self.sync_connection.invalidate, exception)

    def execution_options(self, **opt: Any) -> AsyncConnection:
        self.sync_connection.execution_options(**opt)
        return self


class _AsyncEngineBegin:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._conn: Any = None

    async def __aenter__(self) -> AsyncConnection:
        conn = await self.engine.connect().start()
        try:
            await conn.begin().start()
        except BaseException:
            await to_completion(conn._lane, conn.close())
            raise
        self._conn = conn
        return conn

    async def __aexit__(self, type_: Any, value: Any, tb: Any) -> None:
        await to_completion(self._conn._lane, self._end(type_ is None))

    async def _end(self, commit: bool) -> None:
        conn = self._conn
        try:
            if commit:
                await conn.commit()
            else:
                await conn.rollback()
        finally:
            await conn.close()


class AsyncEngine:
    def __init__(self, sync_engine: Engine) -> None:
        self.sync_engine = sync_engine

    @property
    def url(self) -> Any:
        return self.sync_engine.url

    @property
    def dialect(self) -> Any:
        return self.sync_engine.dialect

    @property
    def pool(self) -> Any:
        return self.sync_engine.pool

    @property
    def name(self) -> str:
        return self.sync_engine.name

    @property
    def driver(self) -> str:
        return self.sync_engine.driver

    @property
    def echo(self) -> Any:
        return self.sync_engine.echo

    @echo.setter
    def echo(self, value: Any) -> None:
        self.sync_engine.echo = value

    def connect(self) -> AsyncConnection:
        return AsyncConnection(self)

    def begin(self) -> _AsyncEngineBegin:
        return _AsyncEngineBegin(self)

    async def dispose(self, close: bool = True) -> None:
        # Closing idle connections talks to the server: off the loop, as every other call.
        await Lane(offload_for(self.sync_engine), lambda: False).run_unpooled(self.sync_engine.dispose, close)

    def get_execution_options(self) -> dict[str, Any]:
        return self.sync_engine.get_execution_options()

    def update_execution_options(self, **opt: Any) -> None:
        self.sync_engine.update_execution_options(**opt)

    def clear_compiled_cache(self) -> None:
        self.sync_engine.clear_compiled_cache()

    async def raw_connection(self) -> Any:
        return self.sync_engine.raw_connection()

    def execution_options(self, **opt: Any) -> AsyncEngine:
        return AsyncEngine(self.sync_engine.execution_options(**opt))

    def __repr__(self) -> str:
        return f"AsyncEngine({self.sync_engine.url!r})"
