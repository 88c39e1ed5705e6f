"""AsyncEngine and AsyncConnection over the Rust-backed Engine and Connection."""

from __future__ import annotations

from typing import Any

from ...engine.base import Connection, Engine
from ...engine.create import create_engine
from .result import AsyncResult


def create_async_engine(url: Any, **kw: Any) -> AsyncEngine:
    return AsyncEngine(create_engine(url, **kw))


class AsyncTransaction:
    def __init__(self, conn: AsyncConnection) -> None:
        self.connection = conn
        self._sync: Any = None

    async def start(self) -> AsyncTransaction:
        self._sync = self.connection.sync_connection.begin()
        return self

    def __await__(self) -> Any:
        return self.start().__await__()

    async def commit(self) -> None:
        self._sync.commit()

    async def rollback(self) -> None:
        self._sync.rollback()

    @property
    def is_active(self) -> bool:
        return self._sync is not None and self._sync.is_active

    async def __aenter__(self) -> AsyncTransaction:
        return await self.start()

    async def __aexit__(self, type_: Any, value: Any, tb: Any) -> None:
        self._sync.__exit__(type_, value, tb)


class AsyncConnection:
    def __init__(self, engine: AsyncEngine, sync_connection: Connection | None = None) -> None:
        self.engine = engine
        self.sync_engine = engine.sync_engine
        self.sync_connection: Any = sync_connection

    async def start(self) -> AsyncConnection:
        if self.sync_connection is None:
            self.sync_connection = self.sync_engine.connect()
        return self

    def __await__(self) -> Any:
        return self.start().__await__()

    async def __aenter__(self) -> AsyncConnection:
        return await self.start()

    async def __aexit__(self, type_: Any, value: Any, tb: Any) -> None:
        await self.close()

    @property
    def dialect(self) -> Any:
        return self.sync_engine.dialect

    @property
    def info(self) -> dict[str, Any]:
        return self.sync_connection.info

    def begin(self) -> AsyncTransaction:
        return AsyncTransaction(self)

    def begin_nested(self) -> Any:
        raise NotImplementedError("ferroalchemy: AsyncConnection.begin_nested() (SAVEPOINT) is not implemented yet")

    def in_transaction(self) -> bool:
        return bool(self.sync_connection.in_transaction())

    async def execute(self, statement: Any, parameters: Any = None, **kw: Any) -> Any:
        return self.sync_connection.execute(statement, parameters, **kw)

    async def exec_driver_sql(self, statement: str, parameters: Any = None, **kw: Any) -> Any:
        return self.sync_connection.exec_driver_sql(statement, parameters)

    async def scalar(self, statement: Any, parameters: Any = None, **kw: Any) -> Any:
        return self.sync_connection.scalar(statement, parameters, **kw)

    async def scalars(self, statement: Any, parameters: Any = None, **kw: Any) -> Any:
        return self.sync_connection.scalars(statement, parameters, **kw)

    async def stream(self, statement: Any, parameters: Any = None, **kw: Any) -> AsyncResult:
        # As SQLAlchemy's: the rows come from a cursor as they are fetched.
        kw["execution_options"] = {**(kw.get("execution_options") or {}), "stream_results": True}
        return AsyncResult(self.sync_connection.execute(statement, parameters, **kw))

    async def stream_scalars(self, statement: Any, parameters: Any = None, **kw: Any) -> Any:
        return (await self.stream(statement, parameters, **kw)).scalars()

    async def run_sync(self, fn: Any, *arg: Any, **kw: Any) -> Any:
        return fn(self.sync_connection, *arg, **kw)

    async def commit(self) -> None:
        self.sync_connection.commit()

    async def rollback(self) -> None:
        self.sync_connection.rollback()

    async def close(self) -> None:
        if self.sync_connection is not None:
            self.sync_connection.close()

    def execution_options(self, **opt: Any) -> AsyncConnection:
        self.sync_connection.execution_options(**opt)
        return self


class _AsyncEngineBegin:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._cm: Any = None

    async def __aenter__(self) -> AsyncConnection:
        self._cm = self.engine.sync_engine.begin()
        return AsyncConnection(self.engine, self._cm.__enter__())

    async def __aexit__(self, type_: Any, value: Any, tb: Any) -> None:
        self._cm.__exit__(type_, value, tb)


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
        self.sync_engine.dispose(close)

    def execution_options(self, **opt: Any) -> AsyncEngine:
        return AsyncEngine(self.sync_engine.execution_options(**opt))

    def __repr__(self) -> str:
        return f"AsyncEngine({self.sync_engine.url!r})"
