"""AsyncSession, async_sessionmaker, async_scoped_session and AsyncAttrs over the sync Session."""

from __future__ import annotations

import warnings
import weakref
from typing import Any

from ... import _core, exc
from ...orm.session import EXPIRED_HIT, Session, object_session, sessionmaker
from ...orm.session import close_all_sessions as sync_close_all_sessions
from ...sql.selectable import Select
from .engine import AsyncConnection, AsyncEngine, adopt, proxy_of
from .exc import refuse_streamed
from .offload import Lane, offload_for, to_completion
from .result import AsyncResult
from .statements import await_select, awaitable


def _with_io(session: Session, fn: Any, *args: Any, **kw: Any) -> Any:
    """Calls ``fn`` with the session's IO allowed (lazy loads outside awaited calls raise)."""
    session._io_allowed += 1
    try:
        return fn(*args, **kw)
    finally:
        session._io_allowed -= 1


def _lane_for(bind: Any, session: Session) -> Lane:
    if isinstance(bind, AsyncConnection):
        return bind._lane
    sync_engine = bind.sync_engine if isinstance(bind, AsyncEngine) else bind

    def holds_connection() -> bool:
        return session._connection is not None and session._external is None

    return Lane(offload_for(sync_engine) if sync_engine is not None else None, holds_connection)


def _sync_bind(bind: Any) -> Any:
    if isinstance(bind, AsyncEngine):
        return bind.sync_engine
    if isinstance(bind, AsyncConnection):
        return bind.sync_connection
    return bind


def async_session(session: Session) -> AsyncSession | None:
    """The AsyncSession proxying ``session``, if any (None once it was garbage collected)."""
    ref = getattr(session, "_async_proxy", None)
    return ref() if ref is not None else None


def async_object_session(instance: object) -> AsyncSession | None:
    """The AsyncSession ``instance`` belongs to, if any."""
    session = object_session(instance)
    return async_session(session) if session is not None else None


async def close_all_sessions() -> None:
    """Closes every Session and AsyncSession in memory (``orm.close_all_sessions()``)."""
    sync_close_all_sessions()


class AsyncSessionTransaction:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self._sync: Any = None

    async def start(self) -> AsyncSessionTransaction:
        return adopt(self, self.session.sync_session.begin())  # type: ignore[no-any-return]

    def __await__(self) -> Any:
        return self.start().__await__()

    async def __aenter__(self) -> AsyncSessionTransaction:
        return await self.start()

    async def __aexit__(self, type_: Any, value: Any, tb: Any) -> None:
        await to_completion(self.session._lane, self.session._run(self._sync.__exit__, type_, value, tb))

    async def commit(self) -> None:
        await self.session.commit()

    async def rollback(self) -> None:
        await self.session.rollback()


