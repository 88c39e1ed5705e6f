"""A failed flush writes nothing, blocks the session until rollback(), and leaves it usable after."""

from __future__ import annotations

import importlib
from types import ModuleType

import pytest
import sqlalchemy as real

import ferroalchemy as ferro
from ferroalchemy import Engine, exc, func, select, text
from ferroalchemy.orm import Session

from .models import Department

PENDING = (
    "This Session's transaction has been rolled back due to a previous exception during flush. "
    "To begin a new transaction with this Session, first issue Session.rollback(). "
    "Original exception was: "
)


def _count(db: Engine) -> int:
    """Rows in department, seen from a connection of its own."""
    with db.connect() as conn:
        return int(conn.execute(text("SELECT count(*) FROM department")).scalar())


def test_duplicate_primary_key_among_1000_new_objects(db: Engine) -> None:
    with Session(db) as s:
        s.add_all([Department(id=i, name=f"d{i}") for i in range(1, 1001)])
        s.add(Department(id=500, name="duplicate"))
        with pytest.raises(exc.IntegrityError) as info:
            s.commit()
        err = info.value
        assert err.orig is not None and "UNIQUE constraint failed: department.id" in str(err.orig)
        assert err.statement is not None and err.statement.startswith("INSERT INTO department")
        assert _count(db) == 0
        with pytest.raises(exc.PendingRollbackError) as pending:
            s.execute(select(Department))
        assert str(pending.value).startswith(PENDING)
        assert "UNIQUE constraint failed: department.id" in str(pending.value)
        for attempt in (
            lambda: s.get(Department, 1),
            lambda: s.scalar(select(func.count()).select_from(Department)),
            lambda: s.scalars(select(Department)).all(),
            s.flush,
            s.commit,
        ):
            with pytest.raises(exc.PendingRollbackError):
                attempt()
        s.rollback()
        assert not s.new
        s.add_all([Department(id=i, name=f"d{i}") for i in range(1, 1001)])
        s.commit()
        assert s.scalar(select(func.count()).select_from(Department)) == 1000
    assert _count(db) == 1000


def test_unique_violation_at_the_end_of_the_batch(db: Engine) -> None:
    with Session(db) as s:
        s.add_all([Department(id=i, name=f"d{i}") for i in range(1, 1001)])
        s.add(Department(id=1001, name="d500"))
        with pytest.raises(exc.IntegrityError) as info:
            s.commit()
        assert "UNIQUE constraint failed: department.name" in str(info.value.orig)
        assert _count(db) == 0
        with pytest.raises(exc.PendingRollbackError):
            s.get(Department, 1)
        s.rollback()
        s.add_all([Department(id=i, name=f"d{i}") for i in range(1, 11)])
        s.commit()
    assert _count(db) == 10


def test_add_is_still_allowed_while_a_rollback_is_pending(db: Engine) -> None:
    """SQLAlchemy refuses statements, not add(): add() touches no transaction."""
    with Session(db) as s:
        s.add_all([Department(id=1, name="a"), Department(id=1, name="b")])
        with pytest.raises(exc.IntegrityError):
            s.flush()
        late = Department(id=2, name="c")
        s.add(late)
        assert late in s
        s.rollback()
        assert late not in s
        s.add(late)
        s.commit()
    assert _count(db) == 1


def _pending_message(sa: ModuleType) -> str:
    """The PendingRollbackError text after a duplicate-key flush, with either library."""
    orm = importlib.import_module(sa.__name__ + ".orm")

    class Base(orm.DeclarativeBase):
        pass

    class Thing(Base):
        __tablename__ = "thing"
        id = orm.mapped_column(sa.Integer, primary_key=True)

    engine = sa.create_engine("sqlite://")
    Base.metadata.create_all(engine)
    with orm.Session(engine) as s:
        s.add_all([Thing(id=1), Thing(id=1)])
        with pytest.raises(sa.exc.IntegrityError):
            s.flush()
        with pytest.raises(sa.exc.PendingRollbackError) as info:
            s.execute(sa.select(Thing))
    return str(info.value).replace("sqlite3.", "<driver>.").replace("ferroalchemy.dbapi.", "<driver>.")


def test_pending_rollback_message_matches_sqlalchemy() -> None:
    expected = _pending_message(real)
    assert expected.startswith(PENDING)
    assert _pending_message(ferro) == expected
