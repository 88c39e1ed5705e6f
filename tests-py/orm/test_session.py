"""Session: add/commit/get/scalars/execute, the identity map, expiry, detachment."""

from __future__ import annotations

import pytest

from ferroalchemy import Engine, exc, func, inspect, select, text
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
    with pytest.raises(DetachedInstanceError) as info:
        e.name  # noqa: B018
    assert isinstance(info.value, exc.SQLAlchemyError)
    assert str(info.value) == (
        f"Instance <Employee at {hex(id(e))}> is not bound to a Session; attribute refresh operation cannot "
        "proceed (Background on this error at: https://sqlalche.me/e/21/bhk3)"
    )


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


def test_bare_string_is_refused_with_sqlalchemys_message(db: Engine) -> None:
    """Session.execute() coerces its argument and, like SQLAlchemy 2.1, refuses a str with an
    ArgumentError that asks for text() (Connection.execute() raises ObjectNotExecutableError instead)."""
    message = "Textual SQL expression 'SELECT 1' should be explicitly declared as text('SELECT 1')"
    with Session(db) as s:
        with pytest.raises(exc.ArgumentError) as info:
            s.execute("SELECT 1")  # type: ignore[arg-type]
        assert str(info.value) == message
        with pytest.raises(exc.ArgumentError) as info:
            s.scalar("SELECT 1")  # type: ignore[arg-type]
        assert str(info.value) == message
        with pytest.raises(exc.InvalidRequestError):
            s.add(object())


def test_text_through_the_session(db: Engine) -> None:
    _seed(db)
    with Session(db) as s:
        assert s.execute(text("SELECT name FROM employee WHERE id = :i"), {"i": 2}).all() == [("Bob",)]
        assert s.scalars(text("SELECT name FROM employee ORDER BY id")).all() == ["Alice", "Bob", "Anna"]


def test_execute_entity_rows(db: Engine) -> None:
    _seed(db)
    with Session(db) as s:
        result = s.execute(select(Employee).order_by(Employee.id))
        assert list(result.keys()) == ["Employee"]
        rows = result.all()
        assert [len(r) for r in rows] == [1, 1, 1]
        assert [r.Employee.name for r in rows] == ["Alice", "Bob", "Anna"]
        assert rows[0][0] is s.get(Employee, 1)
        assert list(s.execute(select(Employee.id, Employee.name)).keys()) == ["id", "name"]


def test_get_one_and_one_errors(db: Engine) -> None:
    _seed(db)
    with Session(db) as s:
        with pytest.raises(exc.NoResultFound):
            s.get_one(Employee, 99)
        with pytest.raises(exc.NoResultFound):
            s.scalars(select(Employee).where(Employee.id == 99)).one()
        with pytest.raises(exc.MultipleResultsFound):
            s.scalars(select(Employee).where(Employee.name.startswith("A"))).one()


def test_autoflush_before_query(db: Engine) -> None:
    _seed(db)
    with Session(db) as s:
        s.add(Employee(name="Alfred", dept_id=1))
        names = s.scalars(select(Employee.name).where(Employee.name.startswith("Al")).order_by(Employee.name))
        assert names.all() == ["Alfred", "Alice"]
        s.rollback()
        assert s.scalar(select(func.count()).select_from(Employee)) == 3


def test_expire_on_commit_false_keeps_values_after_close(db: Engine) -> None:
    _seed(db)
    with Session(db, expire_on_commit=False) as s:
        e = s.get(Employee, 2)
        s.commit()
        assert "name" in e.__dict__
    assert e.name == "Bob" and inspect(e).detached


def test_close_detaches_and_loaded_attributes_stay_readable(db: Engine) -> None:
    _seed(db)
    s = Session(db)
    e = s.get(Employee, 2)
    s.close()
    assert inspect(e).detached and e not in s
    assert e.name == "Bob"
    with pytest.raises(DetachedInstanceError) as info:
        e.department  # noqa: B018
    assert str(info.value) == (
        f"Parent instance <Employee at {hex(id(e))}> is not bound to a Session; lazy load operation of "
        "attribute 'department' cannot proceed (Background on this error at: https://sqlalche.me/e/21/bhk3)"
    )
