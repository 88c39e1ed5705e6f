"""``synonym()``: reads and writes proxied to the target attribute (or through a descriptor), and
the synonym usable in queries, run the same way with SQLAlchemy 2.1 and ferroalchemy."""

import importlib
from collections.abc import Callable
from types import ModuleType
from typing import Any, Optional

import pytest

from orm.scenario_log import Out, phase, record, run_both
from sql.backends import BACKENDS, ferro


def build(sa: ModuleType) -> dict[str, Any]:
    orm = importlib.import_module(sa.__name__ + ".orm")
    Mapped, mapped_column, relationship, synonym = orm.Mapped, orm.mapped_column, orm.relationship, orm.synonym

    class Base(orm.DeclarativeBase):
        pass

    class User(Base):
        __tablename__ = "sy_user"
        id: Mapped[int] = mapped_column(primary_key=True)
        name: Mapped[str] = mapped_column(sa.String(30))
        alias: Mapped[str] = synonym("name")
        shouted = synonym("name", descriptor=property(lambda self: self.name.upper()))
        addresses: Mapped[list["Address"]] = relationship(back_populates="user", order_by="Address.id")
        mail = synonym("addresses")

    class Address(Base):
        __tablename__ = "sy_address"
        id: Mapped[int] = mapped_column(primary_key=True)
        email: Mapped[str] = mapped_column(sa.String(50))
        user_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("sy_user.id"))  # noqa: UP045
        user: Mapped[Optional[User]] = relationship(back_populates="addresses")  # noqa: UP045

    return {"Base": Base, "User": User, "Address": Address}


def _attempt(fn: Callable[[], Any]) -> Any:
    try:
        return fn()
    except Exception as e:  # noqa: BLE001 - the class and message are what is compared
        return type(e).__name__, str(e)


def instances(sa: ModuleType, orm: ModuleType, m: dict[str, Any], engine: Any, out: Out) -> None:
    User, Address = m["User"], m["Address"]
    log = record(engine)
    with orm.Session(engine) as s:
        u = User(id=1, alias="ann", mail=[Address(id=1, email="a@x")])
        phase(out, log, "constructor", (u.name, u.alias, u.shouted, [a.email for a in u.addresses]))
        s.add(u)
        s.commit()
        phase(out, log, "read after commit", u.alias)
        u.alias = "bob"
        phase(out, log, "set", (u.name, u in s.dirty, "alias" in u.__dict__))
        s.commit()
        phase(out, log, "flushed", s.scalars(sa.select(User.name)).all())
        phase(out, log, "descriptor has no setter", _attempt(lambda: setattr(u, "shouted", "x")))
        u.mail.append(Address(id=2, email="b@x"))
        s.commit()
        phase(out, log, "relationship synonym", [a.email for a in u.mail])


def queries(sa: ModuleType, orm: ModuleType, m: dict[str, Any], engine: Any, out: Out) -> None:
    User, Address = m["User"], m["Address"]
    with orm.Session(engine) as s:
        s.add_all([User(id=1, name="ann", addresses=[Address(id=1, email="a@x")]), User(id=2, name="bob")])
        s.commit()
    log = record(engine)
    with orm.Session(engine) as s:
        phase(out, log, "where", [u.id for u in s.scalars(sa.select(User).where(User.alias == "bob"))])
        phase(out, log, "filter_by", [u.id for u in s.scalars(sa.select(User).filter_by(alias="ann"))])
        phase(out, log, "legacy filter_by", s.query(User).filter_by(alias="ann").count())
        result = s.execute(sa.select(User.alias).order_by(User.alias.desc()))
        phase(out, log, "select", (list(result.keys()), [r.alias for r in result]))
        phase(out, log, "like", s.scalars(sa.select(User.id).where(User.alias.like("a%"))).all())
        phase(out, log, "relationship any()", s.scalars(sa.select(User.id).where(User.mail.any())).all())


SCENARIOS: list[Callable[..., None]] = [instances, queries]


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda f: f.__name__)
def test_same_as_sqlalchemy(backend: str, scenario: Callable[..., None]) -> None:
    expected, got = run_both(build, backend, scenario)
    assert got == expected


def test_mapper_lists_synonyms() -> None:
    User = build(ferro)["User"]
    mapper = User.__mapper__
    assert list(mapper.synonyms.keys()) == ["alias", "shouted", "mail"]
    assert [p.key for p in mapper.column_attrs] == ["id", "name"]
    assert User.alias.property is mapper.get_property("name")
    assert User.mail is User.addresses


def test_synonym_of_a_missing_attribute() -> None:
    orm = ferro.orm

    class Base(orm.DeclarativeBase):
        pass

    class Thing(Base):
        __tablename__ = "sy_thing"
        id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
        other = orm.synonym("nothing")

    with pytest.raises(ferro.exc.ArgumentError, match="nothing"):
        Thing.other == 1  # noqa: B015
