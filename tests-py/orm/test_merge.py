"""Session.merge(): onto the persistent object by primary key, else a new pending copy."""

from __future__ import annotations

from ferroalchemy import Engine, select
from ferroalchemy.orm import Session

from .models import Department, Employee


def test_merge_updates_existing_and_adds_new(db: Engine) -> None:
    with Session(db) as s:
        s.add(Department(id=1, name="eng"))
        s.commit()
    with Session(db) as s:
        detached = Department(id=1, name="engineering")
        merged = s.merge(detached)
        assert merged is not detached and merged is s.get(Department, 1)
        assert merged.name == "engineering" and detached not in s
        fresh = s.merge(Department(id=2, name="ops", employees=[Employee(id=9, name="Ann")]))
        assert fresh in s.new and fresh.employees[0] in s.new
        s.commit()
    with Session(db) as s:
        assert s.scalars(select(Department.name).order_by(Department.id)).all() == ["engineering", "ops"]
        assert s.get(Employee, 9).department.name == "ops"
