"""``sqlalchemy.sql.base``: base classes and markers other modules (and tools such as Alembic) share."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from .elements import ClauseElement
from .selectable import ColumnCollection

__all__ = ["ColumnCollection", "DialectKWArgs", "Executable", "_DialectArgView", "_NoneName"]


class Executable(ClauseElement):
    """What ``Connection.execute()`` takes."""

    __slots__ = ()
    _is_executable = True


class _NoneName(str):
    """The name a naming convention gives a constraint declared without one (``_NONE_NAME``)."""

    def __new__(cls) -> _NoneName:
        return super().__new__(cls, "_unnamed_")


class _DialectArgView(Mapping[str, Any]):
    """``item.dialect_kwargs``: ``{"<dialect>_<arg>": value}`` over the item's dialect options."""

    def __init__(self, obj: Any) -> None:
        self.obj = obj

    def _options(self) -> dict[str, Any]:
        return getattr(self.obj, "_dialect_kwargs", {})

    def __getitem__(self, key: str) -> Any:
        return self._options()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._options())

    def __len__(self) -> int:
        return len(self._options())


class DialectKWArgs:
    """Keyword arguments named ``<dialect>_<argument>`` kept on a schema item (``postgresql_using=...``)."""

    _dialect_kwargs: dict[str, Any]

    def _take_dialect_kwargs(self, kw: dict[str, Any]) -> None:
        self._dialect_kwargs = {k: kw.pop(k) for k in [k for k in kw if "_" in k.strip("_")]}

    @property
    def dialect_kwargs(self) -> _DialectArgView:
        return _DialectArgView(self)

    @property
    def kwargs(self) -> _DialectArgView:
        return self.dialect_kwargs

    @property
    def dialect_options(self) -> dict[str, dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        for key, value in getattr(self, "_dialect_kwargs", {}).items():
            dialect, _, arg = key.partition("_")
            out.setdefault(dialect, {})[arg] = value
        return out
