"""The compat ratchet: runs ../shared/compat with ferroalchemy, fails if a case listed in
compat_passing.txt fails, and prints the pass count over the whole suite.

compat_passing.txt has one `<case name> <db>` per line (db: sqlite or postgresql); the list only grows.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
COMPAT = Path(os.environ.get("FERRO_COMPAT_DIR", ROOT.parent / "shared" / "compat"))


def listed() -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for raw in (HERE / "compat_passing.txt").read_text().splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        name, db = line.split()
        out.setdefault(db, set()).add(name)
    return out


def run_suite(db: str) -> dict[str, str]:
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        cmd = [
            sys.executable,
            str(COMPAT / "run.py"),
            "--target",
            "ferroalchemy",
            "--db",
            db,
            "--python",
            sys.executable,
            "--json",
            str(report),
        ]
        if db == "postgresql" and os.environ.get("FERRO_TEST_POSTGRES_URL"):
            cmd += ["--pg-url", os.environ["FERRO_TEST_POSTGRES_URL"]]
        proc = subprocess.run(cmd, capture_output=True, text=True, cwd=tmp)
        if not report.exists():
            sys.stderr.write(proc.stdout + proc.stderr)
            raise SystemExit(f"compat runner produced no report for {db}")
        data = json.loads(report.read_text())
    return {name: case["status"] for name, case in data["cases"].items()}


def main() -> int:
    if not (COMPAT / "run.py").exists():
        print(f"compat suite not found at {COMPAT}", file=sys.stderr)
        return 1
    want = listed()
    failed: list[str] = []
    listed_total = sum(len(v) for v in want.values())
    for db in ("sqlite", "postgresql"):
        names = want.get(db, set())
        if db == "postgresql" and not names:
            continue
        results = run_suite(db)
        passed = sorted(n for n, s in results.items() if s == "PASS")
        for n in sorted(names):
            status = results.get(n, "MISSING")
            if status != "PASS":
                failed.append(f"{n} [{db}]: {status}")
        newly = [n for n in passed if n not in names]
        total = sum(1 for s in results.values() if s != "SKIP")
        print(
            f"compat {db}: {len(passed)} passed of {total} cases (skipped: "
            f"{sum(1 for s in results.values() if s == 'SKIP')}); ratchet lists {len(names)}"
        )
        if newly:
            print(f"  passing but not listed yet (add them): {' '.join(newly)}")
    if failed:
        print("ratchet FAILED, listed cases that no longer pass:")
        for f in failed:
            print(f"  {f}")
    # The closing line counts the listed cases (the ratchet), not the suite's unlisted ones.
    print(f"ratchet: {listed_total - len(failed)} passed, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
