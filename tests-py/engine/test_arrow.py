"""Result.__arrow_c_stream__: pyarrow reads a result's rows as columns built in Rust."""

from __future__ import annotations

import datetime
import decimal

import pytest

import ferroalchemy as sa
from ferroalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

pa = pytest.importorskip("pyarrow")

metadata = sa.MetaData()
items = sa.Table(
    "items",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(20)),
    sa.Column("ok", sa.Boolean),
    sa.Column("at", sa.DateTime),
    sa.Column("price", sa.Numeric(10, 2)),
    sa.Column("day", sa.Date),
    sa.Column("score", sa.Float),
)
ROWS = [
    {
        "name": "a",
        "ok": True,
        "at": datetime.datetime(2024, 2, 29, 13, 5, 1, 250),
        "price": decimal.Decimal("1.50"),
        "day": datetime.date(2024, 1, 1),
        "score": 0.5,
    },
    {"name": None, "ok": False, "at": None, "price": decimal.Decimal("-3.25"), "day": None, "score": None},
]


@pytest.fixture
def conn():
    engine = sa.create_engine("sqlite://")
    with engine.connect() as c:
        metadata.create_all(c)
        c.execute(items.insert(), ROWS)
        yield c


def test_table_holds_every_value_with_its_type(conn) -> None:
    table = pa.table(conn.execute(sa.select(items).order_by(items.c.id)))
    assert table.schema.names == ["id", "name", "ok", "at", "price", "day", "score"]
    assert table.schema.field("at").type == pa.timestamp("us")
    assert table.schema.field("price").type == pa.decimal128(38, 2)
    assert table.schema.field("day").type == pa.date32()
    assert table.to_pylist() == [{"id": i + 1, **r} for i, r in enumerate(ROWS)]


def test_columns_of_an_all_null_result_column_keep_the_declared_type(conn) -> None:
    table = pa.table(conn.execute(sa.select(items.c.at, items.c.day).where(items.c.id == 2)))
    assert table.schema.field("at").type == pa.timestamp("us")
    assert table.schema.field("day").type == pa.date32()
    assert table.to_pylist() == [{"at": None, "day": None}]


def test_export_consumes_the_rows_left_after_a_fetch(conn) -> None:
    result = conn.execute(sa.select(items.c.id, items.c.name).order_by(items.c.id))
    assert result.fetchone() == (1, "a")
    assert pa.table(result).to_pylist() == [{"id": 2, "name": None}]
    assert result.all() == []


def test_driver_sql_exports_by_value_types(conn) -> None:
    table = pa.table(conn.exec_driver_sql("SELECT id, name FROM items ORDER BY id"))
    assert table.column("id").to_pylist() == [1, 2]
    assert table.column("name").to_pylist() == ["a", None]


def test_labels_name_the_columns(conn) -> None:
    table = pa.table(conn.execute(sa.select(sa.func.count(items.c.id).label("n"))))
    assert table.to_pylist() == [{"n": 2}]


def test_a_result_without_rows_cannot_export(conn) -> None:
    result = conn.execute(items.delete().where(items.c.id == 2))
    with pytest.raises(sa.exc.ResourceClosedError):
        pa.table(result)


class Base(DeclarativeBase):
    pass


class Item(Base):
    __tablename__ = "orm_items"
    id: Mapped[int] = mapped_column(primary_key=True)


def test_orm_entities_are_not_column_values() -> None:
    engine = sa.create_engine("sqlite://")
    Base.metadata.create_all(engine)
    with Session(engine) as s:
        s.add(Item(id=1))
        s.commit()
        with pytest.raises(TypeError, match="Arrow export: column 'Item'"):
            pa.table(s.execute(sa.select(Item)))
