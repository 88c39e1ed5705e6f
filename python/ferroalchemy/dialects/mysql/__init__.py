"""``sqlalchemy.dialects.mysql``: dialect-specific constructs and its ``insert()`` with ON DUPLICATE KEY UPDATE."""

from __future__ import annotations

from typing import Any

from ...sql.sqltypes import *  # noqa: F403
from .._upsert import MySQLInsert as Insert  # noqa: E402, F401
from .._upsert import mysql_insert as insert  # noqa: E402, F401


def dialect() -> Any:
    from ...engine.dialect import _DIALECTS

    return _DIALECTS["mysql"]()
