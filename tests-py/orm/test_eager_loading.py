"""Eager loading: statement counts match SQLAlchemy's (1+N lazy, 2 selectin, 1 joined), the loaded
collections are right, and joined collections require Result.unique()."""

from __future__ import annotations

from typing import Any

import pytest

from ferroalchemy import Engine, event, exc, insert, select
from ferroalchemy.orm import Session, joinedload, selectinload

from .models import Department, Employee


@pytest.fixture
def seeded(db: Engine) -> Engine:
    with db.begin() as conn:
        conn.execute(insert(Department.__table__), [{"id": i, "name": f"d{i}"} for i in (1, 2, 3)])
        conn.execute(
            insert(Employee.__table__),
            [{"id": i, "name": f"e{i}", "dept_id": 1 + i % 2} for i in range(1, 6)],
        )
    return db


def _count_selects(engine: Engine) -> list[str]:
    seen: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *a: seen.append(a[2]) if a[2].startswith("SELECT") else None)
    return seen


def _shape(depts: list[Any]) -> list[tuple[str, list[str]]]:
    return [(d.name, sorted(e.name for e in d.employees)) for d in depts]


EXPECTED = [("d1", ["e2", "e4"]), ("d2", ["e1", "e3", "e5"]), ("d3", [])]


def test_lazy_is_one_plus_n(seeded: Engine) -> None:
    seen = _count_selects(seeded)
    with Session(seeded) as s:
        assert _shape(s.scalars(select(Department).order_by(Department.id)).all()) == EXPECTED
    assert len(seen) == 4


def test_selectinload_is_two_statements(seeded: Engine) -> None:
    seen = _count_selects(seeded)
    with Session(seeded) as s:
        depts = s.scalars(select(Department).options(selectinload(Department.employees)).order_by(Department.id)).all()
        assert _shape(depts) == EXPECTED
        emps = s.scalars(select(Employee).options(selectinload(Employee.department)).order_by(Employee.id)).all()
        assert [e.department.name for e in emps] == ["d2", "d1", "d2", "d1", "d2"]
    assert len(seen) == 4
    assert " IN (" in seen[1]


def test_joinedload_is_one_statement_and_needs_unique(seeded: Engine) -> None:
    seen = _count_selects(seeded)
    with Session(seeded) as s:
        stmt = select(Department).options(joinedload(Department.employees)).order_by(Department.id)
        assert _shape(s.execute(stmt).unique().scalars().all()) == EXPECTED
        assert len(seen) == 1 and "LEFT OUTER JOIN employee AS employee_1" in seen[0]
        with pytest.raises(exc.InvalidRequestError, match="unique"):
            s.execute(stmt).scalars().all()
        books = s.scalars(select(Employee).options(joinedload(Employee.department)).order_by(Employee.id)).all()
        assert [e.department.name for e in books] == ["d2", "d1", "d2", "d1", "d2"]
    assert len(seen) == 3


def test_raiseload_load_only_contains_eager(seeded: Engine) -> None:
    from ferroalchemy import inspect
    from ferroalchemy.orm import contains_eager, load_only, raiseload

    seen = _count_selects(seeded)
    with Session(seeded) as s:
        d = s.scalars(select(Department).options(raiseload(Department.employees)).where(Department.id == 1)).one()
        with pytest.raises(exc.InvalidRequestError, match="lazy='raise'"):
            d.employees  # noqa: B018
        e = s.scalars(select(Employee).options(load_only(Employee.name)).where(Employee.id == 1)).one()
        assert inspect(e).unloaded >= {"active", "dept_id", "department"}
        assert "name" in e.__dict__
        assert e.dept_id == 2  # loads on access
        stmt = select(Employee).join(Employee.department).options(contains_eager(Employee.department))
        emps = s.scalars(stmt.where(Department.name == "d1").order_by(Employee.id)).all()
        assert [(x.id, x.department.name) for x in emps] == [(2, "d1"), (4, "d1")]
    assert len(seen) == 4  # raiseload query, load_only query, its lazy column load, the contains_eager join


def test_joinedload_below_selectinload_runs_in_the_child_query(seeded: Engine) -> None:
    seen = _count_selects(seeded)
    with Session(seeded) as s:
        depts = s.scalars(
            select(Department).options(selectinload(Department.employees).joinedload(Employee.department))
        ).all()
        assert sorted(len(d.employees) for d in depts) == [0, 2, 3]
    assert len(seen) == 2 and "LEFT OUTER JOIN department AS department_1" in seen[1]
