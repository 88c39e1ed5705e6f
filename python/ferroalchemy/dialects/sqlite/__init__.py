"""``sqlalchemy.dialects.sqlite``: the dialect's types and its ``insert()`` with ON CONFLICT."""

from __future__ import annotations

from typing import Any

from ...sql.sqltypes import *  # noqa: F403
from .._upsert import SQLiteInsert as Insert  # noqa: E402, F401
from .._upsert import sqlite_insert as insert  # noqa: E402, F401


def dialect() -> Any:
    from ...engine.dialect import _DIALECTS

    return _DIALECTS["sqlite"]()
