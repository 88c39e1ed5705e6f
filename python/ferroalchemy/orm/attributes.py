"""Attribute instrumentation. Column attributes are non-data descriptors: a loaded value lives in
the instance ``__dict__`` and reads at plain-attribute speed; ``__get__`` runs only on a miss
(unloaded, expired, never set). Writes go through the mapped class's ``__setattr__``, which records
history for the flush."""

from __future__ import annotations

from typing import Any

from .. import _core
from ..sql.elements import ColumnOperators
from .base import NO_VALUE, instance_state, state_str


class QueryableAttribute(ColumnOperators):
    """``User.name`` at class level: a SQL expression for the column; on an instance, the value."""

    is_attribute = True

    def __init__(self, class_: type, key: str, prop: Any) -> None:
        self.class_ = class_
        self.key = key
        self.prop = prop
        self.parent = class_

    def __clause_element__(self) -> Any:
        return self.prop.column

    @property
    def column(self) -> Any:
        return self.prop.column

    @property
    def expression(self) -> Any:
        return self.prop.column

    def _expr(self) -> Any:
        return self.prop.column._expr()

    @property
    def _type(self) -> Any:
        return self.prop.column.type

    @property
    def type(self) -> Any:
        return self.prop.column.type

    @property
    def _bind_name(self) -> str:  # type: ignore[override]
        return self.prop.column.key

    @property
    def name(self) -> str:
        return self.prop.column.name

    @property
    def table(self) -> Any:
        return self.prop.column.table

    @property
    def _result_name(self) -> str:
        return self.key

    def __get__(self, obj: Any, cls: Any = None) -> Any:
        if obj is None:
            return self
        return self.prop.load_missing(obj)

    def __repr__(self) -> str:
        return f"<sqlalchemy.orm.attributes.InstrumentedAttribute object at {hex(id(self))}>"

    def __str__(self) -> str:
        return f"{self.class_.__name__}.{self.key}"

    def label(self, name: str | None) -> Any:
        return self.prop.column.label(name)

    def __hash__(self) -> int:
        return id(self)


InstrumentedAttribute = QueryableAttribute


class ExpressionAttribute(QueryableAttribute):
    """``User.fullname`` of a ``column_property(<expression>)``: the expression in SQL."""

    def __clause_element__(self) -> Any:
        return self.prop.expression

    @property
    def _ferro_column_label(self) -> Any:
        return self.prop.column

    @property
    def expression(self) -> Any:
        return self.prop.expression

    @property
    def column(self) -> Any:
        return self.prop.expression

    def _expr(self) -> Any:
        return self.prop.expression._expr()

    @property
    def _type(self) -> Any:
        return self.prop.expression.type

    @property
    def type(self) -> Any:
        return self.prop.expression.type

    @property
    def _bind_name(self) -> str:  # type: ignore[override]
        return self.key

    @property
    def name(self) -> str:
        return self.key

    @property
    def table(self) -> Any:
        return None

    def label(self, name: str | None) -> Any:
        return self.prop.expression.label(name)


def record_change(obj: Any, state: Any, key: str, d: dict[str, Any]) -> None:
    """Keeps the value an attribute had when loaded, once, and marks the object dirty."""
    if state.identity is None:
        return
    cs = state.committed_state
    if cs is None:
        cs = state.committed_state = {}
    if key not in cs:
        cs[key] = d.get(key, NO_VALUE)
    if not state.modified:
        state.modified = True
        register_dirty(obj, state)


def register_dirty(obj: Any, state: Any) -> None:
    _core.mark_dirty(obj, state)


def instrumented_setattr(self: Any, key: str, value: Any) -> None:
    prop = type(self).__mapper__._props.get(key)
    if prop is None:
        object.__setattr__(self, key, value)
        return
    prop.set(self, value)


def instrumented_init(self: Any, **kwargs: Any) -> None:
    """The default constructor of mapped classes: keyword arguments for mapped attributes."""
    cls = type(self)
    mapper = getattr(cls, "__mapper__", None)
    if mapper is None:
        instance_state(self)  # raises UnmappedInstanceError
    # Plain column values go straight into __dict__ in Rust (nothing to record on a new object);
    # the first other key and everything after it go through __setattr__, in the caller's order.
    for k in _core.init_new(self, mapper, kwargs, mapper._plain_column_keys):
        if not hasattr(cls, k):
            raise TypeError(f"{k!r} is an invalid keyword argument for {cls.__name__}")
        setattr(self, k, kwargs[k])


# Named __init__, as SQLAlchemy's generated constructor is, so a TypeError about its arguments
# reads "__init__() takes 1 positional argument ..." like SQLAlchemy's.
instrumented_init.__name__ = instrumented_init.__qualname__ = "__init__"


def detached_error(obj: Any, what: str) -> Exception:
    from .exc import DetachedInstanceError

    return DetachedInstanceError(
        f"Instance {state_str(obj)} is not bound to a Session; {what} operation cannot proceed"
    )


def get_state(obj: Any) -> Any:
    return instance_state(obj)
