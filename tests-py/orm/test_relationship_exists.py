"""any() / has() / contains() and a collection `== None` / `!= None` in queries: the SQL text is
SQLAlchemy's (EXISTS subqueries correlated to the parent; contains() as the key compared to a
bound value) and the rows selected are the ones SQLAlchemy selects, on every backend.
No `from __future__ import annotations`: SQLAlchemy must evaluate the models' annotations here."""

from collections.abc import Callable
from types import ModuleType, SimpleNamespace
from typing import Any, Optional

import pytest
import sqlalchemy
import sqlalchemy.orm

import ferroalchemy as fa
import ferroalchemy.orm
from sql.backends import BACKENDS, fresh_schema, make_engine


def _models(sa: ModuleType, orm: ModuleType) -> SimpleNamespace:
    class Base(orm.DeclarativeBase):
        pass

    tagging = sa.Table(
        "rx_tagging",
        Base.metadata,
        sa.Column("user_id", sa.ForeignKey("rx_users.id"), primary_key=True),
        sa.Column("tag_id", sa.ForeignKey("rx_tags.id"), primary_key=True),
    )

    class User(Base):
        __tablename__ = "rx_users"
        id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
        name: orm.Mapped[str] = orm.mapped_column(sa.String(20))
        addresses: orm.Mapped[list["Address"]] = orm.relationship(back_populates="user")
        tags: orm.Mapped[list["Tag"]] = orm.relationship(secondary=tagging)

    class Address(Base):
        __tablename__ = "rx_addresses"
        id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
        email: orm.Mapped[str] = orm.mapped_column(sa.String(40))
        user_id: orm.Mapped[Optional[int]] = orm.mapped_column(sa.ForeignKey("rx_users.id"))  # noqa: UP045
        user: orm.Mapped[Optional[User]] = orm.relationship(back_populates="addresses")  # noqa: UP045

    class Tag(Base):
        __tablename__ = "rx_tags"
        id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
        word: orm.Mapped[str] = orm.mapped_column(sa.String(20))

    return SimpleNamespace(Base=Base, User=User, Address=Address, Tag=Tag, tagging=tagging, sa=sa, orm=orm)


def _cases(m: SimpleNamespace) -> dict[str, Callable[[], Any]]:
    U, A, T, sel = m.User, m.Address, m.Tag, m.sa.select
    a2 = A(id=2, email="b@x", user_id=1)
    t2 = T(id=2, word="blue")
    return {
        "any": lambda: sel(U.id).where(U.addresses.any(A.email == "c@x")),
        "any_kwargs": lambda: sel(U.id).where(U.addresses.any(email="a@x")),
        "any_bare": lambda: sel(U.id).where(U.addresses.any()),
        "not_any": lambda: sel(U.id).where(~U.addresses.any(A.email.like("%x"))),
        "any_and_kwargs": lambda: sel(U.id).where(U.addresses.any(A.id > 1, email="c@x")),
        "has": lambda: sel(A.id).where(A.user.has(U.name == "ann")),
        "has_kwargs": lambda: sel(A.id).where(A.user.has(name="bob")),
        "not_has": lambda: sel(A.id).where(~A.user.has()),
        "contains": lambda: sel(U.id).where(U.addresses.contains(a2)),
        "collection_eq_none": lambda: sel(U.id).where(U.addresses == None),  # noqa: E711
        "collection_ne_none": lambda: sel(U.id).where(U.addresses != None),  # noqa: E711
        "m2m_any": lambda: sel(U.id).where(U.tags.any(T.word == "blue")),
        "m2m_eq_none": lambda: sel(U.id).where(U.tags == None),  # noqa: E711
        "m2m_contains": lambda: sel(U.id).where(U.tags.contains(t2)),
    }


NAMES = list(_cases(_models(fa, ferroalchemy.orm)))


@pytest.mark.parametrize("case", NAMES)
def test_sql_text_matches_sqlalchemy(case: str) -> None:
    ours = _cases(_models(fa, ferroalchemy.orm))[case]()
    theirs = _cases(_models(sqlalchemy, sqlalchemy.orm))[case]()
    assert str(ours) == str(theirs)


def _seed(m: SimpleNamespace, session: Any) -> None:
    U, A, T = m.User, m.Address, m.Tag
    session.add_all([U(id=1, name="ann"), U(id=2, name="bob"), U(id=3, name="cy")])
    session.add_all([T(id=1, word="red"), T(id=2, word="blue")])
    session.flush()
    session.add_all([A(id=1, email="a@x", user_id=1), A(id=2, email="b@x", user_id=1)])
    session.add_all([A(id=3, email="c@x", user_id=2), A(id=4, email="d@y")])
    session.execute(m.tagging.insert(), [{"user_id": 1, "tag_id": 1}, {"user_id": 2, "tag_id": 2}])
    session.commit()


def _results(sa: ModuleType, orm: ModuleType, backend: str) -> dict[str, list[Any]]:
    m = _models(sa, orm)
    engine = make_engine(sa, backend)
    fresh_schema(engine, m.Base.metadata)
    try:
        with orm.Session(engine) as s:
            _seed(m, s)
            return {name: sorted(s.scalars(f()).all()) for name, f in _cases(m).items()}
    finally:
        m.Base.metadata.drop_all(engine)
        engine.dispose()


@pytest.mark.parametrize("backend", BACKENDS)
def test_rows_match_sqlalchemy(backend: str) -> None:
    ours = _results(fa, ferroalchemy.orm, backend)
    theirs = _results(sqlalchemy, sqlalchemy.orm, backend)
    assert ours == theirs
    assert ours["any"] == [2] and ours["collection_eq_none"] == [3] and ours["m2m_contains"] == [2]


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda m: m.User.addresses.has(), "'has\\(\\)' not implemented for collections. Use any\\(\\)."),
        (lambda m: m.Address.user.any(), "'any\\(\\)' not implemented for scalar attributes. Use has\\(\\)."),
        (lambda m: m.Address.user.contains(m.User(id=1)), "'contains' not implemented for scalar attributes"),
    ],
)
def test_wrong_direction_is_refused_like_sqlalchemy(call: Callable[[Any], Any], message: str) -> None:
    for sa, orm in ((fa, ferroalchemy.orm), (sqlalchemy, sqlalchemy.orm)):
        with pytest.raises(sa.exc.InvalidRequestError, match=message):
            call(_models(sa, orm))
