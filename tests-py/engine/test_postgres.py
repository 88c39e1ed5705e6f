"""PostgreSQL through ferroalchemy's Rust driver (sqlx), compared with SQLAlchemy 2.1 on psycopg
reading and writing the same tables. The URL comes from FERRO_TEST_POSTGRES_URL (.ci/run sets it;
a server that does not answer fails the tests)."""

from __future__ import annotations

import datetime
import decimal
import os
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy

import ferroalchemy as sa
from ferroalchemy import exc
from ferroalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship, selectinload

URL = os.environ.get("FERRO_TEST_POSTGRES_URL")
pytestmark = pytest.mark.skipif(not URL, reason="FERRO_TEST_POSTGRES_URL is not set")


def tables(lib: Any) -> tuple[Any, Any]:
    m = lib.MetaData()
    t = lib.Table(
        "ferro_pg_types",
        m,
        lib.Column("id", lib.Integer, primary_key=True),
        lib.Column("name", lib.String(30)),
        lib.Column("big", lib.BigInteger),
        lib.Column("price", lib.Numeric(10, 2)),
        lib.Column("score", lib.Float),
        lib.Column("ok", lib.Boolean),
        lib.Column("at", lib.DateTime),
        lib.Column("at_tz", lib.DateTime(timezone=True)),
        lib.Column("day", lib.Date),
        lib.Column("tm", lib.Time),
        lib.Column("uid", lib.Uuid),
        lib.Column("data", lib.LargeBinary),
        lib.Column("body", lib.Text),
    )
    return m, t


ROWS = [
    {
        "name": "ann",
        "big": 2**40,
        "price": decimal.Decimal("1234.50"),
        "score": 0.1,
        "ok": True,
        "at": datetime.datetime(2024, 2, 29, 13, 5, 1, 250),
        "at_tz": datetime.datetime(2024, 2, 29, 13, 5, 1, tzinfo=datetime.timezone(datetime.timedelta(hours=2))),
        "day": datetime.date(1999, 12, 31),
        "tm": datetime.time(23, 59, 58, 999999),
        "uid": uuid.UUID("12345678-1234-5678-1234-567812345678"),
        "data": b"\x00\xff bytes",
        "body": "unicode: ✓ ß",
    },
    {k: None for k in ("name", "big", "price", "score", "ok", "at", "at_tz", "day", "tm", "uid", "data", "body")},
    {
        "name": "neg",
        "big": -(2**62),
        "price": decimal.Decimal("-0.05"),
        "score": -1e300,
        "ok": False,
        "at": datetime.datetime(1960, 1, 1),
        "at_tz": datetime.datetime(1960, 1, 1, tzinfo=datetime.UTC),
        "day": datetime.date(1, 1, 1),
        "tm": datetime.time(0, 0),
        "uid": uuid.UUID(int=0),
        "data": b"",
        "body": "",
    },
]


def sqla_engine() -> Any:
    assert URL is not None
    return sqlalchemy.create_engine(sqlalchemy.make_url(URL).set(drivername="postgresql+psycopg"))


@pytest.fixture
def engine() -> Iterator[sa.Engine]:
    assert URL is not None
    e = sa.create_engine(URL)
    yield e
    e.dispose()


@pytest.fixture
def types_table(engine: sa.Engine) -> Iterator[Any]:
    m, t = tables(sa)
    m.drop_all(engine)
    m.create_all(engine)
    yield t
    m.drop_all(engine)


def test_values_round_trip_as_sqlalchemy_reads_them(engine: sa.Engine, types_table: Any) -> None:
    with engine.begin() as conn:
        assert conn.execute(types_table.insert(), ROWS).rowcount == len(ROWS)
    with engine.connect() as conn:
        mine = conn.execute(sa.select(types_table).order_by(types_table.c.id)).all()
    _, theirs_t = tables(sqlalchemy)
    se = sqla_engine()
    with se.connect() as conn:
        theirs = conn.execute(sqlalchemy.select(theirs_t).order_by(theirs_t.c.id)).all()
    se.dispose()
    assert [tuple(r) for r in mine] == [tuple(r) for r in theirs]
    assert mine[0].price == decimal.Decimal("1234.50") and mine[0].at_tz == ROWS[0]["at_tz"]


