"""``@validates`` on columns, collections and many-to-one attributes (``include_removes``,
``include_backrefs``), run the same way with SQLAlchemy 2.1 and ferroalchemy: which calls the
validators see, what gets stored, and what the flush writes."""

import importlib
from collections.abc import Callable
from types import ModuleType
from typing import Any, Optional

import pytest

from orm.scenario_log import Out, phase, record, run_both
from sql.backends import BACKENDS, ferro, real


def build(sa: ModuleType) -> dict[str, Any]:
    orm = importlib.import_module(sa.__name__ + ".orm")
    Mapped, mapped_column, relationship, validates = orm.Mapped, orm.mapped_column, orm.relationship, orm.validates
    calls: list[Any] = []

    class Base(orm.DeclarativeBase):
        pass

    class Team(Base):
        __tablename__ = "va_team"
        id: Mapped[int] = mapped_column(primary_key=True)
        name: Mapped[str] = mapped_column(sa.String(30))
        members: Mapped[list["Member"]] = relationship(back_populates="team", order_by="Member.id")
        tags: Mapped[set["Tag"]] = relationship(back_populates="team")

        @validates("name")
        def _name(self, key: str, value: str) -> str:
            calls.append(("Team", key, value))
            if not value:
                raise ValueError("a team needs a name")
            return value.strip().title()

        @validates("members", include_removes=True)
        def _members(self, key: str, member: Any, is_remove: bool) -> Any:
            calls.append(("Team", key, member.name, is_remove))
            if not is_remove and member.name.startswith("x"):
                # What the validator returns is what the collection holds.
                return Member(id=member.id, name=member.name[1:])
            return member

        @validates("tags", include_backrefs=False)
        def _tags(self, key: str, tag: Any) -> Any:
            calls.append(("Team", key, tag.label))
            return tag

    class Member(Base):
        __tablename__ = "va_member"
        id: Mapped[int] = mapped_column(primary_key=True)
        name: Mapped[str] = mapped_column(sa.String(30))
        email: Mapped[Optional[str]] = mapped_column(sa.String(50))  # noqa: UP045
        team_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("va_team.id"))  # noqa: UP045
        team: Mapped[Optional[Team]] = relationship(back_populates="members")  # noqa: UP045

        @validates("email", "team")
        def _email_or_team(self, key: str, value: Any) -> Any:
            calls.append(("Member", key, value if key == "email" else getattr(value, "name", None)))
            if key == "email" and value is not None:
                if "@" not in value:
                    raise ValueError(f"bad email {value!r}")
                return value.lower()
            return value

    class Tag(Base):
        __tablename__ = "va_tag"
        id: Mapped[int] = mapped_column(primary_key=True)
        label: Mapped[str] = mapped_column(sa.String(30))
        team_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("va_team.id"))  # noqa: UP045
        team: Mapped[Team | None] = relationship(back_populates="tags")

    return {"Base": Base, "Team": Team, "Member": Member, "Tag": Tag, "calls": calls}


def _attempt(fn: Callable[[], Any]) -> Any:
    try:
        return fn()
    except Exception as e:  # noqa: BLE001 - the class and message are what is compared
        return type(e).__name__, str(e)


def _taken(calls: list[Any]) -> list[Any]:
    out = list(calls)
    calls.clear()
    return out


def columns_and_constructor(sa: ModuleType, orm: ModuleType, m: dict[str, Any], engine: Any, out: Out) -> None:
    Team, Member, calls = m["Team"], m["Member"], m["calls"]
    log = record(engine)
    t = Team(id=1, name="  red  ")
    mem = Member(id=1, name="ann", email="Ann@Example.COM")
    phase(out, log, "constructor", (t.name, mem.email, _taken(calls)))
    phase(out, log, "rejected", (_attempt(lambda: Member(id=2, name="bob", email="nope")), _taken(calls)))
    phase(out, log, "rejected set", (_attempt(lambda: setattr(t, "name", "")), t.name, _taken(calls)))
    with orm.Session(engine) as s:
        s.add_all([t, mem])
        s.commit()
        mem.name  # noqa: B018 - loaded again after the commit expired it
        mem.email = "NEW@X.ORG"
        s.commit()
        phase(out, log, "flushed", (s.scalars(sa.select(Member.email)).all(), _taken(calls)))
    with orm.Session(engine) as s:
        loaded = s.get(Member, 1)
        phase(out, log, "loading does not validate", (loaded.email, _taken(calls)))


