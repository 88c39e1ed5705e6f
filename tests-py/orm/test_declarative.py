"""Declarative mapping: Mapped[...] annotations give types and nullability; the constructor."""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any

import pytest
import sqlalchemy as real

import ferroalchemy as ferro
from ferroalchemy import BigInteger, Boolean, DateTime, Double, Engine, Integer, String, inspect, text
from ferroalchemy.orm import DeclarativeBase, Mapped, mapped_column

from .dual_models import build_models, build_quoted_union_models
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


def _columns(table: Any) -> list[tuple[Any, ...]]:
    """What a user reads off a mapped Table's columns."""
    return [
        (
            c.name,
            type(c.type).__name__,
            getattr(c.type, "length", None),
            c.nullable,
            c.primary_key,
            bool(c.unique),
            bool(c.index),
            [fk.target_fullname for fk in c.foreign_keys],
        )
        for c in table.columns
    ]


@pytest.mark.parametrize("table", ["user_account", "address"])
def test_mapped_columns_match_sqlalchemy(table: str) -> None:
    real_base, _, _ = build_models(real)
    ferro_base, _, _ = build_models(ferro)
    assert _columns(ferro_base.metadata.tables[table]) == _columns(real_base.metadata.tables[table])


def test_optional_and_union_none_are_nullable() -> None:
    _, user, address = build_models(ferro)
    c = user.__table__.c
    assert c.fullname.nullable and c.nickname.nullable  # Mapped[Optional[str]] / Mapped[str | None]
    assert not c.name.nullable and not c.bio.nullable  # Mapped[str]
    assert c.motto.nullable and not c.title.nullable  # mapped_column(nullable=...) wins over the annotation
    assert isinstance(c.nickname.type, String) and c.nickname.type.length == 20
    assert address.__table__.c.user_id.nullable


def test_mapped_float_is_double_as_in_sqlalchemy_2_1() -> None:
    _, user, _ = build_models(ferro)
    assert isinstance(user.__table__.c.score.type, Double)


def test_mapped_column_options() -> None:
    _, user, address = build_models(ferro)
    c = user.__table__.c
    assert c.name.unique and c.nickname.index
    assert [(ix.name, [col.name for col in ix.columns], ix.unique) for ix in user.__table__.indexes] == [
        ("ix_user_account_nickname", ["nickname"], False)
    ]
    assert c.age.default is not None and c.age.default.arg == 18
    assert [fk.target_fullname for fk in address.__table__.c.user_id.foreign_keys] == ["user_account.id"]
    assert isinstance(c.views.type, BigInteger)


def test_create_all_and_drop_all_from_base_metadata(engine: Engine) -> None:
    base, user, _ = build_models(ferro)
    base.metadata.create_all(engine)
    base.metadata.create_all(engine)
    with engine.connect() as conn:
        names = conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")).scalars()
        assert names.all() == ["address", "user_account"]
        index = conn.execute(text("SELECT sql FROM sqlite_master WHERE name = 'ix_user_account_nickname'")).scalar()
        assert index == "CREATE INDEX ix_user_account_nickname ON user_account (nickname)"
    base.metadata.drop_all(engine)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM sqlite_master WHERE type = 'table'")).scalar() == 0


def test_unknown_keyword_names_the_class() -> None:
    _, user, _ = build_models(ferro)
    with pytest.raises(TypeError) as info:
        user(name="ann", foo=1)
    assert str(info.value) == "'foo' is an invalid keyword argument for User"
    u = user(name="ann", age=3)
    assert (u.name, u.age, u.fullname, u.addresses) == ("ann", 3, None, [])


def test_positional_arguments_are_refused_as_by_sqlalchemy() -> None:
    _, real_user, _ = build_models(real)
    _, ferro_user, _ = build_models(ferro)
    with pytest.raises(TypeError) as expected:
        real_user("ann")
    with pytest.raises(TypeError) as actual:
        ferro_user("ann")
    assert str(actual.value) == str(expected.value)


@pytest.mark.parametrize("sa", [real, ferro], ids=["sqlalchemy", "ferroalchemy"])
def test_quoted_union_annotations_resolve(sa: ModuleType) -> None:
    """`Mapped["int | None"]` makes a nullable column and `Mapped["User | None"]` a many-to-one to User."""
    base, user_cls, address_cls = build_quoted_union_models(sa)
    assert address_cls.__table__.c.user_id.nullable
    assert isinstance(address_cls.__table__.c.user_id.type, sa.Integer)
    assert sa.inspect(address_cls).relationships["user"].mapper.class_ is user_cls
    engine = sa.create_engine("sqlite://")
    base.metadata.create_all(engine)
    with importlib.import_module(sa.__name__ + ".orm").Session(engine) as s:
        u = user_cls()
        a = address_cls(user=u)
        s.add(a)
        s.commit()
        assert a.user is u and u.addresses == [a] and a.user_id == u.id
