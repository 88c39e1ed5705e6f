"""Declarative Dataclass Mapping (``MappedAsDataclass``, ``registry.mapped_as_dataclass``): the same
model source run through SQLAlchemy 2.1 and ferroalchemy gives the same ``__init__`` signatures,
reprs, equality, ``dataclasses.fields()``, errors and flush results.

No `from __future__ import annotations` here: SQLAlchemy resolves string annotations in module globals,
and these classes are built inside functions."""

import dataclasses
import importlib
import inspect
from types import ModuleType
from typing import Any, Optional

import pytest

from orm.scenario_log import Out, phase, record, run_both
from sql.backends import BACKENDS, ferro, real

LIBS = pytest.mark.parametrize("sa", [real, ferro], ids=["sqlalchemy", "ferroalchemy"])


def _orm(sa: ModuleType) -> Any:
    return importlib.import_module(sa.__name__ + ".orm")


def build_docs_models(sa: ModuleType) -> dict[str, Any]:
    """The models of SQLAlchemy's dataclass documentation."""
    orm = _orm(sa)
    Mapped, mapped_column, relationship = orm.Mapped, orm.mapped_column, orm.relationship

    class Base(orm.MappedAsDataclass, orm.DeclarativeBase):
        pass

    class User(Base):
        __tablename__ = "user_account"
        id: Mapped[int] = mapped_column(init=False, primary_key=True)
        name: Mapped[str] = mapped_column(sa.String(30))
        fullname: Mapped[Optional[str]] = mapped_column(sa.String(30), default=None)  # noqa: UP045
        status: Mapped[str] = mapped_column(sa.String(10), default="new")
        addresses: Mapped[list["Address"]] = relationship(default_factory=list, back_populates="user")

    class Address(Base):
        __tablename__ = "address"
        id: Mapped[int] = mapped_column(init=False, primary_key=True)
        email: Mapped[str] = mapped_column(sa.String(50))
        user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"), init=False)
        user: Mapped[Optional["User"]] = relationship(default=None, back_populates="addresses")  # noqa: UP045

    return {"Base": Base, "User": User, "Address": Address}


def build_option_models(sa: ModuleType) -> dict[str, Any]:
    """Field and class-level dataclass options, an unmapped dataclass mixin, a read-only
    column_property()."""
    orm = _orm(sa)
    Mapped, mapped_column = orm.Mapped, orm.mapped_column

    class Base(orm.MappedAsDataclass, orm.DeclarativeBase, order=True):
        pass

    class Stamp(orm.MappedAsDataclass):
        created: Mapped[int] = mapped_column(default_factory=lambda: 7, kw_only=True)
        note: Mapped[Optional[str]] = mapped_column(sa.String(20), default=None, repr=False, kw_only=True)  # noqa: UP045

    class Thing(Stamp, Base, unsafe_hash=True):
        __tablename__ = "thing"
        id: Mapped[int] = mapped_column(primary_key=True, init=False, compare=False)
        name: Mapped[str] = mapped_column(sa.String(20), hash=False)
        size: Mapped[int] = mapped_column(default=3, init=False)
        double: Mapped[int] = orm.column_property(size * 2)
        meta: Mapped[str] = mapped_column(sa.String(5), default="m", dataclass_metadata={"k": 1})

    class Quiet(Base, eq=False, order=False, repr=False):
        __tablename__ = "quiet"
        id: Mapped[int] = mapped_column(primary_key=True)

    class KwBase(orm.MappedAsDataclass, orm.DeclarativeBase, kw_only=True):
        pass

    class Kw(KwBase):
        __tablename__ = "kw"
        id: Mapped[int] = mapped_column(primary_key=True, default=None)
        name: Mapped[str]

    return {"Base": Base, "Stamp": Stamp, "Thing": Thing, "Quiet": Quiet, "Kw": Kw}


def _fields(cls: type) -> list[tuple[Any, ...]]:
    return [
        (
            f.name,
            f.init,
            f.repr,
            f.compare,
            f.hash,
            f.kw_only,
            dict(f.metadata),
            repr(f.default) if f.default is not dataclasses.MISSING else None,
            f.default_factory is not dataclasses.MISSING,
        )
        for f in dataclasses.fields(cls)
    ]


def _describe_docs_models(sa: ModuleType) -> Out:
    m = build_docs_models(sa)
    User, Address = m["User"], m["Address"]
    u = User("spongebob")
    a = Address("sb@x.org", user=u)
    return [
        str(inspect.signature(User.__init__)),
        str(inspect.signature(Address.__init__)),
        _fields(User),
        _fields(Address),
        repr(User("x", fullname="X", status="old")),
        repr(u.addresses),
        u.addresses[0] is a,
        User("x") == User("x"),
        User("x") == User("y"),
        User.__hash__ is None,
        dataclasses.is_dataclass(User),
        dataclasses.asdict(User("z")),
        sorted(c.name for c in User.__table__.c if c.default is not None),
    ]


def test_docs_models_match_sqlalchemy() -> None:
    assert _describe_docs_models(ferro) == _describe_docs_models(real)


