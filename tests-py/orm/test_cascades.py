"""Cascades: delete and delete-orphan remove children; without them, children of a deleted parent or
removed from its collection keep their rows and lose the foreign key, as in SQLAlchemy."""

from __future__ import annotations

import pytest

from ferroalchemy import ForeignKey, String, create_engine, exc, select, text
from ferroalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class Parent(Base):
    __tablename__ = "parent"
    id: Mapped[int] = mapped_column(primary_key=True)
    owned: Mapped[list[Owned]] = relationship(back_populates="parent", cascade="all, delete-orphan")
    loose: Mapped[list[Loose]] = relationship()


class Owned(Base):
    __tablename__ = "owned"
    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("parent.id"))
    parent: Mapped[Parent | None] = relationship(back_populates="owned")


class Loose(Base):
    __tablename__ = "loose"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(10))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("parent.id"))


def _engine():  # type: ignore[no-untyped-def]
    e = create_engine("sqlite://")
    Base.metadata.create_all(e)
    with Session(e) as s:
        s.add(Parent(id=1, owned=[Owned(id=1), Owned(id=2)], loose=[Loose(id=1, name="a"), Loose(id=2, name="b")]))
        s.commit()
    return e


def _rows(e, table: str) -> list[tuple]:  # type: ignore[no-untyped-def, type-arg]
    with e.connect() as c:
        return [tuple(r) for r in c.execute(text(f"SELECT id, parent_id FROM {table} ORDER BY id"))]


def test_delete_cascades_and_nulls_unowned_children() -> None:
    e = _engine()
    with Session(e) as s:
        s.delete(s.get(Parent, 1))
        s.commit()
    assert _rows(e, "owned") == []
    assert _rows(e, "loose") == [(1, None), (2, None)]


def test_orphans_are_deleted_and_removed_children_released() -> None:
    e = _engine()
    with Session(e) as s:
        p = s.get(Parent, 1)
        p.owned.remove(p.owned[0])
        p.loose.remove(next(x for x in p.loose if x.name == "a"))
        s.commit()
    assert _rows(e, "owned") == [(2, 1)]
    assert _rows(e, "loose") == [(1, None), (2, 1)]
    with Session(e) as s:
        assert [o.id for o in s.scalars(select(Owned))] == [2]


def test_invalid_cascade_option() -> None:
    from ferroalchemy.orm.relationships import _parse_cascade

    with pytest.raises(exc.ArgumentError, match="Invalid cascade option"):
        _parse_cascade("all, explode")
    assert "delete" in _parse_cascade("all") and "delete-orphan" not in _parse_cascade("all")