def test_values_sqlalchemy_wrote_read_back_alike(engine: sa.Engine, types_table: Any) -> None:
    _, theirs_t = tables(sqlalchemy)
    se = sqla_engine()
    with se.begin() as conn:
        conn.execute(theirs_t.insert(), ROWS)
    se.dispose()
    with engine.connect() as conn:
        got = conn.execute(sa.select(types_table).order_by(types_table.c.id)).mappings().all()
    assert [{k: v for k, v in r.items() if k != "id"} for r in got] == ROWS


def test_where_binds_take_the_column_type(engine: sa.Engine, types_table: Any) -> None:
    with engine.begin() as conn:
        conn.execute(types_table.insert(), ROWS)
        t = types_table
        assert conn.execute(sa.select(t.c.name).where(t.c.price > 1)).scalars().all() == ["ann"]
        assert conn.execute(sa.select(t.c.name).where(t.c.big == 2**40)).scalar_one() == "ann"
        assert conn.execute(sa.select(t.c.name).where(t.c.day < datetime.date(2000, 1, 1))).scalars().all() == [
            "ann",
            "neg",
        ]
        assert conn.execute(sa.select(t.c.id).where(t.c.name.in_(["ann", "neg"]))).scalars().all() == [1, 3]


def test_single_insert_reports_its_generated_key_without_returning_rows(engine: sa.Engine, types_table: Any) -> None:
    with engine.begin() as conn:
        conn.execute(types_table.insert(), {"name": "first"})
        result = conn.execute(types_table.insert().values(name="second"))
        assert result.inserted_primary_key == (2,)
        assert not result.returns_rows
        with pytest.raises(exc.ResourceClosedError):
            result.all()
        many = conn.execute(types_table.insert(), [{"name": "a"}, {"name": "b"}])
        assert many.rowcount == 2
        explicit = conn.execute(types_table.insert().values(id=10, name="ten"))
        assert explicit.inserted_primary_key == (10,)


def test_commit_persists_rollback_discards(engine: sa.Engine, types_table: Any) -> None:
    with engine.connect() as conn:
        conn.execute(types_table.insert(), {"name": "kept"})
        conn.commit()
        conn.execute(types_table.insert(), {"name": "dropped"})
        assert conn.in_transaction()
        conn.rollback()
    with engine.connect() as conn:
        assert conn.execute(sa.select(types_table.c.name)).scalars().all() == ["kept"]


def test_exec_driver_sql_takes_psycopg2_format_marks(engine: sa.Engine, types_table: Any) -> None:
    with engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO ferro_pg_types (name, big) VALUES (%s, %s)", [("a", 1), ("b", 2)])
        rows = conn.exec_driver_sql("SELECT name, big FROM ferro_pg_types WHERE name LIKE '%%' || %s", ("b",)).all()
    assert rows == [("b", 2)]


def test_unique_violation_is_integrity_error_with_sqlstate(engine: sa.Engine) -> None:
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE IF EXISTS ferro_pg_uniq")
        conn.exec_driver_sql("CREATE TABLE ferro_pg_uniq (k VARCHAR(10) UNIQUE)")
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("INSERT INTO ferro_pg_uniq VALUES (%s)", ("x",))
            with pytest.raises(exc.IntegrityError) as info:
                conn.exec_driver_sql("INSERT INTO ferro_pg_uniq VALUES (%s)", ("x",))
            assert info.value.orig.pgcode == "23505"
            assert "ferro_pg_uniq_k_key" in str(info.value)
            conn.rollback()
            conn.exec_driver_sql("INSERT INTO ferro_pg_uniq VALUES (%s)", ("y",))
            conn.commit()
            assert conn.exec_driver_sql("SELECT k FROM ferro_pg_uniq").scalars().all() == ["y"]
    finally:
        with engine.begin() as conn:
            conn.exec_driver_sql("DROP TABLE ferro_pg_uniq")


