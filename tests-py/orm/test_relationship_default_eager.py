"""relationship(lazy="joined" / "subquery" / "immediate") as the relationship's default strategy:
loaded with (or right after) every query of the parent unless an option says otherwise. Run the
same way with SQLAlchemy 2.1 and ferroalchemy: the objects loaded and how many statements it takes."""

import functools
import importlib
from collections.abc import Callable
from types import ModuleType
from typing import Any, Optional

import pytest

from orm.scenario_log import Out, phase, record, run, run_both
from sql.backends import BACKENDS, ferro, real


def build(sa: ModuleType, tags_lazy: str = "select") -> dict[str, Any]:
    orm = importlib.import_module(sa.__name__ + ".orm")
    Mapped, mapped_column, relationship = orm.Mapped, orm.mapped_column, orm.relationship

    class Base(orm.DeclarativeBase):
        pass

    tagging = sa.Table(
        "de_tagging",
        Base.metadata,
        sa.Column("kid_id", sa.ForeignKey("de_kid.id"), primary_key=True),
        sa.Column("tag_id", sa.ForeignKey("de_tag.id"), primary_key=True),
    )

    class Parent(Base):
        __tablename__ = "de_parent"
        id: Mapped[int] = mapped_column(primary_key=True)
        name: Mapped[str] = mapped_column(sa.String(20))
        kids: Mapped[list["Kid"]] = relationship(
            back_populates="parent", lazy="joined", order_by=lambda: sa.desc(Kid.id)
        )
        by_sub: Mapped[list["Kid"]] = relationship(lazy="subquery", order_by="Kid.id", viewonly=True)
        by_now: Mapped[list["Kid"]] = relationship(lazy="immediate", order_by="Kid.id", viewonly=True)

    class Kid(Base):
        __tablename__ = "de_kid"
        id: Mapped[int] = mapped_column(primary_key=True)
        name: Mapped[str] = mapped_column(sa.String(20))
        parent_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("de_parent.id"))  # noqa: UP045
        parent: Mapped[Optional[Parent]] = relationship(back_populates="kids", lazy="joined")  # noqa: UP045
        tags: Mapped[list["Tag"]] = relationship(secondary=tagging, lazy=tags_lazy, order_by="Tag.id")

    class Tag(Base):
        __tablename__ = "de_tag"
        id: Mapped[int] = mapped_column(primary_key=True)
        label: Mapped[str] = mapped_column(sa.String(20))

    return {"Base": Base, "Parent": Parent, "Kid": Kid, "Tag": Tag}


def _seed(orm: ModuleType, m: dict[str, Any], engine: Any) -> None:
    Parent, Kid, Tag = m["Parent"], m["Kid"], m["Tag"]
    t1, t2 = Tag(id=1, label="x"), Tag(id=2, label="y")
    with orm.Session(engine) as s:
        s.add_all(
            [
                Parent(id=1, name="p", kids=[Kid(id=1, name="a", tags=[t1, t2]), Kid(id=2, name="b")]),
                Parent(id=2, name="q", kids=[Kid(id=3, name="c", tags=[t2])]),
                Parent(id=3, name="r"),
            ]
        )
        s.commit()


def _tree(parents: Any) -> list[Any]:
    return [(p.name, [k.name for k in p.kids], [k.name for k in p.by_sub], [k.name for k in p.by_now]) for p in parents]


def defaults(sa: ModuleType, orm: ModuleType, m: dict[str, Any], engine: Any, out: Out) -> None:
    Parent, Kid = m["Parent"], m["Kid"]
    _seed(orm, m, engine)
    log = record(engine)
    with orm.Session(engine) as s:
        parents = s.scalars(sa.select(Parent).order_by(Parent.id)).unique().all()
        phase(
            out, log, "select loads every default", [p.__dict__.keys() >= {"kids", "by_sub", "by_now"} for p in parents]
        )
        phase(out, log, "no more SQL", _tree(parents))
    with orm.Session(engine) as s:
        p = s.get(Parent, 1)
        phase(out, log, "get", _tree([p]))
    with orm.Session(engine) as s:
        k = s.get(Kid, 3)
        phase(out, log, "many-to-one joined", (k.parent.name, "kids" in k.parent.__dict__))
    with orm.Session(engine) as s:
        kids = s.scalars(sa.select(Kid).where(Kid.parent_id == 1).order_by(Kid.id)).unique().all()
        phase(out, log, "lazy load of a joined collection", [k.name for k in kids[0].parent.kids])


