"""Legacy bulk methods: rows go in by attribute name without building objects."""

from __future__ import annotations

from ferroalchemy import Engine, select
from ferroalchemy.orm import Session

from .models import Department


def test_bulk_insert_and_update_mappings(db: Engine) -> None:
    with Session(db) as s:
        s.bulk_insert_mappings(Department, [{"id": i, "name": f"d{i}"} for i in range(1, 4)])
        s.bulk_update_mappings(Department, [{"id": 2, "name": "two"}])
        s.commit()
        assert s.scalars(select(Department.name).order_by(Department.id)).all() == ["d1", "two", "d3"]


def test_bulk_save_objects_leaves_them_detached(db: Engine) -> None:
    with Session(db) as s:
        objs = [Department(name="x"), Department(name="y")]
        s.bulk_save_objects(objs)
        s.commit()
        assert all(o not in s for o in objs)
        assert s.scalars(select(Department.name).order_by(Department.name)).all() == ["x", "y"]
