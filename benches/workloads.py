"""Workloads per target. ferroalchemy and SQLAlchemy run the same code (same API); raw is the bare
driver building a plain object per row, the floor for "rows as Python objects"."""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import models

WORKLOADS = ("orm_select_all", "orm_get_by_pk")
N_GETS = 5_000
SESSION_EVERY = 100


def populate_sqlite(path: str, n: int) -> None:
    """Rows in SQLAlchemy's SQLite storage format, written with the bare driver."""
    con = sqlite3.connect(path)
    con.execute(
        "CREATE TABLE users (id INTEGER NOT NULL PRIMARY KEY, email VARCHAR(120) NOT NULL UNIQUE, "
        "name VARCHAR(80) NOT NULL, age INTEGER NOT NULL, is_active BOOLEAN NOT NULL, "
        "created_at DATETIME NOT NULL, score FLOAT NOT NULL, bio TEXT)"
    )
    base = datetime(2024, 1, 1)
    rows = [
        (
            i,
            f"user{i}@example.com",
            f"User {i}",
            20 + i % 50,
            i % 3 != 0,
            (base + timedelta(minutes=i)).strftime("%Y-%m-%d %H:%M:%S.%f"),
            i * 0.5,
            None if i % 4 == 0 else f"bio of user {i}",
        )
        for i in range(1, n + 1)
    ]
    con.executemany("INSERT INTO users VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
    con.commit()
    con.close()


def get_ids(n: int) -> list[int]:
    rnd = random.Random(42)
    return [rnd.randint(1, n) for _ in range(N_GETS)]


class OrmTarget:
    def __init__(self, library: str, path: str) -> None:
        if library == "ferroalchemy":
            import ferroalchemy as sa
            import ferroalchemy.orm as orm
        else:
            import sqlalchemy as sa
            import sqlalchemy.orm as orm
        self.m = models.build(sa, orm)
        self.engine = sa.create_engine(f"sqlite:///{path}")

    def workload(self, name: str, n: int) -> Callable[[], Any] | None:
        return getattr(self, name, lambda n: None)(n)

    def orm_select_all(self, n: int) -> Callable[[], Any]:
        User, select, Session = self.m.User, self.m.sa.select, self.m.orm.Session

        def run() -> Any:
            with Session(self.engine) as s:
                users = s.scalars(select(User)).all()
                return len(users), models.checksum(users)

        return run

    def orm_get_by_pk(self, n: int) -> Callable[[], Any]:
        User, Session = self.m.User, self.m.orm.Session
        ids = get_ids(n)

        def run() -> Any:
            out = []
            s = None
            for i, pk in enumerate(ids):
                if i % SESSION_EVERY == 0:
                    if s is not None:
                        s.close()
                    s = Session(self.engine)
                out.append(s.get(User, pk))
            assert s is not None
            result = len(out), models.checksum(out)
            s.close()
            return result

        return run


class RawUser:
    pass


class RawTarget:
    def __init__(self, path: str) -> None:
        self.path = path

    def workload(self, name: str, n: int) -> Callable[[], Any] | None:
        return getattr(self, name, lambda n: None)(n)

    def _convert(self, row: tuple[Any, ...]) -> RawUser:
        o = object.__new__(RawUser)
        o.__dict__ = {
            "id": row[0],
            "email": row[1],
            "name": row[2],
            "age": row[3],
            "is_active": bool(row[4]),
            "created_at": datetime.fromisoformat(row[5]),
            "score": row[6],
            "bio": row[7],
        }
        return o

    def orm_select_all(self, n: int) -> Callable[[], Any]:
        sql = "SELECT id, email, name, age, is_active, created_at, score, bio FROM users"

        def run() -> Any:
            con = sqlite3.connect(self.path)
            users = [self._convert(r) for r in con.execute(sql).fetchall()]
            con.close()
            return len(users), models.checksum(users)

        return run

    def orm_get_by_pk(self, n: int) -> Callable[[], Any]:
        ids = get_ids(n)
        sql = "SELECT id, email, name, age, is_active, created_at, score, bio FROM users WHERE id = ?"

        def run() -> Any:
            con = sqlite3.connect(self.path)
            out = []
            identity: dict[int, RawUser] = {}
            for i, pk in enumerate(ids):
                if i % SESSION_EVERY == 0:
                    identity = {}
                obj = identity.get(pk)
                if obj is None:
                    obj = identity[pk] = self._convert(con.execute(sql, (pk,)).fetchone())
                out.append(obj)
            con.close()
            return len(out), models.checksum(out)

        return run


def make_target(name: str, path: str) -> Any:
    if name == "raw":
        return RawTarget(path)
    return OrmTarget(name, path)
