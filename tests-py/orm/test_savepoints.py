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