def _describe_option_models(sa: ModuleType) -> Out:
    m = build_option_models(sa)
    Thing, Quiet, Kw = m["Thing"], m["Quiet"], m["Kw"]
    t = Thing("a", created=1)
    return [
        str(inspect.signature(Thing.__init__)),
        str(inspect.signature(Kw.__init__)),
        _fields(Thing),
        _fields(Kw),
        repr(t),
        t.size,
        "size" in t.__dict__,
        t == Thing("a", created=1),
        t == Thing("a", created=2),
        hash(t) == hash(Thing("b", created=1)),
        Thing("a") < Thing("b"),
        Quiet(1) == Quiet(1),
        repr(Quiet(1)).startswith("<"),
        repr(Kw(name="k")),
        dataclasses.replace(t, name="c").name,
    ]


def test_field_and_class_options_match_sqlalchemy() -> None:
    assert _describe_option_models(ferro) == _describe_option_models(real)


def docs_scenario(sa: ModuleType, orm: Any, m: dict[str, Any], engine: Any, out: Out) -> None:
    User, Address = m["User"], m["Address"]
    log = record(engine)
    with orm.Session(engine) as s:
        u = User("spongebob", addresses=[Address("sb@x.org")])
        s.add_all([u, User("sandy", fullname="Sandy Cheeks", status="old")])
        s.commit()
        # ferroalchemy keeps rows whose defaults differ in one multi-row INSERT; SQLAlchemy splits them.
        log.statements.clear()
        rows = s.execute(sa.select(User.__table__).order_by(User.id)).all()
        phase(out, log, "rows written", [tuple(r) for r in rows])
        s.expunge_all()
        users = s.scalars(sa.select(User).order_by(User.id)).all()
        phase(out, log, "loaded", [repr(x) for x in users])
        phase(out, log, "lazy load", repr(users[0].addresses))
        phase(out, log, "identity map", s.get(User, users[0].id) is users[0])
        phase(out, log, "equality", users[0] == User("spongebob", status="new"))
        users[1].fullname = "Sandy"
        users[1].addresses.append(Address("sandy@x.org"))
        s.commit()
        phase(out, log, "update", s.execute(sa.select(User.fullname).order_by(User.id)).scalars().all())
        phase(out, log, "backref", repr(s.scalars(sa.select(Address).order_by(Address.id)).all()[1].user))


def test_flush_and_load_match_sqlalchemy(backend: str = "sqlite") -> None:
    expected, got = run_both(build_docs_models, backend, docs_scenario)
    assert got == expected


@pytest.mark.parametrize("backend", BACKENDS[1:])
def test_flush_and_load_on_servers(backend: str) -> None:
    test_flush_and_load_match_sqlalchemy(backend)


def options_scenario(sa: ModuleType, orm: Any, m: dict[str, Any], engine: Any, out: Out) -> None:
    Thing = m["Thing"]
    log = record(engine)
    with orm.Session(engine) as s:
        t = Thing("a", created=1)
        s.add(t)
        s.commit()
        phase(out, log, "row", [tuple(r) for r in s.execute(sa.select(Thing.__table__)).all()])
        phase(out, log, "after commit", repr(t))
        s.expunge_all()
        phase(out, log, "loaded", repr(s.scalars(sa.select(Thing)).one()))


def test_options_flush_match_sqlalchemy(backend: str = "sqlite") -> None:
    expected, got = run_both(build_option_models, backend, options_scenario)
    assert got == expected


@pytest.mark.parametrize("backend", BACKENDS[1:])
def test_options_flush_on_servers(backend: str) -> None:
    test_options_flush_match_sqlalchemy(backend)


def _error(fn: Any) -> tuple[str, str]:
    with pytest.raises(Exception) as info:
        fn()
    return type(info.value).__name__, str(info.value)


def _errors(sa: ModuleType) -> list[tuple[str, str]]:
    orm = _orm(sa)
    Mapped, mapped_column = orm.Mapped, orm.mapped_column

    class Base(orm.MappedAsDataclass, orm.DeclarativeBase):
        pass

    class Plain(orm.DeclarativeBase):
        pass

    def default_before_required() -> None:
        class Bad(Base):
            __tablename__ = "bad"
            id: Mapped[int] = mapped_column(primary_key=True, default=1)
            name: Mapped[str]

    def option_without_dataclass() -> None:
        class Bad(Plain):
            __tablename__ = "bad"
            id: Mapped[int] = mapped_column(primary_key=True, init=False)

    def relationship_option_without_dataclass() -> None:
        class Bad2(Plain):
            __tablename__ = "bad2"
            id: Mapped[int] = mapped_column(primary_key=True)
            other: Mapped[Optional["Bad2"]] = orm.relationship(default=None)  # noqa: UP045

    def mixin_not_a_dataclass() -> None:
        class Mixin:
            x: Mapped[int] = mapped_column(default=0)

        class Bad(Mixin, Base):
            __tablename__ = "bad"
            id: Mapped[int] = mapped_column(primary_key=True)

    def unknown_class_argument() -> None:
        class Bad(Base, frozen=True):
            __tablename__ = "bad"
            id: Mapped[int] = mapped_column(primary_key=True)

    def decorated_subclass_of_dataclass_base() -> None:
        class Mixin(orm.MappedAsDataclass):
            pass

        orm.registry().mapped_as_dataclass(Mixin)

    return [
        _error(default_before_required),
        _error(option_without_dataclass),
        _error(relationship_option_without_dataclass),
        _error(mixin_not_a_dataclass),
        _error(unknown_class_argument),
        _error(decorated_subclass_of_dataclass_base),
    ]


