"""The workloads, in the order the harness runs them, and the targets that run them."""

from __future__ import annotations

from typing import Any

from databases import Database

WORKLOADS = (
    "orm_insert_bulk",
    "core_insert_many",
    "orm_update_dirty",
    "core_select_rows",
    "orm_select_all",
    "orm_get_by_pk",
    "orm_select_where_point",
    "orm_selectinload",
    "orm_joinedload",
    "async_point_queries",
    "async_session_per_request",
    "to_arrow",
)
TARGETS = ("ferroalchemy", "sqlalchemy", "raw")


def make_target(name: str, db: Database, n: int) -> Any:
    """`db` is set up already when shared; an in-memory target fills its own database here."""
    if name == "raw":
        from raw_target import RawTarget

        return RawTarget(db, n)
    from orm_target import OrmTarget

    return OrmTarget(name, db, n)
