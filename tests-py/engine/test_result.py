"""Result and Row as SQLAlchemy shows them."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from types import ModuleType
from typing import Any

import pytest
import sqlalchemy as real

import ferroalchemy as ferro
from ferroalchemy import Connection, Engine, exc, text


@pytest.fixture
def conn(engine: Engine) -> Iterator[Connection]:
    with engine.connect() as c:
        c.execute(text("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)"))
        c.execute(text("INSERT INTO users VALUES (1, 'Alice'), (2, 'Bob')"))
        yield c


def test_row_is_a_named_tuple(conn: Connection) -> None:
    row = conn.execute(text("SELECT id, name FROM users WHERE id = :id"), {"id": 2}).one()
    assert repr(row) == "(2, 'Bob')"
    assert row == (2, "Bob") and (2, "Bob") == row and row != (2, "Alice")
    assert (row.id, row.name) == (2, "Bob")
    assert (row[0], row[1], row[-1]) == (2, "Bob", "Bob")
    assert row[:1] == (2,)
    assert tuple(row) == (2, "Bob") and len(row) == 2
    assert row._mapping["name"] == "Bob" and dict(row._mapping) == {"id": 2, "name": "Bob"}
    assert row._asdict() == {"id": 2, "name": "Bob"}
    assert row._fields == ("id", "name")
    assert row._t == (2, "Bob")
    assert hash(row) == hash((2, "Bob"))
    assert isinstance(row, Sequence) and isinstance(row._mapping, Mapping)
    with pytest.raises(AttributeError, match="Could not locate column in row for column 'nope'"):
        row.nope  # noqa: B018
    with pytest.raises(IndexError):
        row[5]


def test_fetch_methods(conn: Connection) -> None:
    sql = text("SELECT id, name FROM users ORDER BY id")
    assert conn.execute(sql).fetchall() == [(1, "Alice"), (2, "Bob")]
    assert conn.execute(sql).all() == [(1, "Alice"), (2, "Bob")]
    assert conn.execute(sql).first() == (1, "Alice")
    r = conn.execute(sql)
    assert (r.fetchone(), r.fetchmany(5), r.fetchone()) == ((1, "Alice"), [(2, "Bob")], None)
    assert list(conn.execute(sql)) == [(1, "Alice"), (2, "Bob")]
    assert list(conn.execute(sql).keys()) == ["id", "name"]
    assert conn.execute(text("SELECT count(*) FROM users")).scalar() == 2
    assert conn.execute(text("SELECT name FROM users ORDER BY name DESC")).scalars().all() == ["Bob", "Alice"]
    assert conn.execute(sql).scalars(1).first() == "Alice"
    assert [dict(m) for m in conn.execute(sql).mappings()] == [{"id": 1, "name": "Alice"}, {"id": 2, "name": "Bob"}]
    assert conn.execute(text("SELECT id FROM users WHERE id > 5")).scalar() is None


def test_one_and_friends(conn: Connection) -> None:
    with pytest.raises(exc.NoResultFound, match="No row was found when one was required"):
        conn.execute(text("SELECT id FROM users WHERE id > 5")).one()
    with pytest.raises(exc.MultipleResultsFound, match="Multiple rows were found when exactly one was required"):
        conn.execute(text("SELECT id FROM users")).one()
    assert conn.execute(text("SELECT id FROM users WHERE id > 5")).one_or_none() is None
    with pytest.raises(exc.MultipleResultsFound):
        conn.execute(text("SELECT id FROM users")).scalar_one_or_none()
    assert conn.execute(text("SELECT name FROM users WHERE id = 1")).scalar_one() == "Alice"


def test_unique_and_partitions(conn: Connection) -> None:
    conn.execute(text("INSERT INTO users VALUES (3, 'Alice')"))
    names = conn.execute(text("SELECT name FROM users ORDER BY id")).scalars().unique().all()
    assert names == ["Alice", "Bob"]
    parts = list(conn.execute(text("SELECT id FROM users ORDER BY id")).partitions(2))
    assert [len(p) for p in parts] == [2, 1]


def test_dml_result_has_no_rows(conn: Connection) -> None:
    r = conn.execute(text("UPDATE users SET name = 'X' WHERE id = 1"))
    assert r.rowcount == 1 and not r.returns_rows
    with pytest.raises(exc.ResourceClosedError):
        r.all()


def test_typed_columns_decode(conn: Connection) -> None:
    from datetime import datetime

    from ferroalchemy import DateTime, column

    conn.execute(text("CREATE TABLE ev (at DATETIME)"))
    conn.execute(text("INSERT INTO ev VALUES (:at)"), {"at": datetime(2024, 5, 6, 7, 8, 9, 10)})
    stored = conn.execute(text("SELECT at FROM ev")).scalar()
    assert stored == "2024-05-06 07:08:09.000010"
    typed = conn.execute(text("SELECT at FROM ev").columns(column("at", DateTime))).scalar()
    assert typed == datetime(2024, 5, 6, 7, 8, 9, 10)


def test_mapping_lookup_of_an_unknown_key(conn: Connection) -> None:
    row = conn.execute(text("SELECT id, name FROM users WHERE id = 1")).one()
    with pytest.raises(exc.NoSuchColumnError, match="Could not locate column in row for column 'nope'"):
        row._mapping["nope"]
    with pytest.raises(KeyError):  # NoSuchColumnError is also a KeyError
        row._mapping["nope"]
    assert row._mapping.get("nope") is None and row._mapping.get("id") == 1


def test_scalars_by_column_name(conn: Connection) -> None:
    assert conn.execute(text("SELECT id, name FROM users ORDER BY id")).scalars("name").all() == ["Alice", "Bob"]


def test_rows_hash_and_compare_like_tuples(conn: Connection) -> None:
    rows = conn.execute(text("SELECT id, name FROM users ORDER BY id")).all()
    assert repr(rows) == "[(1, 'Alice'), (2, 'Bob')]"
    assert {rows[0], (1, "Alice"), rows[1]} == {(1, "Alice"), (2, "Bob")}
    assert rows[0] < rows[1] and sorted(rows, reverse=True) == [(2, "Bob"), (1, "Alice")]
    assert [name for _, name in rows] == ["Alice", "Bob"]
    ident, name = rows[1]
    assert (ident, name) == (2, "Bob")
    assert "Alice" in rows[0] and "Bob" not in rows[0]


def test_first_and_scalar_close_the_result(conn: Connection) -> None:
    result = conn.execute(text("SELECT id FROM users ORDER BY id"))
    assert result.first() == (1,)
    with pytest.raises(exc.ResourceClosedError):
        result.fetchall()
    result = conn.execute(text("SELECT id FROM users ORDER BY id"))
    assert result.scalar() == 1
    with pytest.raises(exc.ResourceClosedError):
        result.all()


def _result_view(sa: ModuleType) -> dict[str, Any]:
    """What a user sees of a few results, built the same way with either library."""
    engine = sa.create_engine("sqlite://")
    with engine.connect() as c:
        c.execute(sa.text("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, score REAL, data BLOB)"))
        c.execute(
            sa.text("INSERT INTO t VALUES (:id, :name, :score, :data)"),
            [
                {"id": 1, "name": "Alice", "score": 1.5, "data": b"x"},
                {"id": 2, "name": "Bob", "score": None, "data": None},
            ],
        )
        rows = c.execute(sa.text("SELECT * FROM t ORDER BY id")).all()
        row = c.execute(sa.text("SELECT id, name AS who, 1 + 1 AS two FROM t WHERE id = 2")).one()
        return {
            "rows": rows,
            "repr": repr(rows),
            "types": [[type(v).__name__ for v in r] for r in rows],
            "keys": list(c.execute(sa.text("SELECT id, name AS who, count(*) FROM t")).keys()),
            "fields": row._fields,
            "asdict": row._asdict(),
            "mapping": (dict(row._mapping), list(row._mapping), len(row._mapping)),
            "mappings": c.execute(sa.text("SELECT id, name FROM t ORDER BY id")).mappings().all(),
            "scalars": c.execute(sa.text("SELECT name FROM t ORDER BY id DESC")).scalars().all(),
            "first_of_nothing": c.execute(sa.text("SELECT id FROM t WHERE id > 9")).first(),
            "fetchmany": c.execute(sa.text("SELECT id FROM t ORDER BY id")).fetchmany(1),
        }


def test_results_match_sqlalchemy() -> None:
    expected = _result_view(real)
    assert expected["rows"], "the query returns rows"
    assert _result_view(ferro) == expected
