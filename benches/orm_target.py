"""The ORM target: the same user code runs on ferroalchemy and on SQLAlchemy (same API), so each
library is measured doing exactly what an application would write."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import data
import models
from aio import OrmAsync
from arrow import OrmArrow
from databases import Database, Store, connection_store
from writes import OrmWrites

SELECTIN_BATCH = 500  # SQLAlchemy's selectinload batch size
SESSION_EVERY = 100


class OrmTarget(OrmWrites, OrmAsync, OrmArrow):
    def __init__(self, library: str, db: Database, n: int) -> None:
        self.library = library
        if library == "ferroalchemy":
            import ferroalchemy as sa
            import ferroalchemy.ext.asyncio as sa_async
            import ferroalchemy.orm as orm
        else:
            import sqlalchemy as sa
            import sqlalchemy.ext.asyncio as sa_async
            import sqlalchemy.orm as orm
        self.m = models.build(sa, orm)
        self.sa_async = sa_async
        self.db, self.n = db, n
        self.engine = sa.create_engine(db.url(), **db.engine_kw())
        self.write_engine = sa.create_engine(db.url(write=True), **db.engine_kw())
        self.runner = asyncio.Runner()
        self.async_engine = sa_async.create_async_engine(db.url(aio=True), **db.engine_kw())
        if not db.shared:  # an in-memory database per engine: fill this target's own
            with self.engine.connect() as conn:
                connection_store(db.kind, conn).populate(n)
            with self.write_engine.connect() as conn:
                connection_store(db.kind, conn).create_schema()
            self.runner.run(self._populate_async())

    async def _populate_async(self) -> None:
        async with self.async_engine.connect() as conn:
            await conn.run_sync(lambda c: connection_store(self.db.kind, c).populate(self.n))

    @contextmanager
    def write_store(self) -> Iterator[Store]:
        """Where writes are reset and read back: an independent connection when the database is
        shared, this target's own connection for an in-memory one."""
        if self.db.shared:
            with self.db.store(write=True) as s:
                yield s
        else:
            with self.write_engine.connect() as conn:
                yield connection_store(self.db.kind, conn)

    def workload(self, name: str) -> Callable[[], Any]:
        return getattr(self, name)(self.n)

    def close(self) -> None:
        self.runner.run(self.async_engine.dispose())
        self.runner.close()
        self.engine.dispose()
        self.write_engine.dispose()

    def orm_select_all(self, n: int) -> Callable[[], Any]:
        User, select, Session = self.m.User, self.m.sa.select, self.m.orm.Session

        def run() -> Any:
            with Session(self.engine) as s:
                users = s.scalars(select(User)).all()
                return len(users), models.checksum(users)

        return run

    def orm_get_by_pk(self, n: int) -> Callable[[], Any]:
        User, Session = self.m.User, self.m.orm.Session
        ids = data.get_ids(n)

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
        emails = data.get_emails(n)

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
