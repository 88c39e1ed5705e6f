"""``aliased(User)``: a mapped class selected from an alias of its table. Its column attributes
are the alias's columns; selected as an entity it hydrates into the class's objects, in the same
identity map as the class itself."""

from __future__ import annotations

from typing import Any

from .. import exc
from ..sql.elements import and_
from .relationships import MANYTOMANY, MANYTOONE


class AliasedClass:
    def __init__(self, cls: Any, name: str | None = None, flat: bool = False) -> None:
        mapper = getattr(cls, "__mapper__", None)
        if mapper is None or not isinstance(cls, type):
            raise exc.ArgumentError(f"aliased() expects a mapped class, got {cls!r}")
        self._ferro_mapper = mapper
        self._ferro_alias = mapper.local_table.alias(name)
        # The key of the entity in result rows, as in SQLAlchemy: the alias name when given.
        self.__name__ = name or cls.__name__
        self._ferro_name = name

    @property
    def mapper(self) -> Any:
        return self._ferro_mapper

    def __selectable__(self) -> Any:
        return self._ferro_alias

    def _ferro_entity_columns(self) -> list[Any]:
        # The table's columns: a column_property() expression names the table, not the alias, and
        # loads on first access instead.
        return [self._ferro_column(p.column) for p in self._ferro_mapper._table_props]

    def _ferro_column(self, col: Any) -> Any:
        return self._ferro_alias.c[col.key]

    def _aliased_plan_item(self, offset: int) -> tuple[Any, ...]:
        n = len(self._ferro_mapper._table_props)
        return ("entity", self._ferro_mapper.spec, [(i, offset + i) for i in range(n)])

    def __getattr__(self, key: str) -> Any:
        if key.startswith("__"):
            raise AttributeError(key)
        prop = self._ferro_mapper._props.get(key)
        if prop is None:
            raise AttributeError(f"Entity 'aliased({self._ferro_mapper.class_.__name__})' has no property '{key}'")
        if getattr(prop, "is_relationship", False):
            raise NotImplementedError(
                "ferroalchemy: relationship attributes of an aliased() class are not implemented yet"
            )
        if prop.is_expression:
            raise NotImplementedError(
                "ferroalchemy: column_property() expressions of an aliased() class are not implemented yet"
            )
        return self._ferro_column(prop.column)

    def __repr__(self) -> str:
        return f"<AliasedClass at {hex(id(self))}; {self._ferro_mapper.class_.__name__}>"


def aliased(element: Any, alias: Any = None, name: str | None = None, flat: bool = False, **kw: Any) -> AliasedClass:
    if alias is not None or kw:
        raise NotImplementedError("ferroalchemy: aliased() with alias= or other arguments is not implemented yet")
    return AliasedClass(element, name, flat)


class OfType:
    """``User.addresses.of_type(alias)``: a join target along the relationship, to the alias."""

    def __init__(self, prop: Any, target: AliasedClass) -> None:
        prop._resolve()
        if not isinstance(target, AliasedClass) or target._ferro_mapper is not prop.mapper:
            raise exc.ArgumentError(f"of_type() expects an aliased() {prop.mapper.class_.__name__}, got {target!r}")
        self.prop = prop
        self.target = target

    def _join_target(self) -> tuple[Any, Any, Any]:
        return join_to_alias(self.prop, self.target), self.target._ferro_alias, self.prop.parent.local_table


def join_to_alias(prop: Any, target: AliasedClass) -> Any:
    """The relationship's ON clause with the target table's columns taken from the alias."""
    prop._resolve()
    if prop.direction == MANYTOMANY:
        raise NotImplementedError(
            "ferroalchemy: joining a many-to-many relationship to an aliased() class is not implemented yet"
        )
    col = target._ferro_column
    if prop.direction == MANYTOONE:
        return and_(*[col(tc) == fc for tc, fc in prop._pairs])
    return and_(*[pc == col(fc) for pc, fc in prop._pairs])
