"""Values of each SQL type round-trip through ferroalchemy as through SQLAlchemy, on every backend.

For each type, each library creates a table with it, inserts the same Python values and reads them back; the
values and their Python types must match SQLAlchemy's, and what one library wrote must read the same through
the other (files and databases stay interchangeable). A statement the database rejects must fail the same way.
"""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

import ferroalchemy as ferro

from .backends import BACKENDS, real, server_url


class Mood(enum.Enum):
    happy = "h"
    sad = "s"
    so_so = 3


def _td(sa: ModuleType, impl: Any, bind: Callable[[Any], Any], result: Callable[[Any], Any]) -> Any:
    """A TypeDecorator subclass of `sa`'s, the same for both libraries."""

    class Decorated(sa.TypeDecorator):
        cache_ok = True

        def process_bind_param(self, value: Any, dialect: Any) -> Any:
            return None if value is None else bind(value)

        def process_result_value(self, value: Any, dialect: Any) -> Any:
            return None if value is None else result(value)

    Decorated.impl = impl
    return Decorated()


def _tagged(sa: ModuleType) -> Any:
    return _td(sa, sa.String(20), lambda v: f"<{v}>", lambda v: v.strip("<>").upper())


def _json_td(sa: ModuleType) -> Any:
    return _td(sa, sa.JSON(), lambda v: {"wrapped": v}, lambda v: v["wrapped"])


ALL = set(BACKENDS)
PG = {"postgresql"}

# name: (type for a library, values to insert, backends it runs on)
CASES: dict[str, tuple[Callable[[ModuleType], Any], list[Any], set[str]]] = {
    "json": (lambda sa: sa.JSON(), [{"a": 1, "b": [1, 2.5, None, True]}, [1, "x"], "text", None], ALL),
    "json_scalars": (lambda sa: sa.JSON(), [3, 2.5, True], ALL),
    "json_none_as_null": (lambda sa: sa.JSON(none_as_null=True), [None, {"k": "v"}], ALL),
    "json_null_symbol": (lambda sa: sa.JSON(), [real.JSON.NULL], ALL),
    "jsonb": (
        lambda sa: __import__(f"{sa.__name__}.dialects.postgresql", fromlist=["JSONB"]).JSONB(),
        [{"a": {"b": [1, 2]}}, [None], None],
        PG,
    ),
    "uuid": (lambda sa: sa.Uuid(), [uuid.UUID("12345678-1234-5678-1234-567812345678"), None], ALL),
    "uuid_as_string": (
        lambda sa: sa.Uuid(as_uuid=False),
        ["12345678-1234-5678-1234-567812345678", "0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f", None],
        ALL,
    ),
    "uuid_native": (lambda sa: sa.UUID(), [uuid.UUID("a2345678-1234-5678-1234-567812345678")], PG),
    "array_int": (lambda sa: sa.ARRAY(sa.Integer), [[1, 2, 3], [], [None, 4], None], PG),
    "array_str": (lambda sa: sa.ARRAY(sa.String(10)), [["a", "b"], ["é"]], PG),
    "array_2d": (lambda sa: sa.ARRAY(sa.Integer, dimensions=2), [[[1, 2], [3, 4]]], PG),
    "array_tuple": (lambda sa: sa.ARRAY(sa.Integer, as_tuple=True), [[1, 2]], PG),
    "array_enum": (lambda sa: sa.ARRAY(sa.Enum(Mood, name="mood_arr")), [[Mood.happy, Mood.sad]], PG),
    "enum_class": (lambda sa: sa.Enum(Mood), [Mood.happy, Mood.so_so, "sad", None], ALL),
    "enum_values_callable": (
        lambda sa: sa.Enum(Mood, name="mood_values", values_callable=lambda e: [str(m.value) for m in e]),
        [Mood.happy, Mood.so_so],
        ALL,
    ),
    "enum_strings": (lambda sa: sa.Enum("red", "green", name="color"), ["red", "green"], ALL),
    "enum_not_native": (lambda sa: sa.Enum(Mood, native_enum=False, length=12), [Mood.sad], ALL),
    "enum_unknown_string": (lambda sa: sa.Enum(Mood, name="mood_unknown"), ["nope"], ALL),
    "interval": (
        lambda sa: sa.Interval(),
        [dt.timedelta(days=2, seconds=5, microseconds=7), dt.timedelta(seconds=-30), dt.timedelta(0), None],
        ALL,
    ),
    "pickle": (lambda sa: sa.PickleType(), [{"a": (1, 2)}, [1, "x"], None], ALL),
    "typedecorator": (_tagged, ["abc", None], ALL),
    "typedecorator_over_json": (_json_td, [{"x": 1}, [2]], ALL),
    "char": (lambda sa: sa.CHAR(3), ["abc", "x"], ALL),
    "real": (lambda sa: sa.REAL(), [1.5, -2.25], ALL),
    "timestamp": (lambda sa: sa.TIMESTAMP(), [dt.datetime(2024, 1, 2, 3, 4, 5)], ALL),
    "nvarchar": (lambda sa: sa.NVARCHAR(10), ["héllo"], ALL),
    "double_precision": (lambda sa: sa.DOUBLE_PRECISION(), [1.25], ALL),
    "decimal": (lambda sa: sa.DECIMAL(10, 2), [__import__("decimal").Decimal("12.50")], ALL),
    "text_collated": (lambda sa: sa.String(10, collation="C"), ["b", "a"], {"postgresql"}),
}


