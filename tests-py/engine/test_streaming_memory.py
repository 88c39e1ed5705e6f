"""A million rows streamed with yield_per(1000), through Core and through the ORM, on each database,
in a process of its own (stream_probe.py) so its peak RSS is the stream's: it must grow by less
than 100 MB, and every value must arrive (row count and checksums). Read without streaming, the
same rows take 400-550 MB in Core and about 1 GB as objects (`stream_probe.py ... --buffered`)."""

from __future__ import annotations

import datetime
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sql.backends import BACKENDS, ferro, make_engine

from .stream_probe import table

N = 1_000_000
LIMIT_MB = 100
PROBE = Path(__file__).with_name("stream_probe.py")

# The rows are made by the database itself, from its own series generator.
GENERATE = {
    "sqlite": (
        "INSERT INTO stream_big (id, name, score, day) "
        "WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < :n) "
        "SELECT n, substr('xxxxxxxxxxxxxxxxxxxx' || n, -20, 20), n * 0.5, "
        "date('2000-01-01', '+' || (n % 3650) || ' days') FROM s"
    ),
    "postgresql": (
        "INSERT INTO stream_big (id, name, score, day) "
        "SELECT n, lpad(n::text, 20, 'x'), n * 0.5, date '2000-01-01' + (n % 3650) "
        "FROM generate_series(1, :n) AS n"
    ),
    "mysql": (
        "INSERT INTO stream_big (id, name, score, day) "
        "SELECT seq, LPAD(seq, 20, 'x'), seq * 0.5, DATE_ADD('2000-01-01', INTERVAL (seq % 3650) DAY) "
        "FROM seq_1_to_1000000 WHERE seq <= :n"
    ),
}


def expected() -> dict[str, Any]:
    start = datetime.date(2000, 1, 1).toordinal()
    return {
        "count": N,
        "ids": N * (N + 1) // 2,
        "name_chars": 20 * N,
        "score": N * (N + 1) / 4,
        "days": sum(start + n % 3650 for n in range(1, N + 1)),
    }


@pytest.fixture(scope="module", params=BACKENDS)
def big_table(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The URL of a database holding `stream_big` with N rows."""
    backend = str(request.param)
    sqlite_url = f"sqlite:///{tmp_path_factory.mktemp('stream') / 'big.db'}"
    engine = make_engine(ferro, backend, sqlite_url)
    t = table(ferro)
    t.metadata.drop_all(engine)
    t.metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(ferro.text(GENERATE[backend]), {"n": N})
    url = sqlite_url if backend == "sqlite" else engine.url.render_as_string(hide_password=False)
    engine.dispose()
    try:
        yield url
    finally:
        engine = ferro.create_engine(url)
        t.metadata.drop_all(engine)
        engine.dispose()


@pytest.mark.parametrize("mode", ["core", "orm"])
def test_million_rows_stream_in_bounded_memory(big_table: str, mode: str) -> None:
    out = subprocess.run(
        [sys.executable, str(PROBE), "ferroalchemy", big_table, mode],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout.strip().splitlines()[-1])
    assert report["growth_mb"] < LIMIT_MB, report
    assert {k: report[k] for k in expected()} == expected()
