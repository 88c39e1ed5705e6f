"""echo=True / echo="debug": the `sqlalchemy.engine.Engine` log of a session of statements, line for line
as SQLAlchemy writes it through psycopg, PyMySQL and pysqlite (timings masked), on all three databases;
hide_parameters=True and the password in repr(engine)."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest
import sqlalchemy as real

import ferroalchemy as ferro
from sql.backends import BACKENDS, make_engine, server_url

_LOGGER = "sqlalchemy.engine.Engine"
_TIMING = re.compile(r"\d+(\.\d+)?(e-\d+)?s( ago)?\]")


@pytest.fixture(autouse=True)
def _restore_logger() -> Iterator[None]:
    """echo=True sets the logger's level and adds a handler, in both libraries; undone after each test."""
    logger = logging.getLogger(_LOGGER)
    level, handlers = logger.level, list(logger.handlers)
    yield
    logger.setLevel(level)
    logger.handlers[:] = handlers


def _engine(sa: ModuleType, backend: str, **kw: Any) -> Any:
    if backend == "sqlite":
        return make_engine(sa, backend, **kw)
    # Both on the driver SQLAlchemy runs (psycopg: `%(name)s::TYPE`, PyMySQL: `%(name)s`); the
    # environment's URL names none.
    driver = {"postgresql": "postgresql+psycopg", "mysql": "mysql+pymysql"}[backend]
    url = real.make_url(server_url(backend)).set(drivername=driver)
    return sa.create_engine(url.render_as_string(hide_password=False), **kw)


def _table(sa: ModuleType) -> Any:
    meta = sa.MetaData()
    return sa.Table(
        "echo_items",
        meta,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("name", sa.String(20)),
    )


def _captured(caplog: pytest.LogCaptureFixture, sa: ModuleType, backend: str, run: Any, **kw: Any) -> list[Any]:
    engine = _engine(sa, backend, **kw)
    table = _table(sa)
    with engine.begin() as conn:
        table.drop(conn, checkfirst=True)
        table.create(conn)
    caplog.clear()
    run(sa, engine, table)
    lines = [(r.levelname, _TIMING.sub("T]", r.getMessage())) for r in caplog.records if r.name == _LOGGER]
    with engine.begin() as conn:
        table.drop(conn)
    engine.dispose()
    return lines


def _session(sa: ModuleType, engine: Any, table: Any) -> None:
    with engine.connect() as conn:
        conn.execute(table.insert(), {"id": 1, "name": "a"})
        conn.execute(table.insert(), {"id": 2, "name": "b"})
        conn.execute(sa.select(table).where(table.c.id == 1)).all()
        conn.execute(sa.select(table.c.name).where(table.c.id > 0).order_by(table.c.id)).all()
        conn.execute(sa.text("SELECT name FROM echo_items WHERE id = :id"), {"id": 2}).all()
        conn.exec_driver_sql("SELECT 1").all()
        conn.commit()
        conn.execute(table.update().where(table.c.id == 1).values(name="z"))
        conn.rollback()


@pytest.mark.parametrize("backend", BACKENDS)
def test_echo_logs_what_sqlalchemy_logs(backend: str, caplog: pytest.LogCaptureFixture) -> None:
    theirs = _captured(caplog, real, backend, _session, echo=True)
    ours = _captured(caplog, ferro, backend, _session, echo=True)
    assert ours == theirs
    messages = [m for _, m in ours]
    assert messages[0] == "BEGIN (implicit)"
    assert any(m.startswith("[generated in T]") for m in messages)
    assert any(m.startswith("[cached since T]") for m in messages)
    assert "[raw sql] ()" in messages if backend == "sqlite" else "[raw sql] {}" in messages
    assert "COMMIT" in messages and messages[-1] == "ROLLBACK"


@pytest.mark.parametrize("backend", BACKENDS)
def test_echo_debug_adds_columns_and_rows(backend: str, caplog: pytest.LogCaptureFixture) -> None:
    theirs = _captured(caplog, real, backend, _session, echo="debug")
    ours = _captured(caplog, ferro, backend, _session, echo="debug")
    assert ours == theirs
    assert ("DEBUG", "Col ('id', 'name')") in ours
    assert ("DEBUG", "Row (1, 'a')") in ours


