"""Connection.exec_driver_sql: SQL as the driver takes it, with SQLAlchemy's parameter forms."""

from __future__ import annotations

import pytest

import ferroalchemy as sa
from ferroalchemy import exc


@pytest.fixture
def conn():
    engine = sa.create_engine("sqlite://")
    with engine.connect() as c:
        c.exec_driver_sql("CREATE TABLE t (id INTEGER PRIMARY KEY, x TEXT, n INTEGER)")
        yield c


def test_one_tuple_binds_positionally(conn) -> None:
    conn.exec_driver_sql("INSERT INTO t (x, n) VALUES (?, ?)", ("a", 1))
    assert conn.exec_driver_sql("SELECT x, n FROM t WHERE n = ?", (1,)).all() == [("a", 1)]


def test_list_of_tuples_is_executemany(conn) -> None:
    result = conn.exec_driver_sql("INSERT INTO t (x, n) VALUES (?, ?)", [("a", 1), ("b", 2), ("c", None)])
    assert result.rowcount == 3
    assert conn.exec_driver_sql("SELECT x, n FROM t ORDER BY id").all() == [("a", 1), ("b", 2), ("c", None)]


def test_single_element_list_runs_once(conn) -> None:
    conn.exec_driver_sql("INSERT INTO t (x, n) VALUES (?, ?)", [("a", 1)])
    assert conn.exec_driver_sql("SELECT count(*) FROM t").scalar() == 1


def test_list_of_scalars_is_argument_error(conn) -> None:
    with pytest.raises(exc.ArgumentError, match="List argument must consist only of tuples or dictionaries"):
        conn.exec_driver_sql("INSERT INTO t (x) VALUES (?)", ["a", "b"])


def test_other_parameter_type_is_argument_error(conn) -> None:
    with pytest.raises(exc.ArgumentError, match="mapping or sequence expected for parameters"):
        conn.exec_driver_sql("SELECT ?", 5)


def test_values_are_bound_not_spliced(conn) -> None:
    evil = "x'); DROP TABLE t; --"
    conn.exec_driver_sql("INSERT INTO t (x) VALUES (?)", (evil,))
    assert conn.exec_driver_sql("SELECT x FROM t").scalar() == evil
