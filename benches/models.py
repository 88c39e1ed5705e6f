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

    return SimpleNamespace(Base=Base, User=User, sa=sa, orm=orm)


USER_COLUMNS = ("id", "email", "name", "age", "is_active", "created_at", "score", "bio")


def checksum(objs: Any) -> int:
    """A checksum over every attribute of every user, so no target can skip work."""
    total = 0
    for u in objs:
        total += hash((u.id, u.email, u.name, u.age, bool(u.is_active), str(u.created_at), u.score, u.bio)) & 0xFFFFFFFF
    return total
