"""Declarative mapping: Mapped[...] annotations give types and nullability; the constructor."""

from __future__ import annotations

import pytest

from ferroalchemy import Boolean, DateTime, Integer, String, inspect
from ferroalchemy.orm import DeclarativeBase, Mapped, mapped_column

from .models import Base, Department, Employee


def test_columns_from_annotations() -> None:
    t = Employee.__table__
    assert [c.name for c in t.columns] == ["id", "name", "nickname", "email", "active", "hired", "dept_id"]
    assert isinstance(t.c.id.type, Integer) and t.c.id.primary_key and not t.c.id.nullable
    assert isinstance(t.c.name.type, String) and t.c.name.type.length == 100 and not t.c.name.nullable
    assert t.c.nickname.nullable and t.c.email.nullable
    assert isinstance(t.c.active.type, Boolean) and isinstance(t.c.hired.type, DateTime)
    assert isinstance(t.c.dept_id.type, Integer)
    assert [fk.target_fullname for fk in t.c.dept_id.foreign_keys] == ["department.id"]
    assert Department.__table__.c.name.unique


def test_metadata_and_registry() -> None:
    assert Base.metadata.tables["employee"] is Employee.__table__
    assert Base.registry.metadata is Base.metadata
    assert inspect(Employee).local_table is Employee.__table__
    assert [c.name for c in inspect(Employee).primary_key] == ["id"]
    assert set(inspect(Department).relationships.keys()) == {"employees"}


def test_constructor_keywords() -> None:
    e = Employee(name="Ann", dept_id=1)
    assert (e.name, e.dept_id, e.nickname) == ("Ann", 1, None)
    with pytest.raises(TypeError, match="'foo' is an invalid keyword argument for Employee"):
        Employee(foo=1)


def test_type_annotation_map_and_table_args() -> None:
    class B(DeclarativeBase):
        type_annotation_map = {str: String(30)}

    class Thing(B):
        __tablename__ = "thing"
        __table_args__ = {"comment": "things"}
        id: Mapped[int] = mapped_column(primary_key=True)
        label: Mapped[str]

    assert Thing.__table__.c.label.type.length == 30
    assert Thing.__table__.comment == "things"


def test_class_level_attribute_is_an_expression() -> None:
    assert str(Employee.name == "x") == "employee.name = :name_1"
    assert str(Employee.name.startswith("A")) == "employee.name LIKE :name_1 || '%'"
