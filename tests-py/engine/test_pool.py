"""Pool semantics on SQLite, PostgreSQL and MariaDB, each run through SQLAlchemy (psycopg, PyMySQL,
pysqlite) and ferroalchemy and compared: QueuePool counts and status text, overflow and its timeout,
recycle, pre-ping, invalidation, reset-on-return, Static/SingletonThread/Null pools and dispose().
A physical connection is told apart by the server's id for it (SQLite: by counting connect events)."""

from __future__ import annotations

import re
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import sqlalchemy as real

import ferroalchemy as ferro
from sql.backends import BACKENDS, make_engine

LIBS = [pytest.param(real, id="sqlalchemy"), pytest.param(ferro, id="ferroalchemy")]
SERVERS = ["postgresql", "mysql"]
_ID_SQL = {"postgresql": "SELECT pg_backend_pid()", "mysql": "SELECT CONNECTION_ID()"}
_KILL_SQL = {"postgresql": "SELECT pg_terminate_backend({})", "mysql": "KILL {}"}


def _engine(sa: ModuleType, backend: str, tmp_path: Path, **kw: Any) -> Any:
    return make_engine(sa, backend, f"sqlite:///{tmp_path / (sa.__name__ + '.db')}", **kw)


class Connects:
    """Counts the physical connections an engine opens (its pool's connect event)."""

    def __init__(self, sa: ModuleType, engine: Any) -> None:
        self.count = 0
        sa.event.listen(engine, "connect", self._on_connect)

    def _on_connect(self, dbapi_connection: Any, record: Any) -> None:
        self.count += 1


def _physical_id(sa: ModuleType, backend: str, conn: Any, connects: Connects) -> Any:
    """What identifies the physical connection behind `conn`: the server's id, or (SQLite) the
    number of connections opened so far, which a reused connection leaves unchanged."""
    if backend == "sqlite":
        conn.execute(sa.text("SELECT 1"))
        return connects.count
    return conn.execute(sa.text(_ID_SQL[backend])).scalar()


def _server_ids(sa: ModuleType, backend: str) -> set[int]:
    """The ids of the connections the server has open right now."""
    engine = make_engine(sa, backend, poolclass=sa.pool.NullPool)
    sql = (
        "SELECT pid FROM pg_stat_activity"
        if backend == "postgresql"
        else "SELECT ID FROM information_schema.PROCESSLIST"
    )
    with engine.connect() as conn:
        return {int(i) for i in conn.execute(sa.text(sql)).scalars()}


def _gone(sa: ModuleType, backend: str, ids: set[int]) -> bool:
    """True once none of `ids` is open on the server (a closed socket is noticed asynchronously)."""
    for _ in range(50):
        if not ids & _server_ids(sa, backend):
            return True
        time.sleep(0.05)
    return False


