"""Keeping the event loop free while PostgreSQL and MySQL work: SQLite statements stay on the loop's
thread (one embedded statement at a time is cheaper than a thread hop).

Two ways out of the loop: a SELECT (``AsyncSession.get``/``execute``, ``AsyncConnection.execute``)
is compiled, bound and turned into objects on the loop's thread while only its I/O leaves it
(``Lane.await_statement``): as a task on the Rust aio runtime's one thread, where an async engine's
connections live, or on a Rust worker thread for any other connection. Neither takes the GIL; both
wake the loop through a socket the loop watches. Any other call runs whole, sync code and all, on a
worker thread of its engine (``Lane.run``), with the GIL released around its I/O.

A "lane" is one AsyncConnection's or AsyncSession's queue of calls: its calls run one after the
other, also when a task was cancelled while its call was running. A running statement is never
abandoned mid-protocol; the lane's next call (the ``close()`` of the cancelled task's ``async with``)
starts only after it finished, so the connection returns to the pool drained.

Pool checkout waits here, on an asyncio semaphore as wide as the pool (``pool_size +
max_overflow``), before a worker thread is taken: a worker never waits for a connection that another
lane's next call (on another worker) would release, and a full pool does not block the loop.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import itertools
import os
import threading
from collections.abc import Callable, Coroutine
from typing import Any

from ... import _core, exc

# Lanes hold at most one call on a worker each; a few more workers serve calls that hold no permit.
_SPARE_WORKERS = 4
# Engines whose pool has no limit still run at most this many calls at once.
_MAX_WORKERS = 64


class Offload:
    """One engine's worker threads and connection permits (made on first async use)."""

    def __init__(self, sync_engine: Any, in_place: bool = False) -> None:
        args = sync_engine._core_args
        size = int(args.get("pool_size", 5))
        overflow = int(args.get("max_overflow", 10))
        self.timeout = float(args.get("pool_timeout", 30.0))
        self.describe = (size, overflow)
        limited = args.get("pool_kind") == "queue" and overflow >= 0
        self.limit: int | None = size + overflow if limited else None
        workers = min(self.limit if self.limit is not None else _MAX_WORKERS, _MAX_WORKERS) + _SPARE_WORKERS
        # SQLite's calls run in place: its permits only keep a full pool from blocking the loop.
        self.executor = (
            None if in_place else concurrent.futures.ThreadPoolExecutor(workers, thread_name_prefix="ferroalchemy-aio")
        )
        self._loop: asyncio.AbstractEventLoop | None = None
        self._permits: asyncio.Semaphore | None = None
        # A forked child makes its own: the executor's threads stayed in the parent.
        self.pid = os.getpid()

    def _semaphore(self) -> asyncio.Semaphore | None:
        if self.limit is None:
            return None
        loop = asyncio.get_running_loop()
        if self._permits is None or self._loop is not loop:
            # An asyncio semaphore belongs to one loop; a new loop (asyncio.run again) gets its own.
            self._loop = loop
            self._permits = asyncio.Semaphore(self.limit)
        return self._permits

    async def acquire(self) -> asyncio.Semaphore | None:
        sem = self._semaphore()
        if sem is None:
            return None
        if not sem.locked():
            await sem.acquire()  # free: no suspension, as an uncontended checkout is not one
            return sem
        try:
            await asyncio.wait_for(sem.acquire(), self.timeout)
        except TimeoutError:
            size, overflow = self.describe
            raise exc.TimeoutError(
                f"QueuePool limit of size {size} overflow {overflow} reached, connection timed out, "
                f"timeout {self.timeout:.2f}",
                code="3o7r",
            ) from None
        return sem


_offload_lock = threading.Lock()


