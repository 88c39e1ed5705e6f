"""MySQL/MariaDB through ferroalchemy's Rust driver (sqlx), compared with SQLAlchemy 2.1 on PyMySQL
reading and writing the same tables. (Uuid is left out: on MariaDB >= 10.7 SQLAlchemy uses the
native UUID type, which ferroalchemy's MySQL DDL does not emit yet.) The URL comes from FERRO_TEST_MYSQL_URL (.ci/run sets it; a
server that does not answer fails the tests)."""

from __future__ import annotations

import datetime
import decimal
import os
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy

import ferroalchemy as sa
from ferroalchemy import exc
from ferroalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship, selectinload

URL = os.environ.get("FERRO_TEST_MYSQL_URL")
pytestmark = pytest.mark.skipif(not URL, reason="FERRO_TEST_MYSQL_URL is not set")


def tables(lib: Any) -> tuple[Any, Any]:
    m = lib.MetaData()
    t = lib.Table(
        "ferro_my_types",
        m,
        lib.Column("id", lib.Integer, primary_key=True),
        lib.Column("name", lib.String(30)),
        lib.Column("big", lib.BigInteger),
        lib.Column("price", lib.Numeric(10, 2)),
        lib.Column("score", lib.Float),
        lib.Column("ok", lib.Boolean),
        lib.Column("at", lib.DateTime),
        lib.Column("day", lib.Date),
        lib.Column("tm", lib.Time),
        lib.Column("data", lib.LargeBinary),
        lib.Column("body", lib.Text),
    )
    return m, t


ROWS = [
    {
        "name": "ann",
        "big": 2**40,
        "price": decimal.Decimal("1234.50"),
        "score": 0.5,
        "ok": True,
        "at": datetime.datetime(2024, 2, 29, 13, 5, 1),
        "day": datetime.date(1999, 12, 31),
        "tm": datetime.time(23, 59, 58),
        "data": b"\x00\xff bytes",
        "body": "unicode: ✓ ß",
    },
    {k: None for k in ("name", "big", "price", "score", "ok", "at", "day", "tm", "data", "body")},
    {
        "name": "neg",
        "big": -(2**62),
        "price": decimal.Decimal("-0.05"),
        "score": -1.25,
        "ok": False,
        "at": datetime.datetime(1960, 1, 1),
        "day": datetime.date(1000, 1, 1),
        "tm": datetime.time(0, 0),
        "data": b"",
        "body": "",
    },
]


def sqla_engine() -> Any:
    assert URL is not None
    return sqlalchemy.create_engine(sqlalchemy.make_url(URL).set(drivername="mysql+pymysql"))


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
    assert [{k: v for k, v in r._mapping.items() if k != "id"} for r in mine] == ROWS


def test_values_sqlalchemy_wrote_read_back_alike(engine: sa.Engine, types_table: Any) -> None:
    _, theirs_t = tables(sqlalchemy)
    se = sqla_engine()
    with se.begin() as conn:
        conn.execute(theirs_t.insert(), ROWS)
    se.dispose()
    with engine.connect() as conn:
        got = conn.execute(sa.select(types_table).order_by(types_table.c.id)).mappings().all()
    assert [{k: v for k, v in r.items() if k != "id"} for r in got] == ROWS


def test_where_binds_and_transactions(engine: sa.Engine, types_table: Any) -> None:
    t = types_table
    with engine.connect() as conn:
        conn.execute(t.insert(), ROWS)
        conn.commit()
        assert conn.execute(sa.select(t.c.name).where(t.c.price > 1)).scalars().all() == ["ann"]
        assert conn.execute(sa.select(t.c.id).where(t.c.name.in_(["ann", "neg"]))).scalars().all() == [1, 3]
        conn.execute(t.delete())
        assert conn.in_transaction()
        conn.rollback()
        assert conn.execute(sa.select(sa.func.count()).select_from(t)).scalar() == 3


def test_exec_driver_sql_takes_pymysql_format_marks(engine: sa.Engine, types_table: Any) -> None:
    with engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO ferro_my_types (name, big) VALUES (%s, %s)", [("a", 1), ("b", 2)])
        rows = conn.exec_driver_sql("SELECT name, big FROM ferro_my_types WHERE name LIKE %s", ("%%b",)).all()
    assert rows == [("b", 2)]


def test_duplicate_key_is_integrity_error_as_pymysql_prints_it(engine: sa.Engine) -> None:
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE IF EXISTS ferro_my_uniq")
        conn.exec_driver_sql("CREATE TABLE ferro_my_uniq (k VARCHAR(10) UNIQUE)")
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("INSERT INTO ferro_my_uniq VALUES (%s)", ("x",))
            with pytest.raises(exc.IntegrityError, match=r"\(1062, \"Duplicate entry 'x' for key"):
                conn.exec_driver_sql("INSERT INTO ferro_my_uniq VALUES (%s)", ("x",))
            conn.rollback()
    finally:
        with engine.begin() as conn:
            conn.exec_driver_sql("DROP TABLE ferro_my_uniq")