def _engine(sa: ModuleType, backend: str, path: Path, **kw: Any) -> Any:
    if backend == "sqlite":
        return sa.create_engine(f"sqlite:///{path / 'types.db'}", **kw)
    url = server_url(backend)
    if sa is real:
        driver = {"postgresql": "postgresql+psycopg", "mysql": "mysql+pymysql"}[backend]
        url = real.make_url(url).set(drivername=driver).render_as_string(hide_password=False)
    return sa.create_engine(url, **kw)


def _table(sa: ModuleType, case: str) -> tuple[Any, Any]:
    metadata = sa.MetaData()
    table = sa.Table(
        f"ferro_types_{case}", metadata, sa.Column("id", sa.Integer, primary_key=True, autoincrement=False)
    )
    table.append_column(sa.Column("v", CASES[case][0](sa)))
    return metadata, table


def _typed(values: list[Any]) -> list[tuple[str, Any]]:
    return [(type(v).__name__, v) for v in values]


def _write(sa: ModuleType, backend: str, path: Path, case: str) -> Any:
    """Creates the table and inserts the case's values through `sa`; the exception class if that fails."""
    metadata, table = _table(sa, case)
    engine = _engine(sa, backend, path)
    try:
        metadata.drop_all(engine)
        metadata.create_all(engine)
        # JSON.NULL is each library's own symbol.
        values = [sa.JSON.NULL if v is real.JSON.NULL else v for v in CASES[case][1]]
        with engine.begin() as conn:
            for i, v in enumerate(values):
                conn.execute(table.insert(), {"id": i, "v": v})
        return None
    except Exception as err:  # noqa: BLE001 - the class is what is compared
        return ("raises", type(err).__name__)
    finally:
        engine.dispose()


def _read(sa: ModuleType, backend: str, path: Path, case: str) -> Any:
    _, table = _table(sa, case)
    engine = _engine(sa, backend, path)
    try:
        with engine.connect() as conn:
            return _typed([r[0] for r in conn.execute(sa.select(table.c.v).order_by(table.c.id))])
    except Exception as err:  # noqa: BLE001
        return ("raises", type(err).__name__)
    finally:
        engine.dispose()


def _drop(sa: ModuleType, backend: str, path: Path, case: str) -> None:
    metadata, _ = _table(sa, case)
    engine = _engine(sa, backend, path)
    try:
        metadata.drop_all(engine)
    finally:
        engine.dispose()


PARAMS = [(c, b) for c in sorted(CASES) for b in BACKENDS if b in CASES[c][2]]


@pytest.mark.parametrize(("case", "backend"), PARAMS)
def test_values_round_trip_as_sqlalchemy(case: str, backend: str, tmp_path: Path) -> None:
    try:
        expected_write = _write(real, backend, tmp_path, case)
        expected = _read(real, backend, tmp_path, case)
        ferro_reads_theirs = _read(ferro, backend, tmp_path, case)
        got_write = _write(ferro, backend, tmp_path, case)
        assert got_write == expected_write
        if expected_write is not None:
            return
        got = _read(ferro, backend, tmp_path, case)
        they_read_ours = _read(real, backend, tmp_path, case)
    finally:
        _drop(real, backend, tmp_path, case)
    assert got == expected
    assert ferro_reads_theirs == expected
    assert they_read_ours == expected