def test_syntax_error_is_programming_error(engine: sa.Engine) -> None:
    with engine.connect() as conn, pytest.raises(exc.ProgrammingError, match="syntax error"):
        conn.exec_driver_sql("SELEC 1")


def test_the_url_user_and_driver_name_are_kept() -> None:
    assert URL is not None
    url = sa.make_url(URL).set(drivername="postgresql+psycopg2", username="ferro_no_such_role")
    e = sa.create_engine(url)
    assert e.dialect.name == "postgresql" and e.driver == "psycopg2"
    with pytest.raises(exc.OperationalError, match='role "ferro_no_such_role" does not exist'):
        e.connect()


def test_an_unknown_server_is_operational_error() -> None:
    e = sa.create_engine("postgresql://root@127.0.0.1:1/test")
    with pytest.raises(exc.OperationalError):
        e.connect()


class Base(DeclarativeBase):
    pass


class Author(Base):
    __tablename__ = "ferro_pg_authors"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(30), unique=True)
    books: Mapped[list[Book]] = relationship(back_populates="author", cascade="all, delete-orphan")


class Book(Base):
    __tablename__ = "ferro_pg_books"
    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("ferro_pg_authors.id"))
    title: Mapped[str] = mapped_column(sa.String(50))
    author: Mapped[Author] = relationship(back_populates="books")


@pytest.fixture
def orm_engine(engine: sa.Engine) -> Iterator[sa.Engine]:
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)
    yield engine
    Base.metadata.drop_all(engine)


def test_orm_flush_gets_serial_keys_and_loads_relationships(orm_engine: sa.Engine) -> None:
    with Session(orm_engine) as s:
        s.add_all([Author(name="a", books=[Book(title="t1"), Book(title="t2")]), Author(name="b")])
        s.commit()
        authors = s.scalars(sa.select(Author).options(selectinload(Author.books)).order_by(Author.id)).all()
        assert [(a.id, a.name, [b.title for b in a.books]) for a in authors] == [
            (1, "a", ["t1", "t2"]),
            (2, "b", []),
        ]
        authors[1].name = "bee"
        s.delete(authors[0])
        s.commit()
    with Session(orm_engine) as s:
        assert s.scalars(sa.select(Author.name)).all() == ["bee"]
        assert s.scalar(sa.select(sa.func.count()).select_from(Book)) == 0


def test_failed_flush_rolls_back_and_session_stays_usable(orm_engine: sa.Engine) -> None:
    with Session(orm_engine) as s:
        s.add(Author(name="dup"))
        s.commit()
        s.add(Author(name="dup"))
        with pytest.raises(exc.IntegrityError):
            s.commit()
        s.rollback()
        s.add(Author(name="other"))
        s.commit()
        assert sorted(s.scalars(sa.select(Author.name)).all()) == ["dup", "other"]


def test_a_string_for_a_type_without_a_wire_format_is_sent_as_text(engine: sa.Engine) -> None:
    # The server infers regclass/regtype for these placeholders; psycopg sends strings as text, which
    # the server converts: so does ferroalchemy, and the plain statement still runs as before.
    with engine.connect() as conn:
        sql = sa.text("SELECT cast(:rel AS regclass)::oid > 0, cast(cast(:typ AS regtype) AS text), :plain")
        assert tuple(conn.execute(sql, {"rel": "pg_class", "typ": "int4", "plain": "x"}).one()) == (
            True,
            "integer",
            "x",
        )
        assert conn.execute(sa.text("SELECT :plain || 'y'"), {"plain": "x"}).scalar() == "xy"
        with pytest.raises(exc.ProgrammingError):
            conn.execute(sql, {"rel": "no_such_relation", "typ": "int4", "plain": "x"})
