"""``synonym()``: an attribute that stands for another mapped attribute, on instances (reads and
writes go to the target, or through a user ``descriptor``) and in queries (``User.alias == x``,
``filter_by(alias=x)``, ``select(User.alias)``)."""

from __future__ import annotations

from typing import Any

from .. import exc
from .attributes import QueryableAttribute


class SynonymProperty:
    is_relationship = False
    is_synonym = True
    deferred = False

    def __init__(
        self,
        name: str,
        map_column: bool | None = None,
        descriptor: Any = None,
        comparator_factory: Any = None,
        info: dict[Any, Any] | None = None,
        doc: str | None = None,
    ) -> None:
        if map_column or comparator_factory is not None:
            raise NotImplementedError("ferroalchemy: synonym(map_column=, comparator_factory=) is not implemented yet")
        self.name = name
        self.descriptor = descriptor
        self.info = dict(info or {})
        self.doc = doc
        self.key = ""
        self.parent: Any = None

    def _target(self) -> Any:
        prop = self.parent._props.get(self.name)
        if prop is None or getattr(prop, "is_synonym", False):
            raise exc.ArgumentError(
                f'synonym() attribute "{self.parent.class_.__name__}.{self.name}" only supports ORM mapped '
                f"attributes, got {getattr(self.parent.class_, self.name, None)!r}"
            )
        return prop

    def get(self, obj: Any) -> Any:
        if self.descriptor is not None:
            return self.descriptor.__get__(obj, type(obj))
        return getattr(obj, self.name)

    def set(self, obj: Any, value: Any) -> None:
        if self.descriptor is not None:
            self.descriptor.__set__(obj, value)
        else:
            setattr(obj, self.name, value)

    def __repr__(self) -> str:
        return f"<SynonymProperty at {hex(id(self))}; {self.key} -> {self.name}>"


class SynonymAttribute(QueryableAttribute):
    """``User.alias``: at class level the target's SQL (a relationship synonym is the relationship's
    attribute itself); on an instance, the target's value. A data descriptor, so the value never
    lives in the instance ``__dict__`` under the synonym's name."""

    def __init__(self, class_: type, key: str, synonym: SynonymProperty) -> None:
        self.class_ = class_
        self.key = key
        self.parent = class_
        self.synonym = synonym

    @property
    def prop(self) -> Any:  # type: ignore[override]
        return self.synonym._target()

    @property
    def _ferro_column_label(self) -> Any:
        # Selected under the synonym's name, so rows and keys show it as SQLAlchemy's do.
        return self.synonym._target().column.label(self.key)

    def __get__(self, obj: Any, cls: Any = None) -> Any:
        if obj is None:
            if self.synonym._target().is_relationship:
                return getattr(self.class_, self.synonym.name)
            return self
        return self.synonym.get(obj)

    def __set__(self, obj: Any, value: Any) -> None:
        self.synonym.set(obj, value)

    def __delete__(self, obj: Any) -> None:
        delattr(obj, self.synonym.name)

    # Last: the name shadows the builtin in the rest of the class body.
    @property
    def property(self) -> Any:
        return self.synonym._target()


def synonym(
    name: str,
    *,
    map_column: bool | None = None,
    descriptor: Any = None,
    comparator_factory: Any = None,
    info: dict[Any, Any] | None = None,
    doc: str | None = None,
    **kw: Any,
) -> Any:
    """An attribute proxying the mapped attribute `name` (optionally through `descriptor`)."""
    if kw:
        raise NotImplementedError(f"ferroalchemy: synonym() options {sorted(kw)} are not implemented yet")
    return SynonymProperty(
        name, map_column=map_column, descriptor=descriptor, comparator_factory=comparator_factory, info=info, doc=doc
    )