@pytest.mark.parametrize("backend", BACKENDS)
def test_typedecorator_processes_values_compared_in_where(backend: str, tmp_path: Path) -> None:
    counts = []
    try:
        for sa in (real, ferro):
            assert _write(sa, backend, tmp_path, "typedecorator") is None
            _, table = _table(sa, "typedecorator")
            engine = _engine(sa, backend, tmp_path)
            with engine.connect() as conn:
                stmt = sa.select(table.c.id).where(table.c.v == "abc")
                counts.append(conn.execute(stmt).all())
            engine.dispose()
    finally:
        _drop(real, backend, tmp_path, "typedecorator")
    assert counts[0] == counts[1] == [(0,)]


@pytest.mark.parametrize("backend", BACKENDS)
def test_enum_value_outside_the_enum_raises_as_sqlalchemy(backend: str, tmp_path: Path) -> None:
    errors = []
    try:
        for sa in (real, ferro):
            metadata, table = _table(sa, "enum_class")
            engine = _engine(sa, backend, tmp_path)
            metadata.drop_all(engine)
            metadata.create_all(engine)
            with engine.connect() as conn, pytest.raises(sa.exc.StatementError) as info:
                conn.execute(table.insert(), {"id": 1, "v": 5})
            errors.append((type(info.value.orig).__name__, str(info.value).splitlines()[0]))
            engine.dispose()
    finally:
        _drop(real, backend, tmp_path, "enum_class")
    assert errors[0] == errors[1]
    assert errors[1][0] == "LookupError"


@pytest.mark.parametrize("backend", BACKENDS)
def test_engine_json_serializer_and_deserializer(backend: str, tmp_path: Path) -> None:
    import json

    def dumps(v: Any) -> str:
        return json.dumps(v, sort_keys=True, separators=(",", ":"))

    def loads(s: Any) -> Any:
        return {"loaded": json.loads(s)}

    seen = []
    try:
        for sa in (real, ferro):
            metadata, table = _table(sa, "json")
            engine = _engine(sa, backend, tmp_path, json_serializer=dumps, json_deserializer=loads)
            metadata.drop_all(engine)
            metadata.create_all(engine)
            with engine.begin() as conn:
                conn.execute(table.insert(), {"id": 1, "v": {"b": 1, "a": 2}})
                stored = conn.execute(sa.text(f"SELECT v FROM {table.name}")).scalar()
                read = conn.execute(sa.select(table.c.v)).scalar()
            seen.append((stored if backend != "postgresql" else None, read))
            engine.dispose()
    finally:
        _drop(real, backend, tmp_path, "json")
    assert seen[0] == seen[1]
    assert seen[1][1] == {"loaded": {"a": 2, "b": 1}}


def test_orm_enum_and_typedecorator_models(tmp_path: Path) -> None:
    from ferroalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

    class Base(DeclarativeBase):
        pass

    class Item(Base):
        __tablename__ = "item"
        id: Mapped[int] = mapped_column(primary_key=True)
        mood: Mapped[Mood]
        tag: Mapped[str | None] = mapped_column(_tagged(ferro))
        doc: Mapped[dict[str, Any] | None]
        span: Mapped[dt.timedelta | None]

    engine = ferro.create_engine(f"sqlite:///{tmp_path / 'orm.db'}")
    Base.metadata.create_all(engine)
    assert isinstance(Item.__table__.c.mood.type, ferro.Enum)
    assert str(Item.__table__.c.mood.type.compile(dialect=engine.dialect)) == "VARCHAR(5)"
    with Session(engine) as s:
        s.add(Item(id=1, mood=Mood.so_so, tag="x", doc={"k": [1]}, span=dt.timedelta(hours=1)))
        s.commit()
    with Session(engine) as s:
        item = s.get(Item, 1)
        assert item is not None
        assert (item.mood, item.tag, item.doc, item.span) == (Mood.so_so, "X", {"k": [1]}, dt.timedelta(hours=1))
        assert s.scalars(ferro.select(Item.id).where(Item.tag == "x")).all() == [1]
        item.tag = "y"
        s.commit()
    with engine.connect() as conn:
        assert conn.execute(ferro.text("SELECT mood, tag FROM item")).one() == ("so_so", "<y>")
    engine.dispose()
