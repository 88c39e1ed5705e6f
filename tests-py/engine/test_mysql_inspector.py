"""inspect(engine) on MySQL/MariaDB returns what SQLAlchemy 2.1's Inspector (PyMySQL) returns for the
same tables. The URL comes from FERRO_TEST_MYSQL_URL; the tests skip without it."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as real

import ferroalchemy as ferro

URL = os.environ.get("FERRO_TEST_MYSQL_URL")
pytestmark = pytest.mark.skipif(not URL, reason="FERRO_TEST_MYSQL_URL is not set")

# Raw DDL, so that both libraries read tables neither of them wrote.
DDL = [
    """CREATE TABLE ferro_myinsp_parents (
        id INT AUTO_INCREMENT PRIMARY KEY,
        big BIGINT,
        small SMALLINT DEFAULT 3,
        name VARCHAR(50) NOT NULL UNIQUE COMMENT 'their name',
        body TEXT,
        price DECIMAL(10, 2) DEFAULT 0.00,
        amount NUMERIC(8, 3),
        f FLOAT,
        d DOUBLE,
        dt DATETIME DEFAULT CURRENT_TIMESTAMP,
        day DATE,
        tm TIME,
        b BLOB,
        vb VARBINARY(10),
        ch CHAR(3),
        mood ENUM('sad', 'ok', 'it''s'),
        label VARCHAR(10) COLLATE utf8mb4_bin,
        CONSTRAINT uq_ferro_myinsp_pair UNIQUE (big, small),
        CONSTRAINT ck_ferro_myinsp_small CHECK (small > 0)
    ) COMMENT 'the parents'""",
    """CREATE TABLE ferro_myinsp_children (
        a INT,
        b VARCHAR(50),
        parent_id INT,
        note VARCHAR(200),
        PRIMARY KEY (a, b),
        CONSTRAINT fk_ferro_myinsp_parent FOREIGN KEY (parent_id) REFERENCES ferro_myinsp_parents (id)
            ON DELETE CASCADE ON UPDATE SET NULL,
        FOREIGN KEY (b) REFERENCES ferro_myinsp_parents (name),
        KEY ix_ferro_myinsp_multi (parent_id, note(20)),
        UNIQUE KEY ix_ferro_myinsp_note (note)
    )""",
    "CREATE TABLE ferro_myinsp_empty (x INT)",
    "CREATE VIEW ferro_myinsp_view AS SELECT id, name, price FROM ferro_myinsp_parents",
]
DROP = [
    "DROP VIEW IF EXISTS ferro_myinsp_view",
    "DROP TABLE IF EXISTS ferro_myinsp_children",
    "DROP TABLE IF EXISTS ferro_myinsp_parents",
    "DROP TABLE IF EXISTS ferro_myinsp_empty",
]
TABLES = ["ferro_myinsp_parents", "ferro_myinsp_children", "ferro_myinsp_empty", "ferro_myinsp_view"]
METHODS = [
    "get_columns",
    "get_pk_constraint",
    "get_foreign_keys",
    "get_indexes",
    "get_unique_constraints",
    "get_check_constraints",
    "get_table_comment",
]


def _sa_url() -> str:
    assert URL is not None
    return real.engine.make_url(URL).set(drivername="mysql+pymysql").render_as_string(hide_password=False)


@pytest.fixture(scope="module")
def inspectors() -> Iterator[tuple[Any, Any, Any]]:
    engine = real.create_engine(_sa_url())
    with engine.begin() as conn:
        for stmt in DROP + DDL:
            conn.exec_driver_sql(stmt)
    mine = ferro.create_engine(URL)
    try:
        yield ferro.inspect(mine), real.inspect(engine), engine.dialect.default_schema_name
    finally:
        mine.dispose()
        with engine.begin() as conn:
            for stmt in DROP:
                conn.exec_driver_sql(stmt)
        engine.dispose()


# MySQL types ferroalchemy does not have reflect as the generic type nearest to them; the others
# must print (str() and as MySQL DDL) as SQLAlchemy's do.
NEAREST = {"TINYINT": "SMALLINT", "MEDIUMINT": "INTEGER", "LONGTEXT": "TEXT", "ENUM": "ENUM"}


def _plain(value: Any, ours: bool) -> Any:
    if isinstance(value, list):
        return [_plain(v, ours) for v in value]
    if isinstance(value, dict):
        return {k: _type(v, ours) if k == "type" else _plain(v, ours) for k, v in value.items()}
    return value


def _type(t: Any, ours: bool) -> Any:
    if ours:
        from ferroalchemy.dialects import mysql

        ddl = t.compile(dialect=mysql.dialect())
    else:
        from sqlalchemy.dialects import mysql as sa_mysql

        # display widths (INT(11)) are not kept by ferroalchemy's integer types
        ddl = t.compile(dialect=sa_mysql.dialect()).split("(")[0] if isinstance(t, real.Integer) else None
        ddl = ddl or t.compile(dialect=sa_mysql.dialect())
        # ferroalchemy's string types have no charset (their COLLATE is kept)
        ddl = re.sub(r" CHARACTER SET \w+", "", ddl)
        name = str(t).split("(")[0]
        if name in NEAREST and name != "ENUM":
            ddl = NEAREST[name]
    return ddl


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("table", TABLES)
def test_matches_sqlalchemy(inspectors: tuple[Any, Any, Any], method: str, table: str) -> None:
    mine, theirs, default_schema = inspectors
    for schema in (None, default_schema):
        assert _plain(getattr(mine, method)(table, schema=schema), True) == _plain(
            getattr(theirs, method)(table, schema=schema), False
        )


def test_names(inspectors: tuple[Any, Any, Any]) -> None:
    mine, theirs, default_schema = inspectors
    assert mine.get_schema_names() == theirs.get_schema_names()
    assert default_schema in mine.get_schema_names()
    assert mine.get_table_names() == theirs.get_table_names()
    assert {"ferro_myinsp_parents", "ferro_myinsp_children", "ferro_myinsp_empty"} <= set(mine.get_table_names())
    assert "ferro_myinsp_view" not in mine.get_table_names()
    assert mine.get_view_names() == theirs.get_view_names()
    assert "ferro_myinsp_view" in mine.get_view_names()
    assert mine.get_table_names(schema=default_schema) == theirs.get_table_names(schema=default_schema)


def test_has_table_and_errors(inspectors: tuple[Any, Any, Any]) -> None:
    mine, _, _ = inspectors
    assert mine.has_table("ferro_myinsp_parents")
    assert mine.has_table("ferro_myinsp_view")
    assert not mine.has_table("ferro_myinsp_nope")
    with pytest.raises(ferro.exc.NoSuchTableError):
        mine.get_columns("ferro_myinsp_nope")
    enum = {c["name"]: c["type"] for c in mine.get_columns("ferro_myinsp_parents")}["mood"]
    assert isinstance(enum, ferro.Enum) and list(enum.enums) == ["sad", "ok", "it's"]
