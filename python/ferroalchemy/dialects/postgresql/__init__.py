"""``sqlalchemy.dialects.postgresql``: the dialect's types and its ``insert()`` with ON CONFLICT."""

from __future__ import annotations

from typing import Any

from ...sql import sqltypes
from ...sql.sqltypes import *  # noqa: F403
from .._upsert import Insert, insert  # noqa: E402, F401


class JSON(sqltypes.JSON):
    """PostgreSQL's JSON; ``astext_type`` is the type of ``->>`` results."""

    def __init__(self, none_as_null: bool = False, astext_type: Any = None) -> None:
        super().__init__(none_as_null=none_as_null)
        self.astext_type = sqltypes.to_instance(astext_type) if astext_type is not None else sqltypes.Text()

    def _repr_args(self) -> list[str]:
        out = ["none_as_null=True"] if self.none_as_null else []
        return out + [f"astext_type={self.astext_type!r}"]


class JSONB(JSON):
    __visit_name__ = "JSONB"
    _kind = "jsonb"


class ARRAY(sqltypes.ARRAY):
    pass


class ENUM(sqltypes.Enum):
    __visit_name__ = "ENUM"


UUID = sqltypes.UUID


class ExcludeConstraint:
    """PostgreSQL's ``EXCLUDE USING ... (col WITH op, ...)`` table constraint."""

    def __init__(self, *elements: Any, **kw: Any) -> None:
        raise NotImplementedError("ferroalchemy: postgresql.ExcludeConstraint is not implemented yet")


def dialect() -> Any:
    from ...engine.dialect import _DIALECTS

    return _DIALECTS["postgresql"]()
