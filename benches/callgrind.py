"""Instruction counts of the Rust benchmarks under callgrind: stable numbers on a noisy machine.

Builds the ferro-benches bench binaries, asks each for its callgrind benches (FERRO_CALLGRIND=list),
runs each bench under valgrind with collection on only inside `ferro_callgrind_run` (setup is not
counted) and prints instructions per iteration. Usage:

    python3 benches/callgrind.py [--bench SUBSTRING] [--check] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The one function each bench binary runs its measured iterations in (benches/rust/lib.rs).
TOGGLE = "*ferro_callgrind_run*"


def bench_binaries() -> dict[str, str]:
    """Builds the bench targets in the bench profile; returns {target name: executable}."""
    cmd = ["cargo", "bench", "-p", "ferro-benches", "--no-run", "--message-format=json"]
    out = subprocess.run(cmd, cwd=ROOT, check=True, stdout=subprocess.PIPE, text=True).stdout
    found = {}
    for line in out.splitlines():
        msg = json.loads(line)
        if msg.get("reason") == "compiler-artifact" and "bench" in msg["target"]["kind"] and msg.get("executable"):
            found[msg["target"]["name"]] = msg["executable"]
    if not found:
        sys.exit("callgrind.py: cargo built no bench executables for ferro-benches")
    return found


def listed_benches(exe: str) -> list[tuple[str, int]]:
    """The (name, iterations) pairs a bench binary offers in callgrind mode."""
    env = {**os.environ, "FERRO_CALLGRIND": "list"}
    out = subprocess.run([exe], env=env, check=True, stdout=subprocess.PIPE, text=True).stdout
    pairs = []
    for line in out.splitlines():
        name, iters = line.split()
        pairs.append((name, int(iters)))
    return pairs


def instructions(exe: str, name: str) -> int:
    """Total Ir collected inside the measured function for one run of bench `name`."""
    with tempfile.TemporaryDirectory() as tmp:
        out_file = Path(tmp) / "callgrind.out"
        cmd = [
            "valgrind",
            "--tool=callgrind",
            "--collect-atstart=no",
            f"--toggle-collect={TOGGLE}",
            f"--callgrind-out-file={out_file}",
            exe,
        ]
        env = {**os.environ, "FERRO_CALLGRIND": name}
        run = subprocess.run(cmd, env=env, capture_output=True, text=True)
        if run.returncode != 0:
            sys.exit(f"callgrind.py: {name} failed under valgrind:\n{run.stderr}")
        text = out_file.read_text()
    # `totals:` (or `summary:` in older formats) lists the event counts; Ir is the first event.
    match = re.search(r"^(?:totals|summary):\s+(\d+)", text, re.MULTILINE)
    if match is None:
        sys.exit(f"callgrind.py: no totals line in callgrind's output for {name}")
    total = int(match.group(1))
    if total == 0:
        sys.exit(f"callgrind.py: nothing collected for {name}: did {TOGGLE} match no symbol?")
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bench", default="", help="only benches whose binary/name contains this")
    parser.add_argument("--check", action="store_true", help="run each bench twice; fail if the counts differ")
    parser.add_argument("--json", metavar="FILE", help="also write the results to FILE as JSON")
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        sys.exit("callgrind.py: valgrind is not installed (Debian: apt-get install valgrind)")

    results = []
    for binary, exe in sorted(bench_binaries().items()):
        for name, iters in listed_benches(exe):
            label = f"{binary}/{name}"
            if args.bench not in label:
                continue
            total = instructions(exe, name)
            row = {"bench": label, "iterations": iters, "instructions": total, "per_iteration": total / iters}
            if args.check:
                again = instructions(exe, name)
                row["repeat_instructions"] = again
                if again != total:
                    print(f"callgrind.py: {label} not deterministic: {total} then {again}", file=sys.stderr)
            results.append(row)
            print(f"{label}: {total / iters:,.0f} Ir/iter", file=sys.stderr)

    width = max([len("bench")] + [len(r["bench"]) for r in results])
    print(f"{'bench':<{width}}  {'iterations':>10}  {'instructions/iter':>17}")
    for r in results:
        print(f"{r['bench']:<{width}}  {r['iterations']:>10}  {r['per_iteration']:>17,.0f}")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2) + "\n")
    if args.check and any(r["repeat_instructions"] != r["instructions"] for r in results):
        sys.exit(1)


if __name__ == "__main__":
    main()
