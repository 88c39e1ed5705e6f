"""Loader options. Eager loading strategies are not built yet: naming one says so at once."""

from __future__ import annotations

from typing import Any


def _not_yet(name: str) -> Any:
    def option(*args: Any, **kw: Any) -> Any:
        raise NotImplementedError(f"ferroalchemy: the {name}() loader option is not implemented yet")

    option.__name__ = name
    return option


selectinload = _not_yet("selectinload")
joinedload = _not_yet("joinedload")
subqueryload = _not_yet("subqueryload")
lazyload = _not_yet("lazyload")
raiseload = _not_yet("raiseload")
noload = _not_yet("noload")
contains_eager = _not_yet("contains_eager")
load_only = _not_yet("load_only")
defer = _not_yet("defer")
undefer = _not_yet("undefer")
defaultload = _not_yet("defaultload")
immediateload = _not_yet("immediateload")
with_loader_criteria = _not_yet("with_loader_criteria")
selectin_polymorphic = _not_yet("selectin_polymorphic")