def offload_for(sync_engine: Any) -> Offload | None:
    """The engine's Offload; None for SQLite with a pool of no limit (its calls run in place)."""
    # An engine of execution_options() shares its parent's pool, so also its permits.
    sync_engine = getattr(sync_engine, "_proxied", sync_engine)
    off = sync_engine.__dict__.get("_async_offload")
    if off is None or off.pid != os.getpid():
        with _offload_lock:
            off = sync_engine.__dict__.get("_async_offload")
            if off is None or off.pid != os.getpid():
                off = Offload(sync_engine, in_place=sync_engine.dialect.name == "sqlite")
                sync_engine.__dict__["_async_offload"] = off
    if off.executor is None and off.limit is None:
        return None
    return off


async def to_completion(lane: Lane, coro: Coroutine[Any, Any, Any]) -> Any:
    """Runs ``coro`` (a close, the end of a transaction) to its end even if the awaiting task is
    cancelled meanwhile, as SQLAlchemy's ``__aexit__`` methods do: a second cancellation must not
    leave a connection checked out by an object nobody will close. In place (SQLite) it cannot be
    interrupted: it runs at once, without letting other tasks in first."""
    if not lane.off_loop:
        return await coro
    return await asyncio.shield(in_background(coro))


# The loop keeps only weak references to tasks: these are kept here until they end.
_background: set[asyncio.Task[Any]] = set()


