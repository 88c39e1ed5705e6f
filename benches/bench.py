"""Benchmarks: ferroalchemy vs SQLAlchemy 2.1 vs the raw driver, in one run, targets alternated
so machine noise hits them alike. Prints median, min-max and ops/s per target, and the ratios.

    python benches/bench.py [--scale N] [--runs N] [--only WORKLOAD] [--db NAME] [--json FILE]

Databases: sqlite-file and sqlite-memory always; postgresql and mysql when FERRO_TEST_POSTGRES_URL /
FERRO_TEST_MYSQL_URL are set. Each workload verifies its result (row count and a checksum over every
attribute value) against the raw driver's. A workload ferroalchemy cannot run yet (it raises
NotImplementedError) prints "unsupported"; nothing is ever estimated."""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import databases  # noqa: E402
from workloads import TARGETS, WORKLOADS, make_target  # noqa: E402

DATABASES = ("sqlite-file", "sqlite-memory", "postgresql", "mysql")


def prepare(fn: Callable[[], Any]) -> None:
    """Write workloads reset their tables before each run, outside the timing. Every run starts
    from a collected heap: the process holds all three targets, and garbage one target left would
    otherwise trigger a full collection (tens of ms here) inside whichever run comes next. The
    collections a run's own allocations trigger stay inside its timing."""
    setup = getattr(fn, "setup", None)
    if setup is not None:
        setup()
    gc.collect()


def checked(fn: Callable[[], Any], value: Any) -> Any:
    """(count, checksum): workloads whose result is an object to verify check it after the timing."""
    check = getattr(fn, "check", None)
    return check(value) if check is not None else value


def measure(name: str, db: str, impls: dict[str, Any], runs: int) -> dict[str, Any]:
    row: dict[str, Any] = {"workload": name, "db": db, "unsupported": {}}
    fns: dict[str, Callable[[], Any]] = {}
    checks: dict[str, Any] = {}
    for t in TARGETS:
        if isinstance(impls[t], str):
            row["unsupported"][t] = impls[t]
            continue
        fn = impls[t].workload(name)
        prepare(fn)
        try:
            checks[t] = checked(fn, fn())  # warm-up
        except NotImplementedError as e:
            row["unsupported"][t] = str(e)
            continue
        fns[t] = fn
    samples: dict[str, list[float]] = {t: [] for t in fns}
    for _ in range(runs):
        for t, fn in fns.items():  # alternate targets each round
            prepare(fn)
            t0 = time.perf_counter()
            value = fn()
            samples[t].append(time.perf_counter() - t0)
            checks[t] = checked(fn, value)
    expected = checks["raw"]
    for t in TARGETS:
        if t not in fns:
            row[t] = "unsupported"
            continue
        if checks[t] != expected:
            raise SystemExit(f"{name} on {db}: {t} result {checks[t]!r} differs from raw {expected!r}")
        s = samples[t]
        med = statistics.median(s)
        row[t] = {"median": med, "min": min(s), "max": max(s), "ops_per_s": expected[0] / med}
    return row


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", type=float, default=1.0, help="1 = 10,000 users (about 30,000 posts)")
    ap.add_argument("--runs", type=int, default=5, help="timed runs per target, after one warm-up")
    ap.add_argument("--only", action="append", choices=WORKLOADS, help="run only this workload (repeatable)")
    ap.add_argument("--db", action="append", choices=DATABASES, help="run only this database (repeatable)")
    ap.add_argument("--json", help="also write the results to this file")
    args = ap.parse_args()
    n_users = max(1, int(10_000 * args.scale))
    results: list[dict[str, Any]] = []
    print_header()
    with tempfile.TemporaryDirectory() as tmp:
        for db in databases.from_args(args.db or list(DATABASES), tmp):
            db.setup(n_users)
            impls: dict[str, Any] = {}
            for t in TARGETS:
                try:
                    impls[t] = make_target(t, db, n_users)
                except NotImplementedError as e:
                    impls[t] = str(e)
            for name in WORKLOADS:
                if not args.only or name in args.only:
                    row = measure(name, db.name, impls, args.runs)
                    results.append(row)
                    print_row(row)
            for impl in impls.values():
                if not isinstance(impl, str):
                    impl.close()
            print_reasons(results, db.name)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=2)
    return 0


def fmt(x: Any) -> str:
    if not isinstance(x, dict):
        return f"{x:>34}"
    ops = x["ops_per_s"]
    rate = f"{ops / 1e6:.2f}M/s" if ops >= 1e6 else f"{ops / 1e3:.1f}k/s"
    lo, hi = x["min"] * 1000, x["max"] * 1000
    spread = f"({lo:.1f}-{hi:.1f})" if hi < 100 else f"({lo:.0f}-{hi:.0f})"
    return f"{x['median'] * 1000:8.2f} ms {spread:>13} {rate:>9}"


def ratio(a: Any, b: Any) -> str:
    return f"{a['median'] / b['median']:.2f}x" if isinstance(a, dict) and isinstance(b, dict) else "-"


def print_header() -> None:
    print("median ms (min-max) over the timed runs, and rows or queries per second; ratios of medians")
    print(
        f"{'workload':23} {'db':13} {'ferroalchemy':>34} {'sqlalchemy 2.1':>34} {'raw driver':>34}"
        f" {'ferro/sqla':>10} {'ferro/raw':>9}"
    )


def print_row(row: dict[str, Any]) -> None:
    f, s, r = row["ferroalchemy"], row["sqlalchemy"], row["raw"]
    print(
        f"{row['workload']:23} {row['db']:13} {fmt(f)} {fmt(s)} {fmt(r)} {ratio(f, s):>10} {ratio(f, r):>9}",
        flush=True,
    )


def print_reasons(results: list[dict[str, Any]], db: str) -> None:
    """Why each unsupported workload is unsupported, once per distinct reason."""
    seen: dict[str, list[str]] = {}
    for row in results:
        if row["db"] == db:
            for target, why in row["unsupported"].items():
                seen.setdefault(f"{target}: {why}", []).append(row["workload"])
    for why, names in seen.items():
        print(f"  unsupported on {db}, {why} [{', '.join(names)}]")


if __name__ == "__main__":
    raise SystemExit(main())
