"""User/Address models built with either library, for differential tests against SQLAlchemy.

No `from __future__ import annotations` here: SQLAlchemy resolves string annotations in module globals,
and these classes are built inside a function."""

import importlib
from datetime import date, datetime
from decimal import Decimal
from types import ModuleType
from typing import Any, Optional


def build_models(sa: ModuleType) -> tuple[Any, Any, Any]:
    """(Base, User, Address) declared with `sa` (sqlalchemy or ferroalchemy), on a fresh registry."""
    orm = importlib.import_module(sa.__name__ + ".orm")
    Mapped, mapped_column, relationship = orm.Mapped, orm.mapped_column, orm.relationship

    class Base(orm.DeclarativeBase):
        pass

    class User(Base):
        __tablename__ = "user_account"
        id: Mapped[int] = mapped_column(primary_key=True)
        name: Mapped[str] = mapped_column(sa.String(30), unique=True)
        fullname: Mapped[Optional[str]]  # noqa: UP045 - the spelling SQLAlchemy documents
        nickname: Mapped[str | None] = mapped_column(sa.String(20), index=True)
        bio: Mapped[str]
        age: Mapped[int] = mapped_column(default=18)
        score: Mapped[float]
        active: Mapped[bool]
        born: Mapped[date]
        created: Mapped[datetime]
        balance: Mapped[Decimal]
        avatar: Mapped[bytes]
        views: Mapped[int] = mapped_column(sa.BigInteger)
        motto: Mapped[str] = mapped_column(nullable=True)
        title: Mapped[Optional[str]] = mapped_column(nullable=False)  # noqa: UP045
        addresses: Mapped[list["Address"]] = relationship(back_populates="user")

    class Address(Base):
        __tablename__ = "address"
        id: Mapped[int] = mapped_column(primary_key=True)
        email_address: Mapped[str]
        user_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("user_account.id"))  # noqa: UP045
        user: Mapped[Optional["User"]] = relationship(back_populates="addresses")  # noqa: UP045

    return Base, User, Address


def build_quoted_union_models(sa: ModuleType) -> tuple[Any, Any, Any]:
    """(Base, User, Address) whose annotations quote a union inside a live Mapped[]:
    `Mapped["int | None"]`, `Mapped["User | None"]` (User declared in this function)."""
    orm = importlib.import_module(sa.__name__ + ".orm")
    Mapped, mapped_column, relationship = orm.Mapped, orm.mapped_column, orm.relationship

    class Base(orm.DeclarativeBase):
        pass

    class User(Base):
        __tablename__ = "u"
        id: Mapped[int] = mapped_column(primary_key=True)
        addresses: Mapped[list["Address"]] = relationship(back_populates="user")

    class Address(Base):
        __tablename__ = "a"
        id: Mapped[int] = mapped_column(primary_key=True)
        user_id: Mapped["int | None"] = mapped_column(sa.ForeignKey("u.id"))
        user: Mapped["User | None"] = relationship(back_populates="addresses")

    return Base, User, Address
