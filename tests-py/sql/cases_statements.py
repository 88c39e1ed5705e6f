"""Differential cases for Core statements: builders `(sa, users, addresses) -> statement` that build the same
construct with SQLAlchemy and with ferroalchemy (see statements.py, which runs them all).

Compound selects, CTEs (recursive ones too), LATERAL, correlation, EXISTS, joins, DISTINCT ON and row locks;
INSERT ... SELECT, multi-row VALUES, ordered SET, RETURNING and multi-table UPDATE/DELETE."""

from __future__ import annotations

from types import ModuleType
from typing import Any

from .statements_base import Build


def _ids_below(sa: ModuleType, u: Any, n: int) -> Any:
    return sa.select(u.c.id).where(u.c.id < n)


def _recursive(sa: ModuleType, u: Any, name: str | None) -> Any:
    """Counts up from the first users' ids to 4: WITH RECURSIVE."""
    start = sa.select(u.c.id, u.c.id.label("n")).where(u.c.id < 3)
    cte = start.cte(name, recursive=True)
    cte = cte.union_all(sa.select(cte.c.id, cte.c.n + 1).where(cte.c.n < 4))
    return sa.select(cte.c.id, cte.c.n).order_by(cte.c.id, cte.c.n)


def _cte_twice(sa: ModuleType, u: Any) -> Any:
    c = sa.select(u.c.id, u.c.age).where(u.c.age.is_not(None)).cte("aged")
    x, y = c.alias("x"), c.alias("y")
    return sa.select(x.c.id, y.c.id).where(x.c.age == y.c.age, x.c.id < y.c.id)


def _lateral(sa: ModuleType, u: Any, a: Any, outer: bool) -> Any:
    first = sa.select(a.c.email).where(a.c.user_id == u.c.id).order_by(a.c.email).limit(1).lateral("first")
    joined = u.outerjoin(first, sa.true()) if outer else u.join(first, sa.true())
    return sa.select(u.c.name, first.c.email).select_from(joined).order_by(u.c.id)


def _count_of(sa: ModuleType, u: Any, a: Any) -> Any:
    return sa.select(sa.func.count(a.c.id)).where(a.c.user_id == u.c.id)


