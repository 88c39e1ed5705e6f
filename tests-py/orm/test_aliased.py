"""aliased(): selecting from an alias of a mapped class's table, self-joins with two aliases,
join(alias, User.addresses) and join(User.addresses.of_type(alias)). The SQL text and the rows are
SQLAlchemy's, and an alias's objects are the identity map's objects of the class.
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
        __tablename__ = "al_users"
        id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
        name: orm.Mapped[str] = orm.mapped_column(sa.String(20))
        manager_id: orm.Mapped[Optional[int]] = orm.mapped_column(sa.ForeignKey("al_users.id"))  # noqa: UP045
        addresses: orm.Mapped[list["Address"]] = orm.relationship(back_populates="user")

    class Address(Base):
        __tablename__ = "al_addresses"
        id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
        email: orm.Mapped[str] = orm.mapped_column(sa.String(40))
        user_id: orm.Mapped[int] = orm.mapped_column(sa.ForeignKey("al_users.id"))
        user: orm.Mapped[User] = orm.relationship(back_populates="addresses")

    return SimpleNamespace(Base=Base, User=User, Address=Address, sa=sa, orm=orm)


def _statements(m: SimpleNamespace) -> dict[str, Callable[[], Any]]:
    U, A, sel, aliased = m.User, m.Address, m.sa.select, m.orm.aliased

    def staff_and_boss() -> Any:
        staff, boss = aliased(U), aliased(U, name="boss")
        return sel(staff, boss).join(boss, staff.manager_id == boss.id).order_by(staff.id)

    def names() -> Any:
        staff, boss = aliased(U), aliased(U)
        return sel(staff.name, boss.name).join(boss, staff.manager_id == boss.id).order_by(staff.id)

    def join_relationship() -> Any:
        a = aliased(A)
        return sel(U.name, a.email).join(a, U.addresses).where(a.email.like("%x")).order_by(a.id)

    def of_type() -> Any:
        a = aliased(A, name="addr")
        return sel(U.name, a.email).join(U.addresses.of_type(a)).order_by(a.id)

    def entity() -> Any:
        u = aliased(U)
        return sel(u).where(u.name != "boss").order_by(u.id)

    return {
        "entity": entity,
        "self_join_entities": staff_and_boss,
        "self_join_columns": names,
        "join_relationship": join_relationship,
        "of_type": of_type,
    }


CASES = list(_statements(_models(fa, ferroalchemy.orm)))


@pytest.mark.parametrize("case", CASES)
def test_sql_text_matches_sqlalchemy(case: str) -> None:
    ours = _statements(_models(fa, ferroalchemy.orm))[case]()
    theirs = _statements(_models(sqlalchemy, sqlalchemy.orm))[case]()
    assert str(ours) == str(theirs)


def _plain(value: Any, m: SimpleNamespace) -> Any:
    return ("User", value.id, value.name) if isinstance(value, m.User) else value


def _results(sa: ModuleType, orm: ModuleType, backend: str) -> dict[str, Any]:
    m = _models(sa, orm)
    engine = make_engine(sa, backend)
    fresh_schema(engine, m.Base.metadata)
    try:
        with orm.Session(engine) as s:
            s.add_all([m.User(id=1, name="boss"), m.User(id=2, name="ann", manager_id=1)])
            s.add(m.User(id=3, name="bob", manager_id=1))
            s.flush()
            s.add_all([m.Address(id=1, email="a@x", user_id=2), m.Address(id=2, email="b@y", user_id=3)])
            s.commit()
            out = {k: [tuple(_plain(v, m) for v in row) for row in s.execute(f())] for k, f in _statements(m).items()}
            boss = s.get(m.User, 1)
            rows = s.execute(_statements(m)["self_join_entities"]()).all()
            out["same_objects"] = all(row[1] is boss for row in rows) and len(rows) == 2
            return out
    finally:
        m.Base.metadata.drop_all(engine)
        engine.dispose()


@pytest.mark.parametrize("backend", BACKENDS)
def test_rows_match_sqlalchemy(backend: str) -> None:
    ours = _results(fa, ferroalchemy.orm, backend)
    assert ours == _results(sqlalchemy, sqlalchemy.orm, backend)
    assert ours["same_objects"] is True


def test_named_alias_is_the_row_key() -> None:
    m = _models(fa, ferroalchemy.orm)
    engine = fa.create_engine("sqlite://")
    m.Base.metadata.create_all(engine)
    with m.orm.Session(engine) as s:
        s.add(m.User(id=1, name="boss"))
        s.commit()
        boss = m.orm.aliased(m.User, name="boss")
        row = s.execute(fa.select(boss)).one()
        assert row.boss is s.get(m.User, 1)


def test_relationship_of_an_alias_says_it_is_missing() -> None:
    m = _models(fa, ferroalchemy.orm)
    with pytest.raises(NotImplementedError, match="aliased"):
        m.orm.aliased(m.User).addresses  # noqa: B018
