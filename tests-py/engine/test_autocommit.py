"""isolation_level="AUTOCOMMIT" on the three databases: each statement commits on its own, the
transaction calls log and behave as SQLAlchemy's, and a pooled connection leaves autocommit on
its return."""

from __future__ import annotations

import asyncio
import logging
import uuid
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import sqlalchemy as real

import ferroalchemy as ferro
from sql.backends import BACKENDS, make_engine, server_url

_TRANSACTION_WORDS = ("BEGIN", "COMMIT", "ROLLBACK")


def _engine(sa: ModuleType, backend: str, tmp_path: Path, **kw: Any) -> Any:
    return make_engine(sa, backend, f"sqlite:///{tmp_path / (sa.__name__ + '.db')}", **kw)


def _table(sa: ModuleType, name: str) -> Any:
    return sa.Table(name, sa.MetaData(), sa.Column("id", sa.Integer, primary_key=True, autoincrement=False))


def _fresh(sa: ModuleType, engine: Any, table: Any) -> None:
    table.metadata.drop_all(engine)
    table.metadata.create_all(engine)


def _count(sa: ModuleType, engine: Any, table: Any) -> int:
    with engine.connect() as other:
        return int(other.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())


def _transaction_log(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.getMessage().startswith(_TRANSACTION_WORDS)]


@pytest.mark.parametrize("backend", BACKENDS)
def test_transaction_calls_log_and_report_as_sqlalchemy(
    backend: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    runs = {}
    for sa in (real, ferro):
        caplog.clear()
        seen: list[Any] = []
        with caplog.at_level(logging.INFO, logger="sqlalchemy.engine.Engine"):
            engine = _engine(sa, backend, tmp_path, isolation_level="AUTOCOMMIT")
            with engine.connect() as conn:
                seen.append((conn.get_isolation_level(), conn.default_isolation_level))
                conn.execute(sa.text("SELECT 1"))
                seen.append(conn.in_transaction())
                conn.commit()
                seen.append(conn.in_transaction())
                with conn.begin():
                    conn.execute(sa.text("SELECT 2"))
                    seen.append(conn.in_transaction())
                conn.execute(sa.text("SELECT 3"))
                conn.rollback()
            engine.dispose()
            plain = _engine(sa, backend, tmp_path)
            with plain.connect() as conn:
                conn = conn.execution_options(isolation_level="AUTOCOMMIT")
                seen.append(conn.get_isolation_level())
                conn.execute(sa.text("SELECT 4"))
                conn.rollback()
            log = _transaction_log(caplog)
            with plain.connect() as conn:
                conn.execute(sa.text("SELECT 5"))
                with pytest.raises(sa.exc.InvalidRequestError) as altered:
                    conn.execution_options(isolation_level="AUTOCOMMIT")
                seen.append(str(altered.value))
            plain.dispose()
        runs[sa.__name__] = (seen, log)
    assert runs["ferroalchemy"] == runs["sqlalchemy"]
    assert "COMMIT using DBAPI connection.commit(), has no effect due to autocommit mode" in runs["ferroalchemy"][1]


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_row_is_visible_to_other_connections_before_any_commit(backend: str, tmp_path: Path) -> None:
    engine = _engine(ferro, backend, tmp_path)
    table = _table(ferro, "ac_visible")
    _fresh(ferro, engine, table)
    autocommit = engine.execution_options(isolation_level="AUTOCOMMIT")
    with autocommit.connect() as conn:
        conn.execute(table.insert(), [{"id": 1}, {"id": 2}])
        assert _count(ferro, engine, table) == 2
        conn.rollback()
    assert _count(ferro, engine, table) == 2, "rollback() has nothing to undo in autocommit"
    table.metadata.drop_all(engine)
    engine.dispose()


@pytest.mark.parametrize("backend", BACKENDS)
def test_create_engine_autocommit_serves_a_session(backend: str, tmp_path: Path) -> None:
    from ferroalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

    class Base(DeclarativeBase):
        pass

    class Note(Base):
        __tablename__ = "ac_note"
        id: Mapped[int] = mapped_column(primary_key=True)
        text: Mapped[str] = mapped_column(ferro.String(20))

    engine = _engine(ferro, backend, tmp_path, isolation_level="AUTOCOMMIT")
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)
    with Session(engine) as session:
        session.add(Note(id=1, text="kept"))
        session.flush()
        assert _count(ferro, engine, Note.__table__) == 1
        session.rollback()
    with Session(engine) as session:
        assert session.get(Note, 1) is not None, "the flushed row stays after rollback()"
    Base.metadata.drop_all(engine)
    engine.dispose()


