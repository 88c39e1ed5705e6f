"""`Address.user == obj` / `== None` / `!=` render on the foreign key as SQLAlchemy's relationship
comparator does, and select the rows a user expects; a collection cannot be compared to an object.
No `from __future__ import annotations`: SQLAlchemy must evaluate the models' annotations here."""

from types import ModuleType, SimpleNamespace
from typing import Any

import pytest
import sqlalchemy
import sqlalchemy.orm

import ferroalchemy as fa
import ferroalchemy.orm
from ferroalchemy import exc


def _models(sa: ModuleType, orm: ModuleType) -> SimpleNamespace:
    class Base(orm.DeclarativeBase):
        pass

    class User(Base):
        __tablename__ = "users"
        id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
        addresses: orm.Mapped[list["Address"]] = orm.relationship(back_populates="user")

    class Address(Base):
        __tablename__ = "addresses"
        id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
        user_id: orm.Mapped[int | None] = orm.mapped_column(sa.ForeignKey("users.id"))
        user: orm.Mapped["User"] = orm.relationship(back_populates="addresses")

    return SimpleNamespace(Base=Base, User=User, Address=Address, sa=sa, orm=orm)


def _where(m: SimpleNamespace, case: str) -> Any:
    A, u = m.Address, m.User(id=5)
    crit = {"eq_none": A.user == None, "ne_none": A.user != None, "eq_obj": A.user == u, "ne_obj": A.user != u}  # noqa: E711
    return m.sa.select(A.id).where(crit[case])


@pytest.mark.parametrize("case", ["eq_none", "ne_none", "eq_obj", "ne_obj"])
def test_str_matches_sqlalchemy(case: str) -> None:
    ours = _where(_models(fa, ferroalchemy.orm), case)
    theirs = _where(_models(sqlalchemy, sqlalchemy.orm), case)
    assert str(ours) == str(theirs)


def test_comparisons_select_the_expected_rows() -> None:
    m = _models(fa, ferroalchemy.orm)
    engine = fa.create_engine("sqlite://")
    m.Base.metadata.create_all(engine)
    A = m.Address
    with m.orm.Session(engine) as s:
        s.add_all([m.User(id=1), m.User(id=2)])
        s.flush()
        s.add_all([A(id=1, user_id=1), A(id=2, user_id=2), A(id=3)])
        s.commit()
        u1 = s.get(m.User, 1)
        ids = lambda crit: s.scalars(fa.select(A.id).where(crit).order_by(A.id)).all()  # noqa: E731
        assert ids(A.user == None) == [3]  # noqa: E711
        assert ids(A.user != None) == [1, 2]  # noqa: E711
        assert ids(A.user == u1) == [1]
        assert ids(A.user != u1) == [2, 3]


def test_collection_compared_to_an_object_is_refused() -> None:
    m = _models(fa, ferroalchemy.orm)
    with pytest.raises(exc.InvalidRequestError, match="Can't compare a collection"):
        m.User.addresses == m.Address(id=9)  # noqa: B015