def test_the_url_user_and_driver_name_are_kept() -> None:
    assert URL is not None
    url = sa.make_url(URL).set(drivername="mysql+pymysql", username="ferro_no_such_user")
    e = sa.create_engine(url)
    assert e.dialect.name == "mysql" and e.driver == "pymysql"
    with pytest.raises(exc.OperationalError, match="ferro_no_such_user"):
        e.connect()


def test_syntax_error_is_programming_error(engine: sa.Engine) -> None:
    with engine.connect() as conn, pytest.raises(exc.ProgrammingError, match="1064"):
        conn.exec_driver_sql("SELEC 1")


class Base(DeclarativeBase):
    pass


class Author(Base):
    __tablename__ = "ferro_my_authors"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(30), unique=True)
    books: Mapped[list[Book]] = relationship(back_populates="author", cascade="all, delete-orphan")


class Book(Base):
    __tablename__ = "ferro_my_books"
    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("ferro_my_authors.id"))
    title: Mapped[str] = mapped_column(sa.String(50))
    author: Mapped[Author] = relationship(back_populates="books")


@pytest.fixture
def orm_engine(engine: sa.Engine) -> Iterator[sa.Engine]:
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)
    yield engine
    Base.metadata.drop_all(engine)


def test_orm_flush_gets_autoincrement_keys_and_loads_relationships(orm_engine: sa.Engine) -> None:
    with Session(orm_engine) as s:
        s.add_all([Author(name="a", books=[Book(title="t1"), Book(title="t2")]), Author(name="b")])
        s.commit()
        authors = s.scalars(sa.select(Author).options(selectinload(Author.books)).order_by(Author.id)).all()
        assert [(a.id, a.name, [b.title for b in a.books]) for a in authors] == [
            (1, "a", ["t1", "t2"]),
            (2, "b", []),
        ]
        s.delete(authors[0])
        s.commit()
    with Session(orm_engine) as s:
        assert s.scalars(sa.select(Author.name)).all() == ["b"]
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


def _batch_table(lib: Any) -> tuple[Any, Any]:
    m = lib.MetaData()
    t = lib.Table(
        "ferro_my_batch",
        m,
        lib.Column("id", lib.Integer, primary_key=True),
        lib.Column("n", lib.Integer, nullable=False),
        lib.Column("label", lib.String(30)),
        lib.Column("price", lib.Numeric(10, 2)),
    )
    return m, t


def _batch_rows(count: int) -> list[dict[str, Any]]:
    # Optional columns NULL in some rows: they stay in the same multi-row statements.
    return [
        {
            "n": i,
            "label": None if i % 3 == 0 else f"row {i}",
            "price": None if i % 5 == 0 else decimal.Decimal(i) / 4,
        }
        for i in range(count)
    ]


@pytest.mark.parametrize("count", [0, 1, 999, 1000, 1001, 2500])
def test_executemany_insert_rows_nulls_and_rowcount_as_sqlalchemy(engine: sa.Engine, count: int) -> None:
    seen = []
    for lib, eng in ((sqlalchemy, sqla_engine()), (sa, engine)):
        m, t = _batch_table(lib)
        m.drop_all(eng)
        m.create_all(eng)
        rows = _batch_rows(count)
        with eng.begin() as c:
            if rows:
                rowcount = c.execute(lib.insert(t), rows).rowcount
            else:
                rowcount = 0
            stored = c.execute(lib.select(t.c.id, t.c.n, t.c.label, t.c.price).order_by(t.c.id)).all()
        m.drop_all(eng)
        seen.append((rowcount, [tuple(r) for r in stored]))
    assert seen[1] == seen[0]
    rowcount, stored = seen[1]
    assert rowcount == count
    assert stored == [(i + 1, d["n"], d["label"], d["price"]) for i, d in enumerate(_batch_rows(count))]


def test_orm_flush_of_many_new_objects_gets_each_its_key(orm_engine: sa.Engine) -> None:
    with Session(orm_engine) as s:
        authors = [Author(name=f"a{i}") for i in range(2500)]
        s.add_all(authors)
        s.commit()
        keys = [a.id for a in authors]
        assert keys == sorted(keys) and len(set(keys)) == 2500
        assert {a.id: a.name for a in authors} == dict(s.execute(sa.select(Author.id, Author.name)).tuples().all())
