"""Engine and Connection: URLs, autobegin, commit/rollback, context managers, executemany, errors."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as real

import ferroalchemy as ferro
from ferroalchemy import Connection, Engine, create_engine, exc, text


def _users(conn: Connection) -> None:
    conn.execute(text("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT UNIQUE)"))


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///:memory:", "sqlite+pysqlite:///:memory:"])
def test_memory_urls(url: str) -> None:
    with create_engine(url).connect() as conn:
        assert conn.execute(text("SELECT 1 + 1")).scalar() == 2


def test_file_database_persists_across_engines(tmp_path: Path) -> None:
    path = tmp_path / "app.db"
    e1 = create_engine(f"sqlite:///{path}")
    with e1.begin() as conn:
        _users(conn)
        conn.execute(text("INSERT INTO users (name) VALUES (:n)"), {"n": "ann"})
    e1.dispose()
    e2 = create_engine(f"sqlite+pysqlite:///{path}")
    with e2.connect() as conn:
        assert conn.execute(text("SELECT name FROM users")).scalars().all() == ["ann"]
    assert path.exists()


def test_commit_and_rollback(file_engine: Engine) -> None:
    with file_engine.connect() as conn:
        _users(conn)
        conn.execute(text("INSERT INTO users (name) VALUES ('kept')"))
        conn.commit()
        conn.execute(text("INSERT INTO users (name) VALUES ('dropped')"))
        assert conn.in_transaction()
        conn.rollback()
        assert not conn.in_transaction()
    with file_engine.connect() as conn:
        assert conn.execute(text("SELECT name FROM users")).scalars().all() == ["kept"]


def test_close_without_commit_discards(file_engine: Engine) -> None:
    with file_engine.begin() as conn:
        _users(conn)
    with file_engine.connect() as conn:
        conn.execute(text("INSERT INTO users (name) VALUES ('x')"))
    with file_engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM users")).scalar() == 0


def test_engine_begin_rolls_back_on_error(file_engine: Engine) -> None:
    with file_engine.begin() as conn:
        _users(conn)
    with pytest.raises(RuntimeError):
        with file_engine.begin() as conn:
            conn.execute(text("INSERT INTO users (name) VALUES ('x')"))
            raise RuntimeError("boom")
    with file_engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM users")).scalar() == 0


def test_begin_twice_is_an_error(engine: Engine) -> None:
    with engine.connect() as conn:
        conn.begin()
        with pytest.raises(exc.InvalidRequestError):
            conn.begin()


def test_executemany_with_a_list_of_dicts(engine: Engine) -> None:
    with engine.connect() as conn:
        _users(conn)
        result = conn.execute(text("INSERT INTO users (name) VALUES (:name)"), [{"name": n} for n in "abc"])
        assert result.rowcount == 3
        assert conn.execute(text("SELECT name FROM users ORDER BY id")).scalars().all() == ["a", "b", "c"]


def test_bare_string_is_not_executable(engine: Engine) -> None:
    with engine.connect() as conn:
        with pytest.raises(exc.ObjectNotExecutableError) as info:
            conn.execute("SELECT 1")  # type: ignore[arg-type]
    assert str(info.value) == "Not an executable object: 'SELECT 1'"
    assert isinstance(info.value, exc.ArgumentError)


def test_missing_bind_parameter(engine: Engine) -> None:
    with engine.connect() as conn:
        with pytest.raises(exc.StatementError) as info:
            conn.execute(text("SELECT :x"), {"y": 1})
    assert "A value is required for bind parameter 'x'" in str(info.value)
    assert isinstance(info.value.orig, exc.InvalidRequestError)


def test_integrity_error_carries_orig_statement_and_params(engine: Engine) -> None:
    with engine.connect() as conn:
        _users(conn)
        conn.execute(text("INSERT INTO users (name) VALUES (:n)"), {"n": "dup"})
        with pytest.raises(exc.IntegrityError) as info:
            conn.execute(text("INSERT INTO users (name) VALUES (:n)"), {"n": "dup"})
    err = info.value
    assert isinstance(err, exc.DBAPIError)
    assert err.orig is not None and "UNIQUE constraint failed: users.name" in str(err.orig)
    assert err.orig.sqlite_errorname == "SQLITE_CONSTRAINT_UNIQUE"
    assert err.statement == "INSERT INTO users (name) VALUES (?)"
    # SQLAlchemy keeps the parameters as they went to the driver (positional for SQLite's qmark style).
    assert err.params == ("dup",)


def test_missing_bind_parameter_in_a_later_parameter_set(engine: Engine) -> None:
    with engine.connect() as conn:
        _users(conn)
        with pytest.raises(exc.StatementError) as info:
            conn.execute(text("INSERT INTO users (name) VALUES (:name)"), [{"name": "a"}, {"nom": "b"}])
    assert "A value is required for bind parameter 'name', in parameter group 1" in str(info.value)


def test_syntax_error_is_operational_error(engine: Engine) -> None:
    with engine.connect() as conn:
        with pytest.raises(exc.OperationalError, match="syntax error"):
            conn.execute(text("SELEC 1"))


def test_closed_connection_refuses_work(engine: Engine) -> None:
    conn = engine.connect()
    conn.close()
    assert conn.closed
    with pytest.raises(exc.ResourceClosedError):
        conn.execute(text("SELECT 1"))


def test_values_are_bound_not_spliced(engine: Engine) -> None:
    hostile = "x'); DROP TABLE users; --"
    with engine.connect() as conn:
        _users(conn)
        conn.execute(text("INSERT INTO users (name) VALUES (:n)"), {"n": hostile})
        assert conn.execute(text("SELECT name FROM users")).scalar() == hostile


def test_pool_status(file_engine: Engine) -> None:
    c1 = file_engine.connect()
    assert file_engine.pool.checkedout() == 1
    c1.close()
    assert file_engine.pool.checkedout() == 0
    assert file_engine.pool.checkedin() == 1
    assert "Pool size: 5" in file_engine.pool.status()


def test_file_engine_url_and_database(tmp_path: Path) -> None:
    path = tmp_path / "named.db"
    e = create_engine(f"sqlite:///{path}")
    assert e.url.database == str(path)
    assert (e.name, e.driver, e.dialect.name) == ("sqlite", "pysqlite", "sqlite")
    assert not path.exists() or path.stat().st_size == 0
    with e.begin() as conn:
        _users(conn)
    assert path.stat().st_size > 0
    e.dispose()


def test_connection_begin_context_manager(file_engine: Engine) -> None:
    with file_engine.connect() as conn:
        _users(conn)
        conn.commit()
        with conn.begin():
            conn.execute(text("INSERT INTO users (name) VALUES ('in_block')"))
        assert not conn.in_transaction()
        with pytest.raises(ValueError):
            with conn.begin():
                conn.execute(text("INSERT INTO users (name) VALUES ('rolled_back')"))
                raise ValueError
        tx = conn.begin()
        conn.execute(text("INSERT INTO users (name) VALUES ('tx_rolled_back')"))
        tx.rollback()
        assert not tx.is_active
    with file_engine.connect() as conn:
        assert conn.execute(text("SELECT name FROM users")).scalars().all() == ["in_block"]


def test_rollback_then_data_is_gone_in_the_same_connection(engine: Engine) -> None:
    with engine.connect() as conn:
        _users(conn)
        conn.commit()
        conn.execute(text("INSERT INTO users (name) VALUES (:name)"), [{"name": "a"}, {"name": "b"}])
        assert conn.execute(text("SELECT count(*) FROM users")).scalar() == 2
        conn.rollback()
        assert conn.execute(text("SELECT count(*) FROM users")).scalar() == 0


def test_foreign_keys_are_not_enforced_by_default_as_with_pysqlite(engine: Engine) -> None:
    """SQLAlchemy on pysqlite leaves PRAGMA foreign_keys off; code written for it relies on that."""
    ddl = [
        "CREATE TABLE parent (id INTEGER PRIMARY KEY)",
        "CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent (id))",
        "INSERT INTO parent VALUES (1)",
        "INSERT INTO child VALUES (1, 1)",
        "DELETE FROM parent WHERE id = 1",
        "INSERT INTO child VALUES (2, 99)",
    ]
    with real.create_engine("sqlite://").connect() as conn:
        assert conn.execute(real.text("PRAGMA foreign_keys")).scalar() == 0
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 0
    with engine.connect() as conn:
        for sql in ddl:
            conn.execute(text(sql))
        assert conn.execute(text("SELECT id, parent_id FROM child ORDER BY id")).all() == [(1, 1), (2, 99)]


def _cursor_params(sa: Any) -> tuple[list[tuple[str, Any, bool]], list[str]]:
    """(statement, parameters, executemany) as before_cursor_execute sees them, and the echo
    lines showing parameters, for a few executions with either library."""
    engine = sa.create_engine("sqlite://", echo=True)
    seen: list[tuple[str, Any, bool]] = []
    sa.event.listen(engine, "before_cursor_execute", lambda c, cur, s, p, ctx, many: seen.append((s, p, many)))
    records: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record.getMessage())

    handler = Keep()
    logger = logging.getLogger("sqlalchemy.engine.Engine")
    logger.addHandler(handler)
    try:
        with engine.begin() as conn:
            conn.execute(sa.text("CREATE TABLE t (a INTEGER, b TEXT)"))
            conn.execute(sa.text("INSERT INTO t VALUES (:a, :b)"), {"b": "x", "a": 1})
            conn.execute(sa.text("INSERT INTO t VALUES (:a, :b)"), [{"a": 2, "b": "y"}, {"a": 3, "b": "z"}])
            conn.execute(sa.text("SELECT b FROM t WHERE a = :a"), {"a": 1}).all()
    finally:
        logger.removeHandler(handler)
    shown = [r.split("] ", 1)[1] for r in records if r.startswith("[generated in") or r.startswith("[cached since")]
    return seen[1:], shown[1:]


def test_cursor_events_and_echo_get_the_driver_parameters() -> None:
    """As in SQLAlchemy: a tuple per statement (in the statement's order, not the dict's), a list of
    tuples with executemany=True for several parameter sets."""
    expected = _cursor_params(real)
    assert expected[0][0] == ("INSERT INTO t VALUES (?, ?)", (1, "x"), False)
    assert _cursor_params(ferro) == expected
