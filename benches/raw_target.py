"""The raw target: the bare driver (sqlite3, psycopg, pymysql; aiosqlite, asyncpg, aiomysql) doing
the same work in plain Python and building a plain object per row, the floor for "rows as Python
objects". It keeps its connections open across runs, as the ORM targets' pools do."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import nullcontext
from datetime import datetime
from typing import Any

import data
import models
from aio import RawAsync
from arrow import RawArrow
from databases import USER_SQL, Database, dbapi_store, marks
from orm_target import SELECTIN_BATCH, SESSION_EVERY
from writes import RawWrites


class RawUser:
    pass


class RawPost:
    pass


class RawTarget(RawWrites, RawAsync, RawArrow):
    def __init__(self, db: Database, n: int) -> None:
        self.db, self.n = db, n
        self.con = db.connect()
        self.write_con = db.connect(write=True)
        self.text_datetimes = db.kind == "sqlite"  # SQLite hands back SQLAlchemy's stored text
        if not db.shared:
            dbapi_store(db.kind, self.con).populate(n)
            dbapi_store(db.kind, self.write_con).create_schema()
        self._async_setup()

    def mark(self, sql: str) -> str:
        return marks(self.db.kind, sql)

    def write_store(self) -> Any:
        if self.db.shared:
            return self.db.store(write=True)
        return nullcontext(dbapi_store(self.db.kind, self.write_con))

    def workload(self, name: str) -> Callable[[], Any]:
        return getattr(self, name)(self.n)

    def close(self) -> None:
        self._async_close()
        self.con.close()
        self.write_con.close()

    def _convert(self, row: tuple[Any, ...]) -> RawUser:
        o = object.__new__(RawUser)
        o.__dict__ = {
            "id": row[0],
            "email": row[1],
            "name": row[2],
            "age": row[3],
            "is_active": bool(row[4]),
            "created_at": datetime.fromisoformat(row[5]) if self.text_datetimes else row[5],
            "score": row[6],
            "bio": row[7],
        }
        return o

    def _query(self, sql: str, params: Any = ()) -> list[Any]:
        cur = self.con.cursor()
        cur.execute(sql, params)
        rows = cur.fetchall()
        cur.close()
        return rows

    def _end(self) -> None:
        """Ends the read transaction, as a Session's close does."""
        self.con.rollback()

    def orm_select_all(self, n: int) -> Callable[[], Any]:
        def run() -> Any:
            users = [self._convert(r) for r in self._query(USER_SQL)]
            self._end()
            return len(users), models.checksum(users)

        return run

    def orm_get_by_pk(self, n: int) -> Callable[[], Any]:
        ids = data.get_ids(n)
        sql = self.mark(USER_SQL + " WHERE id = ?")

        def run() -> Any:
            out = []
            identity: dict[int, RawUser] = {}
            cur = self.con.cursor()
            for i, pk in enumerate(ids):
                if i % SESSION_EVERY == 0:
                    identity = {}
                obj = identity.get(pk)
                if obj is None:
                    cur.execute(sql, (pk,))
                    obj = identity[pk] = self._convert(cur.fetchone())
                out.append(obj)
            self._end()
            return len(out), models.checksum(out)

        return run

    def core_select_rows(self, n: int) -> Callable[[], Any]:
        def run() -> Any:
            text = self.text_datetimes
            rows = [
                (r[0], r[1], r[2], r[3], bool(r[4]), datetime.fromisoformat(r[5]) if text else r[5], r[6], r[7])
                for r in self._query(USER_SQL)
            ]
            self._end()
            return len(rows), models.row_checksum(rows)

        return run

    def orm_select_where_point(self, n: int) -> Callable[[], Any]:
        emails = data.get_emails(n)
        sql = self.mark(USER_SQL + " WHERE email = ?")

        def run() -> Any:
            identity: dict[int, RawUser] = {}
            out = []
            cur = self.con.cursor()
            for e in emails:
                cur.execute(sql, (e,))
                row = cur.fetchone()
                obj = identity.get(row[0])
                if obj is None:
                    obj = identity[row[0]] = self._convert(row)
                out.append(obj)
            self._end()
            return len(out), models.checksum(out)

        return run

    def orm_selectinload(self, n: int) -> Callable[[], Any]:
        def run() -> Any:
            users = [self._convert(r) for r in self._query(USER_SQL)]
            by_id = {}
            for u in users:
                u.posts = []
                by_id[u.id] = u
            for chunk in data.chunks(list(by_id), SELECTIN_BATCH):
                marks = ", ".join("?" * len(chunk))
                sql = self.mark(f"SELECT id, user_id, title FROM posts WHERE user_id IN ({marks})")
                for pid, uid, title in self._query(sql, chunk):
                    p = object.__new__(RawPost)
                    p.__dict__ = {"id": pid, "user_id": uid, "title": title}
                    by_id[uid].posts.append(p)
            self._end()
            return len(users), models.users_with_posts_checksum(users)

        return run

    def orm_joinedload(self, n: int) -> Callable[[], Any]:
        sql = (
            "SELECT posts.id, posts.user_id, posts.title, users.id, users.email, users.name, users.age, "
            "users.is_active, users.created_at, users.score, users.bio "
            "FROM posts LEFT OUTER JOIN users ON users.id = posts.user_id"
        )

        def run() -> Any:
            authors: dict[int, RawUser] = {}
            posts = []
            for r in self._query(sql):
                p = object.__new__(RawPost)
                author = authors.get(r[3])
                if author is None:
                    author = authors[r[3]] = self._convert(r[3:])
                p.__dict__ = {"id": r[0], "user_id": r[1], "title": r[2], "author": author}
                posts.append(p)
            self._end()
            return len(posts), models.posts_with_author_checksum(posts)

        return run
