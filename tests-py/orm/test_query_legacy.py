"""The legacy Query API, and ORM-enabled UPDATE/DELETE keeping loaded objects in step."""

from __future__ import annotations

import pytest

from ferroalchemy import Engine, delete, exc, insert, update
from ferroalchemy.orm import Session

from .models import Department, Employee


@pytest.fixture
def seeded(db: Engine) -> Engine:
    with db.begin() as conn:
        conn.execute(insert(Department.__table__), [{"id": 1, "name": "Eng"}])
        conn.execute(
            insert(Employee.__table__),
            [{"id": i, "name": n, "dept_id": 1, "active": i != 2} for i, n in enumerate(["ann", "bob", "cy"], 1)],
        )
    return db


def test_query_methods(seeded: Engine) -> None:
    with Session(seeded) as s:
        q = s.query(Employee)
        assert [e.name for e in q.order_by(Employee.id).all()] == ["ann", "bob", "cy"]
        assert q.filter_by(name="bob").one().id == 2
        assert q.filter(Employee.active == True).count() == 2  # noqa: E712
        assert q.order_by(Employee.name.desc()).first().name == "cy"
        assert [e.id for e in q.order_by(Employee.id).offset(1).limit(1)] == [2]
        assert q.get(3) is s.get(Employee, 3)
        assert q.filter_by(name="nobody").first() is None
        assert s.query(Employee.name, Employee.id).filter(Employee.id == 1).one() == ("ann", 1)
        assert s.query(Employee).filter(Employee.id < 3).limit(5).count() == 2
        with pytest.raises(exc.NoResultFound):
            q.filter_by(name="nobody").one()


def test_bulk_delete_and_update_synchronize_the_session(seeded: Engine) -> None:
    with Session(seeded) as s:
        ann, bob = s.get(Employee, 1), s.get(Employee, 2)
        assert s.query(Employee).filter_by(id=1).delete() == 1
        assert ann not in s
        assert s.execute(update(Employee).where(Employee.id == 2).values(name="robert")).rowcount == 1
        assert bob.name == "robert"
        assert s.execute(delete(Employee).where(Employee.name == "cy")).rowcount == 1
        s.commit()
        assert [e.name for e in s.query(Employee)] == ["robert"]
