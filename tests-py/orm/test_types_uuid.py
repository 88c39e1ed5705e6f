"""UUID columns: uuid.UUID in and out, identity keys by UUID, SQLAlchemy's 32-hex storage on SQLite."""

from __future__ import annotations

import uuid

from ferroalchemy import Uuid, create_engine, select, text
from ferroalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column


class Base(DeclarativeBase):
    pass


class Token(Base):
    __tablename__ = "token"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    parent: Mapped[uuid.UUID | None]


def test_uuid_round_trip() -> None:
    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine)
    parent = uuid.UUID("a2345678-1234-5678-1234-567812345678")
    with Session(engine) as s:
        t = Token(parent=parent)
        s.add(t)
        s.commit()
        assert isinstance(t.id, uuid.UUID)
        assert s.get(Token, t.id) is t
        assert s.scalars(select(Token).where(Token.parent == parent)).one() is t
    with engine.connect() as conn:
        assert conn.execute(text("SELECT parent FROM token")).scalar() == "a2345678123456781234567812345678"
    assert str(Token.__table__.c.id.type.compile()) == "CHAR(32)"


class Label(Base):
    __tablename__ = "label"
    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str] = mapped_column(Uuid(as_uuid=False))


def test_uuid_as_string_round_trips_as_text() -> None:
    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine)
    ref = "a2345678-1234-5678-1234-567812345678"
    with Session(engine) as s:
        s.add(Label(id=1, ref=ref))
        s.commit()
        s.expunge_all()
        assert s.scalars(select(Label.ref).where(Label.ref == ref)).one() == ref
    with engine.connect() as conn:
        assert conn.execute(text("SELECT ref FROM label")).scalar() == ref.replace("-", "")
