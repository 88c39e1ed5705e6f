"""Column properties: how a mapped column attribute loads and records changes."""

from __future__ import annotations

from typing import Any

from .. import _core
from .attributes import detached_error
from .base import NO_VALUE, instance_state, session_for_state


class ColumnProperty:
    is_relationship = False
    # A column of the mapped table (written by the flush), not a read-only SQL expression.
    is_expression = False
    # What the attribute reads while never set: a dataclass field's default= (SQLAlchemy 2.1).
    _default_scalar_value: Any = None

    def __init__(self, key: str, column: Any, deferred: bool = False) -> None:
        self.key = key
        self.column = column
        self.columns = [column]
        self.parent: Any = None
        # Left out of the entity's SELECT; loads with its own SELECT on first access.
        self.deferred = deferred

    def set(self, obj: Any, value: Any) -> None:
        if "_sa_instance_state" not in obj.__dict__:
            instance_state(obj)
        # Stores the value and, on an object with an identity, its history and dirty mark.
        _core.set_column(obj, self.key, value, NO_VALUE)

    def load_missing(self, obj: Any) -> Any:
        """The attribute is not in ``__dict__``: never set (None), or unloaded/expired (load it)."""
        d = obj.__dict__
        state = d.get("_sa_instance_state")
        if state is None or state.identity is None:
            return self._default_scalar_value
        session = session_for_state(state)
        if session is None:
            raise detached_error(obj, "attribute refresh")
        if state.expired:
            session._load_state(state, obj)
            if self.key in d:
                return d[self.key]
        # A deferred column, or one a load_only()/defer() query left out: its own SELECT.
        from .loading import load_column

        return load_column(session, state, obj, self, self._load_with(d))

    def _load_with(self, d: dict[str, Any]) -> tuple[Any, ...]:
        return ()

    def __repr__(self) -> str:
        return f"<ColumnProperty at {hex(id(self))}; {self.key}>"


class ExpressionProperty(ColumnProperty):
    """``column_property(<SQL expression>)``: loaded with the entity's SELECT (labelled with the
    attribute's name). A value set on it stays in memory (the object shows as modified, as in
    SQLAlchemy) and is never written; a flush of the object expires it so it reloads on access."""

    is_expression = True

    def __init__(self, key: str, expression: Any, deferred: bool = False, expire_on_flush: bool = True) -> None:
        from ..sql.elements import Label

        super().__init__(key, Label(key, expression), deferred)
        self.expression = expression
        self.expire_on_flush = expire_on_flush

    def _load_with(self, d: dict[str, Any]) -> tuple[Any, ...]:
        # The other expressions a flush expired load in the same SELECT, as SQLAlchemy loads all
        # expired attributes at once.
        return tuple(p for p in self.parent._expression_props if p is not self and not p.deferred and p.key not in d)

    def __repr__(self) -> str:
        return f"<ExpressionProperty at {hex(id(self))}; {self.key}>"
