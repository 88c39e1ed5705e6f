"""A failed flush writes nothing, blocks the session until rollback(), and leaves it usable after."""

from __future__ import annotations

import pytest

from ferroalchemy import Engine, exc, text
from ferroalchemy.orm import Session

from .models import Department


def test_integrity_error_mid_flush_of_1000(db: Engine) -> None:
    with Session(db) as s:
        s.add_all([Department(id=i, name=f"d{i}") for i in range(1, 1001)])
        s.add(Department(id=1001, name="d500"))  # unique name violated at the end of the batch
        with pytest.raises(exc.IntegrityError) as info:
            s.commit()
        assert info.value.orig is not None
        with db.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM department")).scalar() == 0
        with pytest.raises(exc.PendingRollbackError):
            s.add(Department(id=5000, name="x"))
        with pytest.raises(exc.PendingRollbackError):
            s.get(Department, 1)
        s.rollback()
        s.add_all([Department(id=i, name=f"d{i}") for i in range(1, 11)])
        s.commit()
    with db.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM department")).scalar() == 10
