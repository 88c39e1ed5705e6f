"""Loader strategies configured on relationship() (noload, raise_on_sql) and the cascades beyond
save-update/delete (expunge, refresh-expire, merge, passive_deletes with ON DELETE CASCADE), run the
same way with SQLAlchemy 2.1 and ferroalchemy on SQLite, PostgreSQL and MySQL/MariaDB."""

import importlib
from collections.abc import Callable
from types import ModuleType
from typing import Any, Optional

import pytest

from orm.scenario_log import Out, phase, record, run_both
from sql.backends import BACKENDS, ferro, real


def build(sa: ModuleType) -> dict[str, Any]:
    orm = importlib.import_module(sa.__name__ + ".orm")
    Mapped, mapped_column, relationship = orm.Mapped, orm.mapped_column, orm.relationship

    class Base(orm.DeclarativeBase):
        pass

    class Parent(Base):
        __tablename__ = "ro_parent"
        id: Mapped[int] = mapped_column(primary_key=True)
        name: Mapped[str] = mapped_column(sa.String(20))
        kids: Mapped[list["Kid"]] = relationship(
            back_populates="parent", cascade="all, delete-orphan", passive_deletes=True, order_by="Kid.id"
        )
        quiet: Mapped[list["Kid"]] = relationship(lazy="noload", viewonly=True)
        strict: Mapped[list["Kid"]] = relationship(lazy="raise_on_sql", viewonly=True)

    class Kid(Base):
        __tablename__ = "ro_kid"
        id: Mapped[int] = mapped_column(primary_key=True)
        name: Mapped[str] = mapped_column(sa.String(20))
        parent_id: Mapped[Optional[int]] = mapped_column(  # noqa: UP045
            sa.ForeignKey("ro_parent.id", ondelete="CASCADE")
        )
        parent: Mapped[Optional[Parent]] = relationship(back_populates="kids", lazy="raise_on_sql")  # noqa: UP045

    return {"Base": Base, "Parent": Parent, "Kid": Kid}


def _seed(orm: ModuleType, m: dict[str, Any], engine: Any) -> None:
    Parent, Kid = m["Parent"], m["Kid"]
    with orm.Session(engine) as s:
        s.add_all([Parent(id=1, name="p", kids=[Kid(id=1, name="a"), Kid(id=2, name="b")]), Parent(id=2, name="q")])
        s.commit()


def _attempt(fn: Callable[[], Any]) -> Any:
    try:
        return fn()
    except Exception as e:  # noqa: BLE001 - the class and message are what is compared
        return type(e).__name__, str(e).split(" (Background")[0]


def loader_strategies(sa: ModuleType, orm: ModuleType, m: dict[str, Any], engine: Any, out: Out) -> None:
    Parent, Kid = m["Parent"], m["Kid"]
    _seed(orm, m, engine)
    log = record(engine)
    with orm.Session(engine) as s:
        p = s.get(Parent, 1)
        phase(out, log, "noload", (p.quiet, "quiet" in p.__dict__))
        phase(out, log, "raise_on_sql collection", _attempt(lambda: p.strict))
        k = s.get(Kid, 1)
        phase(out, log, "raise_on_sql many-to-one in the identity map", k.parent is p)
        k2 = s.scalars(sa.select(Kid).where(Kid.id == 2)).one()
        s.expunge(p)
        phase(out, log, "raise_on_sql many-to-one needing SQL", _attempt(lambda: k2.parent))
        lone = Kid(id=3, name="c")
        s.add(lone)
        s.flush()
        phase(out, log, "raise_on_sql with a NULL foreign key", lone.parent)


def expunge_and_refresh_cascades(sa: ModuleType, orm: ModuleType, m: dict[str, Any], engine: Any, out: Out) -> None:
    Parent = m["Parent"]
    _seed(orm, m, engine)
    log = record(engine)
    with orm.Session(engine) as s:
        p = s.get(Parent, 1)
        kids = list(p.kids)
        s.expunge(p)
        phase(out, log, "expunge cascades", [k in s for k in kids])
    with orm.Session(engine) as s:
        p = s.get(Parent, 1)
        a = p.kids[0]
        a.name = "changed"
        s.expire(p)
        phase(out, log, "expire cascades", ("name" in a.__dict__, a in s.dirty))
        phase(out, log, "reload", (a.name, p.name))
        a.name = "again"
        s.refresh(p)
        phase(out, log, "refresh cascades", (a.name, [k.name for k in p.kids]))


def merge_cascade(sa: ModuleType, orm: ModuleType, m: dict[str, Any], engine: Any, out: Out) -> None:
    Parent, Kid = m["Parent"], m["Kid"]
    _seed(orm, m, engine)
    log = record(engine)
    with orm.Session(engine) as s:
        p = s.get(Parent, 1)
        p.kids  # noqa: B018 - loaded before detaching
    p.kids[0].name = "merged"
    p.kids.append(Kid(id=9, name="new"))
    with orm.Session(engine) as s:
        merged = s.merge(p)
        phase(out, log, "merge", ([k.name for k in merged.kids], merged is p))
        s.commit()
        phase(out, log, "flush", s.scalars(sa.select(Kid.name).order_by(Kid.id)).all())


def passive_deletes(sa: ModuleType, orm: ModuleType, m: dict[str, Any], engine: Any, out: Out) -> None:
    Parent, Kid = m["Parent"], m["Kid"]
    _seed(orm, m, engine)
    log = record(engine)
    with orm.Session(engine) as s:
        s.delete(s.get(Parent, 1))
        s.commit()
        sqlite = engine.dialect.name == "sqlite"  # no foreign key enforcement there unless asked
        phase(out, log, "unloaded children left to ON DELETE", sqlite or s.scalars(sa.select(Kid.id)).all())
    with orm.Session(engine) as s:
        q = s.get(Parent, 2)
        q.kids.append(Kid(id=5, name="e"))
        s.commit()
        q.kids  # noqa: B018 - loaded children are deleted by the ORM
        s.delete(q)
        s.commit()
        phase(out, log, "loaded children deleted", s.scalars(sa.select(Kid.id).where(Kid.id == 5)).all())


SCENARIOS: list[Callable[..., None]] = [loader_strategies, expunge_and_refresh_cascades, merge_cascade, passive_deletes]


@pytest.mark.filterwarnings("ignore:The ``noload`` loader strategy is deprecated")
@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda f: f.__name__)
def test_same_as_sqlalchemy(backend: str, scenario: Callable[..., None]) -> None:
    expected, got = run_both(build, backend, scenario)
    assert got == expected


@pytest.mark.parametrize("sa", [real, ferro], ids=["sqlalchemy", "ferroalchemy"])
def test_noload_is_deprecated_as_in_sqlalchemy_2_1(sa: ModuleType) -> None:
    with pytest.warns(sa.exc.SADeprecationWarning, match="``noload`` loader strategy is deprecated"):
        build(sa)["Base"].registry.configure()
