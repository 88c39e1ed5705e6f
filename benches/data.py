"""The benchmark's rows: the users and posts every database is populated with, the new users the
write workloads insert, and the ids and emails the point queries look up."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

STORED_DATETIME = "%Y-%m-%d %H:%M:%S.%f"  # SQLAlchemy's SQLite storage format
N_GETS = 5_000


def stored_datetime(kind: str, value: datetime) -> Any:
    """SQLite keeps datetimes as text in SQLAlchemy's format; the servers take them as they are."""
    return value.strftime(STORED_DATETIME) if kind == "sqlite" else value


def user_rows(n: int, kind: str) -> list[tuple[Any, ...]]:
    base = datetime(2024, 1, 1)
    return [
        (
            i,
            f"user{i}@example.com",
            f"User {i}",
            20 + i % 50,
            i % 3 != 0,
            stored_datetime(kind, base + timedelta(minutes=i)),
            i * 0.5,
            None if i % 4 == 0 else f"bio of user {i}",
        )
        for i in range(1, n + 1)
    ]


def post_rows(n: int) -> list[tuple[int, str]]:
    """About three posts per user (one to five)."""
    return [(u, f"post {k} of user {u}") for u in range(1, n + 1) for k in range(u % 5 + 1)]


def user_dicts(n: int) -> list[dict[str, Any]]:
    base = datetime(2025, 6, 1)
    return [
        {
            "email": f"new{i}@example.com",
            "name": f"New {i}",
            "age": 18 + i % 60,
            "is_active": i % 2 == 0,
            "created_at": base + timedelta(seconds=i),
            "score": i * 0.25,
            "bio": None if i % 5 == 0 else f"new bio {i}",
        }
        for i in range(1, n + 1)
    ]


def get_ids(n: int) -> list[int]:
    rnd = random.Random(42)
    return [rnd.randint(1, n) for _ in range(N_GETS)]


def get_emails(n: int) -> list[str]:
    return [f"user{i}@example.com" for i in get_ids(n)]


def chunks(items: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
