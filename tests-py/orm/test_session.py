"""Session: add/commit/get/scalars/execute, the identity map, expiry, detachment."""

from __future__ import annotations

import pytest

from ferroalchemy import Engine, func, inspect, select, text
from ferroalchemy.orm import Session, sessionmaker
from ferroalchemy.orm.exc import DetachedInstanceError

from .models import Department, Employee


def _seed(db: Engine) -> None:
    with Session(db) as s:
        s.add_all(
            [
                Department(id=1, name="Eng"),
                Employee(id=1, name="Alice", dept_id=1),
                Employee(id=2, name="Bob", dept_id=1),
                Employee(id=3, name="Anna", dept_id=1),
            ]
        )
        s.commit()


def test_add_commit_and_query(db: Engine) -> None:
    _seed(db)
    with Session(db) as s:
        names = [e.name for e in s.scalars(select(Employee).where(Employee.name.startswith("A")).order_by(Employee.id))]
        assert names == ["Alice", "Anna"]
        assert s.scalar(select(func.count()).select_from(Employee.__table__)) == 3
        row = s.execute(select(Employee.name, Employee.id).where(Employee.id == 2)).one()
        assert row == ("Bob", 2) and row.name == "Bob"
        assert s.execute(select(Employee).where(Employee.id == 2)).scalar_one().name == "Bob"


def test_defaults_and_generated_keys(db: Engine) -> None:
    from datetime import datetime

    with Session(db) as s:
        s.add(Department(id=1, name="Eng"))
        e = Employee(name="New", dept_id=1)
        s.add(e)
        s.flush()
        assert e.id is not None and e.active is True and e.hired == datetime(2020, 1, 1)
        assert inspect(e).persistent
        s.commit()
    with db.connect() as conn:
        assert conn.execute(text("SELECT name, active FROM employee")).all() == [("New", 1)]


def test_identity_map(db: Engine) -> None:
    _seed(db)
    with Session(db) as s:
        a = s.scalars(select(Employee).where(Employee.id == 1)).one()
        b = s.get(Employee, 1)
        c = s.scalars(select(Employee).order_by(Employee.id)).first()
        assert a is b is c
        assert s.get(Employee, 99) is None


def test_dirty_tracking_and_update(db: Engine) -> None:
    _seed(db)
    with Session(db) as s:
        e = s.get(Employee, 2)
        assert not s.dirty
        e.name = "Robert"
        assert e in s.dirty and s.is_modified(e)
        s.commit()
    with db.connect() as conn:
        assert conn.execute(text("SELECT name FROM employee WHERE id = 2")).scalar() == "Robert"


def test_delete(db: Engine) -> None:
    _seed(db)
    with Session(db) as s:
        s.delete(s.get(Employee, 3))
        s.commit()
        assert s.get(Employee, 3) is None
    with db.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM employee")).scalar() == 2


def test_expire_on_commit_reloads(db: Engine) -> None:
    _seed(db)
    with Session(db) as s:
        e = s.get(Employee, 1)
        s.commit()
        assert "name" not in e.__dict__
        with db.begin() as conn:
            conn.execute(text("UPDATE employee SET name = 'Changed' WHERE id = 1"))
        assert e.name == "Changed"


def test_detached_expired_attribute_raises(db: Engine) -> None:
    _seed(db)
    s = Session(db)
    e = s.get(Employee, 1)
    s.commit()
    s.close()
    with pytest.raises(DetachedInstanceError):
        e.name  # noqa: B018


def test_object_states(db: Engine) -> None:
    _seed(db)
    e = Employee(name="T", dept_id=1)
    assert inspect(e).transient
    with Session(db) as s:
        s.add(e)
        assert inspect(e).pending
        s.flush()
        assert inspect(e).persistent and inspect(e).identity == (e.id,)
        s.commit()
    assert inspect(e).detached


def test_sessionmaker_begin(db: Engine) -> None:
    SessionLocal = sessionmaker(db, expire_on_commit=False)
    with SessionLocal.begin() as s:
        s.add(Department(id=7, name="Ops"))
    with SessionLocal() as s:
        assert s.get(Department, 7).name == "Ops"


def test_bare_string_and_unmapped(db: Engine) -> None:
    from ferroalchemy import exc

    with Session(db) as s:
        with pytest.raises(exc.ObjectNotExecutableError):
            s.execute("SELECT 1")  # type: ignore[arg-type]
        with pytest.raises(exc.InvalidRequestError):
            s.add(object())
