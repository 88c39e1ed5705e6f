"""Many-to-many through `secondary`: lazy loads through the association table, in-memory sync of
both sides, association rows written once, removed on remove() and on delete()."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ferroalchemy import Column, Engine, ForeignKey, String, Table, create_engine, func, select
from ferroalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship


class Base(DeclarativeBase):
    pass


post_tag = Table(
    "post_tag",
    Base.metadata,
    Column("post_id", ForeignKey("post.id"), primary_key=True),
    Column("tag_id", ForeignKey("tag.id"), primary_key=True),
)


class Post(Base):
    __tablename__ = "post"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(50))
    tags: Mapped[list[Tag]] = relationship(secondary=post_tag, back_populates="posts")


class Tag(Base):
    __tablename__ = "tag"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(20), unique=True)
    posts: Mapped[list[Post]] = relationship(secondary="post_tag", back_populates="tags")


@pytest.fixture
def m2m() -> Iterator[Engine]:
    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine)
    yield engine


def _links(s: Session) -> int:
    return s.scalar(select(func.count()).select_from(post_tag))


def test_both_sides_stay_in_step_and_rows_are_written_once(m2m: Engine) -> None:
    with Session(m2m) as s:
        py, web = Tag(name="py"), Tag(name="web")
        p = Post(title="a", tags=[py, web])
        assert p in py.posts and p in web.posts
        s.add(p)
        s.commit()
        assert _links(s) == 2
        assert [type(c.type).__name__ for c in post_tag.c] == ["Integer", "Integer"]


def test_lazy_load_remove_and_delete(m2m: Engine) -> None:
    with Session(m2m) as s:
        py, web = Tag(name="py"), Tag(name="web")
        s.add_all([Post(id=1, title="a", tags=[py, web]), Post(id=2, title="b", tags=[py])])
        s.commit()
    with Session(m2m) as s:
        a = s.get(Post, 1)
        assert sorted(t.name for t in a.tags) == ["py", "web"]
        web = next(t for t in a.tags if t.name == "web")
        a.tags.remove(web)
        s.commit()
        assert _links(s) == 2
        s.expire_all()
        assert web.posts == []
        s.delete(s.get(Post, 2))
        s.commit()
        assert _links(s) == 1
        assert [p.title for p in s.scalars(select(Tag).where(Tag.name == "py")).one().posts] == ["a"]


def test_join_along_many_to_many(m2m: Engine) -> None:
    with Session(m2m) as s:
        s.add_all([Post(id=1, title="a", tags=[Tag(name="py")]), Post(id=2, title="b", tags=[])])
        s.commit()
        stmt = select(Post.title, Tag.name).join(Post.tags)
        assert "JOIN post_tag AS post_tag_1 ON post.id = post_tag_1.post_id JOIN tag ON" in str(stmt)
        assert s.execute(stmt).all() == [("a", "py")]