SELECTS: dict[str, Build] = {
    # compound selects
    "numbers_as_literal_columns": lambda sa, u, a: sa.select(1, 2.5).add_columns(u.c.id).where(u.c.id < 3),
    "exists_of_a_number": lambda sa, u, a: sa.select(u.c.name).where(sa.exists(1).where(a.c.user_id == u.c.id)),
    "union": lambda sa, u, a: sa.union(_ids_below(sa, u, 3), sa.select(u.c.id).where(u.c.id > 4)),
    "union_all_three_order_limit": lambda sa, u, a: (
        sa.union_all(sa.select(u.c.id, u.c.name), sa.select(a.c.id, a.c.email), sa.select(u.c.age, u.c.email))
        .order_by("id", "name")
        .limit(4)
        .offset(1)
    ),
    "union_method_order_desc": lambda sa, u, a: (
        _ids_below(sa, u, 3).union(sa.select(a.c.user_id)).order_by(sa.desc("id"))
    ),
    "union_all_method": lambda sa, u, a: _ids_below(sa, u, 3).union_all(_ids_below(sa, u, 2), _ids_below(sa, u, 4)),
    "intersect": lambda sa, u, a: sa.intersect(sa.select(u.c.id), sa.select(a.c.user_id)),
    "intersect_all": lambda sa, u, a: sa.select(a.c.user_id).intersect_all(sa.select(a.c.user_id)),
    "except_": lambda sa, u, a: sa.except_(sa.select(u.c.id), sa.select(a.c.user_id)),
    "except_all": lambda sa, u, a: sa.select(a.c.user_id).except_all(sa.select(u.c.id).where(u.c.id == 1)),
    "union_limited_member": lambda sa, u, a: sa.union(
        sa.select(u.c.id).order_by(u.c.id).limit(2), sa.select(u.c.id).where(u.c.id > 4)
    ),
    "union_nested_compound": lambda sa, u, a: sa.union(
        sa.intersect(sa.select(u.c.id), sa.select(a.c.user_id)), sa.select(u.c.id).where(u.c.id > 4)
    ),
    "union_labels": lambda sa, u, a: sa.union(sa.select(u.c.id, sa.func.lower(u.c.name)), sa.select(a.c.id, a.c.email)),
    "union_subquery": lambda sa, u, a: (lambda s: sa.select(s.c.id).where(s.c.id > 1).order_by(s.c.id))(
        sa.union(sa.select(u.c.id), sa.select(a.c.user_id)).subquery()
    ),
    "union_subquery_count": lambda sa, u, a: sa.select(sa.func.count()).select_from(
        sa.union_all(sa.select(u.c.id), sa.select(a.c.user_id)).subquery("ids")
    ),
    "union_cte": lambda sa, u, a: (lambda c: sa.select(c.c.id).order_by(c.c.id))(
        sa.union(sa.select(u.c.id).where(u.c.age > 26), sa.select(a.c.user_id)).cte("ids")
    ),
    "in_union": lambda sa, u, a: sa.select(u.c.name).where(
        u.c.id.in_(sa.union(sa.select(a.c.user_id), sa.select(sa.literal(5))))
    ),
    # CTEs
    "cte_recursive": lambda sa, u, a: _recursive(sa, u, "steps"),
    "cte_recursive_anonymous": lambda sa, u, a: _recursive(sa, u, None),
    "cte_two": lambda sa, u, a: (
        lambda old, mails: sa.select(old.c.id, mails.c.email).join(mails, old.c.id == mails.c.user_id)
    )(
        sa.select(u.c.id).where(u.c.age > 20).cte("old"),
        sa.select(a.c.user_id, a.c.email).cte("mails"),
    ),
    "cte_referenced_twice": lambda sa, u, a: _cte_twice(sa, u),
    "cte_in_subquery": lambda sa, u, a: (
        lambda c: sa.select(c.c.id).where(c.c.id.in_(sa.select(c.c.id).where(c.c.id > 1)))
    )(sa.select(u.c.id).cte("c")),
    "cte_of_cte": lambda sa, u, a: (
        lambda c1: (lambda c2: sa.select(c2.c.id))(sa.select(c1.c.id).where(c1.c.id > 1).cte("c2"))
    )(sa.select(u.c.id).cte("c1")),
    "cte_only_in_where": lambda sa, u, a: (lambda c: sa.select(u.c.name).where(u.c.id.in_(sa.select(c.c.id))))(
        sa.select(u.c.id).where(u.c.id < 3).cte("src")
    ),
    # LATERAL, correlation, scalar subqueries, EXISTS
    "lateral_join": lambda sa, u, a: _lateral(sa, u, a, outer=False),
    "lateral_outerjoin": lambda sa, u, a: _lateral(sa, u, a, outer=True),
    "correlate": lambda sa, u, a: sa.select(u.c.name).where(_count_of(sa, u, a).correlate(u).scalar_subquery() > 1),
    "correlate_none": lambda sa, u, a: sa.select(u.c.name).where(
        _count_of(sa, u, a).correlate(None).scalar_subquery() > 1
    ),
    "correlate_except": lambda sa, u, a: sa.select(u.c.name, a.c.email).where(
        a.c.user_id == u.c.id, _count_of(sa, u, a).correlate_except(a).scalar_subquery() > 1
    ),
    "scalar_subquery_labelled_column": lambda sa, u, a: sa.select(
        u.c.name, sa.select(sa.func.max(a.c.email)).where(a.c.user_id == u.c.id).scalar_subquery().label("m")
    ),
    "scalar_subquery_uncorrelated": lambda sa, u, a: sa.select(u.c.name).where(
        u.c.age > sa.select(sa.func.avg(u.c.age)).scalar_subquery()
    ),
    "exists_of_select": lambda sa, u, a: sa.select(u.c.name).where(
        sa.exists(sa.select(a.c.id).where(a.c.user_id == u.c.id))
    ),
    "exists_method": lambda sa, u, a: sa.select(u.c.name).where(
        sa.select(a.c.id).where(a.c.user_id == u.c.id).exists()
    ),
    "exists_negated": lambda sa, u, a: sa.select(u.c.name).where(~sa.exists().where(a.c.user_id == u.c.id)),
    "exists_of_column": lambda sa, u, a: sa.select(u.c.name).where(sa.exists(a.c.id).where(a.c.user_id == u.c.id)),
    "exists_select_from": lambda sa, u, a: sa.select(u.c.name).where(
        sa.exists().select_from(a).where(a.c.user_id == u.c.id)
    ),
    "exists_in_columns": lambda sa, u, a: sa.select(sa.exists().where(a.c.user_id == 1).label("has")),
    "exists_in_and": lambda sa, u, a: sa.select(u.c.name).where(
        sa.and_(u.c.age > 1, sa.exists().where(a.c.user_id == u.c.id))
    ),
    # joins
    "full_join": lambda sa, u, a: sa.select(u.c.name, a.c.email).join(a, u.c.id == a.c.user_id, full=True),
    "outerjoin_full": lambda sa, u, a: sa.select(u.c.name, a.c.email).outerjoin(a, full=True),
    "join_from": lambda sa, u, a: sa.select(u.c.name, a.c.email).join_from(a, u),
    "select_from_join": lambda sa, u, a: sa.select(u.c.name, a.c.email).select_from(u.join(a)),
    "select_from_outerjoin_full": lambda sa, u, a: sa.select(u.c.name, a.c.email).select_from(
        u.outerjoin(a, u.c.id == a.c.user_id, full=True)
    ),
    "join_subquery": lambda sa, u, a: (lambda s: sa.select(u.c.name, s.c.n).join(s, s.c.user_id == u.c.id))(
        sa.select(a.c.user_id, sa.func.count().label("n")).group_by(a.c.user_id).subquery()
    ),
    "join_subquery_by_foreign_key": lambda sa, u, a: (lambda s: sa.select(u.c.name, s.c.email).join(s))(
        sa.select(a).subquery()
    ),
    "join_alias": lambda sa, u, a: (lambda al: sa.select(u.c.name, al.c.email).join(al, al.c.user_id == u.c.id))(
        a.alias("aa")
    ),
    "self_join_alias": lambda sa, u, a: (
        lambda u2: sa.select(u.c.name, u2.c.name).join(u2, u.c.age == u2.c.age).where(u.c.id < u2.c.id)
    )(u.alias()),
    "join_chain_outer_alias": lambda sa, u, a: (
        lambda a2: (
            sa.select(u.c.name, a.c.email, a2.c.email)
            .join(a)
            .join(a2, a2.c.user_id == u.c.id, isouter=True)
            .where(a2.c.id != a.c.id)
        )
    )(a.alias("a2")),
    # locking
    "for_update": lambda sa, u, a: sa.select(u.c.id).with_for_update(),
    "for_update_nowait": lambda sa, u, a: sa.select(u.c.id).with_for_update(nowait=True),
    "for_share": lambda sa, u, a: sa.select(u.c.id).with_for_update(read=True),
    "for_share_skip_locked": lambda sa, u, a: sa.select(u.c.id).with_for_update(read=True, skip_locked=True),
    "for_no_key_update": lambda sa, u, a: sa.select(u.c.id).with_for_update(key_share=True),
    "for_key_share": lambda sa, u, a: sa.select(u.c.id).with_for_update(read=True, key_share=True),
    "for_update_of": lambda sa, u, a: sa.select(u.c.id, a.c.id).join(a).with_for_update(of=u),
    "for_update_of_list_nowait": lambda sa, u, a: (
        sa.select(u.c.id, a.c.id).join(a).with_for_update(of=[u, a], nowait=True)
    ),
    "for_share_of_column": lambda sa, u, a: sa.select(u.c.id, a.c.id).join(a).with_for_update(of=u.c.id, read=True),
    "for_update_of_alias": lambda sa, u, a: (lambda al: sa.select(al.c.id).with_for_update(of=al))(u.alias("uu")),
    "for_update_limit_skip_locked": lambda sa, u, a: (
        sa.select(u.c.id).order_by(u.c.id).limit(1).with_for_update(skip_locked=True, of=u)
    ),
}

