"""exec_driver_sql() with named parameters in the user's driver's spelling (pysqlite `:name`,
psycopg/PyMySQL `%(name)s`), one dict or a list of dicts, against SQLAlchemy on the same database."""

from __future__ import annotations

from types import ModuleType
from typing import Any

import pytest

from .backends import BACKENDS, ferro, make_engine, real

MARK = {"sqlite": ":{}", "postgresql": "%({})s", "mysql": "%({})s"}


def _run(sa: ModuleType, backend: str) -> list[Any]:
    m = MARK[backend].format
    engine = make_engine(sa, backend)
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql("DROP TABLE IF EXISTS ferro_named")
            conn.exec_driver_sql("CREATE TABLE ferro_named (id INTEGER PRIMARY KEY, x VARCHAR(20), n INTEGER)")
            insert = f"INSERT INTO ferro_named (id, x, n) VALUES ({m('id')}, {m('x')}, {m('n')})"
            conn.exec_driver_sql(insert, {"id": 1, "x": "a'b", "n": 7})
            many = conn.exec_driver_sql(insert, [{"id": 2, "x": "c", "n": None}, {"id": 3, "x": "d", "n": 9}])
            out: list[Any] = [many.rowcount]
            # A name used twice takes its one value in both places; quoted text keeps its colons.
            sql = (
                f"SELECT id, x, 'a:b' FROM ferro_named WHERE n = {m('n')} OR id = {m('n')} OR x = {m('x')} ORDER BY id"
            )
            out.append([tuple(r) for r in conn.exec_driver_sql(sql, {"n": 7, "x": "d"})])
            out.append([tuple(r) for r in conn.exec_driver_sql("SELECT id, x, n FROM ferro_named ORDER BY id")])
            conn.exec_driver_sql("DROP TABLE ferro_named")
        return out
    finally:
        engine.dispose()


@pytest.mark.parametrize("backend", BACKENDS)
def test_named_parameters_match_sqlalchemy(backend: str) -> None:
    expected = _run(real, backend)
    assert expected[1] and expected[2]
    assert _run(ferro, backend) == expected


def test_a_missing_name_and_a_mix_are_argument_errors() -> None:
    engine = ferro.create_engine("sqlite://")
    with engine.connect() as conn:
        with pytest.raises(ferro.exc.ArgumentError, match="'y'"):
            conn.exec_driver_sql("SELECT :x, :y", {"x": 1})
        with pytest.raises(ferro.exc.ArgumentError, match="names no parameter"):
            conn.exec_driver_sql("SELECT 1", {"x": 1})
