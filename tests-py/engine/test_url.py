"""URLs in the spellings SQLAlchemy documents; the password never shows."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as real

from ferroalchemy import create_engine, exc, make_url


@pytest.mark.parametrize(
    ("url", "backend", "driver", "database"),
    [
        ("sqlite:///relative.db", "sqlite", "pysqlite", "relative.db"),
        ("sqlite:////abs/path.db", "sqlite", "pysqlite", "/abs/path.db"),
        ("sqlite:///:memory:", "sqlite", "pysqlite", ":memory:"),
        ("sqlite+aiosqlite:///x.db", "sqlite", "aiosqlite", "x.db"),
        ("postgresql+psycopg2://u:p@h:5432/db", "postgresql", "psycopg2", "db"),
        ("postgresql+asyncpg://u@h/db", "postgresql", "asyncpg", "db"),
        ("mysql+pymysql://root@127.0.0.1:3306/test", "mysql", "pymysql", "test"),
    ],
)
def test_url_parts(url: str, backend: str, driver: str, database: str) -> None:
    u = make_url(url)
    assert (u.get_backend_name(), u.get_driver_name(), u.database) == (backend, driver, database)


def test_password_is_masked_and_decoded() -> None:
    u = make_url("postgresql+psycopg2://scott:p%40ss@localhost:5432/app?sslmode=require")
    assert (u.username, u.password, u.host, u.port) == ("scott", "p@ss", "localhost", 5432)
    assert u.query == {"sslmode": "require"}
    assert str(u) == "postgresql+psycopg2://scott:***@localhost:5432/app?sslmode=require"
    assert "p@ss" not in repr(create_engine("postgresql+psycopg2://scott:p%40ss@localhost/app"))
    assert (
        u.render_as_string(hide_password=False)
        == "postgresql+psycopg2://scott:p%40ss@localhost:5432/app?sslmode=require"
    )


def test_bad_urls() -> None:
    with pytest.raises(exc.ArgumentError, match="Could not parse SQLAlchemy URL"):
        make_url("not a url")
    with pytest.raises(exc.NoSuchModuleError):
        create_engine("oracle://scott@host/db")
    with pytest.raises(TypeError, match="Invalid argument"):
        create_engine("sqlite://", no_such_option=True)


@pytest.mark.parametrize(
    "url",
    [
        "sqlite://",
        "sqlite:///:memory:",
        "sqlite+pysqlite:///:memory:",
        "sqlite:///file.db",
        "sqlite+pysqlite:///dir/file.db",
        "sqlite:////abs/file.db?timeout=20",
        "postgresql://scott@localhost/app",
        "mysql+pymysql://root:pw@localhost/test?charset=utf8mb4",
    ],
)
def test_url_matches_sqlalchemy(url: str) -> None:
    def parts(u: Any) -> tuple[Any, ...]:
        return (str(u), repr(u), u.drivername, u.database, dict(u.query), u.get_driver_name())

    assert parts(make_url(url)) == parts(real.make_url(url))


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///:memory:", "sqlite+pysqlite:///:memory:", "sqlite:///x.db"])
def test_engine_repr_matches_sqlalchemy(url: str) -> None:
    assert repr(create_engine(url)) == repr(real.create_engine(url))
