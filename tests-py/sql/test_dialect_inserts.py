"""Dialect inserts against SQLAlchemy: postgresql.insert() / sqlite.insert() ON CONFLICT (constraint,
index_where, where, excluded) and mysql.insert() ON DUPLICATE KEY UPDATE (inserted): the SQL each
prints, and the table each leaves on its database."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as real

import ferroalchemy as ferro

from .backends import dialect_of
from .schema import make_schema, seeded_engine

# (insert, users) -> statement, for the dialect named by the case's prefix.
Upsert = Callable[[Any, Any], Any]


def _pg_index_where(insert: Any, u: Any) -> Any:
    i = insert(u).values(id=9, name="Alice", age=1)
    return i.on_conflict_do_update(
        index_elements=[u.c.name],
        index_where=u.c.age > 0,
        set_={"age": i.excluded.age + u.c.age},
        where=u.c.age < 100,
    )


def _sqlite_where(insert: Any, u: Any) -> Any:
    i = insert(u).values(id=1, name="Alice", age=7)
    return i.on_conflict_do_update(index_elements=[u.c.id], set_={"age": i.excluded.age}, where=u.c.age > 26)


def _odku(values: Any) -> Upsert:
    def build(insert: Any, u: Any) -> Any:
        i = insert(u).values(id=1, name="Alice", age=1)
        return i.on_duplicate_key_update(values(i, u))

    return build


CASES: dict[str, Upsert] = {
    "postgresql-constraint_name": lambda insert, u: (
        lambda i: i.on_conflict_do_update(constraint="users_name_key", set_={"age": i.excluded.age})
    )(insert(u).values(id=9, name="Alice", age=1)),
    "postgresql-constraint_object": lambda insert, u: (
        lambda i: i.on_conflict_do_update(constraint=u.primary_key, set_={"name": i.excluded.name})
    )(insert(u).values(id=1, name="A2", age=1)),
    "postgresql-index_where": _pg_index_where,
    "postgresql-nothing_index_where": lambda insert, u: (
        insert(u)
        .values(id=9, name="Alice", age=1)
        .on_conflict_do_nothing(index_elements=["name"], index_where=u.c.age > 0)
    ),
    "postgresql-nothing_constraint": lambda insert, u: (
        insert(u).values(id=9, name="Alice", age=1).on_conflict_do_nothing(constraint="users_name_key")
    ),
    "sqlite-update_where": _sqlite_where,
    "sqlite-index_where": lambda insert, u: (
        lambda i: i.on_conflict_do_update(
            index_elements=[u.c.name], index_where=u.c.age > 0, set_={"age": i.excluded.age}
        )
    )(insert(u).values(id=9, name="Alice", age=2)),
    "mysql-kwargs_inserted": lambda insert, u: (lambda i: i.on_duplicate_key_update(age=i.inserted.age, email="z"))(
        insert(u).values(id=1, name="Alice", age=1)
    ),
    "mysql-dict_in_table_order": _odku(lambda i, u: {"email": "q", "age": u.c.age + i.inserted.age}),
    "mysql-list_in_given_order": _odku(lambda i, u: [("email", "q"), ("age", 3)]),
    "mysql-multi_row": lambda insert, u: (lambda i: i.on_duplicate_key_update(name=i.inserted.name))(
        insert(u).values([{"id": 1, "name": "Al", "age": 1}, {"id": 9, "name": "Zed", "age": 2}])
    ),
}

# SQLite takes no parameters in a partial index predicate: SQLAlchemy prints a post-compile
# placeholder there (__[POSTCOMPILE_age_1]) and renders the value at execution, which is what
# ferroalchemy prints; rows are compared all the same.
DISPLAY_DIFFERS = {"sqlite-index_where"}


def _insert_of(sa: Any, backend: str) -> Any:
    return __import__(f"{sa.__name__}.dialects.{backend}", fromlist=["insert"]).insert


@pytest.mark.parametrize("name", sorted(set(CASES) - DISPLAY_DIFFERS))
def test_sql_matches_sqlalchemy(name: str) -> None:
    backend = name.split("-")[0]
    theirs = CASES[name](_insert_of(real, backend), make_schema(real)[1])
    mine = CASES[name](_insert_of(ferro, backend), make_schema(ferro)[1])
    want = theirs.compile(dialect=dialect_of(real, backend))
    got = mine.compile(dialect=dialect_of(ferro, backend))
    assert str(got) == str(want)
    assert got.params == want.params
    # str() prints with the construct's own dialect, as SQLAlchemy's does.
    assert str(mine) == str(theirs)


def _table_after(sa: Any, name: str) -> Any:
    backend = name.split("-")[0]
    engine, users, _ = seeded_engine(sa, backend)
    try:
        with engine.begin() as conn:
            conn.execute(CASES[name](_insert_of(sa, backend), users))
            return [tuple(r) for r in conn.execute(sa.select(users).order_by(users.c.id))]
    except sa.exc.DBAPIError as err:
        return ("raises", type(err).__name__)
    finally:
        engine.dispose()


@pytest.mark.parametrize("name", sorted(CASES))
def test_rows_match_sqlalchemy(name: str) -> None:
    assert _table_after(ferro, name) == _table_after(real, name)


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_on_duplicate_key_update_is_mysql_only(backend: str) -> None:
    _, u, _ = make_schema(ferro)
    stmt = _insert_of(ferro, "mysql")(u).values(name="a").on_duplicate_key_update(age=1)
    with pytest.raises(ferro.exc.CompileError):
        stmt.compile(dialect=dialect_of(ferro, backend))


def test_on_duplicate_key_update_arguments() -> None:
    _, u, _ = make_schema(ferro)
    i = _insert_of(ferro, "mysql")(u).values(name="a")
    with pytest.raises(ferro.exc.ArgumentError, match="simultaneously"):
        i.on_duplicate_key_update({"age": 1}, name="b")
    with pytest.raises(ValueError, match="must not be empty"):
        i.on_duplicate_key_update({})
    # As SQLAlchemy: a name that is no column is warned about and left out.
    with pytest.warns(ferro.exc.SAWarning, match="not matching any column keys in table 'users': 'nope'"):
        stmt = i.on_duplicate_key_update(nope=1, age=2)
    assert str(stmt).endswith("ON DUPLICATE KEY UPDATE age = %s")