def collections(sa: ModuleType, orm: ModuleType, m: dict[str, Any], engine: Any, out: Out) -> None:
    Team, Member, calls = m["Team"], m["Member"], m["calls"]
    log = record(engine)
    with orm.Session(engine) as s:
        t = Team(id=1, name="blue", members=[Member(id=1, name="a"), Member(id=2, name="xb")])
        phase(out, log, "bulk set", ([x.name for x in t.members], _taken(calls)))
        t.members.append(Member(id=3, name="xc"))
        t.members.insert(0, Member(id=4, name="d"))
        t.members.extend([Member(id=5, name="e")])
        phase(out, log, "append", ([x.name for x in t.members], _taken(calls)))
        gone = t.members[1]
        t.members.remove(gone)
        t.members.pop()
        phase(out, log, "remove", ([x.name for x in t.members], _taken(calls)))
        s.add(t)
        s.commit()
        phase(out, log, "flushed", (s.scalars(sa.select(Member.name).where(Member.team_id == 1)).all(), _taken(calls)))
        t.members = [t.members[0], Member(id=6, name="f")]
        # SQLAlchemy reports each removal of a bulk replace twice (the collection's event, then
        # the backref's); ferroalchemy once.
        phase(out, log, "replace", ([x.name for x in t.members], list(dict.fromkeys(_taken(calls)))))
        s.commit()
        phase(out, log, "loaded", ([x.name for x in t.members], _taken(calls)))
        t.members[0].team  # noqa: B018 - loaded, so the backref has a value to clear
        _taken(calls)
        t.members[0] = Member(id=7, name="xg")
        phase(out, log, "setitem", ([x.name for x in t.members], _taken(calls)))


def backrefs(sa: ModuleType, orm: ModuleType, m: dict[str, Any], engine: Any, out: Out) -> None:
    Team, Member, Tag, calls = m["Team"], m["Member"], m["Tag"], m["calls"]
    log = record(engine)
    with orm.Session(engine) as s:
        red, blue = Team(id=1, name="red"), Team(id=2, name="blue")
        _taken(calls)
        mem = Member(id=1, name="m", team=red)
        phase(out, log, "many-to-one set reaches the collection", ([x.name for x in red.members], _taken(calls)))
        mem.team = blue
        phase(out, log, "moved", ([x.name for x in red.members], [x.name for x in blue.members], _taken(calls)))
        blue.members.append(Member(id=2, name="n"))
        phase(out, log, "collection append reaches the many-to-one", _taken(calls))
        tag = Tag(id=1, label="t", team=red)
        phase(out, log, "include_backrefs=False", ([x.label for x in red.tags], _taken(calls)))
        red.tags.add(Tag(id=2, label="u"))
        red.tags.add(tag)
        phase(out, log, "set add", (sorted(x.label for x in red.tags), _taken(calls)))
        s.add_all([red, blue])
        s.commit()
        tag.team  # noqa: B018 - loaded, so the backref has a value to clear
        red.tags.discard(tag)
        phase(out, log, "set discard", (sorted(x.label for x in red.tags), tag.team is None, _taken(calls)))


SCENARIOS: list[Callable[..., None]] = [columns_and_constructor, collections, backrefs]


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda f: f.__name__)
def test_same_as_sqlalchemy(backend: str, scenario: Callable[..., None]) -> None:
    expected, got = run_both(build, backend, scenario)
    assert got == expected


@pytest.mark.parametrize("sa", [real, ferro], ids=["sqlalchemy", "ferroalchemy"])
def test_two_validators_for_one_attribute_is_an_error(sa: ModuleType) -> None:
    orm = importlib.import_module(sa.__name__ + ".orm")

    class Base(orm.DeclarativeBase):
        pass

    with pytest.raises(sa.exc.InvalidRequestError, match="A validation function for mapped attribute 'name'"):

        class Thing(Base):
            __tablename__ = "va_thing"
            id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
            name: orm.Mapped[str]

            @orm.validates("name")
            def one(self, key: str, value: str) -> str:
                return value

            @orm.validates("name")
            def two(self, key: str, value: str) -> str:
                return value

        orm.configure_mappers()


def test_classes_without_validators_keep_the_plain_write_path() -> None:
    orm = ferro.orm

    class Base(orm.DeclarativeBase):
        pass

    class Plain(Base):
        __tablename__ = "va_plain"
        id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
        name: orm.Mapped[str]
        kids: orm.Mapped[list["Kid"]] = orm.relationship()

    class Kid(Base):
        __tablename__ = "va_kid"
        id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
        plain_id: orm.Mapped[int] = orm.mapped_column(ferro.ForeignKey("va_plain.id"))

    mapper = Plain.__mapper__
    assert "set" not in vars(mapper.get_property("name"))
    assert mapper._plain_column_keys == {"id", "name"}
    assert type(Plain().kids) is orm.InstrumentedList
