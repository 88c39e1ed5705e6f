"""Table-level DDL beyond columns and constraints, against SQLAlchemy: MySQL's table options
(``mysql_engine=``, character set and collation, partitioning, ``comment=``) after CREATE TABLE's
closing parenthesis, string literals escaped as MySQL reads them, what the Inspector reflects of
them, and PostgreSQL's COMMENT ON statements after CREATE TABLE."""

from __future__ import annotations

from types import ModuleType
from typing import Any

import pytest

from .backends import dialect_of, ferro, make_engine, real


def _tables(sa: ModuleType) -> Any:
    m = sa.MetaData()
    sa.Table(
        "opt_a",
        m,
        sa.Column("id", sa.Integer, primary_key=True, comment="a\\b'c"),
        mysql_collate="utf8mb4_bin",
        mysql_engine="InnoDB",
        mysql_default_charset="utf8mb4",
        comment="it's \\ here",
    )
    sa.Table(
        "opt_b",
        m,
        sa.Column("id", sa.Integer, primary_key=True),
        mysql_engine="MyISAM",
        mysql_row_format="DYNAMIC",
        mysql_key_block_size="8",
    )
    sa.Table(
        "opt_c",
        m,
        sa.Column("id", sa.Integer, primary_key=True),
        mysql_charset="utf8mb4",
        mysql_tablespace="innodb_system",
        mysql_partition_by="HASH(id)",
        mysql_partitions="4",
    )
    sa.Table("opt_d", m, sa.Column("id", sa.Integer, primary_key=True, comment="col"), comment="tab")
    return m


def _create_sql(sa: ModuleType, backend: str) -> list[str]:
    create = __import__(f"{sa.__name__}.schema", fromlist=["CreateTable"]).CreateTable
    dialect = dialect_of(sa, backend)
    return [str(create(t).compile(dialect=dialect)) for t in _tables(sa).sorted_tables]


@pytest.mark.parametrize("backend", ["mysql", "postgresql", "sqlite"])
def test_create_table_text_matches_sqlalchemy(backend: str) -> None:
    assert _create_sql(ferro, backend) == _create_sql(real, backend)


def _reflected(sa: ModuleType, backend: str) -> dict[str, Any]:
    engine = make_engine(sa, backend)
    m = _tables(sa)
    m.drop_all(engine)
    m.create_all(engine)
    try:
        inspector = sa.inspect(engine)
        return {
            name: (
                inspector.get_table_options(name),
                inspector.get_table_comment(name) if backend != "sqlite" else None,
                [c.get("comment") for c in inspector.get_columns(name)],
            )
            for name in ("opt_a", "opt_b", "opt_d")
        }
    finally:
        m.drop_all(engine)
        engine.dispose()


@pytest.mark.parametrize("backend", ["mysql", "postgresql", "sqlite"])
def test_reflected_options_and_comments_match_sqlalchemy(backend: str) -> None:
    assert _reflected(ferro, backend) == _reflected(real, backend)
