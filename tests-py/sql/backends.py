"""The databases the differential sql tests run on, with an engine of each library for each.

SQLite always; PostgreSQL and MySQL/MariaDB from FERRO_TEST_POSTGRES_URL / FERRO_TEST_MYSQL_URL (.ci/run sets
both, so there they run and fail loudly when a server is down; a developer without them sees a skip).
SQLAlchemy reaches the servers through psycopg and PyMySQL; ferroalchemy through its own Rust drivers.
"""

from __future__ import annotations

import os
from types import ModuleType
from typing import Any

import pytest
import sqlalchemy as real

import ferroalchemy as ferro

BACKENDS = ["sqlite", "postgresql", "mysql"]
_ENV = {"postgresql": "FERRO_TEST_POSTGRES_URL", "mysql": "FERRO_TEST_MYSQL_URL"}
_SQLALCHEMY_DRIVER = {"postgresql": "postgresql+psycopg", "mysql": "mysql+pymysql"}


def server_url(backend: str) -> str:
    """The URL of `backend`'s server, or a skip when the environment names none."""
    url = os.environ.get(_ENV[backend])
    if not url:
        pytest.skip(f"{_ENV[backend]} is not set")
    return url


def make_engine(sa: ModuleType, backend: str, sqlite_url: str = "sqlite://", **kw: Any) -> Any:
    """A new engine of library `sa` on `backend` (for SQLite, `sqlite_url`: a fresh in-memory database
    unless told otherwise); `kw` goes to create_engine."""
    if backend == "sqlite":
        return sa.create_engine(sqlite_url, **kw)
    url = server_url(backend)
    if sa is real:
        url = real.make_url(url).set(drivername=_SQLALCHEMY_DRIVER[backend]).render_as_string(hide_password=False)
    return sa.create_engine(url, **kw)


def dialect_of(sa: ModuleType, backend: str) -> Any:
    """`sa`'s dialect object for `backend`, for compiling without a database."""
    module = "sqlalchemy.dialects" if sa is real else "ferroalchemy.dialects"
    return __import__(f"{module}.{backend}", fromlist=["dialect"]).dialect()


def fresh_schema(engine: Any, metadata: Any) -> None:
    """Creates `metadata`'s tables on `engine`, dropping what an earlier test left."""
    metadata.drop_all(engine)
    metadata.create_all(engine)


__all__ = ["BACKENDS", "dialect_of", "ferro", "fresh_schema", "make_engine", "real", "server_url"]
