"""relationship() configuration, run the same way with SQLAlchemy 2.1 and ferroalchemy on SQLite,
PostgreSQL and MySQL/MariaDB: backref, adjacency lists (remote_side), several foreign keys to one
table (foreign_keys), primaryjoin/secondaryjoin, order_by and set collections. Each scenario records
what a user sees and how many statements each phase sends; both libraries must record the same."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from types import ModuleType
from typing import Any

import pytest

from orm.rel_config_models import build
from orm.scenario_log import Out, phase, record, run_both
from sql.backends import BACKENDS, ferro, real


def adjacency_list(sa: ModuleType, orm: ModuleType, m: dict[str, Any], engine: Any, out: Out) -> None:
    Node = m["Node"]
    log = record(engine)
    with orm.Session(engine) as s:
        root = Node(name="root")
        c1 = Node(name="c1", parent=root)
        Node(name="g", parent=c1)
        root.children.append(Node(name="c0"))
        phase(out, log, "in memory", ([c.name for c in root.children], c1.parent is root))
        s.add(root)
        s.commit()
        phase(out, log, "insert", None)
    with orm.Session(engine) as s:
        r = s.scalars(sa.select(Node).where(Node.name == "root")).one()
        shape = [(c.name, [g.name for g in c.children]) for c in r.children]
        phase(out, log, "lazy children", (shape, r.parent))
        g = s.scalars(sa.select(Node).where(Node.name == "g")).one()
        phase(out, log, "lazy parent", (g.parent.name, g.parent.parent.name))
        marked = (sorted(k.name for k in r.kids), g.up.name, r.up)
        phase(out, log, "foreign()/remote() marked joins", marked)
        g.parent = r
        s.commit()
        phase(out, log, "move", sorted(c.name for c in r.children))
    with orm.Session(engine) as s:
        nodes = s.scalars(sa.select(Node).options(orm.selectinload(Node.children))).all()
        phase(out, log, "selectin", sorted((n.name, sorted(c.name for c in n.children)) for n in nodes))
    with orm.Session(engine) as s:
        for n in s.scalars(sa.select(Node).order_by(Node.id)).all():
            s.delete(n)
        s.commit()
        phase(out, log, "delete all", s.scalar(sa.select(sa.func.count()).select_from(Node)))


def backref_and_order_by(sa: ModuleType, orm: ModuleType, m: dict[str, Any], engine: Any, out: Out) -> None:
    Author, Book = m["Author"], m["Book"]
    log = record(engine)
    with orm.Session(engine) as s:
        b1, b2 = Book(title="b", published=True), Book(title="c", published=False)
        a = Author(name="ann", books=[b1, b2])
        b3 = Book(title="a", published=True, author=a)
        phase(out, log, "in memory", (b1.author is a, [b.title for b in a.books]))
        s.add(b3)
        s.commit()
        phase(out, log, "insert", None)
        a.books.remove(b2)
        s.commit()
        phase(out, log, "remove", (b2.author, b2.author_id))
    with orm.Session(engine) as s:
        a = s.scalars(sa.select(Author)).one()
        phase(out, log, "lazy ordered", [b.title for b in a.books])
        phase(out, log, "primaryjoin extra criteria", [b.title for b in a.published])
        phase(out, log, "backref lazy", a.books[0].author is a)
        joined = s.execute(sa.select(Author.name, Book.title).join(Author.published).order_by(Book.title)).all()
        phase(out, log, "join along primaryjoin", [tuple(r) for r in joined])
        books = s.scalars(sa.select(Book).options(orm.selectinload(Book.author)).order_by(Book.title)).all()
        phase(out, log, "selectin backref", [(b.title, b.author.name if b.author else None) for b in books])


def set_collection_m2m_backref(sa: ModuleType, orm: ModuleType, m: dict[str, Any], engine: Any, out: Out) -> None:
    Author, Tag = m["Author"], m["Tag"]
    log = record(engine)
    with orm.Session(engine) as s:
        py, db = Tag(name="py"), Tag(name="db")
        s.add_all([py, db])
        a = Author(name="ann", tags={py})
        a.tags.add(db)
        a.tags.add(db)
        phase(out, log, "in memory", (isinstance(a.tags, set), sorted(t.name for t in a.tags), len(py.authors)))
        s.add(a)
        s.commit()
        phase(out, log, "insert", None)
    with orm.Session(engine) as s:
        a = s.scalars(sa.select(Author)).one()
        tags = a.tags
        phase(out, log, "lazy", (isinstance(tags, set), sorted(t.name for t in tags)))
        db = next(t for t in tags if t.name == "db")
        tags.discard(db)
        phase(out, log, "discard syncs backref", [x.name for x in db.authors])
        s.commit()
        link = m["Base"].metadata.tables["rc_author_tag"]
        rows = s.execute(sa.select(link.c.tag_id)).all()
        phase(out, log, "association rows", [tuple(r) for r in rows])


def several_foreign_keys(sa: ModuleType, orm: ModuleType, m: dict[str, Any], engine: Any, out: Out) -> None:
    Customer, Place = m["Customer"], m["Place"]
    log = record(engine)
    with orm.Session(engine) as s:
        home = Place(street="home")
        s.add(Customer(name="c", billing=home, shipping=Place(street="work")))
        s.add(Customer(name="d", billing=home, shipping=home))
        s.commit()
        phase(out, log, "insert", None)
    with orm.Session(engine) as s:
        s.add(m["Note"](text="n", place_ref=cs_home_id(s, sa, Place)))
        s.flush()
        log.statements.clear()
        cs = s.scalars(sa.select(Customer).order_by(Customer.name)).all()
        phase(out, log, "lazy", [(c.billing.street, c.shipping.street) for c in cs])
        rows = s.execute(sa.select(Customer.name, Place.street).join(Customer.shipping).order_by(Customer.name)).all()
        phase(out, log, "join", [tuple(r) for r in rows])
        phase(out, log, "foreign() without a ForeignKey", [n.text for n in cs[0].billing.notes])


def cs_home_id(s: Any, sa: ModuleType, Place: Any) -> int:  # noqa: N803 - a mapped class
    return s.scalar(sa.select(Place.id).where(Place.street == "home"))


def self_referential_m2m(sa: ModuleType, orm: ModuleType, m: dict[str, Any], engine: Any, out: Out) -> None:
    Person = m["Person"]
    log = record(engine)
    with orm.Session(engine) as s:
        a, b, c = Person(name="a"), Person(name="b"), Person(name="c")
        a.friends = [c, b]
        c.friends.append(a)
        s.add_all([a, b, c])
        s.commit()
        phase(out, log, "insert", None)
    with orm.Session(engine) as s:
        a = s.scalars(sa.select(Person).where(Person.name == "a")).one()
        phase(out, log, "lazy ordered", [p.name for p in a.friends])
        b = a.friends[0]
        phase(out, log, "other side", [p.name for p in b.friends])
        a.friends.remove(b)
        s.commit()
        phase(out, log, "remove", s.execute(sa.select(sa.func.count()).select_from(m["friendship"])).scalar())


SCENARIOS: list[Callable[..., None]] = [
    adjacency_list,
    backref_and_order_by,
    set_collection_m2m_backref,
    several_foreign_keys,
    self_referential_m2m,
]


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda f: f.__name__)
def test_same_as_sqlalchemy(backend: str, scenario: Callable[..., None]) -> None:
    expected, got = run_both(build, backend, scenario)
    assert got == expected


def _ambiguous_error(sa: ModuleType, **kw: Any) -> tuple[str, str]:
    orm = importlib.import_module(sa.__name__ + ".orm")

    class Base(orm.DeclarativeBase):
        pass

    class Place(Base):
        __tablename__ = "place"
        id = orm.mapped_column(sa.Integer, primary_key=True)

    class Customer(Base):
        __tablename__ = "customer"
        id = orm.mapped_column(sa.Integer, primary_key=True)
        a_id = orm.mapped_column(sa.ForeignKey("place.id"))
        b_id = orm.mapped_column(sa.ForeignKey("place.id"))
        place = orm.relationship(Place, **kw)

    try:
        Base.registry.configure()
        return "ok", Customer.place.property.direction.name
    except Exception as e:  # noqa: BLE001 - the class and message are what is compared
        return type(e).__name__, str(e)
    finally:
        # A registry whose configuration failed must not fail the other tests' mappers.
        Base.registry.dispose()


def test_ambiguous_foreign_keys_and_their_resolution() -> None:
    err = _ambiguous_error(ferro)
    assert err[0] == "AmbiguousForeignKeysError"
    assert err == _ambiguous_error(real)
    assert _ambiguous_error(ferro, foreign_keys="Customer.b_id") == ("ok", "MANYTOONE")


@pytest.mark.parametrize("sa", [real, ferro], ids=["sqlalchemy", "ferroalchemy"])
def test_backref_onto_an_existing_attribute_is_refused(sa: ModuleType) -> None:
    orm = importlib.import_module(sa.__name__ + ".orm")

    class Base(orm.DeclarativeBase):
        pass

    class Shelf(Base):
        __tablename__ = "shelf"
        id = orm.mapped_column(sa.Integer, primary_key=True)
        volumes = orm.relationship("Volume", backref="shelf")

    class Volume(Base):
        __tablename__ = "volume"
        id = orm.mapped_column(sa.Integer, primary_key=True)
        shelf_id = orm.mapped_column(sa.ForeignKey("shelf.id"))
        shelf = orm.relationship(Shelf)

    try:
        with pytest.raises(
            sa.exc.ArgumentError,
            match=r"Error creating backref 'shelf' on relationship 'Shelf.volumes': property of that name exists "
            r"on mapper 'Mapper\[Volume\(volume\)\]'",
        ):
            Base.registry.configure()
    finally:
        Base.registry.dispose()


@pytest.mark.parametrize("sa", [real, ferro], ids=["sqlalchemy", "ferroalchemy"])
def test_registry_configure_creates_backrefs(sa: ModuleType) -> None:
    orm = importlib.import_module(sa.__name__ + ".orm")

    class Base(orm.DeclarativeBase):
        pass

    class Deck(Base):
        __tablename__ = "deck"
        id = orm.mapped_column(sa.Integer, primary_key=True)
        cards = orm.relationship("Card", backref=orm.backref("deck", lazy="raise"))

    class Card(Base):
        __tablename__ = "card"
        id = orm.mapped_column(sa.Integer, primary_key=True)
        deck_id = orm.mapped_column(sa.ForeignKey("deck.id"))

    try:
        Base.registry.configure()
        prop = Card.deck.property
        assert (prop.direction.name, prop.uselist, prop.lazy, prop.back_populates) == (
            "MANYTOONE",
            False,
            "raise",
            "cards",
        )
    finally:
        Base.registry.dispose()


def _self_m2m_error(sa: ModuleType) -> tuple[str, str]:
    orm = importlib.import_module(sa.__name__ + ".orm")

    class Base(orm.DeclarativeBase):
        pass

    link = sa.Table(
        "link",
        Base.metadata,
        sa.Column("a", sa.ForeignKey("peer.id"), primary_key=True),
        sa.Column("b", sa.ForeignKey("peer.id"), primary_key=True),
    )

    class Peer(Base):
        __tablename__ = "peer"
        id = orm.mapped_column(sa.Integer, primary_key=True)
        peers = orm.relationship("Peer", secondary=link)

    try:
        Base.registry.configure()
        return "ok", ""
    except Exception as e:  # noqa: BLE001 - the class and message are what is compared
        return type(e).__name__, str(e)
    finally:
        Base.registry.dispose()


def test_self_referential_many_to_many_needs_explicit_joins() -> None:
    err = _self_m2m_error(ferro)
    assert err[0] == "AmbiguousForeignKeysError"
    assert err == _self_m2m_error(real)