def in_background(coro: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
    """A task nobody may be left to await (the close of a cancelled checkout) that still runs to
    its end."""
    task = asyncio.ensure_future(coro)
    _background.add(task)
    task.add_done_callback(_background.discard)
    return task


class Lane:
    """The ordered calls of one AsyncConnection or AsyncSession.

    ``holds_connection`` tells, after a call, whether the sync object still has a pooled connection
    checked out: the permit is kept while it does.
    """

    def __init__(self, offload: Offload | None, holds_connection: Callable[[], bool]) -> None:
        self.offload = offload
        self._holds = holds_connection
        # The call a cancelled task left running: a worker's future, or an awaited statement's.
        self._inflight: concurrent.futures.Future[Any] | asyncio.Future[Any] | None = None
        self._permit: asyncio.Semaphore | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    @property
    def off_loop(self) -> bool:
        """True when the lane's calls leave the loop's thread (PostgreSQL, MySQL)."""
        return self.offload is not None and self.offload.executor is not None

    async def run(self, fn: Callable[..., Any], *args: Any, **kw: Any) -> Any:
        """Runs ``fn`` on a worker, after the lane's earlier calls, holding a connection permit."""
        return await self._call(True, fn, args, kw)

    async def run_unpooled(self, fn: Callable[..., Any], *args: Any, **kw: Any) -> Any:
        """As ``run``, for a call that checks nothing out (a close): it does not wait for a permit."""
        return await self._call(False, fn, args, kw)

    async def _call(self, pooled: bool, fn: Callable[..., Any], args: Any, kw: Any) -> Any:
        off = self.offload
        if off is None:
            return fn(*args, **kw)
        if pooled:
            await self.hold_permit()
        else:
            await self._drain()
        if off.executor is None:
            try:
                return fn(*args, **kw)
            finally:
                self.settle()
        try:
            cf = off.executor.submit(fn, *args, **kw)
        except BaseException:
            self.settle()
            raise
        self._inflight = cf
        try:
            return await asyncio.wrap_future(cf)
        finally:
            if cf.done():
                self._inflight = None
                self.settle()
            else:
                # Cancelled while the worker runs it: the permit stays until the call ended.
                cf.add_done_callback(self._settle_from_worker)

    def can_await_statements(self) -> bool:
        """True when statements may be awaited on the loop's thread (``await_statement``)."""
        return self.off_loop and _completions.watch(asyncio.get_running_loop())

    async def await_statement(self, submit: Callable[[int], Any]) -> Any:
        """Runs one statement's I/O off the loop while the loop runs other tasks: ``submit(token)``
        compiles and binds it here and returns the pending statement, whose result is built here
        too once its I/O is done (None when ``submit`` declines and returns None). The lane must
        already hold its connection."""
        if self._inflight is not None:
            await self._drain()
        loop = asyncio.get_running_loop()
        token = next(_tokens)
        futures = _completions.futures
        fut = futures[token] = loop.create_future()
        try:
            pending = submit(token)
        except BaseException:
            del futures[token]
            raise
        if pending is None:  # declined (the connection cannot do it off the loop): nothing runs
            del futures[token]
            return None
        self._inflight = fut
        try:
            await fut
        except asyncio.CancelledError:
            if token in futures:
                # Its I/O still runs: the lane's next call (a close) waits for it to end.
                self._inflight = futures[token] = loop.create_future()
            raise
        self._inflight = None
        return pending.finish()

    async def _drain(self) -> None:
        """Waits for a call a cancelled task left running (its outcome went to that task); a
        cancellation of the waiting task itself still raises."""
        cf = self._inflight
        if cf is not None:
            fut = asyncio.wrap_future(cf) if isinstance(cf, concurrent.futures.Future) else cf
            fut.add_done_callback(_consume)
            await asyncio.wait([fut])
            self._inflight = None

    async def hold_permit(self) -> None:
        """After the lane's earlier calls, takes its connection permit (a pooled call, or a
        checkout on the loop's thread; ``settle()`` gives it back once no connection is held)."""
        await self._drain()
        if self._permit is None and self.offload is not None:
            self._permit = await self.offload.acquire()
            self._loop = asyncio.get_running_loop()

    def settle(self) -> None:
        """The permit goes back if the connection did (after each call, also one run here
        rather than through ``run``)."""
        if self._inflight is not None and not self._inflight.done():
            return  # the lane's next call runs: it settles when it ends
        if self._permit is not None and not self._holds():
            self._permit.release()
            self._permit = None

    def _settle_from_worker(self, cf: concurrent.futures.Future[Any]) -> None:
        loop = self._loop
        if loop is None:
            return
        with contextlib.suppress(RuntimeError):  # the loop is closed: its semaphore is gone too
            loop.call_soon_threadsafe(self.settle)

    def __del__(self) -> None:
        # Its AsyncSession or AsyncConnection was dropped without close(): the garbage collector
        # returns the connection to the pool, and the permit goes back with it.
        permit, loop = self._permit, self._loop
        if permit is not None and loop is not None:
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(permit.release)


class _Completions:
    """Finished statements' tokens, read when the Rust side's wake-up socket turns readable."""

    def __init__(self) -> None:
        self.loop: asyncio.AbstractEventLoop | None = None
        self.futures: dict[int, asyncio.Future[Any]] = {}

    def watch(self, loop: asyncio.AbstractEventLoop) -> bool:
        """Watches the socket from `loop`; False while another running loop watches it (that
        loop's thread keeps it; this one's statements go to worker threads whole)."""
        if self.loop is loop:
            return True
        if self.loop is not None and not self.loop.is_closed() and self.loop.is_running():
            return False
        fd = _core.aio_fd()
        try:
            loop.add_reader(fd, self._drain)
        except NotImplementedError:  # a loop that watches no sockets (Windows' proactor)
            return False
        if self.loop is not None and not self.loop.is_closed():
            self.loop.remove_reader(fd)
        self.loop = loop
        self.futures.clear()
        return True

    def forget(self) -> None:
        """In a forked child: the parent's loop and statements are not this process's."""
        self.loop = None
        self.futures.clear()

    def _drain(self) -> None:
        futures = self.futures
        for token in _core.aio_take():
            fut = futures.pop(token, None)
            if fut is not None and not fut.done():
                fut.set_result(None)


_completions = _Completions()
os.register_at_fork(after_in_child=_completions.forget)
_tokens = itertools.count(1)


def _consume(fut: asyncio.Future[Any]) -> None:
    if not fut.cancelled():
        fut.exception()
