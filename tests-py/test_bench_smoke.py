"""Every benchmark workload runs once at tiny scale on every database the environment names, so
the harness cannot rot: the run fails if any target's checksum differs from the raw driver's."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

BENCHES = Path(__file__).resolve().parent.parent / "benches"
SERVERS = {"postgresql": "FERRO_TEST_POSTGRES_URL", "mysql": "FERRO_TEST_MYSQL_URL"}


def test_bench_harness_runs_every_workload_at_tiny_scale(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    proc = subprocess.run(
        [sys.executable, str(BENCHES / "bench.py"), "--scale", "0.005", "--runs", "1", "--json", str(out)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    rows = json.loads(out.read_text())
    sys.path.insert(0, str(BENCHES))
    try:
        import workloads
    finally:
        sys.path.remove(str(BENCHES))
    dbs = ["sqlite-file", "sqlite-memory"] + [db for db, env in SERVERS.items() if os.environ.get(env)]
    assert [(r["db"], r["workload"]) for r in rows] == [(db, w) for db in dbs for w in workloads.WORKLOADS]
    for r in rows:
        # Every target runs every workload on every database, and agrees with the raw driver.
        for target in ("ferroalchemy", "sqlalchemy", "raw"):
            assert isinstance(r[target], dict), (r["db"], r["workload"], target, r[target])
            assert r[target]["median"] > 0 and r[target]["ops_per_s"] > 0
    assert "ferro/sqla" in proc.stdout


def test_compile_bench_runs_and_both_libraries_print_the_same_sql() -> None:
    """benches/compile.py exits non-zero when ferroalchemy's SQL for its statement differs."""
    for dialect in ("sqlite", "postgresql", "mysql"):
        proc = subprocess.run(
            [sys.executable, str(BENCHES / "compile.py"), "--dialect", dialect, "--rounds", "1", "--batch", "20"],
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert "warm_point" in proc.stdout and "cold_three_joins" in proc.stdout
