"""Write workloads. Each run starts from a known state prepared outside the timing (the run's
`setup`), and its result is read back through an independent connection where the database allows
one, so a target cannot skip or defer work."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import data
from databases import USER_COLUMNS, Store


def with_setup(run: Callable[[], Any], setup: Callable[[], None]) -> Callable[[], Any]:
    run.setup = setup  # type: ignore[attr-defined]
    return run


class Writes:
    """What both targets share: a write store (`write_store()`), reset and read back."""

    db: Any
    n: int
    write_store: Callable[[], AbstractContextManager[Store]]

    def _reset(self, with_users: bool) -> Callable[[], None]:
        users = data.user_rows(self.n, self.db.kind) if with_users else None

        def setup() -> None:
            with self.write_store() as s:
                s.reset_writes(users)

        return setup

    def _read_back(self) -> tuple[int, int]:
        with self.write_store() as s:
            return s.read_back()


class OrmWrites(Writes):
    """Mixed into the ORM target: needs `self.m` and `self.write_engine`."""

    m: Any
    write_engine: Any

    def orm_insert_bulk(self, n: int) -> Callable[[], Any]:
        User, Session = self.m.User, self.m.orm.Session
        rows = data.user_dicts(n)

        def run() -> Any:
            with Session(self.write_engine) as s:
                s.add_all([User(**d) for d in rows])
                s.commit()
            return self._read_back()

        return with_setup(run, self._reset(with_users=False))

    def core_insert_many(self, n: int) -> Callable[[], Any]:
        User, insert, Session = self.m.User, self.m.sa.insert, self.m.orm.Session
        rows = data.user_dicts(n)

        def run() -> Any:
            with Session(self.write_engine) as s:
                s.execute(insert(User), rows)
                s.commit()
            return self._read_back()

        return with_setup(run, self._reset(with_users=False))

    def orm_update_dirty(self, n: int) -> Callable[[], Any]:
        User, select, Session = self.m.User, self.m.sa.select, self.m.orm.Session

        def run() -> Any:
            with Session(self.write_engine) as s:
                for u in s.scalars(select(User)).all():
                    u.score = u.score + 1.0
                s.commit()
            return self._read_back()

        return with_setup(run, self._reset(with_users=True))


class RawWrites(Writes):
    """The same work with the bare driver: plain objects in, one executemany out."""

    write_con: Any
    mark: Callable[[str], str]
    _convert: Callable[[tuple[Any, ...]], Any]  # the raw target's row-to-object builder
    INSERT = "INSERT INTO users (email, name, age, is_active, created_at, score, bio) VALUES (?, ?, ?, ?, ?, ?, ?)"

    def _params(self, d: dict[str, Any]) -> tuple[Any, ...]:
        return (
            d["email"],
            d["name"],
            d["age"],
            d["is_active"],
            data.stored_datetime(self.db.kind, d["created_at"]),
            d["score"],
            d["bio"],
        )

    def _insert(self, n: int) -> Callable[[], Any]:
        rows = data.user_dicts(n)
        sql = self.mark(self.INSERT)

        def run() -> Any:
            cur = self.write_con.cursor()
            cur.executemany(sql, [self._params(d) for d in rows])
            self.write_con.commit()
            return self._read_back()

        return with_setup(run, self._reset(with_users=False))

    def orm_insert_bulk(self, n: int) -> Callable[[], Any]:
        return self._insert(n)

    def core_insert_many(self, n: int) -> Callable[[], Any]:
        return self._insert(n)

    def orm_update_dirty(self, n: int) -> Callable[[], Any]:
        select = f"SELECT {USER_COLUMNS} FROM users"
        update = self.mark("UPDATE users SET score = ? WHERE id = ?")

        def run() -> Any:
            cur = self.write_con.cursor()
            cur.execute(select)
            users = [self._convert(r) for r in cur.fetchall()]
            for u in users:
                u.score = u.score + 1.0
            cur.executemany(update, [(u.score, u.id) for u in users])
            self.write_con.commit()
            return self._read_back()

        return with_setup(run, self._reset(with_users=True))
