"""inspect(engine) on SQLite returns what SQLAlchemy's Inspector returns for the same schema."""

from __future__ import annotations

from types import ModuleType
from typing import Any

import pytest
import sqlalchemy as real

import ferroalchemy as ferro


def _schema(sa: ModuleType) -> Any:
    m = sa.MetaData()
    sa.Table(
        "parents",
        m,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(50), nullable=False, unique=True),
        sa.Column("ts", sa.DateTime, server_default=sa.func.now()),
        sa.Column("price", sa.Numeric(10, 2), server_default=sa.text("0")),
    )
    sa.Table(
        "children",
        m,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("parent_id", sa.ForeignKey("parents.id", ondelete="CASCADE"), index=True),
        sa.Column("email", sa.String(20)),
        sa.UniqueConstraint("email", name="uq_email"),
        sa.CheckConstraint("id > 0", name="ck_pos"),
        sa.Index("ix_multi", "parent_id", "email"),
    )
    engine = sa.create_engine("sqlite://")
    m.create_all(engine)
    return sa.inspect(engine)


def _plain(value: Any) -> Any:
    """Reflected types compare by their repr (INTEGER(), VARCHAR(length=50))."""
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: repr(v) if k == "type" else _plain(v) for k, v in value.items()}
    return value


@pytest.mark.parametrize(
    "method",
    [
        "get_columns",
        "get_pk_constraint",
        "get_foreign_keys",
        "get_indexes",
        "get_unique_constraints",
        "get_check_constraints",
    ],
)
@pytest.mark.parametrize("table", ["parents", "children"])
def test_matches_sqlalchemy(method: str, table: str) -> None:
    mine, theirs = _schema(ferro), _schema(real)
    assert _plain(getattr(mine, method)(table)) == _plain(getattr(theirs, method)(table))


def test_names_and_errors() -> None:
    insp = _schema(ferro)
    assert insp.get_schema_names() == ["main"]
    assert insp.get_table_names() == ["children", "parents"]
    assert insp.has_table("parents") and not insp.has_table("nope")
    with pytest.raises(ferro.exc.NoSuchTableError):
        insp.get_columns("nope")
