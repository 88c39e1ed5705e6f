"""The first Core statements the sql tests build, the same way, with SQLAlchemy and with ferroalchemy."""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType
from typing import Any

Build = Callable[[ModuleType, Any, Any], Any]

# (sa, users, addresses) -> statement; every construct here is built the same way in both libraries.
SELECTS: dict[str, Build] = {
    "select_table": lambda sa, u, a: sa.select(u),
    "select_columns": lambda sa, u, a: sa.select(u.c.id, u.c.name),
    "where_eq": lambda sa, u, a: sa.select(u).where(u.c.name == "Alice"),
    "where_ne": lambda sa, u, a: sa.select(u).where(u.c.name != "Alice"),
    "where_lt_gt": lambda sa, u, a: sa.select(u).where(u.c.age > 20, u.c.age <= 30),
    "where_eq_none": lambda sa, u, a: sa.select(u).where(u.c.age == None),  # noqa: E711
    "where_is_none": lambda sa, u, a: sa.select(u).where(u.c.age.is_(None)),
    "where_is_not_none": lambda sa, u, a: sa.select(u).where(u.c.age.is_not(None)),
    "where_chained": lambda sa, u, a: sa.select(u).where(u.c.age > 3).where(u.c.id < 5),
    "filter_by": lambda sa, u, a: sa.select(u).filter_by(name="Bob"),
    "startswith": lambda sa, u, a: sa.select(u).where(u.c.name.startswith("A")),
    "endswith": lambda sa, u, a: sa.select(u).where(u.c.name.endswith("a")),
    "contains": lambda sa, u, a: sa.select(u).where(u.c.name.contains("n")),
    "like": lambda sa, u, a: sa.select(u).where(u.c.name.like("A%")),
    "and_": lambda sa, u, a: sa.select(u).where(sa.and_(u.c.age > 3, u.c.age < 35)),
    "or_": lambda sa, u, a: sa.select(u).where(sa.or_(u.c.age > 35, u.c.name == "Bob")),
    "and_inside_or": lambda sa, u, a: sa.select(u).where(sa.or_(u.c.name == "Bob", sa.and_(u.c.id < 3, u.c.age > 3))),
    "or_inside_and": lambda sa, u, a: sa.select(u).where(sa.and_(sa.or_(u.c.age > 26, u.c.name == "Bob"), u.c.id != 2)),
    "not_": lambda sa, u, a: sa.select(u).where(sa.not_(u.c.age > 26)),
    "invert": lambda sa, u, a: sa.select(u).where(~(u.c.name == "Bob")),
    "between": lambda sa, u, a: sa.select(u).where(u.c.age.between(20, 30)),
    "order_by_desc_method": lambda sa, u, a: sa.select(u).order_by(u.c.name.desc()),
    "order_by_desc_function": lambda sa, u, a: sa.select(u).order_by(sa.desc(u.c.age), u.c.id),
    "order_by_asc": lambda sa, u, a: sa.select(u).order_by(u.c.name.asc()),
    "order_by_nulls_last": lambda sa, u, a: sa.select(u).order_by(u.c.age.desc().nulls_last(), u.c.id),
    "limit": lambda sa, u, a: sa.select(u).order_by(u.c.id).limit(2),
    "offset": lambda sa, u, a: sa.select(u).order_by(u.c.id).offset(3),
    "limit_offset": lambda sa, u, a: sa.select(u).order_by(u.c.id).limit(2).offset(1),
    "count_star": lambda sa, u, a: sa.select(sa.func.count()).select_from(u),
    "count_column": lambda sa, u, a: sa.select(sa.func.count(u.c.id)),
    "count_labelled": lambda sa, u, a: sa.select(sa.func.count(u.c.id).label("n")),
    "max_lower": lambda sa, u, a: sa.select(sa.func.max(u.c.age), sa.func.lower(u.c.name)),
    "distinct": lambda sa, u, a: sa.select(u.c.age).distinct(),
    "label": lambda sa, u, a: sa.select(u.c.name.label("who")),
    "join": lambda sa, u, a: sa.select(u.c.name, a.c.email).join(a),
    "join_on": lambda sa, u, a: sa.select(u.c.name, a.c.email).join(a, u.c.id == a.c.user_id),
    "outerjoin": lambda sa, u, a: sa.select(u.c.name, a.c.email).outerjoin(a),
    "group_by_having": lambda sa, u, a: (
        sa.select(a.c.user_id, sa.func.count(a.c.id)).group_by(a.c.user_id).having(sa.func.count(a.c.id) > 1)
    ),
    "exists": lambda sa, u, a: sa.select(u.c.name).where(sa.exists().where(a.c.user_id == u.c.id)),
    "scalar_subquery": lambda sa, u, a: sa.select(
        u.c.name, sa.select(sa.func.count(a.c.id)).where(a.c.user_id == u.c.id).scalar_subquery()
    ),
    "subquery": lambda sa, u, a: sa.select(sa.select(u.c.id).where(u.c.age > 26).subquery().c.id),
    "arithmetic": lambda sa, u, a: sa.select(u.c.age + 1, u.c.age * 2 - 3),
    "bindparam": lambda sa, u, a: sa.select(u.c.name).where(u.c.id == sa.bindparam("uid")),
    "with_only_columns": lambda sa, u, a: sa.select(u).with_only_columns(u.c.id),
}

DML: dict[str, Build] = {
    "insert_bare": lambda sa, u, a: sa.insert(u),
    "insert_values_kwargs": lambda sa, u, a: sa.insert(u).values(name="Dee", age=3),
    "insert_values_dict": lambda sa, u, a: sa.insert(u).values({"name": "Dee"}),
    "insert_returning": lambda sa, u, a: sa.insert(u).values(name="Dee").returning(u.c.id),
    "table_insert": lambda sa, u, a: u.insert().values(name="Dee"),
    "update_values": lambda sa, u, a: sa.update(u).where(u.c.id == 1).values(name="Al"),
    "update_expression": lambda sa, u, a: sa.update(u).values(age=u.c.age + 1),
    "table_update": lambda sa, u, a: u.update().where(u.c.id == 1).values(name="Al"),
    "delete_where": lambda sa, u, a: sa.delete(u).where(u.c.id == 1),
    "delete_all": lambda sa, u, a: sa.delete(u),
    "table_delete": lambda sa, u, a: u.delete().where(u.c.name.startswith("A")),
}
