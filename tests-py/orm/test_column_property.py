"""``column_property()``: SQL expressions (a correlated scalar subquery included) loaded with the
entity, deferred ones, selected and filtered on as attributes, expired by a flush; and the table
``Column`` form. Run the same way with SQLAlchemy 2.1 and ferroalchemy."""

import importlib
from collections.abc import Callable
from types import ModuleType
from typing import Any, Optional

import pytest

from orm.scenario_log import Out, phase, record, run_both
from sql.backends import BACKENDS, ferro


def build(sa: ModuleType) -> dict[str, Any]:
    orm = importlib.import_module(sa.__name__ + ".orm")
    Mapped, mapped_column, column_property = orm.Mapped, orm.mapped_column, orm.column_property

    class Base(orm.DeclarativeBase):
        pass

    class Address(Base):
        __tablename__ = "cp_address"
        id: Mapped[int] = mapped_column(primary_key=True)
        user_id: Mapped[int] = mapped_column(sa.ForeignKey("cp_user.id"))
        email: Mapped[str] = mapped_column(sa.String(50))
        user: Mapped["User"] = orm.relationship()

    class User(Base):
        __tablename__ = "cp_user"
        id: Mapped[int] = mapped_column(primary_key=True)
        firstname: Mapped[str] = mapped_column(sa.String(50))
        lastname: Mapped[str] = mapped_column(sa.String(50))
        fullname: Mapped[str] = column_property(firstname + " " + lastname)
        address_count: Mapped[int] = column_property(
            sa.select(sa.func.count(Address.id))
            .where(Address.user_id == id)  # noqa: A003 - the class body's id column, as the docs write it
            .correlate_except(Address)
            .scalar_subquery()
        )
        shout: Mapped[str] = column_property(sa.func.upper(lastname), deferred=True)
        bio: Mapped[Optional[str]] = column_property(sa.Column(sa.Text), deferred=True)  # noqa: UP045

    return {"Base": Base, "User": User, "Address": Address}


def _seed(orm: ModuleType, m: dict[str, Any], engine: Any) -> None:
    User, Address = m["User"], m["Address"]
    with orm.Session(engine) as s:
        s.add_all(
            [
                User(id=1, firstname="ann", lastname="lee", bio="hi"),
                User(id=2, firstname="bob", lastname="ray"),
                User(id=3, firstname="cy", lastname="zed"),
            ]
        )
        s.flush()
        s.add_all([Address(id=i, user_id=u, email=f"e{i}") for i, u in [(1, 1), (2, 1), (3, 2)]])
        s.commit()


def loading(sa: ModuleType, orm: ModuleType, m: dict[str, Any], engine: Any, out: Out) -> None:
    User = m["User"]
    _seed(orm, m, engine)
    log = record(engine)
    with orm.Session(engine) as s:
        u = s.get(User, 1)
        phase(out, log, "get", (u.fullname, u.address_count, "shout" in u.__dict__, "bio" in u.__dict__))
        phase(out, log, "deferred expression", u.shout)
        phase(out, log, "deferred column", u.bio)
        users = s.scalars(sa.select(User).order_by(User.id)).all()
        phase(out, log, "select entity", [(x.fullname, x.address_count) for x in users])
    with orm.Session(engine) as s:
        users = s.scalars(sa.select(User).options(orm.undefer(User.shout)).order_by(User.id)).all()
        phase(out, log, "undefer", [x.shout for x in users])


def querying(sa: ModuleType, orm: ModuleType, m: dict[str, Any], engine: Any, out: Out) -> None:
    User = m["User"]
    _seed(orm, m, engine)
    log = record(engine)
    with orm.Session(engine) as s:
        result = s.execute(sa.select(User.fullname, User.address_count).order_by(User.fullname.desc()))
        phase(out, log, "select attributes", (list(result.keys()), [tuple(r) for r in result]))
        found = s.scalars(sa.select(User.id).where(User.address_count > 0, User.fullname != "x").order_by(User.id))
        phase(out, log, "where", found.all())
        phase(out, log, "filter_by", [x.id for x in s.scalars(sa.select(User).filter_by(fullname="bob ray"))])
        phase(out, log, "legacy query", [x.id for x in s.query(User).filter(User.address_count == 0)])
        phase(out, log, "order_by", s.scalars(sa.select(User.id).order_by(User.address_count, User.id)).all())


