"""ALTER TABLE ... ADD/DROP CONSTRAINT and COMMENT ON constructs (compared with SQLAlchemy's SQL), schema
DDL events, the column_reflect event, and the Inspector's multi-table and reflect_table() API."""

from __future__ import annotations

from types import ModuleType
from typing import Any

import pytest
import sqlalchemy as real

import ferroalchemy as ferro

from .backends import dialect_of


def _tables(sa: ModuleType) -> tuple[Any, Any]:
    m = sa.MetaData()
    users = sa.Table(
        "users",
        m,
        sa.Column("id", sa.Integer),
        sa.Column("name", sa.String(50), comment="the user's name"),
        sa.PrimaryKeyConstraint("id", name="pk_users"),
        sa.UniqueConstraint("name", name="uq_users_name"),
        sa.CheckConstraint("length(name) > 1", name="ck_users_name"),
        comment="people",
    )
    posts = sa.Table(
        "posts",
        m,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("user_id", sa.ForeignKey("users.id", name="fk_posts_user", ondelete="CASCADE")),
    )
    return users, posts


def _constructs(sa: ModuleType) -> list[Any]:
    users, posts = _tables(sa)
    uq = next(c for c in users.constraints if isinstance(c, sa.UniqueConstraint))
    ck = next(c for c in users.constraints if isinstance(c, sa.CheckConstraint))
    fk = next(c for c in posts.constraints if isinstance(c, sa.ForeignKeyConstraint))
    out = []
    for c in (uq, ck, fk, users.primary_key):
        out += [sa.schema.AddConstraint(c), sa.schema.DropConstraint(c)]
    out += [sa.schema.DropConstraint(fk, cascade=True), sa.schema.DropConstraint(uq, if_exists=True)]
    out += [sa.schema.SetTableComment(users), sa.schema.DropTableComment(users)]
    out += [sa.schema.SetColumnComment(users.c.name), sa.schema.DropColumnComment(users.c.name)]
    return out


@pytest.mark.parametrize("backend", ["postgresql", "mysql"])
def test_alter_constraint_and_comment_sql_matches_sqlalchemy(backend: str) -> None:
    mine = [str(c.compile(dialect=dialect_of(ferro, backend))) for c in _constructs(ferro)]
    theirs = [str(c.compile(dialect=dialect_of(real, backend))) for c in _constructs(real)]
    n = 8 if backend == "mysql" else len(theirs)  # SQLAlchemy's MySQL has no COMMENT ON / IF EXISTS forms
    assert mine[:n] == theirs[:n]


def test_dropping_an_unnamed_constraint_is_refused_as_in_sqlalchemy() -> None:
    for sa in (ferro, real):
        t = sa.Table("t", sa.MetaData(), sa.Column("a", sa.Integer, primary_key=True))
        with pytest.raises(sa.exc.CompileError, match="it has no name"):
            str(sa.schema.DropConstraint(t.primary_key).compile(dialect=dialect_of(sa, "postgresql")))


def test_a_column_level_foreign_key_belongs_to_a_constraint_of_its_table() -> None:
    _, posts = _tables(ferro)
    (fkc,) = [c for c in posts.constraints if isinstance(c, ferro.ForeignKeyConstraint)]
    (fk,) = posts.c.user_id.foreign_keys
    assert fk.constraint is fkc and fkc.elements == [fk] and fkc.table is posts
    assert fkc.column_keys == ["user_id"] and fkc.referred_table.name == "users" and fkc.ondelete == "CASCADE"
    assert fk.target_tokens == (None, "users", "id")
    assert fk.target_column is None and fk.target_table_key == "users"
    # A copy of the column leaves the key to the constraint, which is copied on its own (as SQLAlchemy).
    assert not posts.c.user_id.copy().foreign_keys
    copy = fkc._copy()
    assert copy.table is None and [c for c in copy._colspecs] == ["user_id"] and copy.ondelete == "CASCADE"


def test_constraints_made_from_a_tables_columns_join_it() -> None:
    users, _ = _tables(ferro)
    uq = ferro.UniqueConstraint(users.c.id, users.c.name, name="uq_both")
    assert uq.table is users and uq in users.constraints
    users.append_constraint(uq)
    assert sum(c is uq for c in users._constraint_list) == 1


def test_ddl_events_fire_around_create_all_and_drop_all(engine: ferro.Engine) -> None:
    users, posts = _tables(ferro)
    m = users.metadata
    calls: list[tuple[str, str, bool]] = []

    def recorder(name: str) -> Any:
        def fn(target: Any, connection: Any, **kw: Any) -> None:
            assert isinstance(connection, ferro.Connection)
            calls.append((name, getattr(target, "name", "metadata"), kw["checkfirst"]))

        return fn

    for event in ("before_create", "after_create", "before_drop", "after_drop"):
        ferro.event.listen(m, event, recorder(event))
        ferro.event.listen(users, event, recorder(event))
    m.create_all(engine)
    m.drop_all(engine, checkfirst=False)
    assert calls == [
        ("before_create", "metadata", True),
        ("before_create", "users", True),
        ("after_create", "users", True),
        ("after_create", "metadata", True),
        ("before_drop", "metadata", False),
        ("before_drop", "users", False),
        ("after_drop", "users", False),
        ("after_drop", "metadata", False),
    ]
    calls.clear()
    users.create(engine)
    assert calls == [("before_create", "users", False), ("after_create", "users", False)]


def test_column_reflect_event_adjusts_reflected_columns(engine: ferro.Engine) -> None:
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE things (id INTEGER PRIMARY KEY, Label VARCHAR(20))")
    m = ferro.MetaData()

    @ferro.event.listens_for(m, "column_reflect")
    def lower_keys(inspector: Any, table: Any, column_info: dict[str, Any]) -> None:
        column_info["key"] = column_info["name"].lower()

    things = ferro.Table("things", m, autoload_with=engine)
    assert things.c.keys() == ["id", "label"] and things.c.label.name == "Label"
    # Inspector.reflect_table() into an empty Table gives the same columns.
    again = ferro.Table("things", ferro.MetaData())
    ferro.inspect(engine).reflect_table(again, None)
    assert [c.name for c in again.c] == ["id", "Label"] and [c.name for c in again.primary_key] == ["id"]


def test_inspector_multi_table_reads(engine: ferro.Engine) -> None:
    users, _ = _tables(ferro)
    users.metadata.create_all(engine)
    insp = ferro.inspect(engine)
    cols = insp.get_multi_columns()
    assert set(cols) == {(None, "users"), (None, "posts")}
    assert [c["name"] for c in cols[(None, "users")]] == ["id", "name"]
    assert insp.get_multi_pk_constraint(filter_names=["posts"]) == {(None, "posts"): insp.get_pk_constraint("posts")}
    fks = insp.get_multi_foreign_keys(filter_names=["posts"])[(None, "posts")]
    assert [(fk["constrained_columns"], fk["referred_table"]) for fk in fks] == [(["user_id"], "users")]
    assert insp.get_multi_table_options() == {(None, "users"): {}, (None, "posts"): {}}
    assert insp.info_cache == {}