class _AsyncNested:
    """``async with session.begin_nested():``: a SAVEPOINT around the awaited work."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self._sync: Any = None

    async def start(self) -> _AsyncNested:
        return adopt(self, await self.session._run(self.session.sync_session.begin_nested))  # type: ignore[no-any-return]

    def __await__(self) -> Any:
        return self.start().__await__()

    async def __aenter__(self) -> _AsyncNested:
        return await self.start()

    async def __aexit__(self, type_: Any, value: Any, tb: Any) -> None:
        await to_completion(self.session._lane, self.session._run(self._sync.__exit__, type_, value, tb))

    async def commit(self) -> None:
        await self.session._run(self._sync.commit)

    async def rollback(self) -> None:
        await self.session._run(self._sync.rollback)


class AsyncSession:
    """The asyncio Session: awaited operations on a sync Session (``sync_session``)."""

    sync_session_class = Session

    def __init__(self, bind: Any = None, *, sync_session_class: Any = None, **kw: Any) -> None:
        cls = sync_session_class or self.sync_session_class
        self.bind = bind
        self.sync_session = cls(bind=_sync_bind(bind), **kw)
        self.sync_session._async_guard = True
        self.sync_session._async_proxy = weakref.ref(self)
        # Awaited calls run on the engine's worker threads for PostgreSQL and MySQL, in order.
        self._lane = _lane_for(bind, self.sync_session)
        self.sync_session._async_lane = self._lane

    async def _run(self, fn: Any, *args: Any, **kw: Any) -> Any:
        return await self._lane.run(_with_io, self.sync_session, fn, *args, **kw)

    async def __aenter__(self) -> AsyncSession:
        return self

    async def __aexit__(self, type_: Any, value: Any, tb: Any) -> None:
        await to_completion(self._lane, self.close())

    # -- awaited operations -------------------------------------------------------------
    async def execute(self, statement: Any, params: Any = None, **kw: Any) -> Any:
        s = self.sync_session
        if (
            not kw
            and isinstance(statement, Select)
            and awaitable(statement, params)
            and not self._autoflush_pending()
            and self._lane.can_await_statements()
            and await self._connected()
        ):
            s._check_usable()
            executed, joined, plan = s._orm_plan(statement)
            conn = s._connection
            yield_per = statement._execution_options.get("yield_per") or conn._execution_options.get("yield_per")
            if not (joined or yield_per or s._loads_more(statement)):
                # A SELECT whose objects need no further statement, read at once: awaited here.
                if plan is None:
                    result = await await_select(self._lane, conn, statement._stmt(), statement, params)
                else:
                    populate = bool(statement._execution_options.get("populate_existing"))
                    result = await await_select(
                        self._lane, conn, executed._stmt(), statement, params, None, plan, s.identity_map, populate
                    )
                if result is not None:
                    return result
        result = await self._run(s.execute, statement, params, **kw)
        refuse_streamed(result, "AsyncSession")
        return result

    def _autoflush_pending(self) -> bool:
        s = self.sync_session
        return bool(s.autoflush and (s._new or s._deleted or s._dirty_states))

    async def scalars(self, statement: Any, params: Any = None, **kw: Any) -> Any:
        return (await self.execute(statement, params, **kw)).scalars()

    async def scalar(self, statement: Any, params: Any = None, **kw: Any) -> Any:
        return (await self.execute(statement, params, **kw)).scalar()

    async def stream(self, statement: Any, params: Any = None, **kw: Any) -> AsyncResult:
        # As SQLAlchemy's: the rows come from a cursor as they are fetched.
        kw["execution_options"] = {**(kw.get("execution_options") or {}), "stream_results": True}
        return AsyncResult(await self._run(self.sync_session.execute, statement, params, **kw), self._lane)

    async def stream_scalars(self, statement: Any, params: Any = None, **kw: Any) -> Any:
        return (await self.stream(statement, params, **kw)).scalars()

    async def _connected(self) -> bool:
        """True when the session has its connection, taken here if an idle pooled one needs no
        I/O (the first statement of a session then needs no worker thread either). Its callers
        have checked that the lane awaits statements."""
        s = self.sync_session
        if s._connection is not None:
            return True
        if s._needs_rollback is not None:
            return False
        await self._lane.hold_permit()
        if s._connection is None and s._connect(True) is None:
            self._lane.settle()
            return False
        return True

    async def get(self, entity: Any, ident: Any, **kw: Any) -> Any:
        s = self.sync_session
        mapper = getattr(entity, "__mapper__", None)
        if (
            kw
            or mapper is None
            or mapper._has_eager
            or self._autoflush_pending()
            or not self._lane.can_await_statements()
            or not await self._connected()
        ):
            return await self._run(s.get, entity, ident, **kw)
        # The common case on a server: the SELECT is awaited, everything else runs here.
        mapper, found = s._get_cached(entity, ident, False, False)
        if mapper is None:
            if found is EXPIRED_HIT:
                return await self._run(s.get, entity, ident)
            return found
        conn, stmt, plan, log = s._pk_select(mapper)
        cursor = await self._lane.await_statement(
            lambda token: _core.execute_submit(conn._core, token, stmt, found, plan, s.identity_map, log)
        )
        return s._one_loaded(cursor)

    async def get_one(self, entity: Any, ident: Any, **kw: Any) -> Any:
        return await self._run(self.sync_session.get_one, entity, ident, **kw)

    async def flush(self, objects: Any = None) -> None:
        await self._run(self.sync_session.flush, objects)

    async def commit(self) -> None:
        await self._run(self.sync_session.commit)

    async def rollback(self) -> None:
        await self._run(self.sync_session.rollback)

    async def close(self) -> None:
        s = self.sync_session
        conn = s._connection
        if conn is not None and s._external is None and self._lane.can_await_statements():
            # Its ROLLBACK is awaited on the aio thread; what close() does after it (expunge, return
            # the connection to the pool) needs no I/O, so it runs here instead of on a worker.
            core = conn._core
            try:
                ended = await self._lane.await_statement(lambda token: _core.rollback_submit(core, token))
            except Exception:
                ended = None  # the close below meets the error again and handles it as close() does
            if ended:
                try:
                    _with_io(s, s.close)
                finally:
                    self._lane.settle()
                return
        await self._lane.run_unpooled(_with_io, s, s.close)

    async def reset(self) -> None:
        await self.close()

    async def aclose(self) -> None:
        """``close()``, under the name ``contextlib.aclosing`` calls."""
        await self.close()

    async def invalidate(self) -> None:
        """``close()``, the connection discarded instead of returned to the pool."""
        await self._lane.run_unpooled(_with_io, self.sync_session, self.sync_session.invalidate)

    @classmethod
    async def close_all(cls) -> None:
        warnings.warn(
            "The AsyncSession.close_all() method is deprecated and will be removed in a future release.  "
            "Please refer to close_all_sessions().",
            exc.SADeprecationWarning,
            stacklevel=2,
        )
        await close_all_sessions()

    async def refresh(self, instance: Any, attribute_names: Any = None, with_for_update: Any = None) -> None:
        await self._run(self._refresh, instance, attribute_names)

    def _refresh(self, instance: Any, attribute_names: Any) -> None:
        self.sync_session.refresh(instance, attribute_names)
        # SQLAlchemy's async refresh also loads the named relationships.
        for key in attribute_names or ():
            getattr(instance, key)

    async def delete(self, instance: Any) -> None:
        await self._run(self.sync_session.delete, instance)

    async def merge(self, instance: Any, load: bool = True, options: Any = None) -> Any:
        return await self._run(self.sync_session.merge, instance, load=load, options=options)

    async def run_sync(self, fn: Any, *arg: Any, **kw: Any) -> Any:
        return await self._run(fn, self.sync_session, *arg, **kw)

    async def connection(self, **kw: Any) -> AsyncConnection:
        sync_conn = await self._run(self.sync_session.connection)
        engine = self.bind if isinstance(self.bind, AsyncEngine) else AsyncEngine(sync_conn.engine)
        return AsyncConnection(engine, sync_conn, lane=self._lane)

    # -- synchronous operations -----------------------------------------------------------
    def begin(self) -> AsyncSessionTransaction:
        return AsyncSessionTransaction(self)

    def begin_nested(self) -> _AsyncNested:
        return _AsyncNested(self)

    def add(self, instance: Any, _warn: bool = True) -> None:
        self.sync_session.add(instance)

    def add_all(self, instances: Any) -> None:
        self.sync_session.add_all(instances)

    def expunge(self, instance: Any) -> None:
        self.sync_session.expunge(instance)

    def expunge_all(self) -> None:
        self.sync_session.expunge_all()

    def expire(self, instance: Any, attribute_names: Any = None) -> None:
        self.sync_session.expire(instance, attribute_names)

    def expire_all(self) -> None:
        self.sync_session.expire_all()

    def in_transaction(self) -> bool:
        return self.sync_session.in_transaction()

    def in_nested_transaction(self) -> bool:
        return self.sync_session.in_nested_transaction()

    @property
    def is_active(self) -> bool:
        return self.sync_session.is_active

    def get_transaction(self) -> AsyncSessionTransaction | None:
        return proxy_of(self.sync_session.get_transaction(), lambda: AsyncSessionTransaction(self))  # type: ignore[no-any-return]

    def get_nested_transaction(self) -> _AsyncNested | None:
        return proxy_of(self.sync_session.get_nested_transaction(), lambda: _AsyncNested(self))  # type: ignore[no-any-return]

    def is_modified(self, instance: Any, include_collections: bool = True) -> bool:
        return self.sync_session.is_modified(instance, include_collections)

    def get_bind(self, *a: Any, **kw: Any) -> Any:
        return self.sync_session.get_bind(*a, **kw)

    @property
    def no_autoflush(self) -> Any:
        return self.sync_session.no_autoflush

    @property
    def identity_map(self) -> Any:
        return self.sync_session.identity_map

    @property
    def info(self) -> dict[str, Any]:
        return self.sync_session.info

    @property
    def new(self) -> Any:
        return self.sync_session.new

    @property
    def dirty(self) -> Any:
        return self.sync_session.dirty

    @property
    def deleted(self) -> Any:
        return self.sync_session.deleted

    def __contains__(self, instance: Any) -> bool:
        return instance in self.sync_session

    def __iter__(self) -> Any:
        return iter(self.sync_session)


class _AsyncMakerBegin:
    def __init__(self, maker: async_sessionmaker) -> None:
        self.maker = maker
        self.session: Any = None
        self.trans: Any = None

    async def __aenter__(self) -> Any:
        self.session = self.maker()
        self.trans = await self.session.begin().start()
        return self.session

    async def __aexit__(self, type_: Any, value: Any, tb: Any) -> None:
        await to_completion(self.session._lane, self._end(type_, value, tb))

    async def _end(self, type_: Any, value: Any, tb: Any) -> None:
        try:
            await self.trans.__aexit__(type_, value, tb)
        finally:
            await self.session.close()


class async_sessionmaker(sessionmaker):  # noqa: N801 - SQLAlchemy's name
    """A sessionmaker of AsyncSessions; ``async with maker.begin() as session:``."""

    def __init__(self, bind: Any = None, *, class_: type = AsyncSession, **kw: Any) -> None:
        super().__init__(bind, class_=class_, **kw)

    def begin(self) -> _AsyncMakerBegin:  # type: ignore[override]
        return _AsyncMakerBegin(self)


class async_scoped_session:  # noqa: N801 - SQLAlchemy's name
    def __init__(self, session_factory: Any, scopefunc: Any) -> None:
        self.session_factory = session_factory
        self.scopefunc = scopefunc
        self._by_scope: dict[Any, Any] = {}

    def __call__(self, **kw: Any) -> Any:
        key = self.scopefunc()
        if key not in self._by_scope:
            self._by_scope[key] = self.session_factory(**kw)
        return self._by_scope[key]

    async def remove(self) -> None:
        session = self._by_scope.pop(self.scopefunc(), None)
        if session is not None:
            await session.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self(), name)


class _AwaitableAttrs:
    def __init__(self, obj: Any) -> None:
        self._obj = obj

    def __getattr__(self, name: str) -> Any:
        obj = self._obj

        async def load() -> Any:
            from ...orm.base import session_for_state

            session = session_for_state(obj.__dict__["_sa_instance_state"])
            if session is None:
                return getattr(obj, name)
            lane = getattr(session, "_async_lane", None)
            if lane is None:
                return _with_io(session, getattr, obj, name)
            return await lane.run(_with_io, session, getattr, obj, name)

        return load()


class AsyncAttrs:
    """Mixin giving ``obj.awaitable_attrs.<name>``: await it to load a lazy attribute."""

    @property
    def awaitable_attrs(self) -> _AwaitableAttrs:
        return _AwaitableAttrs(self)
