"""``sqlalchemy.ext.compiler``: ``@compiles(MyElement[, "dialect"])`` registers how a custom construct
(usually an ``ExecutableDDLElement`` subclass) is written as SQL, per dialect or for all of them.

The function gets ``(element, compiler, **kw)`` and returns the SQL string; ``compiler.process()``
compiles nested elements, ``compiler.preparer`` quotes names, ``compiler.dialect.type_compiler``
names types. Executing such an element runs that SQL as DDL. ferroalchemy's own DDL statements can be
overridden too; its own expression classes cannot. A custom SQL *expression* class (a ColumnElement
subclass) compiles with its function on its own, but not inside a larger statement, which ferroalchemy
compiles in Rust: that raises ``NotImplementedError``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..sql import compiler as _compiler
from ..sql.elements import ColumnElement

__all__ = ["compiles", "deregister"]


def _overrides_builtin(cls: type) -> bool:
    # ferroalchemy's expression classes compile in Rust inside whole statements, never asking here.
    from ..sql.schema import ExecutableDDLElement

    # (after install_as_sqlalchemy() ferroalchemy's types report "sqlalchemy." modules)
    ours = cls.__module__.startswith(("ferroalchemy.", "sqlalchemy."))
    return ours and not issubclass(cls, ExecutableDDLElement)


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
        if issubclass(class_, ColumnElement):
            class_._expr = _not_inside_statements(class_)  # type: ignore[method-assign]
        return fn

    return decorate


def _not_inside_statements(class_: type) -> Callable[[Any], Any]:
    def _expr(self: Any) -> Any:
        raise NotImplementedError(
            f"ferroalchemy: a @compiles SQL expression ({class_.__name__}) inside a larger statement is not "
            "implemented; compile it on its own"
        )

    return _expr


def deregister(class_: type) -> None:
    _compiler._custom.pop(class_, None)
