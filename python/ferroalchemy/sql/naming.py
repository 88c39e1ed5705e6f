"""``sqlalchemy.sql.naming``: constraint and index names from ``MetaData(naming_convention=...)``."""

from __future__ import annotations

from typing import Any

from .. import exc
from .base import _NoneName
from .elements import conv

__all__ = ["_NONE_NAME", "_constraint_name_for_table", "conv"]

_NONE_NAME = _NoneName()

_KIND_KEYS = {
    "PrimaryKeyConstraint": "pk",
    "UniqueConstraint": "uq",
    "CheckConstraint": "ck",
    "ForeignKeyConstraint": "fk",
    "Index": "ix",
}


def _kind(const: Any) -> str | None:
    for cls in type(const).__mro__:
        if cls.__name__ in _KIND_KEYS:
            return _KIND_KEYS[cls.__name__]
    return None


def _tokens(const: Any, table: Any) -> dict[str, Any]:
    cols = [c for c in getattr(const, "columns", ())]
    tokens: dict[str, Any] = {"table_name": table.name}
    if cols:
        tokens["column_0_name"] = cols[0].name
        tokens["column_0_label"] = f"{table.name}_{cols[0].name}"
        tokens["column_0_key"] = cols[0].key
        tokens["column_0N_name"] = "".join(c.name for c in cols)
        tokens["column_0_N_name"] = "_".join(c.name for c in cols)
    elements = getattr(const, "elements", None)
    if elements:
        target = elements[0].column.table
        tokens["referred_table_name"] = target.name
        tokens["referred_column_0_name"] = elements[0].column.name
    if isinstance(const.name, str) and not isinstance(const.name, _NoneName):
        tokens["constraint_name"] = const.name
    return tokens


def _constraint_name_for_table(const: Any, table: Any) -> str | None:
    """The name `table`'s MetaData naming convention gives `const` (a ``conv``), or its own name."""
    metadata = table.metadata
    kind = _kind(const)
    convention = metadata.naming_convention.get(kind) if kind else None
    if isinstance(const.name, conv) or convention is None:
        return None if isinstance(const.name, _NoneName) else const.name
    tokens = _tokens(const, table)
    if "%(constraint_name)s" in convention and "constraint_name" not in tokens:
        raise exc.InvalidRequestError(
            "Naming convention including %(constraint_name)s token requires that constraint is explicitly named."
        )
    try:
        return conv(convention % tokens)
    except KeyError as e:
        raise exc.InvalidRequestError(f"Naming convention token {e.args[0]!r} is not known to ferroalchemy") from None