def _kill(sa: ModuleType, backend: str, server_id: int) -> None:
    engine = make_engine(sa, backend, poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        conn.execute(sa.text(_KILL_SQL[backend].format(int(server_id))))
    assert _gone(sa, backend, {server_id})


# -- QueuePool ------------------------------------------------------------------------------


def _status_run(sa: ModuleType, backend: str, tmp_path: Path) -> list[Any]:
    engine = _engine(sa, backend, tmp_path, pool_size=2, max_overflow=2)
    pool = engine.pool
    seen = [(pool.size(), pool.checkedin(), pool.checkedout(), pool.overflow(), pool.status())]
    conns = []
    for _ in range(4):
        conns.append(engine.connect())
        seen.append((pool.checkedin(), pool.checkedout(), pool.overflow(), pool.status()))
    for c in conns:
        c.close()
        seen.append((pool.checkedin(), pool.checkedout(), pool.overflow(), pool.status()))
    engine.dispose()
    return seen


@pytest.mark.parametrize("backend", BACKENDS)
def test_queue_pool_counts_and_status_match_sqlalchemy(backend: str, tmp_path: Path) -> None:
    ours, theirs = _status_run(ferro, backend, tmp_path), _status_run(real, backend, tmp_path)
    assert ours == theirs
    # Two pooled, two overflow: all four checked out, then the overflow ones close on return.
    assert ours[4][:3] == (0, 4, 2)
    assert ours[-1][:3] == (2, 0, 0)


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("sa", LIBS)
def test_connect_beyond_size_and_overflow_times_out(sa: ModuleType, backend: str, tmp_path: Path) -> None:
    engine = _engine(sa, backend, tmp_path, pool_size=1, max_overflow=1, pool_timeout=0.3)
    held = [engine.connect(), engine.connect()]
    start = time.monotonic()
    with pytest.raises(sa.exc.TimeoutError) as info:
        engine.connect()
    assert time.monotonic() - start >= 0.29
    assert str(info.value) == (
        "QueuePool limit of size 1 overflow 1 reached, connection timed out, timeout 0.30 "
        "(Background on this error at: https://sqlalche.me/e/21/3o7r)"
    )
    for c in held:
        c.close()
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT 1")).scalar() == 1
    engine.dispose()


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("sa", LIBS)
def test_a_returned_connection_unblocks_a_waiting_thread(sa: ModuleType, backend: str, tmp_path: Path) -> None:
    engine = _engine(sa, backend, tmp_path, pool_size=1, max_overflow=0, pool_timeout=10)
    connects = Connects(sa, engine)
    first = engine.connect()
    held = _physical_id(sa, backend, first, connects)
    got: list[Any] = []

    def wait_for_one() -> None:
        with engine.connect() as conn:
            got.append((time.monotonic(), _physical_id(sa, backend, conn, connects)))

    waiter = threading.Thread(target=wait_for_one)
    waiter.start()
    time.sleep(0.3)
    assert not got, "the pool of one handed out a second connection"
    released = time.monotonic()
    first.close()
    waiter.join(5)
    assert got and got[0][0] - released < 2
    assert got[0][1] == held  # the same physical connection, passed on
    engine.dispose()


@pytest.mark.parametrize("backend", BACKENDS)
def test_unlimited_overflow(backend: str, tmp_path: Path) -> None:
    runs = {}
    for sa in (real, ferro):
        engine = _engine(sa, backend, tmp_path, pool_size=1, max_overflow=-1, pool_timeout=0.1)
        conns = [engine.connect() for _ in range(6)]
        runs[sa.__name__] = (engine.pool.overflow(), engine.pool.checkedout(), engine.pool.status())
        for c in conns:
            c.close()
        engine.dispose()
    assert runs["ferroalchemy"] == runs["sqlalchemy"]
    assert runs["ferroalchemy"][:2] == (5, 6)


# -- recycle, pre-ping, invalidation ------------------------------------------------------------


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("sa", LIBS)
def test_recycle_replaces_an_old_connection_at_checkout(sa: ModuleType, backend: str, tmp_path: Path) -> None:
    engine = _engine(sa, backend, tmp_path, pool_size=1, pool_recycle=1)
    connects = Connects(sa, engine)
    with engine.connect() as conn:
        first = _physical_id(sa, backend, conn, connects)
    with engine.connect() as conn:
        assert _physical_id(sa, backend, conn, connects) == first
    time.sleep(1.1)
    with engine.connect() as conn:
        second = _physical_id(sa, backend, conn, connects)
    assert second != first
    assert connects.count == 2
    if backend != "sqlite":
        assert _gone(sa, backend, {first})
    engine.dispose()


@pytest.mark.parametrize("backend", SERVERS)
@pytest.mark.parametrize("sa", LIBS)
def test_pre_ping_reconnects_after_the_server_closed_the_connection(sa: ModuleType, backend: str) -> None:
    engine = make_engine(sa, backend, pool_size=1, pool_pre_ping=True)
    connects = Connects(sa, engine)
    with engine.connect() as conn:
        first = _physical_id(sa, backend, conn, connects)
    _kill(sa, backend, first)
    with engine.connect() as conn:
        second = _physical_id(sa, backend, conn, connects)
        assert conn.execute(sa.text("SELECT 1")).scalar() == 1
    assert second != first
    assert connects.count == 2
    engine.dispose()


@pytest.mark.parametrize("backend", SERVERS)
@pytest.mark.parametrize("sa", LIBS)
def test_without_pre_ping_the_first_use_fails_and_invalidates(sa: ModuleType, backend: str) -> None:
    engine = make_engine(sa, backend, pool_size=1)
    connects = Connects(sa, engine)
    with engine.connect() as conn:
        first = _physical_id(sa, backend, conn, connects)
    _kill(sa, backend, first)
    with engine.connect() as conn:
        with pytest.raises(sa.exc.OperationalError) as info:
            conn.execute(sa.text("SELECT 1"))
        assert info.value.connection_invalidated is True
        assert conn.invalidated
    # The pool's status is unchanged: the invalidated slot is reconnected at the next checkout.
    assert (engine.pool.checkedin(), engine.pool.checkedout()) == (1, 0)
    with engine.connect() as conn:
        assert _physical_id(sa, backend, conn, connects) != first
    assert connects.count == 2
    engine.dispose()


@pytest.mark.parametrize("backend", BACKENDS)
def test_connection_invalidate_discards_the_physical_connection(backend: str, tmp_path: Path) -> None:
    runs = {}
    for sa in (real, ferro):
        engine = _engine(sa, backend, tmp_path, pool_size=2)
        connects = Connects(sa, engine)
        conn = engine.connect()
        first = _physical_id(sa, backend, conn, connects)
        conn.invalidate()
        seen: list[Any] = [conn.invalidated, engine.pool.status()]
        conn.close()
        seen.append(engine.pool.status())
        with engine.connect() as conn:
            seen.append(_physical_id(sa, backend, conn, connects) != first)
        seen.append(connects.count)
        if backend != "sqlite":
            seen.append(_gone(sa, backend, {first}))
        engine.dispose()
        runs[sa.__name__] = seen
    assert runs["ferroalchemy"] == runs["sqlalchemy"]
    assert runs["ferroalchemy"][0] is True and runs["ferroalchemy"][3] is True


# -- reset on return ----------------------------------------------------------------------------


def _reset_run(sa: ModuleType, backend: str, tmp_path: Path, reset: Any) -> list[Any]:
    engine = _engine(sa, backend, tmp_path, pool_size=1, pool_reset_on_return=reset)
    meta = sa.MetaData()
    table = sa.Table("pool_reset", meta, sa.Column("id", sa.Integer, primary_key=True, autoincrement=False))
    meta.drop_all(engine)
    meta.create_all(engine)
    conn = engine.connect()
    conn.execute(table.insert(), {"id": 1})
    conn.close()  # uncommitted
    with engine.connect() as conn:
        conn.execute(table.insert(), {"id": 2})
        conn.commit()
    with engine.connect() as conn:
        rows = sorted(conn.execute(sa.select(table.c.id)).scalars())
    meta.drop_all(engine)
    engine.dispose()
    return rows


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("reset", ["rollback", "commit", None, False, True])
def test_reset_on_return_leaves_uncommitted_data_as_sqlalchemy_does(backend: str, reset: Any, tmp_path: Path) -> None:
    ours = _reset_run(ferro, backend, tmp_path, reset)
    assert ours == _reset_run(real, backend, tmp_path, reset)
    # Connection.close() rolls its own transaction back before any pool reset happens.
    assert ours == [2]


@pytest.mark.parametrize("sa", LIBS)
def test_reset_on_return_rejects_unknown_values(sa: ModuleType) -> None:
    with pytest.raises(sa.exc.ArgumentError, match="Invalid value for 'reset_on_return': 'sometimes'"):
        sa.create_engine("sqlite://", pool_reset_on_return="sometimes")


# -- StaticPool, SingletonThreadPool, NullPool --------------------------------------------------


def _in_thread(fn: Any) -> Any:
    out: list[Any] = []
    t = threading.Thread(target=lambda: out.append(fn()))
    t.start()
    t.join(10)
    return out[0]


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///:memory:"])
@pytest.mark.parametrize("sa", LIBS)
def test_static_pool_shares_one_memory_database_across_connections_and_threads(sa: ModuleType, url: str) -> None:
    engine = sa.create_engine(url, poolclass=sa.pool.StaticPool, connect_args={"check_same_thread": False})
    connects = Connects(sa, engine)
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE shared (x INTEGER)"))
        conn.execute(sa.text("INSERT INTO shared VALUES (1)"))
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT x FROM shared")).scalar() == 1

    def other_thread() -> Any:
        with engine.connect() as conn:
            return conn.execute(sa.text("SELECT x FROM shared")).scalar()

    assert _in_thread(other_thread) == 1
    assert connects.count == 1
    assert engine.pool.status() == "StaticPool"


@pytest.mark.parametrize("backend", SERVERS)
@pytest.mark.parametrize("sa", LIBS)
def test_static_pool_uses_one_server_connection(sa: ModuleType, backend: str) -> None:
    engine = make_engine(sa, backend, poolclass=sa.pool.StaticPool)
    connects = Connects(sa, engine)

    def one() -> Any:
        with engine.connect() as conn:
            return _physical_id(sa, backend, conn, connects)

    assert one() == one() == _in_thread(one)
    assert connects.count == 1
    engine.dispose()


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("sa", LIBS)
def test_singleton_thread_pool_gives_each_thread_its_connection(sa: ModuleType, backend: str, tmp_path: Path) -> None:
    engine = _engine(sa, backend, tmp_path, poolclass=sa.pool.SingletonThreadPool)
    connects = Connects(sa, engine)

    def one() -> Any:
        with engine.connect() as conn:
            return _physical_id(sa, backend, conn, connects)

    here = one()
    assert one() == here
    there = _in_thread(one)
    assert there != here
    assert connects.count == 2
    assert re.fullmatch(r"SingletonThreadPool id:\d+ size: 2", engine.pool.status())
    engine.dispose()


@pytest.mark.parametrize("sa", LIBS)
def test_singleton_thread_pool_memory_databases_are_per_thread(sa: ModuleType) -> None:
    engine = sa.create_engine("sqlite://")  # SQLAlchemy's default pool for :memory:
    assert type(engine.pool).__name__ == "SingletonThreadPool"
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE mine (x INTEGER)"))

    def other_thread() -> Any:
        with engine.connect() as conn:
            return conn.execute(sa.text("SELECT count(*) FROM sqlite_master WHERE name = 'mine'")).scalar()

    assert _in_thread(other_thread) == 0


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("sa", LIBS)
def test_null_pool_opens_and_closes_each_time(sa: ModuleType, backend: str, tmp_path: Path) -> None:
    engine = _engine(sa, backend, tmp_path, poolclass=sa.pool.NullPool)
    connects = Connects(sa, engine)
    ids = []
    for _ in range(3):
        with engine.connect() as conn:
            ids.append(_physical_id(sa, backend, conn, connects))
    assert connects.count == 3
    assert len(set(ids)) == 3
    if backend != "sqlite":
        assert _gone(sa, backend, set(ids))
    assert engine.pool.status() == "NullPool"


_INSTALLED_POOLCLASS = """
import ferroalchemy
ferroalchemy.install_as_sqlalchemy()
import sqlalchemy
from sqlalchemy.pool import NullPool, StaticPool, QueuePool, SingletonThreadPool
import sqlalchemy.pool as pool_module
assert pool_module is ferroalchemy.pool
for cls in (NullPool, StaticPool, QueuePool, SingletonThreadPool):
    engine = sqlalchemy.create_engine("sqlite://", poolclass=cls)
    with engine.connect() as conn:
        assert conn.execute(sqlalchemy.text("SELECT 1")).scalar() == 1
    assert type(engine.pool) is cls, (type(engine.pool), cls)
print("ok")
"""


def test_poolclass_from_sqlalchemy_pool_when_installed_as_sqlalchemy() -> None:
    out = subprocess.run([sys.executable, "-c", _INSTALLED_POOLCLASS], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "ok", out.stderr


def test_poolclass_of_the_real_sqlalchemy_is_refused_without_installing() -> None:
    with pytest.raises(ferro.exc.ArgumentError, match="poolclass"):
        ferro.create_engine("sqlite://", poolclass=real.pool.NullPool)


# -- dispose ------------------------------------------------------------------------------------


@pytest.mark.parametrize("backend", BACKENDS)
def test_dispose_closes_checked_in_connections(backend: str, tmp_path: Path) -> None:
    runs = {}
    for sa in (real, ferro):
        engine = _engine(sa, backend, tmp_path, pool_size=2)
        connects = Connects(sa, engine)
        closes: list[Any] = []
        sa.event.listen(engine, "close", lambda *a, closes=closes: closes.append("close"))
        a, b = engine.connect(), engine.connect()
        returned = _physical_id(sa, backend, a, connects)
        ids = {returned, _physical_id(sa, backend, b, connects)}
        a.close()
        held = b  # checked out across dispose(): closed when returned, never reused
        engine.dispose()
        seen: list[Any] = [engine.pool.status(), len(closes)]
        if backend != "sqlite":
            assert len(ids) == 2
            seen.append(len(ids & _server_ids(sa, backend)))
        held.close()
        seen.append(engine.pool.status())
        with engine.connect() as conn:
            seen.append(_physical_id(sa, backend, conn, connects) in ids)
        seen.append(connects.count)
        if backend != "sqlite":
            seen.append(_gone(sa, backend, {returned}))
        engine.dispose()
        runs[sa.__name__] = seen
    assert runs["ferroalchemy"] == runs["sqlalchemy"]
    assert False in runs["ferroalchemy"] and 3 in runs["ferroalchemy"]
    if backend != "sqlite":
        # SQLAlchemy leaves the connection held across dispose() open in the pool it replaced
        # (until garbage collected); ferroalchemy closes it on return.
        assert runs["ferroalchemy"][2] == 1
        assert _gone(ferro, backend, ids)


@pytest.mark.parametrize("backend", BACKENDS)
def test_dispose_without_close(backend: str, tmp_path: Path) -> None:
    runs = {}
    for sa in (real, ferro):
        engine = _engine(sa, backend, tmp_path, pool_size=2)
        connects = Connects(sa, engine)
        closes: list[Any] = []
        sa.event.listen(engine, "close", lambda *a, closes=closes: closes.append("close"))
        with engine.connect() as conn:
            first = _physical_id(sa, backend, conn, connects)
        engine.dispose(close=False)
        seen: list[Any] = [engine.pool.status(), len(closes)]
        with engine.connect() as conn:
            seen.append(_physical_id(sa, backend, conn, connects) != first)
        seen.append(connects.count)
        engine.dispose()
        runs[sa.__name__] = seen
    assert runs["ferroalchemy"] == runs["sqlalchemy"]
    assert runs["ferroalchemy"][1:] == [0, True, 2]
