"""Workloads per target. ferroalchemy and SQLAlchemy run the same code (same API); raw is the bare
driver building a plain object per row, the floor for "rows as Python objects"."""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import models
from writes import OrmWrites, RawWrites

WORKLOADS = (
    "orm_insert_bulk",
    "core_insert_many",
    "orm_update_dirty",
    "core_select_rows",
    "orm_select_all",
    "orm_get_by_pk",
    "orm_select_where_point",
    "orm_selectinload",
    "orm_joinedload",
)
USER_SQL = "SELECT id, email, name, age, is_active, created_at, score, bio FROM users"
SELECTIN_BATCH = 500  # SQLAlchemy's selectinload batch size
N_GETS = 5_000
SESSION_EVERY = 100


def create_schema(con: sqlite3.Connection) -> None:
    con.execute(
        "CREATE TABLE users (id INTEGER NOT NULL PRIMARY KEY, email VARCHAR(120) NOT NULL UNIQUE, "
        "name VARCHAR(80) NOT NULL, age INTEGER NOT NULL, is_active BOOLEAN NOT NULL, "
        "created_at DATETIME NOT NULL, score FLOAT NOT NULL, bio TEXT)"
    )
    con.execute(
        "CREATE TABLE posts (id INTEGER NOT NULL PRIMARY KEY, "
        "user_id INTEGER NOT NULL REFERENCES users (id), title VARCHAR(200) NOT NULL)"
    )


def create_empty_sqlite(path: str) -> None:
    con = sqlite3.connect(path)
    create_schema(con)
    con.commit()
    con.close()


def populate_sqlite(path: str, n: int) -> None:
    """Rows in SQLAlchemy's SQLite storage format, written with the bare driver."""
    con = sqlite3.connect(path)
    create_schema(con)
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
    posts = [(u, f"post {k} of user {u}") for u in range(1, n + 1) for k in range(u % 5 + 1)]
    con.executemany("INSERT INTO posts (user_id, title) VALUES (?, ?)", posts)
    con.commit()
    con.close()


def get_ids(n: int) -> list[int]:
    rnd = random.Random(42)
    return [rnd.randint(1, n) for _ in range(N_GETS)]


def get_emails(n: int) -> list[str]:
    return [f"user{i}@example.com" for i in get_ids(n)]


class OrmTarget(OrmWrites):
    def __init__(self, library: str, path: str, write_path: str) -> None:
        if library == "ferroalchemy":
            import ferroalchemy as sa
            import ferroalchemy.orm as orm
        else:
            import sqlalchemy as sa
            import sqlalchemy.orm as orm
        self.m = models.build(sa, orm)
        self.engine = sa.create_engine(f"sqlite:///{path}")
        self.path, self.write_path = path, write_path
        self.write_engine = sa.create_engine(f"sqlite:///{write_path}")

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

    def core_select_rows(self, n: int) -> Callable[[], Any]:
        users, select = self.m.User.__table__, self.m.sa.select

        def run() -> Any:
            with self.engine.connect() as conn:
                rows = conn.execute(select(users)).all()
            return len(rows), models.row_checksum(rows)

        return run

    def orm_select_where_point(self, n: int) -> Callable[[], Any]:
        User, select, Session = self.m.User, self.m.sa.select, self.m.orm.Session
        emails = get_emails(n)

        def run() -> Any:
            with Session(self.engine) as s:
                out = [s.execute(select(User).where(User.email == e)).scalar_one() for e in emails]
                return len(out), models.checksum(out)

        return run

    def orm_selectinload(self, n: int) -> Callable[[], Any]:
        User, select, Session = self.m.User, self.m.sa.select, self.m.orm.Session
        selectinload = self.m.orm.selectinload

        def run() -> Any:
            with Session(self.engine) as s:
                users = s.scalars(select(User).options(selectinload(User.posts))).all()
                return len(users), models.users_with_posts_checksum(users)

        return run

    def orm_joinedload(self, n: int) -> Callable[[], Any]:
        Post, select, Session = self.m.Post, self.m.sa.select, self.m.orm.Session
        joinedload = self.m.orm.joinedload

        def run() -> Any:
            with Session(self.engine) as s:
                posts = s.scalars(select(Post).options(joinedload(Post.author))).all()
                return len(posts), models.posts_with_author_checksum(posts)

        return run


class RawUser:
    pass


class RawPost:
    pass


class RawTarget(RawWrites):
    def __init__(self, path: str, write_path: str) -> None:
        self.path, self.write_path = path, write_path

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
        sql = USER_SQL

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

    def core_select_rows(self, n: int) -> Callable[[], Any]:
        def run() -> Any:
            con = sqlite3.connect(self.path)
            rows = [
                (r[0], r[1], r[2], r[3], bool(r[4]), datetime.fromisoformat(r[5]), r[6], r[7])
                for r in con.execute(USER_SQL).fetchall()
            ]
            con.close()
            return len(rows), models.row_checksum(rows)

        return run

    def orm_select_where_point(self, n: int) -> Callable[[], Any]:
        emails = get_emails(n)
        sql = USER_SQL + " WHERE email = ?"

        def run() -> Any:
            con = sqlite3.connect(self.path)
            identity: dict[int, RawUser] = {}
            out = []
            for e in emails:
                row = con.execute(sql, (e,)).fetchone()
                obj = identity.get(row[0])
                if obj is None:
                    obj = identity[row[0]] = self._convert(row)
                out.append(obj)
            con.close()
            return len(out), models.checksum(out)

        return run

    def orm_selectinload(self, n: int) -> Callable[[], Any]:
        def run() -> Any:
            con = sqlite3.connect(self.path)
            users = [self._convert(r) for r in con.execute(USER_SQL).fetchall()]
            by_id = {}
            for u in users:
                u.posts = []
                by_id[u.id] = u
            ids = list(by_id)
            for start in range(0, len(ids), SELECTIN_BATCH):
                chunk = ids[start : start + SELECTIN_BATCH]
                marks = ", ".join("?" * len(chunk))
                sql = f"SELECT id, user_id, title FROM posts WHERE user_id IN ({marks})"
                for pid, uid, title in con.execute(sql, chunk):
                    p = object.__new__(RawPost)
                    p.__dict__ = {"id": pid, "user_id": uid, "title": title}
                    by_id[uid].posts.append(p)
            con.close()
            return len(users), models.users_with_posts_checksum(users)

        return run

    def orm_joinedload(self, n: int) -> Callable[[], Any]:
        sql = (
            "SELECT posts.id, posts.user_id, posts.title, users.id, users.email, users.name, users.age, "
            "users.is_active, users.created_at, users.score, users.bio "
            "FROM posts LEFT OUTER JOIN users ON users.id = posts.user_id"
        )

        def run() -> Any:
            con = sqlite3.connect(self.path)
            authors: dict[int, RawUser] = {}
            posts = []
            for r in con.execute(sql).fetchall():
                p = object.__new__(RawPost)
                author = authors.get(r[3])
                if author is None:
                    author = authors[r[3]] = self._convert(r[3:])
                p.__dict__ = {"id": r[0], "user_id": r[1], "title": r[2], "author": author}
                posts.append(p)
            con.close()
            return len(posts), models.posts_with_author_checksum(posts)

        return run


def make_target(name: str, path: str, write_path: str) -> Any:
    """`path` holds the populated tables the reads use; writes go to their own file at `write_path`."""
    if name == "raw":
        return RawTarget(path, write_path)
    return OrmTarget(name, path, write_path)
