"""A flush keeps every object it writes alive until it is done, even objects only reachable
through a reference cycle the application no longer holds (nothing may be lost to the GC)."""

from __future__ import annotations

import gc

from ferroalchemy import Column, ForeignKey, String, Table, create_engine, event, func, select
from ferroalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship


class Base(DeclarativeBase):
    pass


link = Table(
    "link",
    Base.metadata,
    Column("b_id", ForeignKey("b.id"), primary_key=True),
    Column("t_id", ForeignKey("t.id"), primary_key=True),
)


class A(Base):
    __tablename__ = "a"
    id: Mapped[int] = mapped_column(primary_key=True)
    bs: Mapped[list[B]] = relationship(back_populates="a")


class B(Base):
    __tablename__ = "b"
    id: Mapped[int] = mapped_column(primary_key=True)
    a_id: Mapped[int] = mapped_column(ForeignKey("a.id"))
    a: Mapped[A] = relationship(back_populates="bs")
    ts: Mapped[list[T]] = relationship(secondary=link)


class T(Base):
    __tablename__ = "t"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(10))


def _collect(*args: object) -> None:
    gc.collect()


def test_cyclic_garbage_survives_the_flush() -> None:
    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine)
    # A full collection after each mapper's INSERTs, before the association rows are written.
    for cls in (A, B, T):
        event.listen(cls, "after_insert", _collect)
    try:
        with Session(engine) as s:
            tags = [T(name=f"t{i}") for i in range(3)]
            s.add_all([A(bs=[B(ts=tags[: i + 1]) for i in range(3)]) for _ in range(5)])
            s.commit()
            assert s.scalar(select(func.count()).select_from(B.__table__)) == 15
            assert s.scalar(select(func.count()).select_from(link)) == 5 * (1 + 2 + 3)
    finally:
        for cls in (A, B, T):
            event.remove(cls, "after_insert", _collect)
