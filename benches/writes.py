"""Write workloads. Each run starts from a known state prepared outside the timing (the run's
`setup`), and its result is read back through an independent sqlite3 connection, so a target
cannot skip or defer work."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import models

STORED_DATETIME = "%Y-%m-%d %H:%M:%S.%f"  # SQLAlchemy's SQLite storage format


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


def empty_tables(path: str, copy_users_from: str | None = None) -> None:
    """Empties the write tables; with `copy_users_from`, refills users from that database."""
    con = sqlite3.connect(path)
    con.execute("DELETE FROM posts")
    con.execute("DELETE FROM users")
    if copy_users_from is not None:
        con.execute("ATTACH DATABASE ? AS src", (copy_users_from,))
        con.execute("INSERT INTO users SELECT * FROM src.users")
    con.commit()
    con.close()


def read_back(path: str) -> tuple[int, int]:
    con = sqlite3.connect(path)
    rows = con.execute(
        "SELECT id, email, name, age, is_active, created_at, score, bio FROM users ORDER BY id"
    ).fetchall()
    con.close()
    return len(rows), models.row_checksum(rows)


def with_setup(run: Callable[[], Any], setup: Callable[[], None]) -> Callable[[], Any]:
    run.setup = setup  # type: ignore[attr-defined]
    return run


class OrmWrites:
    """Mixed into the ORM target: needs `self.m`, `self.write_engine`, `self.write_path`, `self.path`."""

    m: Any
    write_engine: Any
    write_path: str
    path: str

    def orm_insert_bulk(self, n: int) -> Callable[[], Any]:
        User, Session = self.m.User, self.m.orm.Session
        data = user_dicts(n)

        def run() -> Any:
            with Session(self.write_engine) as s:
                s.add_all([User(**d) for d in data])
                s.commit()
            return read_back(self.write_path)

        return with_setup(run, lambda: empty_tables(self.write_path))

    def core_insert_many(self, n: int) -> Callable[[], Any]:
        User, insert, Session = self.m.User, self.m.sa.insert, self.m.orm.Session
        data = user_dicts(n)

        def run() -> Any:
            with Session(self.write_engine) as s:
                s.execute(insert(User), data)
                s.commit()
            return read_back(self.write_path)

        return with_setup(run, lambda: empty_tables(self.write_path))

    def orm_update_dirty(self, n: int) -> Callable[[], Any]:
        User, select, Session = self.m.User, self.m.sa.select, self.m.orm.Session

        def run() -> Any:
            with Session(self.write_engine) as s:
                for u in s.scalars(select(User)).all():
                    u.score = u.score + 1.0
                s.commit()
            return read_back(self.write_path)

        return with_setup(run, lambda: empty_tables(self.write_path, self.path))


class RawWrites:
    """The same work with the bare driver: plain objects in, one executemany out."""

    write_path: str
    path: str
    _convert: Callable[[tuple[Any, ...]], Any]  # the raw target's row-to-object builder
    INSERT = "INSERT INTO users (email, name, age, is_active, created_at, score, bio) VALUES (?, ?, ?, ?, ?, ?, ?)"

    @staticmethod
    def _params(d: Any) -> tuple[Any, ...]:
        return (
            d["email"],
            d["name"],
            d["age"],
            d["is_active"],
            d["created_at"].strftime(STORED_DATETIME),
            d["score"],
            d["bio"],
        )

    def _insert(self, n: int) -> Callable[[], Any]:
        data = user_dicts(n)

        def run() -> Any:
            con = sqlite3.connect(self.write_path)
            con.executemany(self.INSERT, [self._params(d) for d in data])
            con.commit()
            con.close()
            return read_back(self.write_path)

        return with_setup(run, lambda: empty_tables(self.write_path))

    def orm_insert_bulk(self, n: int) -> Callable[[], Any]:
        return self._insert(n)

    def core_insert_many(self, n: int) -> Callable[[], Any]:
        return self._insert(n)

    def orm_update_dirty(self, n: int) -> Callable[[], Any]:
        def run() -> Any:
            con = sqlite3.connect(self.write_path)
            sql = "SELECT id, email, name, age, is_active, created_at, score, bio FROM users"
            users = [self._convert(r) for r in con.execute(sql).fetchall()]
            for u in users:
                u.score = u.score + 1.0
            con.executemany("UPDATE users SET score = ? WHERE id = ?", [(u.score, u.id) for u in users])
            con.commit()
            con.close()
            return read_back(self.write_path)

        return with_setup(run, lambda: empty_tables(self.write_path, self.path))
