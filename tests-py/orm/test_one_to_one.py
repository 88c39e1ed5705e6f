"""One-to-one: relationship(uselist=False) on the one-to-many side."""

from __future__ import annotations

from ferroalchemy import ForeignKey, create_engine, select
from ferroalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class Person(Base):
    __tablename__ = "person"
    id: Mapped[int] = mapped_column(primary_key=True)
    passport: Mapped[Passport | None] = relationship(back_populates="person", uselist=False)


class Passport(Base):
    __tablename__ = "passport"
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), unique=True)
    person: Mapped[Person] = relationship(back_populates="passport")


def test_one_to_one_round_trip() -> None:
    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine)
    with Session(engine) as s:
        p = Person(passport=Passport())
        assert p.passport.person is p
        s.add(p)
        s.commit()
        assert p.passport.person_id == p.id
    with Session(engine) as s:
        p = s.scalars(select(Person)).one()
        assert isinstance(p.passport, Passport) and p.passport.person is p