def test_errors_match_sqlalchemy() -> None:
    assert [(t, m.replace("ferroalchemy", "sqlalchemy")) for t, m in _errors(ferro)] == _errors(real)


def _decorated(sa: ModuleType) -> Out:
    orm = _orm(sa)
    Mapped, mapped_column = orm.Mapped, orm.mapped_column
    reg = orm.registry()

    @reg.mapped_as_dataclass(kw_only=True)
    class Y:
        __tablename__ = "y"
        id: Mapped[int] = mapped_column(primary_key=True, init=False)
        name: Mapped[str]

    @orm.mapped_as_dataclass(reg)
    class Z:
        __tablename__ = "z"
        id: Mapped[int] = mapped_column(primary_key=True, init=False)
        name: Mapped[str] = mapped_column(default="q")

    @reg.mapped
    class X:
        __tablename__ = "x"
        id: Mapped[int] = mapped_column(primary_key=True)
        name: Mapped[str]

    engine = sa.create_engine("sqlite://")
    reg.metadata.create_all(engine)
    with orm.Session(engine) as s:
        s.add_all([Y(name="b"), Z(), X(id=5, name="x")])
        s.commit()
        rows = [
            s.execute(sa.select(Y.id, Y.name)).all(),
            s.execute(sa.select(Z.id, Z.name)).all(),
            s.execute(sa.select(X.id, X.name)).all(),
        ]
        loaded = [repr(s.scalars(sa.select(Y)).one()), repr(s.scalars(sa.select(Z)).one())]
    engine.dispose()
    return [
        str(inspect.signature(Y.__init__)),
        str(inspect.signature(Z.__init__)),
        repr(Y(name="b")),
        repr(Z()),
        dataclasses.is_dataclass(X),
        [tuple(r) for rs in rows for r in rs],
        loaded,
    ]


def test_registry_decorators_match_sqlalchemy() -> None:
    assert _decorated(ferro) == _decorated(real)


def test_instances_stay_orm_objects() -> None:
    m = build_docs_models(ferro)
    User, Address = m["User"], m["Address"]
    u = User("a")
    assert ferro.inspect(u).transient
    assert "fullname" not in u.__dict__  # the default comes from the attribute, not __init__
    assert u.fullname is None and u.status == "new"
    u.addresses.append(Address("e"))
    assert u.addresses[0].user is u  # back_populates keeps both sides in step
    engine = ferro.create_engine("sqlite://")
    m["Base"].metadata.create_all(engine)
    with ferro.orm.Session(engine) as s:
        s.add(u)
        s.flush()
        assert ferro.inspect(u).persistent and u.id == 1
        u.name = "b"
        assert u in s.dirty
        s.commit()
        assert s.scalar(ferro.select(User.name)) == "b"
    engine.dispose()


def test_plain_declarative_classes_are_not_dataclasses() -> None:
    orm = ferro.orm

    class Base(orm.DeclarativeBase):
        pass

    class P(Base):
        __tablename__ = "p"
        id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
        name: orm.Mapped[str] = orm.mapped_column(default="x")

    assert not dataclasses.is_dataclass(P)
    assert P.__setattr__ is Base.__setattr__
    assert P.__init__ is Base.__init__
    assert P.__table__.c.name.default.arg == "x"


def _unmapped_mixin(sa: ModuleType) -> Out:
    orm = _orm(sa)
    Mapped, mapped_column = orm.Mapped, orm.mapped_column

    @orm.unmapped_dataclass(kw_only=True)
    class Stamp:
        created: Mapped[int] = mapped_column(default=5)

    class Base(orm.MappedAsDataclass, orm.DeclarativeBase):
        pass

    class T(Stamp, Base):
        __tablename__ = "t"
        id: Mapped[int] = mapped_column(primary_key=True)

    @orm.mapped_as_dataclass(orm.registry())
    class U(Stamp):
        __tablename__ = "u"
        id: Mapped[int] = mapped_column(primary_key=True)

    return [
        str(inspect.signature(T.__init__)),
        repr(T(id=1)),
        repr(T(id=1, created=2)),
        type(Stamp.__dict__["created"]).__name__,
        str(inspect.signature(U.__init__)),
        repr(U(id=1)),
        T.__table__.c.created.default.arg,
    ]


def test_unmapped_dataclass_mixin_matches_sqlalchemy() -> None:
    assert _unmapped_mixin(ferro) == _unmapped_mixin(real)
