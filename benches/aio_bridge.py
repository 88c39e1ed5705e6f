"""How an awaited statement's completion reaches the event loop, measured without the statement: the
same no-op awaited four ways, interleaved, 5,000 awaits spread over --tasks concurrent tasks.

- ``worker``: a Rust worker thread finishes it; the loop wakes on the completions socket (a
  blocking engine's connection wrapped in AsyncEngine).
- ``aio``: a task on the aio runtime's thread finishes it; same socket (an async engine's
  PostgreSQL/MySQL connection, what AsyncSession.get awaits).
- ``future_into_py``: pyo3-async-runtimes' awaitable over its tokio runtime.
- ``future_into_py+spawn_blocking``: the same with the hop a blocking driver call needs.

The last two exist only in a build with the cargo feature that compiles them:

    VIRTUAL_ENV=$PWD/.venv .venv/bin/maturin develop --release -F pyo3-async-runtimes-bridge
    .venv/bin/python benches/aio_bridge.py [--tasks 20] [--runs 9]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from collections.abc import Awaitable, Callable

from ferroalchemy import _core
from ferroalchemy.ext.asyncio.offload import _completions, _tokens

AWAITS = 5000


def via_socket(submit: Callable[[int], None]) -> Callable[[], Awaitable[None]]:
    async def one() -> None:
        token = next(_tokens)
        fut = _completions.futures[token] = asyncio.get_running_loop().create_future()
        submit(token)
        await fut

    return one


async def timed(one: Callable[[], Awaitable[None]], tasks: int) -> float:
    async def task() -> None:
        for _ in range(AWAITS // tasks):
            await one()

    start = time.perf_counter()
    await asyncio.gather(*(task() for _ in range(tasks)))
    return (time.perf_counter() - start) * 1e6 / AWAITS


async def main(tasks: int, runs: int) -> None:
    if not hasattr(_core, "bridge_noop"):
        raise SystemExit("build with the cargo feature pyo3-async-runtimes-bridge first (see this file's docstring)")
    _completions.watch(asyncio.get_running_loop())
    ways: dict[str, Callable[[], Awaitable[None]]] = {
        "worker": via_socket(_core.token_noop),
        "aio": via_socket(_core.aio_noop),
        "future_into_py": _core.bridge_noop,
        "future_into_py+spawn_blocking": _core.bridge_blocking_noop,
    }
    results: dict[str, list[float]] = {name: [] for name in ways}
    for _ in range(runs):
        for name, one in ways.items():
            results[name].append(await timed(one, tasks))
    print(f"{AWAITS} no-op awaits over {tasks} tasks; us per await, median (min-max) of {runs} runs")
    for name, times in results.items():
        print(f"  {name:32s} {statistics.median(times):7.2f}  ({min(times):.2f}-{max(times):.2f})")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tasks", type=int, default=20)
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    asyncio.run(main(args.tasks, args.runs))
