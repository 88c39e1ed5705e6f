"""relationship() one-to-many / many-to-one with back_populates: lazy loads and in-memory sync."""

from __future__ import annotations

from ferroalchemy import Engine, select
from ferroalchemy.orm import Session

from .models import Department, Employee


def test_lazy_load_both_directions(db: Engine) -> None:
    with Session(db) as s:
        eng = Department(id=1, name="Engineering")
        s.add_all([eng, Employee(id=1, name="Alice", dept_id=1), Employee(id=2, name="Bob", dept_id=1)])
        s.commit()
        emp = s.scalars(select(Employee).where(Employee.name.startswith("A"))).one()
        assert emp.department.name == "Engineering"
        assert emp.department is eng
        assert sorted(e.name for e in eng.employees) == ["Alice", "Bob"]


def test_back_populates_in_memory_and_flush_sets_foreign_keys(db: Engine) -> None:
    with Session(db) as s:
        d = Department(name="Ops")
        e = Employee(name="Cy")
        d.employees.append(e)
        assert e.department is d
        f = Employee(name="Di")
        f.department = d
        assert f in d.employees
        s.add(d)  # cascades to both employees
        s.commit()
        assert e.dept_id == d.id == f.dept_id
    with Session(db) as s:
        assert sorted(x.name for x in s.scalars(select(Employee).where(Employee.dept_id == d.id))) == ["Cy", "Di"]


def test_moving_a_child_updates_its_foreign_key(db: Engine) -> None:
    with Session(db) as s:
        a, b = Department(id=1, name="A"), Department(id=2, name="B")
        e = Employee(id=1, name="E", department=a)
        s.add_all([a, b, e])
        s.commit()
        e.department = b
        s.commit()
        assert e.dept_id == 2
        assert [x.name for x in b.employees] == ["E"] and a.employees == []
