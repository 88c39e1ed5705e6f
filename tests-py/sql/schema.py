"""The Core schema the sql tests build in both libraries: users and their addresses."""

from __future__ import annotations

from types import ModuleType
from typing import Any


def make_schema(sa: ModuleType) -> tuple[Any, Any, Any]:
    """Returns (metadata, users, addresses) built with `sa` (sqlalchemy or ferroalchemy)."""
    m = sa.MetaData()
    users = sa.Table(
        "users",
        m,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(50), nullable=False, unique=True),
        sa.Column("age", sa.Integer),
        sa.Column("email", sa.String(100), index=True),
    )
    addresses = sa.Table(
        "addresses",
        m,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("user_id", sa.ForeignKey("users.id"), nullable=False),
        sa.Column("email", sa.String(100), unique=True),
    )
    return m, users, addresses


USERS = [
    {"id": 1, "name": "Alice", "age": 30, "email": "alice@x"},
    {"id": 2, "name": "Bob", "age": None, "email": "bob@x"},
    {"id": 3, "name": "Anna", "age": 25, "email": None},
    {"id": 4, "name": "al%x", "age": 40, "email": "al@x"},
    {"id": 5, "name": "Cy", "age": 25, "email": "cy@x"},
]
ADDRESSES = [
    {"id": 1, "user_id": 1, "email": "a1@x"},
    {"id": 2, "user_id": 1, "email": "a2@x"},
    {"id": 3, "user_id": 3, "email": "a3@x"},
]


def seeded_engine(sa: ModuleType, backend: str = "sqlite") -> tuple[Any, Any, Any]:
    """An engine of `sa` on `backend` with the schema created afresh and USERS/ADDRESSES inserted.

    Rows go in without their ids, in id order, so that server sequences and auto-increment counters
    stand where a later INSERT expects them; the ids come out as USERS/ADDRESSES list them."""
    from .backends import fresh_schema, make_engine

    m, users, addresses = make_schema(sa)
    engine = make_engine(sa, backend)
    fresh_schema(engine, m)
    with engine.begin() as conn:
        conn.execute(sa.insert(users), [{k: v for k, v in r.items() if k != "id"} for r in USERS])
        conn.execute(sa.insert(addresses), [{k: v for k, v in r.items() if k != "id"} for r in ADDRESSES])
    return engine, users, addresses
