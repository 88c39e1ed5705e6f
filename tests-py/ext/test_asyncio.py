"""The asyncio API on SQLite: engine, sessions, sessionmaker, and SQLAlchemy's rule that lazy loads
in async code raise MissingGreenlet unless done through awaitable_attrs or run_sync."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from ferroalchemy import ForeignKey, String, exc, select
from ferroalchemy.ext.asyncio import AsyncAttrs, AsyncSession, async_sessionmaker, create_async_engine
from ferroalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship, selectinload


class Base(AsyncAttrs, DeclarativeBase):
    pass


class Author(Base):
    __tablename__ = "author"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(30))
    books: Mapped[list[Book]] = relationship(back_populates="author")


class Book(Base):
    __tablename__ = "book"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(30))
    author_id: Mapped[int] = mapped_column(ForeignKey("author.id"))
    author: Mapped[Author] = relationship(back_populates="books")


async def _setup(path: Path) -> async_sessionmaker:
    engine = create_async_engine(f"sqlite+aiosqlite:///{path}")
    async with engine.begin() as conn:
        await conn.run_sync(Base.metadata.create_all)
    maker = async_sessionmaker(engine, expire_on_commit=False)
    async with maker() as s:
        s.add(Author(id=1, name="Le Guin", books=[Book(id=1, title="Earthsea"), Book(id=2, title="Lathe")]))
        await s.commit()
    return maker


def test_crud_and_eager_loading(tmp_path: Path) -> None:
    async def main() -> None:
        maker = await _setup(tmp_path / "a.db")
        async with maker() as s:
            a = await s.get(Author, 1)
            assert a.name == "Le Guin"
            rows = (await s.scalars(select(Author).options(selectinload(Author.books)))).all()
            assert sorted(b.title for b in rows[0].books) == ["Earthsea", "Lathe"]
            a.name = "U. K. Le Guin"
            await s.commit()
        async with maker() as s:
            assert (await s.execute(select(Author.name))).scalar_one() == "U. K. Le Guin"

    asyncio.run(main())


def test_lazy_load_raises_missing_greenlet(tmp_path: Path) -> None:
    async def main() -> None:
        maker = await _setup(tmp_path / "b.db")
        async with maker() as s:
            a = await s.get(Author, 1)
            with pytest.raises(exc.MissingGreenlet) as info:
                a.books  # noqa: B018
            assert isinstance(info.value, exc.InvalidRequestError)
            books = await a.awaitable_attrs.books
            assert len(books) == 2
            book = await s.get(Book, 1)
            assert book.author is a  # many-to-one already in the identity map: no IO needed
            titles = await s.run_sync(lambda sync: sorted(b.title for b in sync.get(Author, 1).books))
            assert titles == ["Earthsea", "Lathe"]

    asyncio.run(main())


def test_async_session_begin_commits(tmp_path: Path) -> None:
    async def main() -> None:
        maker = await _setup(tmp_path / "c.db")
        async with maker() as s:
            async with s.begin():
                s.add(Author(id=2, name="Herbert"))
        async with AsyncSession(maker.kw["bind"]) as s:
            assert (await s.scalar(select(Author.name).where(Author.id == 2))) == "Herbert"

    asyncio.run(main())
