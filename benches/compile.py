"""Statement building and compilation: ferroalchemy vs SQLAlchemy 2.1, in one run, interleaved.

    python benches/compile.py [--rounds N] [--dialect sqlite|postgresql|mysql]

Measures, per operation (median of the rounds, each round timing a batch of operations):
- warm_point: build `select(users).where(users.c.id == x)` and get its compiled form from a warm
  statement cache, as every repeated `execute()` does first. SQLAlchemy: `_compile_w_cache` on the
  engine's compiled cache (cache key generation, lookup, parameter extraction); ferroalchemy: the
  Rust cache lookup behind `execute()` (`Engine.cached_sql`).
- cold_three_joins: build a three-join select with group_by/having/order_by and compile it without
  any cache (`stmt.compile(dialect=...)`), the cost a new statement shape pays once.
No database is touched: the engines only lend their dialect and statement cache.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import time
from collections.abc import Callable
from types import ModuleType
from typing import Any

import sqlalchemy

import ferroalchemy

URLS = {"sqlite": "sqlite://", "postgresql": "postgresql://u@localhost/db", "mysql": "mysql+pymysql://u@localhost/db"}
SQLA_URLS = {
    "sqlite": "sqlite://",
    "postgresql": "postgresql+psycopg://u@localhost/db",
    "mysql": "mysql+pymysql://u@localhost/db",
}


def schema(sa: ModuleType) -> dict[str, Any]:
    m = sa.MetaData()
    users = sa.Table(
        "users",
        m,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(50)),
        sa.Column("email", sa.String(120)),
    )
    posts = sa.Table(
        "posts",
        m,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("user_id", sa.ForeignKey("users.id")),
        sa.Column("title", sa.String(100)),
    )
    comments = sa.Table(
        "comments",
        m,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("post_id", sa.ForeignKey("posts.id")),
        sa.Column("body", sa.Text),
    )
    tags = sa.Table(
        "tags",
        m,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("post_id", sa.ForeignKey("posts.id")),
        sa.Column("name", sa.String(30)),
    )
    return {"users": users, "posts": posts, "comments": comments, "tags": tags}


def three_joins(sa: ModuleType, t: dict[str, Any], n: int) -> Any:
    users, posts, comments, tags = t["users"], t["posts"], t["comments"], t["tags"]
    count = sa.func.count(comments.c.id)
    return (
        sa.select(users.c.id, users.c.name, count.label("n_comments"))
        .join(posts, posts.c.user_id == users.c.id)
        .join(comments, comments.c.post_id == posts.c.id)
        .join(tags, tags.c.post_id == posts.c.id)
        .where(tags.c.name == f"tag{n % 7}", users.c.email.like("%@example.com"))
        .group_by(users.c.id, users.c.name)
        .having(count > n % 5)
        .order_by(users.c.name)
    )


def ops(dialect: str) -> dict[str, dict[str, Callable[[int], Any]]]:
    """name -> {target -> op(i)}."""
    ft, st = schema(ferroalchemy), schema(sqlalchemy)
    fe = ferroalchemy.create_engine(URLS[dialect])
    se = sqlalchemy.create_engine(SQLA_URLS[dialect])
    fcore = fe._core_engine()
    fusers, susers = ft["users"], st["users"]
    sd, fd = se.dialect, fe.dialect
    scache = se._compiled_cache

    def ferro_point(i: int) -> Any:
        return fcore.cached_sql(ferroalchemy.select(fusers).where(fusers.c.id == i)._stmt())

    def sqla_point(i: int) -> Any:
        stmt = sqlalchemy.select(susers).where(susers.c.id == i)
        compiled, *_rest = stmt._compile_w_cache(
            sd, compiled_cache=scache, column_keys=[], for_executemany=False, schema_translate_map=None
        )
        return compiled.string

    return {
        "warm_point": {"ferroalchemy": ferro_point, "sqlalchemy": sqla_point},
        "cold_three_joins": {
            "ferroalchemy": lambda i: str(three_joins(ferroalchemy, ft, i).compile(dialect=fd)),
            "sqlalchemy": lambda i: str(three_joins(sqlalchemy, st, i).compile(dialect=sd)),
        },
    }


def per_op(op: Callable[[int], Any], batch: int) -> float:
    gc.disable()
    try:
        start = time.perf_counter()
        for i in range(batch):
            op(i)
        return (time.perf_counter() - start) / batch
    finally:
        gc.enable()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=15)
    ap.add_argument("--batch", type=int, default=2000)
    ap.add_argument("--dialect", default="sqlite", choices=sorted(URLS))
    args = ap.parse_args()
    table = ops(args.dialect)
    print(f"dialect {args.dialect}, {args.rounds} rounds of {args.batch} operations, medians per operation")
    print(f"{'operation':<18}{'ferroalchemy':>14}{'sqlalchemy 2.1':>16}{'ferro/sqla':>12}")
    for name, targets in table.items():
        # Same SQL from both, checked once outside the timing.
        ferro_sql, sqla_sql = targets["ferroalchemy"](3), targets["sqlalchemy"](3)
        if name == "cold_three_joins" and ferro_sql != sqla_sql:
            raise SystemExit(f"{name}: the SQL differs\n{ferro_sql}\n---\n{sqla_sql}")
        for target in targets.values():
            per_op(target, args.batch // 10)  # warm-up: caches filled, code paths hot
        times: dict[str, list[float]] = {t: [] for t in targets}
        for _ in range(args.rounds):
            for target, op in targets.items():
                times[target].append(per_op(op, args.batch))
        f, s = statistics.median(times["ferroalchemy"]), statistics.median(times["sqlalchemy"])
        print(f"{name:<18}{f * 1e6:>11.2f} us{s * 1e6:>13.2f} us{f / s:>11.2f}x")


if __name__ == "__main__":
    main()