DML: dict[str, Build] = {
    "insert_from_select": lambda sa, u, a: sa.insert(a).from_select(
        ["user_id", "email"], sa.select(u.c.id, u.c.name + "@y").where(u.c.age > 26)
    ),
    "insert_from_select_columns": lambda sa, u, a: sa.insert(a).from_select(
        [a.c.user_id, a.c.email], sa.select(u.c.id, u.c.email + "2").where(u.c.email.is_not(None))
    ),
    "insert_from_select_cte": lambda sa, u, a: (
        lambda c: sa.insert(u).from_select(["name", "age"], sa.select(c.c.name + "x", c.c.age))
    )(sa.select(u.c.name, u.c.age).where(u.c.id < 3).cte("src")),
    "insert_multi_values": lambda sa, u, a: sa.insert(u).values([{"name": "Dee", "age": 3}, {"name": "Eve", "age": 4}]),
    "update_ordered_values": lambda sa, u, a: (
        sa.update(u).where(u.c.id == 2).ordered_values((u.c.age, 7), (u.c.name, "Bo"))
    ),
    "update_ordered_values_names": lambda sa, u, a: sa.update(u).ordered_values(("email", None), ("age", u.c.age + 1)),
    "update_returning": lambda sa, u, a: sa.update(u).where(u.c.id == 2).values(age=9).returning(u.c.id, u.c.age),
    "delete_returning": lambda sa, u, a: sa.delete(u).where(u.c.id == 2).returning(u.c.name),
    "update_from": lambda sa, u, a: sa.update(u).where(u.c.id == a.c.user_id, a.c.email == "a2@x").values(name="Zed"),
    "update_from_value_of_other_table": lambda sa, u, a: (
        sa.update(u).where(u.c.id == a.c.user_id, a.c.id == 3).values(email=a.c.email)
    ),
    "delete_using": lambda sa, u, a: sa.delete(a).where(a.c.user_id == u.c.id, u.c.name == "Anna"),
    "update_correlated_scalar": lambda sa, u, a: sa.update(u).values(age=_count_of(sa, u, a).scalar_subquery()),
    "update_where_exists": lambda sa, u, a: sa.update(u).where(sa.exists().where(a.c.user_id == u.c.id)).values(age=0),
    "update_with_cte": lambda sa, u, a: (lambda c: sa.update(u).where(u.c.id.in_(sa.select(c.c.id))).values(age=1))(
        sa.select(u.c.id).where(u.c.id < 3).cte("src")
    ),
    "delete_with_cte": lambda sa, u, a: (lambda c: sa.delete(a).where(a.c.user_id.in_(sa.select(c.c.id))))(
        sa.select(u.c.id).where(u.c.id < 3).cte("src")
    ),
}
