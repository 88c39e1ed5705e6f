"""``sqlalchemy.ext.compiler``: ``@compiles(MyElement[, "dialect"])`` registers how a custom construct
(usually an ``ExecutableDDLElement`` subclass) is written as SQL, per dialect or for all of them.

The function gets ``(element, compiler, **kw)`` and returns the SQL string; ``compiler.process()``
compiles nested elements, ``compiler.preparer`` quotes names, ``compiler.dialect.type_compiler``
names types. Executing such an element runs that SQL as DDL. ferroalchemy's own DDL statements can be
overridden too; its own expression classes (compiled in Rust as parts of larger statements) cannot,
which is refused with ``NotImplementedError``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..sql import compiler as _compiler

__all__ = ["compiles", "deregister"]


def _overrides_builtin(cls: type) -> bool:
    # ferroalchemy's expression classes compile in Rust inside whole statements, never asking here.
    from ..sql.schema import ExecutableDDLElement

    return cls.__module__.startswith("ferroalchemy.") and not issubclass(cls, ExecutableDDLElement)


def compiles(class_: type, *specs: str) -> Callable[[Callable[..., str]], Callable[..., str]]:
    def decorate(fn: Callable[..., str]) -> Callable[..., str]:
        if _overrides_builtin(class_):
            raise NotImplementedError(
                f"ferroalchemy: @compiles for ferroalchemy's own {class_.__name__} (overriding a built-in "
                "construct's SQL) is not implemented"
            )
        by_dialect = _compiler._custom.setdefault(class_, {})
        for spec in specs or ("default",):
            by_dialect[spec] = fn
        return fn

    return decorate


def deregister(class_: type) -> None:
    _compiler._custom.pop(class_, None)

