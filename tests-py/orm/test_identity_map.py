"""The identity map: one object per row per session, found again without SQL."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ferroalchemy import Engine, select, text
from ferroalchemy.orm import Session

from .models import Department, Employee

SqlLog = Callable[[Any], list[str]]


def _seed(db: Engine) -> None:
    with Session(db) as s:
        s.add(Department(id=1, name="Eng"))
        s.add_all([Employee(id=i, name=n, dept_id=1) for i, n in [(1, "Alice"), (2, "Bob"), (3, "Anna")]])
        s.commit()


def test_two_queries_return_the_same_object(db: Engine) -> None:
    _seed(db)
    with Session(db) as s:
        a = s.scalars(select(Employee).where(Employee.id == 1)).one()
        b = s.scalars(select(Employee).where(Employee.name.startswith("Al"))).one()
        c = s.scalars(select(Employee).order_by(Employee.id)).first()
        d = s.execute(select(Employee).where(Employee.name == "Alice")).scalar_one()
        assert a is b is c is d
        first, second = s.scalars(select(Employee).order_by(Employee.id)).all(), s.scalars(select(Employee)).all()
        assert {id(x) for x in first} == {id(x) for x in second} and len(first) == 3


def test_get_after_a_query_issues_no_sql(db: Engine, sql_log: SqlLog) -> None:
    _seed(db)
    with Session(db) as s:
        loaded = s.scalars(select(Employee).where(Employee.name == "Bob")).one()
        log = sql_log(db)
        assert s.get(Employee, 2) is loaded
        assert s.get(Employee, (2,)) is loaded
        assert s.get(Employee, {"id": 2}) is loaded
        assert log == []
        assert s.get(Employee, 99) is None
        assert len(log) == 1 and log[0].startswith("SELECT")


def test_get_twice_hits_the_database_once(db: Engine, sql_log: SqlLog) -> None:
    _seed(db)
    log = sql_log(db)
    with Session(db) as s:
        first = s.get(Employee, 3)
        assert s.get(Employee, 3) is first
        assert first.name == "Anna"
    assert [stmt.split()[0] for stmt in log] == ["SELECT"]


def test_sessions_have_separate_identity_maps(db: Engine) -> None:
    _seed(db)
    with Session(db) as s1, Session(db) as s2:
        a1, a2 = s1.get(Employee, 1), s2.get(Employee, 1)
        assert a1 is not a2 and a1.name == a2.name == "Alice"
        assert a1 in s1 and a1 not in s2


def test_a_query_does_not_overwrite_pending_changes(db: Engine) -> None:
    _seed(db)
    with Session(db, autoflush=False) as s:
        e = s.get(Employee, 1)
        e.name = "Local"
        again = s.scalars(select(Employee).where(Employee.id == 1)).one()
        assert again is e and again.name == "Local"
        s.rollback()
        assert e.name == "Alice"


def test_loaded_objects_are_not_refreshed_unless_asked(db: Engine) -> None:
    _seed(db)
    with Session(db) as s:
        e = s.get(Employee, 2)
        with db.begin() as conn:
            conn.execute(text("UPDATE employee SET name = 'Robert' WHERE id = 2"))
        assert s.scalars(select(Employee).where(Employee.id == 2)).one().name == "Bob"
        stmt = select(Employee).where(Employee.id == 2).execution_options(populate_existing=True)
        assert s.scalars(stmt).one() is e and e.name == "Robert"


def test_expire_and_refresh(db: Engine) -> None:
    _seed(db)
    with Session(db) as s:
        e = s.get(Employee, 3)
        with db.begin() as conn:
            conn.execute(text("UPDATE employee SET name = 'Anne' WHERE id = 3"))
        s.expire(e)
        assert "name" not in e.__dict__
        assert e.name == "Anne"
        with db.begin() as conn:
            conn.execute(text("UPDATE employee SET name = 'Ann' WHERE id = 3"))
        s.refresh(e)
        assert e.__dict__["name"] == "Ann"


def test_expunge_forgets_the_object(db: Engine) -> None:
    _seed(db)
    with Session(db) as s:
        e = s.get(Employee, 1)
        s.expunge(e)
        assert e not in s
        fresh = s.get(Employee, 1)
        assert fresh is not e and fresh.name == e.name
