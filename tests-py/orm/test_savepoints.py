"""begin_nested(): a SAVEPOINT whose rollback undoes only what came after it."""

from __future__ import annotations

import pytest

from ferroalchemy import Engine, exc, text
from ferroalchemy.orm import Session

from .models import Department


def test_core_savepoint(db: Engine) -> None:
    with db.connect() as conn:
        conn.execute(text("INSERT INTO department (id, name) VALUES (1, 'kept')"))
        sp = conn.begin_nested()
        conn.execute(text("INSERT INTO department (id, name) VALUES (2, 'undone')"))
        sp.rollback()
        with conn.begin_nested():
            conn.execute(text("INSERT INTO department (id, name) VALUES (3, 'released')"))
        conn.commit()
    with db.connect() as conn:
        assert conn.execute(text("SELECT name FROM department ORDER BY id")).scalars().all() == ["kept", "released"]


def test_failed_flush_inside_savepoint_keeps_the_outer_transaction(db: Engine) -> None:
    with Session(db) as s:
        with s.begin():
            s.add(Department(id=1, name="ops"))
            with pytest.raises(exc.IntegrityError):
                with s.begin_nested():
                    s.add(Department(id=2, name="ops"))  # duplicate name
            s.add(Department(id=3, name="eng"))
    with db.connect() as conn:
        assert conn.execute(text("SELECT id FROM department ORDER BY id")).scalars().all() == [1, 3]


def test_nested_transactions_are_tracked_innermost_last(db: Engine) -> None:
    with db.connect() as conn:
        assert not conn.in_nested_transaction() and conn.get_nested_transaction() is None
        outer = conn.begin_nested()
        inner = conn.begin_nested()
        assert conn.in_nested_transaction() and conn.get_nested_transaction() is inner
        inner.commit()
        assert conn.get_nested_transaction() is outer
        outer.rollback()
        assert conn.get_nested_transaction() is None
        conn.begin_nested()
        conn.rollback()
        assert not conn.in_nested_transaction()
    with Session(db) as s:
        assert not s.in_nested_transaction() and s.get_nested_transaction() is None
        sp = s.begin_nested()
        assert s.in_nested_transaction() and s.get_nested_transaction() is sp
        sp.commit()
        assert s.get_nested_transaction() is None


def test_session_is_inactive_between_a_failed_flush_and_rollback(db: Engine) -> None:
    with Session(db) as s:
        assert s.is_active
        s.add_all([Department(id=1, name="ops"), Department(id=2, name="ops")])
        with pytest.raises(exc.IntegrityError):
            s.flush()
        assert not s.is_active
        s.rollback()
        assert s.is_active
        s.add(Department(id=3, name="eng"))
        s.commit()


def test_session_invalidate_discards_the_connection(db: Engine) -> None:
    s = Session(db)
    s.add(Department(id=1, name="ops"))
    s.flush()
    conn = s.connection()
    s.invalidate()
    assert conn.invalidated
    assert db.pool.checkedout() == 0
    with db.connect() as c:  # nothing was committed; the pool serves a working connection
        assert c.execute(text("SELECT COUNT(*) FROM department")).scalar() == 0


@pytest.mark.parametrize("how", ["savepoint", "session"])
def test_failed_flush_inside_a_savepoint_waits_for_a_rollback(db: Engine, how: str) -> None:
    """As SQLAlchemy: the SAVEPOINT is rolled back at once, the session refuses statements
    (PendingRollbackError) until the savepoint's rollback() (the outer transaction goes on) or the
    session's (everything goes)."""
    with Session(db) as s:
        s.add(Department(id=1, name="ops"))
        s.flush()
        sp = s.begin_nested()
        s.add(Department(id=2, name="ops"))  # duplicate name
        with pytest.raises(exc.IntegrityError):
            s.flush()
        assert not s.is_active and not sp.is_active
        assert s.in_nested_transaction() and s.get_nested_transaction() is sp
        with pytest.raises(exc.PendingRollbackError, match="previous exception during flush"):
            s.execute(text("SELECT 1"))
        if how == "savepoint":
            sp.rollback()
            assert s.is_active and s.in_transaction() and not s.in_nested_transaction()
            assert s.execute(text("SELECT id FROM department")).scalars().all() == [1]
            s.commit()
            expected = [1]
        else:
            s.rollback()
            assert s.is_active and not s.in_transaction()
            expected = []
    with db.connect() as conn:
        assert conn.execute(text("SELECT id FROM department")).scalars().all() == expected
