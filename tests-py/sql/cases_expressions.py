"""Differential cases for Core expressions: builders `(sa, users, addresses) -> statement` that build the same
construct with SQLAlchemy and with ferroalchemy (see statements.py, which runs them all)."""

from __future__ import annotations

import datetime
from typing import Any

from .statements_base import Build

SELECTS: dict[str, Build] = {
    # cast() / .cast(): CAST(x AS <dialect's name for the type>), rows typed by the target type.
    "cast_int_to_string": lambda sa, u, a: sa.select(u.c.id, sa.cast(u.c.age, sa.String(20))).order_by(u.c.id),
    "cast_method_numeric": lambda sa, u, a: sa.select(u.c.id, u.c.age.cast(sa.Numeric(10, 2))).order_by(u.c.id),
    "cast_to_text": lambda sa, u, a: sa.select(u.c.id, sa.cast(u.c.id, sa.Text)).order_by(u.c.id),
    "cast_biginteger_where": lambda sa, u, a: sa.select(u.c.name).where(sa.cast(u.c.age, sa.BigInteger) > 26),
    "cast_labelled": lambda sa, u, a: sa.select(sa.cast(u.c.age, sa.String(20)).label("age_text")).where(u.c.id == 1),
    "cast_of_expression": lambda sa, u, a: sa.select(sa.cast(u.c.age + 1, sa.String(20))).where(u.c.id == 1),
    # type_coerce(): SQL unchanged; the bind and result follow the new type.
    "type_coerce_column": lambda sa, u, a: sa.select(u.c.id, sa.type_coerce(u.c.age, sa.String)).order_by(u.c.id),
    "type_coerce_where": lambda sa, u, a: sa.select(u.c.id).where(sa.type_coerce(u.c.name, sa.String) == "Bob"),
    # case()
    "case_searched": lambda sa, u, a: sa.select(
        u.c.id, sa.case((u.c.age > 26, "old"), (u.c.age < 26, "young"), else_="mid")
    ).order_by(u.c.id),
    "case_value_dict": lambda sa, u, a: sa.select(
        u.c.id, sa.case({"Alice": 1, "Bob": 2}, value=u.c.name, else_=0)
    ).order_by(u.c.id),
    "case_without_else": lambda sa, u, a: sa.select(u.c.id, sa.case((u.c.age > 26, u.c.name))).order_by(u.c.id),
    "case_in_where": lambda sa, u, a: sa.select(u.c.id).where(sa.case((u.c.age > 26, 1), else_=0) == 1),
    "case_labelled": lambda sa, u, a: sa.select(sa.case((u.c.age.is_(None), "none"), else_=u.c.name).label("c")),
    # IN with expanding parameters, empty lists, bindparam(expanding=True), subqueries.
    "in_list": lambda sa, u, a: sa.select(u.c.name).where(u.c.id.in_([1, 3, 5])),
    "not_in_list": lambda sa, u, a: sa.select(u.c.name).where(u.c.id.not_in([1, 3])),
    "in_strings": lambda sa, u, a: sa.select(u.c.id).where(u.c.name.in_(["Bob", "Cy", "nobody"])),
    "in_empty_or": lambda sa, u, a: sa.select(u.c.name).where(sa.or_(u.c.id.in_([]), u.c.id == 2)),
    "not_in_empty": lambda sa, u, a: sa.select(u.c.name).where(u.c.id.not_in([])),
    "in_between_other_binds": lambda sa, u, a: sa.select(u.c.name).where(
        u.c.age > 20, u.c.id.in_([1, 3, 4]), u.c.name != "Anna"
    ),
    "in_twice": lambda sa, u, a: sa.select(u.c.name).where(u.c.id.in_([1, 2, 3]), u.c.age.not_in([30, 31])),
    "in_expanding_bindparam": lambda sa, u, a: sa.select(u.c.name).where(
        u.c.id.in_(sa.bindparam("ids", expanding=True))
    ),
    "in_select": lambda sa, u, a: sa.select(u.c.name).where(u.c.id.in_(sa.select(a.c.user_id))),
    "not_in_select": lambda sa, u, a: sa.select(u.c.name).where(u.c.id.not_in(sa.select(a.c.user_id))),
    "in_with_expressions": lambda sa, u, a: sa.select(u.c.name).where(u.c.id.in_([u.c.age, 2])),
    "not_in_negated": lambda sa, u, a: sa.select(u.c.name).where(sa.not_(u.c.id.in_([1, 2]))),
    # LIKE ... ESCAPE, ILIKE, startswith/endswith/contains with autoescape and escape.
    "like_escape": lambda sa, u, a: sa.select(u.c.id).where(u.c.name.like("al/%%", escape="/")),
    "not_like_escape": lambda sa, u, a: sa.select(u.c.id).where(u.c.name.not_like("al/%%", escape="/")),
    "ilike": lambda sa, u, a: sa.select(u.c.id).where(u.c.name.ilike("a%")),
    "not_ilike": lambda sa, u, a: sa.select(u.c.id).where(u.c.name.not_ilike("a%")),
    "ilike_escape": lambda sa, u, a: sa.select(u.c.id).where(u.c.name.ilike("AL/%%", escape="/")),
    "not_ilike_negated": lambda sa, u, a: sa.select(u.c.id).where(~u.c.name.ilike("b%", escape="/")),
    "startswith_autoescape": lambda sa, u, a: sa.select(u.c.id).where(u.c.name.startswith("al%", autoescape=True)),
    "endswith_autoescape": lambda sa, u, a: sa.select(u.c.id).where(u.c.name.endswith("%x", autoescape=True)),
    "contains_autoescape": lambda sa, u, a: sa.select(u.c.id).where(u.c.name.contains("l%", autoescape=True)),
    "startswith_escape": lambda sa, u, a: sa.select(u.c.id).where(u.c.name.startswith("al^%", escape="^")),
    "contains_escape_and_autoescape": lambda sa, u, a: sa.select(u.c.id).where(
        u.c.name.contains("%", escape="^", autoescape=True)
    ),
    "endswith_column": lambda sa, u, a: sa.select(u.c.id).where(u.c.email.endswith(u.c.email)),
    # IS [NOT] DISTINCT FROM, division, modulo, string concatenation.
    "is_distinct_from": lambda sa, u, a: sa.select(u.c.id).where(u.c.age.is_distinct_from(25)),
    "is_not_distinct_from": lambda sa, u, a: sa.select(u.c.id).where(u.c.age.is_not_distinct_from(25)),
    "is_not_distinct_from_none": lambda sa, u, a: sa.select(u.c.id).where(u.c.age.is_not_distinct_from(None)),
    "floordiv_integers": lambda sa, u, a: sa.select(u.c.id, u.c.age // 7).order_by(u.c.id),
    "truediv_integers": lambda sa, u, a: sa.select(u.c.id, u.c.age / 8).order_by(u.c.id),
    "floordiv_numeric": lambda sa, u, a: sa.select(u.c.id, sa.cast(u.c.age, sa.Numeric(10, 2)) // 7).order_by(u.c.id),
    "modulo": lambda sa, u, a: sa.select(u.c.id, u.c.age % 7).order_by(u.c.id),
    "concat_plus": lambda sa, u, a: sa.select(u.c.id, u.c.name + "-" + u.c.email).order_by(u.c.id),
    "concat_method": lambda sa, u, a: sa.select(u.c.name.concat("!")).where(u.c.id == 1),
    "concat_reversed": lambda sa, u, a: sa.select(("<" + u.c.name).label("n")).where(u.c.id < 3),
    # literal(), literal_column(), lightweight column()/table(), null()/true()/false(), distinct().
    "literal": lambda sa, u, a: sa.select(sa.literal(5), sa.literal("x"), u.c.id).where(u.c.id < 3),
    "literal_typed": lambda sa, u, a: sa.select(
        sa.literal("5", sa.String(10)).label("five"), sa.literal(5, sa.Integer)
    ),
    "literal_column": lambda sa, u, a: sa.select(sa.literal_column("1").label("one"), u.c.id).where(u.c.id < 3),
    "literal_column_typed": lambda sa, u, a: sa.select(sa.literal_column("users.age", sa.Integer) + 1).where(
        u.c.id == 1
    ),
    "lightweight_table": lambda sa, u, a: _lightweight(sa),
    "null_true_false": lambda sa, u, a: sa.select(u.c.id, sa.null(), sa.true(), sa.false()).where(u.c.id == 1),
    "where_true": lambda sa, u, a: sa.select(u.c.id).where(sa.true()),
    "where_false_or": lambda sa, u, a: sa.select(u.c.id).where(sa.or_(sa.false(), u.c.id == 1)),
    "where_true_and": lambda sa, u, a: sa.select(u.c.id).where(sa.and_(sa.true(), u.c.id == 1)),
    "count_distinct": lambda sa, u, a: sa.select(sa.func.count(sa.distinct(u.c.age))),
    "distinct_method": lambda sa, u, a: sa.select(u.c.age.distinct()),
    # func.* per dialect.
    "func_sum_min_max": lambda sa, u, a: sa.select(sa.func.sum(u.c.age), sa.func.min(u.c.age), sa.func.max(u.c.name)),
    "func_avg": lambda sa, u, a: sa.select(sa.func.avg(u.c.age)),
    "func_length": lambda sa, u, a: sa.select(u.c.id, sa.func.length(u.c.name), sa.func.char_length(u.c.name)),
    "func_lower_upper": lambda sa, u, a: sa.select(sa.func.lower(u.c.name), sa.func.upper(u.c.name)).where(u.c.id < 3),
    "func_coalesce": lambda sa, u, a: sa.select(u.c.id, sa.func.coalesce(u.c.age, 0)).order_by(u.c.id),
    "func_now": lambda sa, u, a: sa.select(u.c.id).where(sa.func.now() > datetime.datetime(2000, 1, 1)),
    # Window functions.
    "rank_over": lambda sa, u, a: sa.select(u.c.id, sa.func.rank().over(order_by=u.c.age)).order_by(u.c.id),
    "row_number_partition": lambda sa, u, a: sa.select(
        u.c.id, sa.func.row_number().over(partition_by=u.c.age, order_by=u.c.id)
    ).order_by(u.c.id),
    "dense_rank_desc": lambda sa, u, a: sa.select(
        u.c.id, sa.func.dense_rank().over(order_by=u.c.age.desc()).label("r")
    ).order_by(u.c.id),
    "sum_over_rows": lambda sa, u, a: sa.select(
        u.c.id, sa.func.sum(u.c.id).over(order_by=u.c.id, rows=(None, 0))
    ).order_by(u.c.id),
    "sum_over_range": lambda sa, u, a: sa.select(
        u.c.id, sa.func.sum(u.c.id).over(order_by=u.c.id, range_=(-1, 1))
    ).order_by(u.c.id),
    # text() with :named parameters, .bindparams() and .columns().
    "text_named_param": lambda sa, u, a: sa.text("SELECT id, name FROM users WHERE id = :uid"),
    "text_bindparams": lambda sa, u, a: sa.text("SELECT id, name FROM users WHERE name = :n").bindparams(n="Bob"),
    "text_columns_typed": lambda sa, u, a: sa.text("SELECT id, age FROM users WHERE id < 3").columns(
        sa.column("id", sa.Integer), sa.column("age", sa.String)
    ),
    "text_in_where": lambda sa, u, a: sa.select(u.c.id).where(sa.text("age > :lim").bindparams(lim=26)),
    # label(), asc()/desc()/nulls_first().
    "label_expression": lambda sa, u, a: sa.select((u.c.age + 1).label("next")).order_by(u.c.id),
    "order_by_label_desc": lambda sa, u, a: sa.select(u.c.id, u.c.name.label("n")).order_by(sa.desc("n")),
    "order_by_nulls_first": lambda sa, u, a: sa.select(u.c.id).order_by(u.c.age.nulls_first(), u.c.id),
    "order_by_asc_nulls_first": lambda sa, u, a: sa.select(u.c.id).order_by(sa.asc(u.c.age).nulls_first(), u.c.id),
}


def _lightweight(sa: Any) -> Any:
    t = sa.table("users", sa.column("id"), sa.column("name"))
    return sa.select(t.c.name).where(t.c.id == 2)


DML: dict[str, Build] = {
    "update_case": lambda sa, u, a: sa.update(u).values(age=sa.case((u.c.age > 26, u.c.age - 1), else_=u.c.age)),
    "update_where_in": lambda sa, u, a: sa.update(u).where(u.c.id.in_([1, 2])).values(age=7),
    "delete_where_in": lambda sa, u, a: sa.delete(u).where(u.c.id.in_([4, 5])),
    "delete_where_not_in_empty": lambda sa, u, a: sa.delete(u).where(u.c.id.not_in([])),
    "delete_where_like_escape": lambda sa, u, a: sa.delete(u).where(u.c.name.like("al/%x", escape="/")),
    "update_cast": lambda sa, u, a: sa.update(u).where(u.c.id == 1).values(email=sa.cast(u.c.age, sa.String(20))),
}

# Execution parameters for the cases that take some.
PARAMS: dict[str, dict[str, Any]] = {
    "in_expanding_bindparam": {"ids": [2, 4, 5]},
    "text_named_param": {"uid": 2},
}
