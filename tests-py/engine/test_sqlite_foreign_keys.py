"""SQLite foreign keys behave as under pysqlite: off by default, on through a connect event."""

from __future__ import annotations

from typing import Any

import pytest

import ferroalchemy as fa
from ferroalchemy import event, exc


def _schema(conn: Any) -> None:
    conn.execute(fa.text("CREATE TABLE parent (id INTEGER PRIMARY KEY)"))
    conn.execute(fa.text("CREATE TABLE child (id INTEGER PRIMARY KEY, pid INTEGER REFERENCES parent (id))"))
    conn.execute(fa.text("INSERT INTO parent (id) VALUES (1)"))
    conn.execute(fa.text("INSERT INTO child (id, pid) VALUES (1, 1)"))


def test_foreign_keys_are_off_by_default_as_with_pysqlite() -> None:
    engine = fa.create_engine("sqlite://")
    with engine.begin() as conn:
        assert conn.execute(fa.text("PRAGMA foreign_keys")).scalar() == 0
        _schema(conn)
        conn.execute(fa.text("DELETE FROM parent"))
        assert conn.execute(fa.text("SELECT count(*) FROM child")).scalar() == 1


def test_connect_event_turns_foreign_keys_on() -> None:
    engine = fa.create_engine("sqlite://")

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, connection_record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    with engine.connect() as conn:
        assert conn.execute(fa.text("PRAGMA foreign_keys")).scalar() == 1
        _schema(conn)
        with pytest.raises(exc.IntegrityError):
            conn.execute(fa.text("DELETE FROM parent"))
