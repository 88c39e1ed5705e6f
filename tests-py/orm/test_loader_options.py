"""lazyload(), noload(), defaultload(), defer()/undefer()/deferred columns and
with_loader_criteria(): the same statements (counted with before_cursor_execute) and the same loaded
values as SQLAlchemy 2.1, on every backend.
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

    class User(Base):
        __tablename__ = "lo_users"
        id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
        name: orm.Mapped[str] = orm.mapped_column(sa.String(20))
        bio: orm.Mapped[Optional[str]] = orm.mapped_column(sa.Text, deferred=True)  # noqa: UP045
        notes = orm.deferred(sa.Column(sa.String(40)))
        addresses: orm.Mapped[list["Address"]] = orm.relationship(back_populates="user", lazy="selectin")

    class Address(Base):
        __tablename__ = "lo_addresses"
        id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
        email: orm.Mapped[str] = orm.mapped_column(sa.String(40))
        active: orm.Mapped[bool] = orm.mapped_column(default=True)
        user_id: orm.Mapped[int] = orm.mapped_column(sa.ForeignKey("lo_users.id"))
        user: orm.Mapped[User] = orm.relationship(back_populates="addresses")
        tags: orm.Mapped[list["Tag"]] = orm.relationship(back_populates="address")

    class Tag(Base):
        __tablename__ = "lo_tags"
        id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
        address_id: orm.Mapped[int] = orm.mapped_column(sa.ForeignKey("lo_addresses.id"))
        word: orm.Mapped[str] = orm.mapped_column(sa.String(20))
        address: orm.Mapped[Address] = orm.relationship(back_populates="tags")

    return SimpleNamespace(Base=Base, User=User, Address=Address, Tag=Tag, sa=sa, orm=orm)


def _scenarios(m: SimpleNamespace) -> dict[str, Callable[[Any], Any]]:
    U, A, T, o, sel = m.User, m.Address, m.Tag, m.orm, m.sa.select

    def users(s: Any, *opts: Any) -> list[Any]:
        return s.scalars(sel(U).options(*opts).order_by(U.id)).all()

    return {
        "configured_selectin": lambda s: [[a.email for a in u.addresses] for u in users(s)],
        "lazyload": lambda s: [[a.email for a in u.addresses] for u in users(s, o.lazyload(U.addresses))],
        "noload": lambda s: [list(u.addresses) for u in users(s, o.noload(U.addresses))],
        "noload_m2o": lambda s: [a.user for a in s.scalars(sel(A).options(o.noload(A.user)).order_by(A.id))],
        "defaultload_selectin": lambda s: [
            [[t.word for t in a.tags] for a in u.addresses]
            for u in users(s, o.defaultload(U.addresses).selectinload(A.tags))
        ],
        "defaultload_lazy": lambda s: [
            [[t.word for t in a.tags] for a in a_.user.addresses]
            for a_ in s.scalars(sel(A).options(o.defaultload(A.user).selectinload(U.addresses)).where(A.id == 1))
        ],
        "deferred_columns": lambda s: [(u.name, u.bio, u.notes) for u in users(s)],
        "undefer": lambda s: [(u.name, u.bio) for u in users(s, o.undefer(U.bio))],
        "defer": lambda s: [(u.name, u.id) for u in users(s, o.defer(U.name))],
        "get_deferred": lambda s: [(u.name, u.bio) for u in [s.get(U, 2)]],
        "nested_joinedload": lambda s: [
            sorted((a.email, [t.word for t in a.tags]) for a in u.addresses)
            for u in s.scalars(sel(U).options(o.joinedload(U.addresses).joinedload(A.tags)).order_by(U.id)).unique()
        ],
        "joinedload_then_configured_selectin": lambda s: [
            (a.email, [x.email for x in a.user.addresses])
            for a in s.scalars(sel(A).options(o.joinedload(A.user)).order_by(A.id))
        ],
        "joinedload_m2o_chain": lambda s: [
            (t.word, t.address.user.name) for t in s.scalars(sel(T).options(o.joinedload(T.address).joinedload(A.user)))
        ],
        "criteria_main": lambda s: [
            a.email
            for a in s.scalars(sel(A).options(o.with_loader_criteria(A, A.active == True)).order_by(A.id))  # noqa: E712
        ],
        "criteria_selectin": lambda s: [
            [a.email for a in u.addresses]
            for u in users(s, o.with_loader_criteria(A, lambda cls: cls.email.like("%x")))
        ],
        "criteria_lazy": lambda s: [
            [a.email for a in u.addresses]
            for u in users(s, o.lazyload(U.addresses), o.with_loader_criteria(A, A.active == True))  # noqa: E712
        ],
    }


def _seed(m: SimpleNamespace, s: Any) -> None:
    s.add_all([m.User(id=1, name="ann", bio="b1", notes="n1"), m.User(id=2, name="bob", bio="b2")])
    s.flush()
    s.add_all(
        [
            m.Address(id=1, email="a@x", user_id=1),
            m.Address(id=2, email="b@y", user_id=1, active=False),
            m.Address(id=3, email="c@x", user_id=2),
        ]
    )
    s.flush()
    s.add_all([m.Tag(id=1, address_id=1, word="red"), m.Tag(id=2, address_id=3, word="blue")])
    s.commit()


def _run(sa: ModuleType, orm: ModuleType, backend: str, case: str) -> tuple[Any, int]:
    m = _models(sa, orm)
    engine = make_engine(sa, backend)
    fresh_schema(engine, m.Base.metadata)
    try:
        with orm.Session(engine) as s:
            _seed(m, s)
        seen: list[str] = []
        sa.event.listen(engine, "before_cursor_execute", lambda *a: seen.append(a[2]))
        with orm.Session(engine) as s:
            value = _scenarios(m)[case](s)
        return value, len(seen)
    finally:
        m.Base.metadata.drop_all(engine)
        engine.dispose()


CASES = list(_scenarios(_models(fa, ferroalchemy.orm)))


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("case", CASES)
def test_statements_and_values_match_sqlalchemy(backend: str, case: str) -> None:
    ours = _run(fa, ferroalchemy.orm, backend, case)
    theirs = _run(sqlalchemy, sqlalchemy.orm, backend, case)
    assert ours == theirs


def test_criteria_on_a_joined_entity_says_it_is_missing() -> None:
    m = _models(fa, ferroalchemy.orm)
    engine = fa.create_engine("sqlite://")
    m.Base.metadata.create_all(engine)
    crit = m.orm.with_loader_criteria(m.Address, m.Address.active == True)  # noqa: E712
    with m.orm.Session(engine) as s:
        with pytest.raises(NotImplementedError, match="with_loader_criteria"):
            s.execute(fa.select(m.User).options(m.orm.joinedload(m.User.addresses), crit))
        with pytest.raises(NotImplementedError, match="with_loader_criteria"):
            s.execute(fa.select(m.User).join(m.User.addresses).options(crit))
