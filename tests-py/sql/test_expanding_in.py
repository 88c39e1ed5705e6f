"""IN lists as SQLAlchemy 2.x binds them: one "expanding" parameter, expanded into one placeholder per element when
the statement runs. The compiled-statement cache holds the unexpanded form, so lists of any length share one entry."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as real

import ferroalchemy as ferro

from .backends import BACKENDS
from .schema import make_schema, seeded_engine


def test_lists_of_any_length_share_one_cache_entry_and_still_select_right(
    sql_log: Callable[[Any], list[str]],
) -> None:
    engine, users, _ = seeded_engine(ferro)
    sent = sql_log(engine)
    with engine.connect() as conn:
        before = engine._core_engine().cache_len()
        for ids, names in (([1], ["Alice"]), ([2, 3], ["Bob", "Anna"]), ([], []), ([5, 4, 1], ["Alice", "al%x", "Cy"])):
            stmt = ferro.select(users.c.name).where(users.c.id.in_(ids)).order_by(users.c.id)
            got = conn.execute(stmt).scalars().all()
            assert sorted(got) == sorted(names), ids
        assert engine._core_engine().cache_len() == before + 1
    assert sent[0].endswith("WHERE users.id IN (?) ORDER BY users.id")
    assert "WHERE users.id IN (?, ?) ORDER BY" in sent[1]
    assert "WHERE users.id IN (SELECT 1 FROM (SELECT 1) WHERE 1!=1) ORDER BY" in sent[2]
    assert "WHERE users.id IN (?, ?, ?) ORDER BY" in sent[3]
    engine.dispose()


def test_statement_key_ignores_the_list_but_not_the_operator() -> None:
    _, users, _ = make_schema(ferro)

    def key(stmt: Any) -> int:
        return stmt._stmt().key

    short = ferro.select(users).where(users.c.id.in_([1]))
    long = ferro.select(users).where(users.c.id.in_([1, 2, 3, 4]))
    assert key(short) == key(long)
    assert key(short) != key(ferro.select(users).where(users.c.id.not_in([1])))
    assert key(short) != key(ferro.select(users).where(users.c.age.in_([1])))


@pytest.mark.parametrize("backend", BACKENDS)
def test_expanding_bindparam_takes_each_executions_list(backend: str) -> None:
    """The same statement object with lists of different lengths, beside other parameters (PostgreSQL's $n move)."""
    got = {}
    for sa in (real, ferro):
        engine, users, _ = seeded_engine(sa, backend)
        stmt = (
            sa.select(users.c.id)
            .where(users.c.age > sa.bindparam("lo"), users.c.id.in_(sa.bindparam("ids", expanding=True)))
            .order_by(users.c.id)
        )
        with engine.connect() as conn:
            got[sa] = [
                conn.execute(stmt, {"lo": 20, "ids": ids}).scalars().all() for ids in ([1, 2, 3], [4], [], (5, 1))
            ]
        engine.dispose()
    assert got[ferro] == got[real] == [[1, 3], [4], [], [1, 5]]


def test_expanding_with_executemany_is_refused_as_sqlalchemy_refuses_it() -> None:
    outcome = {}
    for sa in (real, ferro):
        engine, users, _ = seeded_engine(sa)
        stmt = sa.select(users.c.id).where(users.c.id.in_(sa.bindparam("ids", expanding=True)))
        with engine.connect() as conn, pytest.raises(sa.exc.StatementError) as info:
            conn.execute(stmt, [{"ids": [1]}, {"ids": [2]}])
        outcome[sa] = (type(info.value.orig).__name__, str(info.value.orig))
        engine.dispose()
    assert outcome[ferro] == outcome[real]


@pytest.mark.parametrize(
    "build",
    [
        lambda sa, u: sa.select(u.c.id).where(u.c.id.in_([1, 2, 3])),
        lambda sa, u: sa.select(u.c.id).where(u.c.name.not_in(["a", "b'c"])),
        lambda sa, u: sa.select(u.c.id).where(u.c.id.in_([])),
        lambda sa, u: sa.select(u.c.id).where(u.c.id.not_in([])),
    ],
    ids=["in", "not_in_strings", "in_empty", "not_in_empty"],
)
@pytest.mark.parametrize("backend", ["default", *BACKENDS])
def test_literal_binds_inline_the_list(build: Any, backend: str) -> None:
    from .backends import dialect_of

    kw: dict[str, Any] = {"compile_kwargs": {"literal_binds": True}}
    _, ru, _ = make_schema(real)
    _, fu, _ = make_schema(ferro)
    if backend != "default":
        kw_real = {**kw, "dialect": dialect_of(real, backend)}
        kw_ferro = {**kw, "dialect": dialect_of(ferro, backend)}
    else:
        kw_real = kw_ferro = kw
    assert str(build(ferro, fu).compile(**kw_ferro)) == str(build(real, ru).compile(**kw_real))


def test_compiled_params_show_the_list() -> None:
    _, users, _ = make_schema(ferro)
    compiled = ferro.select(users).where(users.c.id.in_([1, 2]), users.c.name == "x").compile()
    assert compiled.params == {"id_1": [1, 2], "name_1": "x"}
    unbound = ferro.select(users).where(users.c.id.in_(ferro.bindparam("ids", expanding=True))).compile()
    assert str(unbound).endswith("WHERE users.id IN (__[POSTCOMPILE_ids])")
    assert unbound.params == {"ids": None}
