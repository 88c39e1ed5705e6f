"""relationship() one-to-many / many-to-one with back_populates: lazy loads and in-memory sync."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from types import ModuleType
from typing import Any

import sqlalchemy as real

import ferroalchemy as ferro
from ferroalchemy import Engine, select
from ferroalchemy.orm import Session

from .dual_models import build_models
from .models import Department, Employee

SqlLog = Callable[[Any], list[str]]


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


def test_collection_and_scalar_side_stay_in_sync_in_memory() -> None:
    d1, d2 = Department(name="One"), Department(name="Two")
    e = Employee(name="E")
    d1.employees.append(e)
    assert e.department is d1
    e.department = d2
    assert d1.employees == [] and d2.employees == [e]
    d2.employees.remove(e)
    assert e.department is None
    d1.employees.extend([e])
    assert e.department is d1
    d1.employees = []
    assert e.department is None


def _lazy_load_trace(sa: ModuleType, sql_log: SqlLog) -> list[Any]:
    """Loads a user's addresses and an address's user after commit; returns what was seen and the
    statement verbs sent at each step."""
    orm = importlib.import_module(sa.__name__ + ".orm")
    base, user_cls, address_cls = build_models(sa)
    engine = sa.create_engine("sqlite://")
    base.metadata.create_all(engine)
    log = sql_log(engine)
    trace: list[Any] = []

    def step(label: str, value: Any) -> None:
        trace.append((label, value, [stmt.split()[0] for stmt in log]))
        log.clear()

    with orm.Session(engine) as s:
        u = user_cls(name="u", bio="", score=1.0, active=True, born=date(2000, 1, 1), created=datetime(2000, 1, 1))
        u.balance, u.avatar, u.views, u.title = Decimal(1), b"", 0, "t"
        u.addresses = [address_cls(email_address="a1"), address_cls(email_address="a2")]
        s.add(u)
        s.commit()
        log.clear()
        step("collection", sorted(a.email_address for a in u.addresses))
        step("collection again", len(u.addresses))
        a = s.scalars(sa.select(address_cls).where(address_cls.email_address == "a2")).one()
        step("query", a.email_address)
        step("many-to-one from identity map", a.user is u)
    with orm.Session(engine) as s:
        a = s.get(address_cls, 1)
        step("get", a.email_address)
        step("many-to-one", a.user.name)
        step("back to the collection", [x.email_address for x in a.user.addresses])
    return trace


def test_lazy_loads_match_sqlalchemy(sql_log: SqlLog) -> None:
    expected = _lazy_load_trace(real, sql_log)
    assert expected[0][1] == ["a1", "a2"]
    assert _lazy_load_trace(ferro, sql_log) == expected


def test_many_to_one_comparisons_render_as_sqlalchemy() -> None:
    _, real_user, real_address = build_models(real)
    _, ferro_user, ferro_address = build_models(ferro)
    assert str(ferro_address.user == None) == str(real_address.user == None)  # noqa: E711
    assert str(ferro.select(ferro_address).where(ferro_address.user == None)) == str(  # noqa: E711
        real.select(real_address).where(real_address.user == None)  # noqa: E711
    )