@pytest.mark.parametrize("backend", BACKENDS)
def test_autocommit_ends_when_the_connection_returns_to_the_pool(backend: str, tmp_path: Path) -> None:
    engine = _engine(ferro, backend, tmp_path, pool_size=1)
    table = _table(ferro, "ac_reset")
    _fresh(ferro, engine, table)
    with engine.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT")
        conn.execute(table.insert(), {"id": 1})
    with engine.connect() as conn:
        conn.execute(table.insert(), {"id": 2})
        assert _count(ferro, engine, table) == 1, "the insert waits for a commit again"
        conn.rollback()
    assert _count(ferro, engine, table) == 1
    table.metadata.drop_all(engine)
    engine.dispose()


def test_create_engine_autocommit_comes_back_after_another_level(tmp_path: Path) -> None:
    engine = ferro.create_engine(f"sqlite:///{tmp_path / 'ac.db'}", isolation_level="AUTOCOMMIT", pool_size=1)
    table = _table(ferro, "ac_back")
    _fresh(ferro, engine, table)
    with engine.connect() as conn:
        conn.execution_options(isolation_level="SERIALIZABLE")
        conn.execute(table.insert(), {"id": 1})
        assert _count(ferro, engine, table) == 0, "SERIALIZABLE runs in a transaction"
        conn.rollback()
    with engine.connect() as conn:
        conn.execute(table.insert(), {"id": 2})
        assert _count(ferro, engine, table) == 1
    table.metadata.drop_all(engine)
    engine.dispose()


def test_mysql_session_autocommit_variable_follows_the_level() -> None:
    engine = make_engine(ferro, "mysql", pool_size=1)
    with engine.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT")
        assert conn.exec_driver_sql("SELECT @@autocommit").scalar() == 1
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT @@autocommit").scalar() == 0
    engine.dispose()


def test_postgresql_create_database_runs_in_autocommit() -> None:
    url = ferro.make_url(server_url("postgresql"))
    name = f"ferro_ac_{uuid.uuid4().hex[:12]}"
    engine = ferro.create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(ferro.text(f"CREATE DATABASE {name}"))
    try:
        other = ferro.create_engine(url.set(database=name))
        with other.connect() as conn:
            assert conn.execute(ferro.text("SELECT current_database()")).scalar() == name
        other.dispose()
    finally:
        with engine.connect() as conn:
            conn.execute(ferro.text(f"DROP DATABASE {name}"))
        engine.dispose()
    plain = ferro.create_engine(url)
    with plain.connect() as conn, pytest.raises(ferro.exc.DBAPIError, match="transaction block"):
        conn.execute(ferro.text(f"CREATE DATABASE {name}"))
    plain.dispose()


def test_postgresql_vacuum_runs_in_autocommit() -> None:
    engine = make_engine(ferro, "postgresql").execution_options(isolation_level="AUTOCOMMIT")
    table = _table(ferro, "ac_vacuum")
    _fresh(ferro, engine, table)
    with engine.connect() as conn:
        conn.execute(ferro.text("VACUUM ac_vacuum"))
    table.metadata.drop_all(engine)
    engine.dispose()


@pytest.mark.parametrize("backend", ["postgresql", "mysql"])
def test_async_engine_autocommit_on_the_awaited_statement_path(backend: str) -> None:
    from ferroalchemy.ext.asyncio import create_async_engine

    url = server_url(backend)
    table = _table(ferro, "ac_async")
    plain = ferro.create_engine(url)
    _fresh(ferro, plain, table)

    async def main() -> None:
        engine = create_async_engine(url, isolation_level="AUTOCOMMIT")
        async with engine.connect() as conn:
            await conn.execute(table.insert(), {"id": 1})
            assert _count(ferro, plain, table) == 1
        await engine.dispose()

    asyncio.run(main())
    table.metadata.drop_all(plain)
    plain.dispose()
