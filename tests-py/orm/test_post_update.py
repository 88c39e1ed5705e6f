"""relationship(post_update=True) for two tables that reference each other: the foreign key is
written by an UPDATE after the INSERTs and cleared by one before the DELETEs, statement for statement
as SQLAlchemy 2.1 does. SQLite only: create_all() of mutually dependent tables (ALTER TABLE ADD
CONSTRAINT on the servers) is outside this feature, so the tables are created one CREATE TABLE each."""

import importlib
from collections.abc import Callable
from types import ModuleType
from typing import Any, Optional

from conftest import record_sql
from sql.backends import ferro, real


def _scenario(sa: ModuleType) -> list[Any]:
    orm = importlib.import_module(sa.__name__ + ".orm")
    schema = importlib.import_module(sa.__name__ + ".schema")
    Mapped, mapped_column, relationship = orm.Mapped, orm.mapped_column, orm.relationship

    class Base(orm.DeclarativeBase):
        pass

    class Entry(Base):
        __tablename__ = "pu_entry"
        entry_id: Mapped[int] = mapped_column(primary_key=True)
        widget_id: Mapped[int] = mapped_column(sa.ForeignKey("pu_widget.widget_id"))
        name: Mapped[str]

    class Widget(Base):
        __tablename__ = "pu_widget"
        widget_id: Mapped[int] = mapped_column(primary_key=True)
        favorite_entry_id: Mapped[Optional[int]] = mapped_column(  # noqa: UP045
            sa.ForeignKey("pu_entry.entry_id", name="fk_favorite_entry")
        )
        name: Mapped[str]
        entries = relationship(Entry, primaryjoin="Widget.widget_id == Entry.widget_id")
        favorite_entry = relationship(Entry, primaryjoin="Widget.favorite_entry_id == Entry.entry_id", post_update=True)

    engine = sa.create_engine("sqlite://")
    with engine.begin() as conn:
        conn.execute(schema.CreateTable(Entry.__table__))
        conn.execute(schema.CreateTable(Widget.__table__))
    log = record_sql(engine)
    out: list[Any] = []

    def phase(value: Callable[[], Any]) -> None:
        """The statements of the step just run, then what the objects hold (which may load)."""
        # Up to WHERE: the lazy-load criteria are spelt `? = col` by SQLAlchemy, `col = ?` here.
        sent = [s.split(" WHERE ")[0] for s in log if s.split()[0] not in ("BEGIN", "COMMIT")]
        log.clear()
        out.append((sent, value()))

    with orm.Session(engine) as s:
        w = Widget(name="w")
        first = Entry(name="first")
        w.favorite_entry = first
        w.entries = [first]
        s.add_all([w, first])
        s.commit()
        phase(lambda: (w.favorite_entry_id, first.widget_id))
        second = Entry(name="second")
        w.entries.append(second)
        w.favorite_entry = second
        s.commit()
        phase(lambda: (w.favorite_entry_id, len(s.dirty)))
        for e in list(w.entries):
            s.delete(e)
        s.delete(w)
        s.commit()
        phase(lambda: s.scalar(sa.select(sa.func.count()).select_from(Widget)))
    return out


def test_post_update_same_statements_as_sqlalchemy() -> None:
    got = _scenario(ferro)
    assert got[0][0][-1].startswith("UPDATE pu_widget SET favorite_entry_id=?")
    assert got == _scenario(real)
