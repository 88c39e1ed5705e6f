"""``sqlalchemy.dialects.postgresql``: dialect-specific constructs (not built yet: each says so when used)."""

from __future__ import annotations

from typing import Any

from ...sql.sqltypes import *  # noqa: F403


def insert(table: Any) -> Any:
    raise NotImplementedError("ferroalchemy: postgresql.insert() (upserts) is not implemented yet")


def dialect() -> Any:
    from ...engine.dialect import _DIALECTS

    return _DIALECTS["postgresql"]()