def options_override(sa: ModuleType, orm: ModuleType, m: dict[str, Any], engine: Any, out: Out) -> None:
    Parent = m["Parent"]
    _seed(orm, m, engine)
    log = record(engine)
    keys = ("kids", "by_sub", "by_now")
    with orm.Session(engine) as s:
        stmt = sa.select(Parent).options(
            orm.lazyload(Parent.kids), orm.lazyload(Parent.by_sub), orm.lazyload(Parent.by_now)
        )
        parents = s.scalars(stmt.order_by(Parent.id)).all()
        phase(out, log, "lazyload()", [[k in p.__dict__ for k in keys] for p in parents])
        phase(out, log, "then lazy loads", _tree(parents[:1]))
    with orm.Session(engine) as s:
        stmt = sa.select(Parent).options(orm.raiseload(Parent.kids), orm.raiseload(Parent.by_now))
        p = s.scalars(stmt.where(Parent.id == 1)).one()
        try:
            p.kids  # noqa: B018
            raised = False
        except sa.exc.InvalidRequestError:
            raised = True
        phase(out, log, "raiseload()", (raised, [k.name for k in p.by_sub]))
    with orm.Session(engine) as s:
        parents = s.scalars(sa.select(Parent).options(orm.selectinload(Parent.kids)).order_by(Parent.id)).all()
        phase(out, log, "selectinload()", _tree(parents))
    with orm.Session(engine) as s:
        parents = s.scalars(sa.select(Parent).options(orm.defaultload(Parent.kids)).order_by(Parent.id)).unique()
        phase(out, log, "defaultload() keeps the default", _tree(parents.all()))


def immediateload_option(sa: ModuleType, orm: ModuleType, m: dict[str, Any], engine: Any, out: Out) -> None:
    Parent = m["Parent"]
    _seed(orm, m, engine)
    log = record(engine)
    with orm.Session(engine) as s:
        stmt = sa.select(Parent).options(orm.immediateload(Parent.kids), orm.immediateload(Parent.by_sub))
        parents = s.scalars(stmt.order_by(Parent.id)).all()
        phase(out, log, "immediateload()", [p.__dict__.keys() >= {"kids", "by_sub", "by_now"} for p in parents])
        phase(out, log, "no more SQL", _tree(parents))


SCENARIOS: list[Callable[..., None]] = [defaults, options_override, immediateload_option]


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda f: f.__name__)
def test_same_as_sqlalchemy(backend: str, scenario: Callable[..., None]) -> None:
    expected, got = run_both(build, backend, scenario)
    assert got == expected


def _values_only(out: Out) -> list[Any]:
    return [(name, value) for name, value, _ in out]


def limited_and_many_to_many(sa: ModuleType, orm: ModuleType, m: dict[str, Any], engine: Any, out: Out) -> None:
    Parent, Kid = m["Parent"], m["Kid"]
    _seed(orm, m, engine)
    log = record(engine)
    with orm.Session(engine) as s:
        parents = s.scalars(sa.select(Parent).order_by(Parent.id).limit(2)).unique().all()
        phase(out, log, "LIMIT with a joined collection", _tree(parents))
        kids = s.scalars(sa.select(Kid).order_by(Kid.id)).unique().all()
        phase(out, log, "many-to-many", [(k.name, [t.label for t in k.tags], "tags" in k.__dict__) for k in kids])


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_what_cannot_be_joined_loads_the_same_objects(backend: str) -> None:
    # A LIMIT with a joined collection (SQLAlchemy wraps the statement in a subquery) and a
    # many-to-many load as selectinload() would here: the same objects, in one more statement.
    m2m_joined = functools.partial(build, tags_lazy="joined")
    expected = run(real, m2m_joined, backend, limited_and_many_to_many)
    got = run(ferro, m2m_joined, backend, limited_and_many_to_many)
    assert _values_only(got) == _values_only(expected)


def test_mappers_without_eager_relationships_keep_the_plain_paths() -> None:
    m = build(ferro, tags_lazy="joined")
    assert m["Tag"].__mapper__._has_eager is False
    assert m["Tag"].__mapper__._default_joined == ()
    assert [p.key for p in m["Kid"].__mapper__._default_joined] == ["parent", "tags"]
