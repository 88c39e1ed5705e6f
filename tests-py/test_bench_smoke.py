"""Every benchmark workload runs once at tiny scale, so the harness cannot rot: the run fails if
any target's checksum differs from the raw driver's."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

BENCHES = Path(__file__).resolve().parent.parent / "benches"


def test_bench_harness_runs_every_workload_at_tiny_scale(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    proc = subprocess.run(
        [sys.executable, str(BENCHES / "bench.py"), "--scale", "0.005", "--runs", "1", "--json", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    rows = json.loads(out.read_text())
    sys.path.insert(0, str(BENCHES))
    try:
        import workloads
    finally:
        sys.path.remove(str(BENCHES))
    assert [r["workload"] for r in rows] == list(workloads.WORKLOADS)
    for r in rows:
        for target in ("ferroalchemy", "sqlalchemy", "raw"):
            assert isinstance(r[target], dict), (r["workload"], target, r[target])
            assert r[target]["median"] > 0
