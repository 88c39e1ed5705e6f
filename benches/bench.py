"""Benchmarks: ferroalchemy vs SQLAlchemy 2.1 vs the raw driver, in one run, targets alternated
so machine noise hits them alike. Prints median, min-max, ops/s and the ratios.

    python benches/bench.py [--scale N] [--runs N] [--only WORKLOAD] [--json FILE]

Each workload verifies its result (row count and a checksum over every attribute value)."""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import workloads  # noqa: E402

TARGETS = ("ferroalchemy", "sqlalchemy", "raw")


def prepare(fn: Callable[[], Any]) -> None:
    """Write workloads reset their tables before each run, outside the timing."""
    setup = getattr(fn, "setup", None)
    if setup is not None:
        setup()


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--only", action="append")
    ap.add_argument("--json")
    args = ap.parse_args()
    n_users = int(10_000 * args.scale)
    results: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "bench.db")
        write_path = os.path.join(tmp, "bench_writes.db")
        workloads.populate_sqlite(path, n_users)
        workloads.create_empty_sqlite(write_path)
        impls = {t: workloads.make_target(t, path, write_path) for t in TARGETS}
        for name in workloads.WORKLOADS:
            if args.only and name not in args.only:
                continue
            row: dict[str, Any] = {"workload": name, "db": "sqlite-file"}
            samples: dict[str, list[float]] = {t: [] for t in TARGETS}
            checks: dict[str, Any] = {}
            fns = {t: impls[t].workload(name, n_users) for t in TARGETS}
            for t in TARGETS:
                if fns[t] is not None:
                    prepare(fns[t])
                    fns[t]()  # warm-up
            for _ in range(args.runs):
                for t in TARGETS:  # alternate targets each round
                    fn = fns[t]
                    if fn is None:
                        continue
                    prepare(fn)
                    t0 = time.perf_counter()
                    checks[t] = fn()
                    samples[t].append(time.perf_counter() - t0)
            expected = checks.get("raw")
            for t in TARGETS:
                if fns[t] is None:
                    row[t] = "unsupported"
                    continue
                if checks[t] != expected:
                    raise SystemExit(f"{name}: {t} result {checks[t]!r} differs from raw {expected!r}")
                s = samples[t]
                row[t] = {"median": statistics.median(s), "min": min(s), "max": max(s)}
            results.append(row)
            print_row(row)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=2)
    return 0


def fmt(x: Any) -> str:
    if not isinstance(x, dict):
        return f"{x:>28}"
    return f"{x['median'] * 1000:9.2f} ms ({x['min'] * 1000:.1f}-{x['max'] * 1000:.1f})"


def print_row(row: dict[str, Any]) -> None:
    f, s, r = row["ferroalchemy"], row["sqlalchemy"], row["raw"]
    ratio = lambda a, b: f"{a['median'] / b['median']:.2f}x" if isinstance(a, dict) and isinstance(b, dict) else "-"  # noqa: E731
    if not getattr(print_row, "header", False):
        print(
            f"{'workload':24} {'db':12} {'ferroalchemy':>28} {'sqlalchemy 2.1':>28} {'raw':>28} {'ferro/sqla':>10} {'ferro/raw':>10}"
        )
        print_row.header = True  # type: ignore[attr-defined]
    print(
        f"{row['workload']:24} {row['db']:12} {fmt(f)} {fmt(s)} {fmt(r)} {ratio(f, s):>10} {ratio(f, r):>10}",
        flush=True,
    )


if __name__ == "__main__":
    raise SystemExit(main())
