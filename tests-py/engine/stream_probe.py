"""Streams the million-row table `stream_big` in a process of its own and prints, as JSON, what it
cost: the growth of peak RSS while streaming, the time, the row count and checksums of the values.

    python stream_probe.py LIB URL MODE [--buffered]

LIB is ``ferroalchemy`` or ``sqlalchemy``; MODE ``core`` (rows through ``yield_per(1000)``) or ``orm``
(objects of a mapped class through the ``yield_per`` execution option); ``--buffered`` reads the same
rows without streaming, for comparison. Run by test_streaming_memory.py and by hand for the figures.
"""

from __future__ import annotations

import datetime
import importlib
import json
import resource
import sys
import time
from typing import Any

CHUNK = 1000


def peak_mb() -> float:
    # Linux reports ru_maxrss in kilobytes.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def table(sa: Any) -> Any:
    md = sa.MetaData()
    return sa.Table(
        "stream_big",
        md,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(20)),
        sa.Column("score", sa.Float),
        sa.Column("day", sa.Date),
    )


class Totals:
    """Running checksums over the values seen, so nothing but the current chunk is kept."""

    def __init__(self) -> None:
        self.count = 0
        self.ids = 0
        self.name_chars = 0
        self.score = 0.0
        self.days = 0

    def add(self, id_: int, name: str, score: float, day: datetime.date) -> None:
        self.count += 1
        self.ids += id_
        self.name_chars += len(name)
        self.score += score
        self.days += day.toordinal()


def run_core(sa: Any, engine: Any, buffered: bool) -> Totals:
    t = table(sa)
    totals = Totals()
    with engine.connect() as conn:
        if buffered:
            rows: Any = conn.execute(sa.select(t))
        else:
            rows = conn.execution_options(yield_per=CHUNK).execute(sa.select(t))
        for part in rows.partitions(CHUNK):
            for r in part:
                totals.add(r[0], r[1], r[2], r[3])
    return totals


def run_orm(sa: Any, engine: Any, buffered: bool) -> Totals:
    orm = importlib.import_module(f"{sa.__name__}.orm")

    class Base(orm.DeclarativeBase):
        pass

    class Big(Base):
        __table__ = table(sa)

    totals = Totals()
    stmt = sa.select(Big)
    if not buffered:
        stmt = stmt.execution_options(yield_per=CHUNK)
    with orm.Session(engine) as session:
        for obj in session.scalars(stmt):
            totals.add(obj.id, obj.name, obj.score, obj.day)
    return totals


def main() -> None:
    lib, url, mode = sys.argv[1:4]
    buffered = "--buffered" in sys.argv[4:]
    sa = importlib.import_module(lib)
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        conn.execute(sa.text("SELECT 1")).all()
    before = peak_mb()
    start = time.perf_counter()
    totals = (run_core if mode == "core" else run_orm)(sa, engine, buffered)
    seconds = time.perf_counter() - start
    print(
        json.dumps(
            {
                "growth_mb": peak_mb() - before,
                "seconds": seconds,
                "count": totals.count,
                "ids": totals.ids,
                "name_chars": totals.name_chars,
                "score": totals.score,
                "days": totals.days,
            }
        )
    )


if __name__ == "__main__":
    main()
