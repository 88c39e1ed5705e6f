"""The benchmark model, written once against an SQLAlchemy-API module (real SQLAlchemy or
ferroalchemy), so both run identical user code."""

from types import ModuleType, SimpleNamespace
from typing import Any


def build(sa: ModuleType, orm: ModuleType) -> SimpleNamespace:
    from datetime import datetime
    from typing import Optional

    class Base(orm.DeclarativeBase):
        pass

    class User(Base):
        __tablename__ = "users"
        id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
        email: orm.Mapped[str] = orm.mapped_column(sa.String(120), unique=True)
        name: orm.Mapped[str] = orm.mapped_column(sa.String(80))
        age: orm.Mapped[int]
        is_active: orm.Mapped[bool]
        created_at: orm.Mapped[datetime]
        score: orm.Mapped[float]
        bio: orm.Mapped[Optional[str]] = orm.mapped_column(sa.Text)  # noqa: UP045 - evaluated at class creation
        posts: orm.Mapped[list["Post"]] = orm.relationship(back_populates="author")

    class Post(Base):
        __tablename__ = "posts"
        id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
        user_id: orm.Mapped[int] = orm.mapped_column(sa.ForeignKey("users.id"))
        title: orm.Mapped[str] = orm.mapped_column(sa.String(200))
        author: orm.Mapped["User"] = orm.relationship(back_populates="posts")

    return SimpleNamespace(Base=Base, User=User, Post=Post, sa=sa, orm=orm)


USER_COLUMNS = ("id", "email", "name", "age", "is_active", "created_at", "score", "bio")


def user_hash(u: Any) -> int:
    return hash((u.id, u.email, u.name, u.age, bool(u.is_active), str(u.created_at), u.score, u.bio)) & 0xFFFFFFFF


def checksum(objs: Any) -> int:
    """A checksum over every attribute of every user, so no target can skip work."""
    return sum(user_hash(u) for u in objs)


def row_checksum(rows: Any) -> int:
    """The same checksum over plain row tuples in column order."""
    return sum(hash((r[0], r[1], r[2], r[3], bool(r[4]), str(r[5]), r[6], r[7])) & 0xFFFFFFFF for r in rows)


def post_hash(p: Any) -> int:
    return hash((p.id, p.user_id, p.title)) & 0xFFFFFFFF


def users_with_posts_checksum(users: Any) -> int:
    """Users plus every post reached through each user's collection."""
    return sum(user_hash(u) + sum(post_hash(p) for p in u.posts) for u in users)


def posts_with_author_checksum(posts: Any) -> int:
    """Posts plus the author reached through each post's many-to-one."""
    return sum(post_hash(p) + user_hash(p.author) for p in posts)