def flushing(sa: ModuleType, orm: ModuleType, m: dict[str, Any], engine: Any, out: Out) -> None:
    User, Address = m["User"], m["Address"]
    _seed(orm, m, engine)
    log = record(engine)
    with orm.Session(engine) as s:
        u = s.get(User, 3)
        u.firstname = "cyd"
        s.flush()
        phase(out, log, "expired by the flush", ("fullname" in u.__dict__, u.fullname))
        s.add(Address(id=9, user_id=3, email="e9"))
        s.flush()
        phase(out, log, "not expired by another object's flush", u.address_count)
        u.fullname = "set in memory"
        phase(out, log, "set", (u.fullname, u in s.dirty))
        s.commit()
        phase(out, log, "never written", (u.fullname, u.address_count))
        new = User(id=4, firstname="di", lastname="ok")
        s.add(new)
        s.flush()
        phase(out, log, "pending object after its INSERT", (new.fullname, new.address_count))


SCENARIOS: list[Callable[..., None]] = [loading, querying, flushing]


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda f: f.__name__)
def test_same_as_sqlalchemy(backend: str, scenario: Callable[..., None]) -> None:
    expected, got = run_both(build, backend, scenario)
    assert got == expected


def test_a_flush_writes_no_expression_column() -> None:
    m = build(ferro)
    engine = ferro.create_engine("sqlite://")
    m["Base"].metadata.create_all(engine)
    log: list[str] = []
    ferro.event.listen(engine, "before_cursor_execute", lambda c, cur, stmt, *a: log.append(stmt))
    with ferro.orm.Session(engine) as s:
        s.add(m["User"](id=1, firstname="a", lastname="b", fullname="ignored"))
        s.commit()
    assert log == ["INSERT INTO cp_user (id, firstname, lastname, bio) VALUES (?, ?, ?, ?)"]
    assert [c.name for c in m["Base"].metadata.tables["cp_user"].c] == ["id", "firstname", "lastname", "bio"]


def test_mapped_columns_are_expressions_in_the_class_body() -> None:
    orm = ferro.orm

    class Base(orm.DeclarativeBase):
        pass

    class Item(Base):
        __tablename__ = "cp_item"
        id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
        price: orm.Mapped[int]
        qty: orm.Mapped[int] = orm.mapped_column(ferro.Integer)
        total: orm.Mapped[int] = orm.column_property(qty * 2)
        cheap: orm.Mapped[bool] = orm.column_property(qty.between(1, 3))

    assert Item.__table__.c.qty is Item.__mapper__.get_property("qty").column
    assert str(ferro.select(Item.total)) == "SELECT cp_item.qty * :param_1 AS total \nFROM cp_item"
    engine = ferro.create_engine("sqlite://")
    Base.metadata.create_all(engine)
    with orm.Session(engine) as s:
        s.add(Item(id=1, price=5, qty=2))
        s.commit()
        assert (s.get(Item, 1).total, s.get(Item, 1).cheap) == (4, True)


def test_aliased_and_joined_entities_load_expressions_on_access() -> None:
    orm = ferro.orm
    m = build(ferro)
    User, Address = m["User"], m["Address"]
    engine = ferro.create_engine("sqlite://")
    m["Base"].metadata.create_all(engine)
    _seed(orm, m, engine)
    u2 = orm.aliased(User, name="u2")
    with orm.Session(engine) as s:
        (u,) = s.scalars(ferro.select(u2).where(u2.id == 1)).all()
        assert "fullname" not in u.__dict__
        assert (u.fullname, u.address_count) == ("ann lee", 2)
        with pytest.raises(NotImplementedError, match="column_property"):
            u2.fullname  # noqa: B018
    with orm.Session(engine) as s:
        addresses = s.scalars(ferro.select(Address).options(orm.joinedload(Address.user)).order_by(Address.id))
        assert [(a.user.firstname, a.user.fullname) for a in addresses] == [
            ("ann", "ann lee"),
            ("ann", "ann lee"),
            ("bob", "bob ray"),
        ]
