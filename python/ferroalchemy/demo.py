"""The main job: a short demo on the embedded default, a SQLite file.

Run with ``python -m ferroalchemy.demo [path.db]``. Two related models, written with the same code
SQLAlchemy's documentation shows, inserted, queried through the relationship, and printed.
"""

from __future__ import annotations

import os
import sys
import tempfile

from ferroalchemy import ForeignKey, String, create_engine, func, select
from ferroalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class Author(Base):
    __tablename__ = "authors"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    books: Mapped[list[Book]] = relationship(back_populates="author")


class Book(Base):
    __tablename__ = "books"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    year: Mapped[int]
    author_id: Mapped[int] = mapped_column(ForeignKey("authors.id"))
    author: Mapped[Author] = relationship(back_populates="books")


def main(path: str) -> None:
    engine = create_engine(f"sqlite:///{path}")
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)

    with Session(engine) as session:
        le_guin = Author(name="Ursula K. Le Guin")
        le_guin.books = [
            Book(title="A Wizard of Earthsea", year=1968),
            Book(title="The Left Hand of Darkness", year=1969),
            Book(title="The Dispossessed", year=1974),
        ]
        herbert = Author(name="Frank Herbert", books=[Book(title="Dune", year=1965)])
        session.add_all([le_guin, herbert])
        session.commit()

    with Session(engine) as session:
        print(f"database: {path}")
        for author in session.scalars(select(Author).order_by(Author.name)):
            titles = ", ".join(f"{b.title} ({b.year})" for b in sorted(author.books, key=lambda b: b.year))
            print(f"{author.name}: {titles}")
        for book in session.scalars(select(Book).where(Book.title.startswith("The")).order_by(Book.year)):
            print(f"{book.title!r} was written by {book.author.name}")
        count = session.scalar(select(func.count()).select_from(Book.__table__))
        print(f"{count} books by {session.scalar(select(func.count()).select_from(Author.__table__))} authors")
    engine.dispose()


if __name__ == "__main__":
    target = sys.argv[1] if len(sys.argv) > 1 else os.path.join(tempfile.gettempdir(), "ferroalchemy_demo.db")
    main(target)
