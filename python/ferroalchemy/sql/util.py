"""SQL utilities at SQLAlchemy's module path; today the truncating repr of bound parameters that
error messages and echo use (``sqlalchemy.sql.util._repr_params``)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

_LIST, _TUPLE, _DICT = 0, 1, 2


def _kind(params: Any) -> int | None:
    if isinstance(params, list):
        return _LIST
    if isinstance(params, tuple):
        return _TUPLE
    if isinstance(params, dict):
        return _DICT
    return None


class _repr_params:  # noqa: N801 - SQLAlchemy's name
    """Shows at most `batches` parameter sets, `max_params` values per set, `max_chars` per value."""

    __slots__ = ("params", "batches", "ismulti", "max_params", "max_chars")

    def __init__(
        self, params: Any, batches: int, max_params: int = 100, max_chars: int = 300, ismulti: bool | None = None
    ) -> None:
        self.params = params
        self.ismulti = ismulti
        self.batches = batches
        self.max_chars = max_chars
        self.max_params = max_params

    def trunc(self, value: Any) -> str:
        rep = repr(value)
        if len(rep) > self.max_chars:
            half = self.max_chars // 2
            rep = f"{rep[:half]} ... ({len(rep) - self.max_chars} characters truncated) ... {rep[-half:]}"
        return rep

    def __repr__(self) -> str:
        typ = _kind(self.params)
        if self.ismulti is None or typ is None:
            return self.trunc(self.params)
        if not self.ismulti:
            return self._repr_one(self.params, typ)
        if len(self.params) > self.batches:
            msg = f" ... displaying {self.batches} of {len(self.params)} total bound parameter sets ... "
            head = self._repr_multi(self.params[: self.batches - 2], typ)[:-1]
            return " ".join((head, msg, self._repr_multi(self.params[-2:], typ)[1:]))
        return self._repr_multi(self.params, typ)

    def _repr_multi(self, multi: Sequence[Any], typ: int) -> str:
        elements = ""
        if multi:
            elem = _kind(multi[0])
            if elem is None:
                raise TypeError(f"Unknown parameter type {type(multi[0])}")
            elements = ", ".join(self._repr_one(p, elem) for p in multi)
        return f"[{elements}]" if typ == _LIST else f"({elements})"

    def _batches(self, items: Iterable[Any]) -> tuple[list[Any], list[Any] | None, int]:
        items = list(items)
        if len(items) > self.max_params:
            left = self.max_params // 2
            return items[:left], items[-left:], len(items) - self.max_params
        return items, None, 0

    def _repr_one(self, params: Any, typ: int) -> str:
        if typ == _DICT:
            first, second, cut = self._batches(params.items())
            show = lambda kv: ", ".join(f"{k!r}: {self.trunc(v)}" for k, v in kv)  # noqa: E731
            open_, close = "{", "}"
        else:
            first, second, cut = self._batches(params)
            show = lambda vs: ", ".join(self.trunc(v) for v in vs)  # noqa: E731
            open_, close = ("(", ")") if typ == _TUPLE else ("[", "]")
        if second:
            return f"{open_}{show(first)} ... {cut} parameters truncated ... {show(second)}{close}"
        single_tuple = "," if typ == _TUPLE and len(first) == 1 else ""
        return f"{open_}{show(first)}{single_tuple}{close}"


class _repr_row:  # noqa: N801 - SQLAlchemy's name
    """A row as echo="debug" logs it: its values' truncated reprs in a tuple."""

    __slots__ = ("row", "max_chars")

    def __init__(self, row: Sequence[Any], max_chars: int = 300) -> None:
        self.row = row
        self.max_chars = max_chars

    def __repr__(self) -> str:
        trunc = _repr_params((), 1, max_chars=self.max_chars).trunc
        return "({}{})".format(", ".join(trunc(v) for v in self.row), "," if len(self.row) == 1 else "")
