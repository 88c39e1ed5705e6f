"""Models for the relationship-configuration tests, built with either library (sqlalchemy or
ferroalchemy) on a fresh registry: backref, adjacency list, several foreign keys to one table,
primaryjoin with extra criteria, order_by, set collections, self-referential many-to-many.

No `from __future__ import annotations`: SQLAlchemy resolves string annotations in module globals,
and these classes are built inside a function."""

import importlib
from types import ModuleType
from typing import Any, Optional


def build(sa: ModuleType) -> dict[str, Any]:
    orm = importlib.import_module(sa.__name__ + ".orm")
    Mapped, mapped_column, relationship = orm.Mapped, orm.mapped_column, orm.relationship

    class Base(orm.DeclarativeBase):
        pass

    class Node(Base):
        __tablename__ = "rc_node"
        id: Mapped[int] = mapped_column(primary_key=True)
        name: Mapped[str] = mapped_column(sa.String(20))
        parent_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("rc_node.id"))  # noqa: UP045
        children = relationship("Node", back_populates="parent", order_by="Node.name")
        parent = relationship("Node", back_populates="children", remote_side=[id])  # noqa: A003 - the spelling SQLAlchemy documents
        kids = relationship(
            "Node", primaryjoin="Node.id == remote(foreign(Node.parent_id))", viewonly=True, order_by="Node.name"
        )
        up = relationship("Node", primaryjoin="remote(Node.id) == foreign(Node.parent_id)", viewonly=True)

    class Author(Base):
        __tablename__ = "rc_author"
        id: Mapped[int] = mapped_column(primary_key=True)
        name: Mapped[str] = mapped_column(sa.String(20))
        books = relationship("Book", backref=orm.backref("author", lazy="select"), order_by="Book.title.desc()")
        published = relationship(
            "Book",
            primaryjoin="and_(Author.id == Book.author_id, Book.published == True)",
            viewonly=True,
            order_by="Book.title",
        )
        tags: Mapped[set["Tag"]] = relationship(secondary="rc_author_tag", backref="authors")

    class Book(Base):
        __tablename__ = "rc_book"
        id: Mapped[int] = mapped_column(primary_key=True)
        title: Mapped[str] = mapped_column(sa.String(20))
        published: Mapped[bool] = mapped_column(default=False)
        author_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("rc_author.id"))  # noqa: UP045

    class Tag(Base):
        __tablename__ = "rc_tag"
        id: Mapped[int] = mapped_column(primary_key=True)
        name: Mapped[str] = mapped_column(sa.String(20))

    sa.Table(
        "rc_author_tag",
        Base.metadata,
        sa.Column("author_id", sa.ForeignKey("rc_author.id"), primary_key=True),
        sa.Column("tag_id", sa.ForeignKey("rc_tag.id"), primary_key=True),
    )

    class Place(Base):
        __tablename__ = "rc_place"
        id: Mapped[int] = mapped_column(primary_key=True)
        street: Mapped[str] = mapped_column(sa.String(30))
        notes = relationship("Note", primaryjoin="Place.id == foreign(Note.place_ref)", viewonly=True)

    class Note(Base):
        __tablename__ = "rc_note"
        id: Mapped[int] = mapped_column(primary_key=True)
        text: Mapped[str] = mapped_column(sa.String(20))
        place_ref: Mapped[int]

    class Customer(Base):
        __tablename__ = "rc_customer"
        id: Mapped[int] = mapped_column(primary_key=True)
        name: Mapped[str] = mapped_column(sa.String(20))
        billing_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("rc_place.id"))  # noqa: UP045
        shipping_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("rc_place.id"))  # noqa: UP045
        billing: Mapped[Optional[Place]] = relationship(foreign_keys=[billing_id])  # noqa: UP045
        shipping: Mapped[Optional[Place]] = relationship(foreign_keys="Customer.shipping_id")  # noqa: UP045

    friendship = sa.Table(
        "rc_friendship",
        Base.metadata,
        sa.Column("left_id", sa.ForeignKey("rc_person.id"), primary_key=True),
        sa.Column("right_id", sa.ForeignKey("rc_person.id"), primary_key=True),
    )

    class Person(Base):
        __tablename__ = "rc_person"
        id: Mapped[int] = mapped_column(primary_key=True)
        name: Mapped[str] = mapped_column(sa.String(20))
        friends: Mapped[list["Person"]] = relationship(
            secondary=friendship,
            primaryjoin=lambda: Person.id == friendship.c.left_id,
            secondaryjoin=lambda: Person.id == friendship.c.right_id,
            order_by=lambda: Person.name,
        )

    return {k: v for k, v in locals().items() if isinstance(v, type) or k == "friendship"}
