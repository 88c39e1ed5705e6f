"""An engine used before os.fork() (a pre-forking server's master, multiprocessing): the child opens
its own connections on its own I/O runtimes, sync and async, and the parent's connections keep
working in the parent after the child ran. Each scenario runs in its own interpreter, so a hang
(a child stuck on its parent's runtime, a parent connection the child broke) fails the test at its
timeout instead of stopping the suite. SQLite and the servers at FERRO_TEST_POSTGRES_URL /
FERRO_TEST_MYSQL_URL."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from sql.backends import server_url

BACKENDS = ["sqlite", "postgresql", "mysql"]

SCENARIO = r"""
import asyncio, os, signal, sys
from ferroalchemy import create_engine, text
from ferroalchemy.ext.asyncio import create_async_engine

kind, url = sys.argv[1], sys.argv[2]


def in_child(fn):
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            signal.alarm(20)
            fn()
            code = 0
        finally:
            os._exit(code)
    return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])


if kind == "sync":
    engine = create_engine(url)
    with engine.connect() as conn:  # a pooled connection made before the fork
        assert conn.execute(text("SELECT 1")).scalar() == 1

    def child():
        with engine.connect() as c:
            assert c.execute(text("SELECT 2")).scalar() == 2
        engine.dispose(close=False)  # SQLAlchemy's advice: the parent's connection is left alone

    assert in_child(child) == 0, "child failed"
    with engine.connect() as conn:
        assert conn.execute(text("SELECT 3")).scalar() == 3
else:
    engine = create_async_engine(url)

    async def query(n):
        async with engine.connect() as conn:
            return (await conn.execute(text(f"SELECT {n}"))).scalar()

    assert asyncio.run(query(1)) == 1  # runtimes, threads and a pooled connection exist now
    assert in_child(lambda: asyncio.run(query(2)) == 2 or sys.exit(1)) == 0, "child failed"
    assert asyncio.run(query(3)) == 3
print("ok")
"""


def _url(backend: str, tmp: Path, aio: bool) -> str:
    if backend == "sqlite":
        return f"sqlite{'+aiosqlite' if aio else ''}:///{tmp / 'fork.db'}"
    return server_url(backend)


@pytest.mark.parametrize("kind", ["sync", "async"])
@pytest.mark.parametrize("backend", BACKENDS)
def test_engine_used_before_fork_serves_child_and_parent(backend: str, kind: str, tmp_path: Path) -> None:
    run = subprocess.run(
        [sys.executable, "-c", SCENARIO, kind, _url(backend, tmp_path, aio=kind == "async")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0 and run.stdout.strip() == "ok", run.stderr[-2000:]
