"""``__mapper_args__ = {"eager_defaults": True}``: what the database generates on INSERT and UPDATE
(server defaults, SQL-expression defaults and onupdates, ``server_onupdate``) is loaded by the
flush, so reading it afterwards sends no SQL. Run the same way with SQLAlchemy 2.1 and
ferroalchemy on the three databases, counting statements."""

import importlib
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import sqlalchemy as real

import ferroalchemy as ferro
from conftest import record_sql
from sql.backends import BACKENDS, make_engine


def build(sa: ModuleType, eager: Any) -> dict[str, Any]:
    orm = importlib.import_module(sa.__name__ + ".orm")
    Mapped, mapped_column = orm.Mapped, orm.mapped_column

    class Base(orm.DeclarativeBase):
        pass

    class Row(Base):
        __tablename__ = "ed_row"
        __mapper_args__ = {"eager_defaults": eager}
        id: Mapped[int] = mapped_column(primary_key=True)
        name: Mapped[str] = mapped_column(sa.String(20))
        server: Mapped[int] = mapped_column(server_default=sa.text("7"))
        stamp: Mapped[int] = mapped_column(
            default=sa.func.abs(sa.literal_column("-3")), onupdate=sa.func.abs(sa.literal_column("-4"))
        )
        touched: Mapped[int] = mapped_column(server_default=sa.text("1"), server_onupdate=sa.FetchedValue())

    class Keyed(Base):
        __tablename__ = "ed_keyed"
        __mapper_args__ = {"eager_defaults": eager}
        id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
        server: Mapped[int] = mapped_column(server_default=sa.text("7"))

    return {"Base": Base, "Row": Row, "Keyed": Keyed}


def _scenario(sa: ModuleType, backend: str, tmp_path: Path, eager: Any) -> list[Any]:
    orm = importlib.import_module(sa.__name__ + ".orm")
    m = build(sa, eager)
    Row, Keyed = m["Row"], m["Keyed"]
    engine = make_engine(sa, backend, f"sqlite:///{tmp_path / (sa.__name__ + '.db')}")
    m["Base"].metadata.drop_all(engine)
    m["Base"].metadata.create_all(engine)
    log = record_sql(engine)
    out: list[Any] = []

    def phase(name: str, read: Any) -> None:
        flushed = len(log)
        values = read()
        out.append((name, flushed, values, len(log) - flushed))
        log.clear()

    try:
        with orm.Session(engine) as s:
            a, b = Row(name="a"), Row(name="b")
            s.add_all([a, b])
            s.flush()
            phase("insert", lambda: [(r.id, r.server, r.stamp, r.touched) for r in (a, b)])
            a.name, b.name = "aa", "bb"
            s.flush()
            phase("update", lambda: [(r.server, r.stamp, r.touched) for r in (a, b)])
            a.touched = 9
            s.flush()
            phase("update setting a generated column", lambda: (a.stamp, a.touched))
            k = [Keyed(id=5), Keyed(id=3), Keyed(id=4, server=1)]
            s.add_all(k)
            s.flush()
            phase("insert with keys", lambda: [(x.id, x.server) for x in k])
            s.commit()
    finally:
        m["Base"].metadata.drop_all(engine)
        engine.dispose()
    return out


@pytest.mark.parametrize("backend", BACKENDS)
def test_eager_defaults_load_generated_values_with_the_flush(backend: str, tmp_path: Path) -> None:
    ours = _scenario(ferro, backend, tmp_path, True)
    theirs = _scenario(real, backend, tmp_path, True)
    assert [(p, v, after) for p, _, v, after in ours] == [(p, v, after) for p, _, v, after in theirs]
    assert all(after == 0 for *_, after in ours), "nothing loads on access"
    assert ours[0][2] == [(1, 7, 3, 1), (2, 7, 3, 1)]
    assert ours[1][2] == [(7, 4, 1), (7, 4, 1)]
    if backend == "mysql":
        # MySQL returns no rows from INSERT/UPDATE: a SELECT per object reads them back (SQLAlchemy
        # uses RETURNING for the INSERT where the server is MariaDB >= 10.5).
        assert [n for _, n, *_ in ours] == [1 + 2, 1 + 2, 1 + 1, 2 + 2]
        assert [n for _, n, *_ in ours][1:3] == [n for _, n, *_ in theirs][1:3]
    else:
        assert [n for _, n, *_ in ours] == [n for _, n, *_ in theirs]


@pytest.mark.parametrize("backend", BACKENDS)
def test_auto_loads_update_generated_values_on_access(backend: str, tmp_path: Path) -> None:
    ours = _scenario(ferro, backend, tmp_path, "auto")
    update = ours[1]
    assert update[1] == 1, "one UPDATE statement, no RETURNING"
    assert update[2] == [(7, 4, 1), (7, 4, 1)]
    assert update[3] == 2, "the columns the UPDATE generated load on access, one SELECT per object"


def _typed_scenario(sa: ModuleType, backend: str, tmp_path: Path) -> list[Any]:
    orm = importlib.import_module(sa.__name__ + ".orm")

    class Base(orm.DeclarativeBase):
        pass

    # SQLite and MySQL have no identity columns: a server default stands in.
    counter_column = (
        orm.mapped_column(sa.Identity(start=100))
        if backend == "postgresql"
        else orm.mapped_column(server_default=sa.text("100"))
    )

    class Stamped(Base):
        __tablename__ = "ed_stamped"
        __mapper_args__ = {"eager_defaults": True}
        id: orm.Mapped[int] = orm.mapped_column(sa.Identity(), primary_key=True)
        counter: orm.Mapped[int] = counter_column
        created: orm.Mapped[Any] = orm.mapped_column(sa.DateTime, server_default=sa.func.now())
        flag: orm.Mapped[bool] = orm.mapped_column(server_default=sa.true())
        label: orm.Mapped[str] = orm.mapped_column(sa.String(10))

    engine = make_engine(sa, backend, f"sqlite:///{tmp_path / (sa.__name__ + '_t.db')}")
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)
    log = record_sql(engine)
    try:
        with orm.Session(engine) as s:
            objs = [Stamped(label="a"), Stamped(label="b")]
            s.add_all(objs)
            s.flush()
            log.clear()
            seen = [(o.id, o.counter, type(o.created).__name__, o.flag) for o in objs]
            assert log == [], "nothing loads on access"
            s.commit()
    finally:
        Base.metadata.drop_all(engine)
        engine.dispose()
    return seen


@pytest.mark.parametrize("backend", BACKENDS)
def test_eager_defaults_return_typed_values_and_identities(backend: str, tmp_path: Path) -> None:
    ours = _typed_scenario(ferro, backend, tmp_path)
    assert ours == _typed_scenario(real, backend, tmp_path)
    assert [o[0] for o in ours] == [1, 2]
    assert ours[0][2:] == ("datetime", True)
