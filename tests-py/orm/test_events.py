"""Events: engine/pool listeners with SQLAlchemy's signatures, session and mapper events, and
refusal of events not dispatched yet."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ferroalchemy import create_engine, event, exc, insert, text
from ferroalchemy.orm import Session

from .models import Base, Department


def test_pool_and_cursor_events(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'e.db'}", pool_size=1)
    seen: list[Any] = []
    event.listen(engine, "connect", lambda dbapi_conn, rec: seen.append(("connect", type(dbapi_conn).__name__)))
    event.listen(engine, "checkout", lambda dbapi_conn, rec, proxy: seen.append(("checkout",)))

    @event.listens_for(engine, "before_cursor_execute")
    def before(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        conn.info.setdefault("n", 0)
        conn.info["n"] += 1
        seen.append(("sql", statement, executemany))

    with engine.connect() as conn:
        conn.execute(text("SELECT :x"), {"x": 1})
    with engine.connect() as conn:
        conn.execute(text("SELECT 2"))
        assert conn.info["n"] == 2, "info persists per physical connection"
    assert seen == [
        ("connect", "Connection"),
        ("checkout",),
        ("sql", "SELECT ?", False),
        ("checkout",),
        ("sql", "SELECT 2", False),
    ]
    assert event.contains(engine, "before_cursor_execute", before)
    event.remove(engine, "before_cursor_execute", before)
    assert not event.contains(engine, "before_cursor_execute", before)


def test_connect_listener_gets_a_working_dbapi_connection(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'fk.db'}")

    @event.listens_for(engine, "connect")
    def fk_on(dbapi_conn, record):  # type: ignore[no-untyped-def]
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()

    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_session_and_mapper_events(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 's.db'}")
    Base.metadata.create_all(engine)
    calls: list[str] = []

    @event.listens_for(Session, "before_flush")
    def before_flush(session, ctx, instances):  # type: ignore[no-untyped-def]
        calls.append(f"before_flush {len(session.new)}")

    event.listen(Department, "before_insert", lambda mapper, conn, target: calls.append(f"insert {target.name}"))
    event.listen(Session, "after_commit", lambda session: calls.append("commit"))
    try:
        with Session(engine) as s:
            s.add(Department(name="Ops"))
            s.commit()
        assert calls == ["before_flush 1", "insert Ops", "commit"]
        with engine.begin() as conn:
            conn.execute(insert(Department.__table__).values(name="Core"))  # Core inserts fire no mapper events
        assert calls == ["before_flush 1", "insert Ops", "commit"]
    finally:
        event.remove(Session, "before_flush", before_flush)


def test_unknown_and_unimplemented_events() -> None:
    engine = create_engine("sqlite://")
    with pytest.raises(exc.InvalidRequestError, match="No such event 'nonsense'"):
        event.listen(engine, "nonsense", lambda *a: None)
    with pytest.raises(NotImplementedError, match="soft_invalidate"):
        event.listen(engine, "soft_invalidate", lambda *a: None)
