"""create_mock_engine(): DDL elements handed to a callable instead of a database, compared with SQLAlchemy's."""

from __future__ import annotations

import enum
from types import ModuleType
from typing import Any

import pytest
import sqlalchemy as real

import ferroalchemy as ferro
from ferroalchemy.engine import create_mock_engine
from ferroalchemy.engine.mock import MockConnection
from ferroalchemy.engine.strategies import MockEngineStrategy


class Mood(enum.Enum):
    happy = "happy"
    sad = "sad"


def _metadata(sa: ModuleType) -> Any:
    m = sa.MetaData()
    sa.Table(
        "users",
        m,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("email", sa.String(255), nullable=False, unique=True),
        sa.Column("name", sa.String(50), index=True),
        sa.Column("mood", sa.Enum(Mood, name="mood")),
    )
    sa.Table(
        "posts",
        m,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("user_id", sa.ForeignKey("users.id", ondelete="CASCADE")),
        sa.Column("title", sa.String(200), server_default="untitled"),
    )
    return m


def _dump(sa: ModuleType, url: str, action: str) -> list[tuple[str, str]]:
    """(element class name, its SQL on the mock engine's dialect) for each element `action` emits."""
    out: list[tuple[str, str]] = []

    def executor(sql: Any, *multiparams: Any, **params: Any) -> None:
        out.append((type(sql).__name__, " ".join(str(sql.compile(dialect=engine.dialect)).split())))

    engine = sa.create_mock_engine(url, executor)
    getattr(_metadata(sa), action)(engine, checkfirst=False)
    return out


@pytest.mark.parametrize("url", ["sqlite://", "postgresql+psycopg2://", "mysql+pymysql://"])
@pytest.mark.parametrize("action", ["create_all", "drop_all"])
def test_create_all_and_drop_all_emit_sqlalchemys_elements_and_sql(url: str, action: str) -> None:
    got = _dump(ferro, url, action)
    assert got == _dump(real, url, action)
    assert got, "nothing was emitted"


def test_executor_gets_the_element_and_no_parameters_and_nothing_is_checked_first() -> None:
    calls: list[tuple[Any, tuple[Any, ...]]] = []
    engine = create_mock_engine("sqlite://", lambda sql, *rest: calls.append((sql, rest)))
    m = _metadata(ferro)
    m.create_all(engine)  # checkfirst=True would need a database: a mock engine never checks
    assert [type(el).__name__ for el, _ in calls] == ["CreateTable", "CreateIndex", "CreateTable"]
    assert all(rest == (None,) for _, rest in calls)
    assert calls[0][0].element is m.tables["users"]


def test_mock_connection_api() -> None:
    engine = create_mock_engine("postgresql://", lambda *a: "result")
    assert isinstance(engine, MockConnection) and MockEngineStrategy.MockConnection is MockConnection
    assert engine.dialect.name == engine.name == "postgresql"
    assert engine.connect() is engine and engine.engine is engine and engine.execution_options(x=1) is engine
    assert engine.execute(ferro.text("SELECT 1")) == "result"
    assert engine.schema_for_object(ferro.Table("t", ferro.MetaData(), schema="s")) == "s"
    assert ferro.create_mock_engine is create_mock_engine


def test_single_table_and_index_create_go_through_the_executor() -> None:
    seen: list[str] = []
    engine = create_mock_engine("sqlite://", lambda sql, *a: seen.append(str(sql.compile(dialect=engine.dialect))))
    m = _metadata(ferro)
    m.tables["posts"].create(engine)
    ix = ferro.Index("ix_posts_title", m.tables["posts"].c.title)
    ix.create(engine)
    ix.drop(engine)
    assert [s.split("(")[0].strip() for s in seen] == [
        "CREATE TABLE posts",
        "CREATE INDEX ix_posts_title ON posts",
        "DROP INDEX ix_posts_title",
    ]


def test_unknown_backend_is_refused() -> None:
    with pytest.raises(ferro.exc.NoSuchModuleError):
        create_mock_engine("oracle://", print)