def _executemany(sa: ModuleType, engine: Any, table: Any) -> None:
    with engine.begin() as conn:
        conn.execute(table.insert(), [{"id": 1, "name": "a"}, {"id": 2, "name": "b"}])


def test_echo_of_executemany_on_sqlite(caplog: pytest.LogCaptureFixture) -> None:
    theirs = _captured(caplog, real, "sqlite", _executemany, echo=True)
    ours = _captured(caplog, ferro, "sqlite", _executemany, echo=True)
    assert ours == theirs
    assert ("INFO", "[generated in T] [(1, 'a'), (2, 'b')]") in ours


@pytest.mark.parametrize("backend", BACKENDS)
def test_hide_parameters(backend: str, caplog: pytest.LogCaptureFixture) -> None:
    theirs = _captured(caplog, real, backend, _session, echo=True, hide_parameters=True)
    ours = _captured(caplog, ferro, backend, _session, echo=True, hide_parameters=True)
    assert ours == theirs
    assert ("INFO", "[generated in T] [SQL parameters hidden due to hide_parameters=True]") in ours
    assert not any("'a'" in m for _, m in ours)


@pytest.mark.parametrize("sa", [real, ferro], ids=["sqlalchemy", "ferroalchemy"])
def test_logging_configured_without_echo_logs_too(sa: ModuleType, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="sqlalchemy.engine")
    engine = sa.create_engine("sqlite://")
    with engine.connect() as conn:
        conn.execute(sa.text("SELECT :x"), {"x": 1})
    messages = [r.getMessage() for r in caplog.records if r.name == _LOGGER]
    assert messages[:2] == ["BEGIN (implicit)", "SELECT ?"]


def test_password_is_masked_in_repr_and_log() -> None:
    url = "postgresql+psycopg://scott:tiger@db.example/app"
    assert (
        repr(ferro.create_engine(url))
        == repr(real.create_engine(url))
        == "Engine(postgresql+psycopg://scott:***@db.example/app)"
    )


def _orm_reads(sa: ModuleType, engine: Any, table: Any) -> None:
    orm = __import__(f"{sa.__name__}.orm", fromlist=["Session"])

    class Base(orm.DeclarativeBase):  # type: ignore[name-defined,misc]
        pass

    class Item(Base):
        __table__ = table

    with engine.begin() as conn:
        conn.execute(table.insert(), {"id": 1, "name": "a"})
    with orm.Session(engine) as session:
        session.get(Item, 1)
        session.scalars(sa.select(Item).where(Item.name == "a")).all()


@pytest.mark.parametrize("backend", BACKENDS)
def test_echo_of_orm_reads(backend: str, caplog: pytest.LogCaptureFixture) -> None:
    theirs = _captured(caplog, real, backend, _orm_reads, echo=True)
    ours = _captured(caplog, ferro, backend, _orm_reads, echo=True)
    assert ours == theirs
    assert len([m for _, m in ours if m.startswith("SELECT")]) == 2


@pytest.mark.parametrize("sa", [real, ferro], ids=["sqlalchemy", "ferroalchemy"])
def test_echo_is_per_engine_and_can_be_switched_off(sa: ModuleType, caplog: pytest.LogCaptureFixture) -> None:
    loud, quiet = sa.create_engine("sqlite://", echo=True), sa.create_engine("sqlite://")
    caplog.clear()
    for engine, value in ((loud, 1), (quiet, 2)):
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT :x"), {"x": value})
    loud.echo = False
    with loud.connect() as conn:
        conn.execute(sa.text("SELECT :x"), {"x": 3})
    messages = [r.getMessage() for r in caplog.records if r.name == _LOGGER]
    # Only the echoing engine logged, and only until its echo was switched off.
    assert [_TIMING.sub("T]", m) for m in messages if m.startswith("[")] == ["[generated in T] (1,)"]
