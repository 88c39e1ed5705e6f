"""Mapper: a mapped class's table, properties and the Rust spec its loads and flushes use."""

from __future__ import annotations

import itertools
from typing import Any

from .. import _core, exc
from ..sql.elements import BindParameter, ClauseElement
from ..sql.selectable import Select
from . import validators
from .attributes import ExpressionAttribute, QueryableAttribute
from .descriptor_props import SynonymAttribute, SynonymProperty
from .properties import ColumnProperty
from .relationships import RelationshipAttribute, RelationshipProperty

_ids = itertools.count(1)


# Relationship strategies that load with the statement of their parents (or right after it).
_EAGER = frozenset({"selectin", "subquery", "joined", "immediate"})

# __mapper_args__ keys this mapper honours; any other raises NotImplementedError naming it.
MAPPER_ARGS = frozenset({"version_id_col", "version_id_generator", "eager_defaults"})


def _next_version(version: Any) -> int:
    """SQLAlchemy's default version_id_generator: 1, then one more each UPDATE."""
    return (version or 0) + 1


class Mapper:
    def __init__(
        self,
        class_: type,
        local_table: Any,
        registry: Any,
        props: dict[str, Any],
        version_id_col: Any = None,
        version_id_generator: Any = None,
        eager_defaults: Any = "auto",
    ) -> None:
        self.class_ = class_
        self.local_table = local_table
        self.persist_selectable = local_table
        self.registry = registry
        self.mapper_id = next(_ids)
        self._props: dict[str, Any] = {}
        self._column_to_attr: dict[int, str] = {}
        self.configured = False
        self.validators = validators.collect(class_, self)
        for key, prop in props.items():
            self._add_property(key, prop)
        pk = list(local_table.primary_key.columns)
        if not pk:
            raise exc.ArgumentError(
                f"Mapper Mapper[{class_.__name__}({local_table.name})] could not assemble any primary key "
                f"columns for mapped table '{local_table.name}'"
            )
        self.primary_key = tuple(pk)
        self.version_id_col = version_id_col
        if version_id_generator is None:
            version_id_generator = _next_version
        elif version_id_generator is not False and not callable(version_id_generator):
            raise exc.ArgumentError("version_id_generator must be a callable or False")
        self.version_id_generator = version_id_generator
        self.eager_defaults = eager_defaults
        if version_id_col is not None:
            self._attr_for_column(version_id_col)  # raises when the column is not mapped here
        self._spec: Any = None
        self._get_stmt: Any = None

    def _add_property(self, key: str, prop: Any) -> None:
        self.__dict__.pop("_has_eager_cache", None)
        self.__dict__.pop("_default_joined_cache", None)
        self.__dict__.pop("_deferred_keys_cache", None)
        self.__dict__.pop("_select_columns_cache", None)
        self.__dict__.pop("_ferro_plan", None)
        self.__dict__.pop("_writable_relationships_cache", None)
        self.__dict__.pop("_plain_column_keys_cache", None)
        self.__dict__.pop("_spec_index_cache", None)
        self.__dict__.pop("_expression_keys_cache", None)
        self.__dict__.pop("_entity_plan_cache", None)
        prop.key = key
        prop.parent = self
        self._props[key] = prop
        if key in self.validators:
            validators.attach(prop, self.validators[key])
        if isinstance(prop, ColumnProperty):
            self._column_to_attr[id(prop.column)] = key
            attr = ExpressionAttribute if prop.is_expression else QueryableAttribute
            setattr(self.class_, key, attr(self.class_, key, prop))
        elif isinstance(prop, RelationshipProperty):
            setattr(self.class_, key, RelationshipAttribute(self.class_, key, prop))
        elif isinstance(prop, SynonymProperty):
            setattr(self.class_, key, SynonymAttribute(self.class_, key, prop))

    # -- introspection --------------------------------------------------------------------
    @property
    def columns(self) -> Any:
        from ..sql.selectable import ColumnCollection

        cc = ColumnCollection()
        for p in self._props.values():
            if isinstance(p, ColumnProperty):
                cc._set(p.key, p.column)
        return cc

    c = columns

    @property
    def attrs(self) -> Any:
        from ..sql.selectable import ColumnCollection

        cc = ColumnCollection()
        for k, p in self._props.items():
            cc._set(k, p)
        return cc

    @property
    def column_attrs(self) -> list[ColumnProperty]:
        return self._select_props()

    @property
    def relationships(self) -> Any:
        from ..sql.selectable import ColumnCollection

        cc = ColumnCollection()
        for k, p in self._props.items():
            if isinstance(p, RelationshipProperty):
                cc._set(k, p)
        return cc

    @property
    def synonyms(self) -> Any:
        from ..sql.selectable import ColumnCollection

        cc = ColumnCollection()
        for k, p in self._props.items():
            if isinstance(p, SynonymProperty):
                cc._set(k, p)
        return cc

    @property
    def tables(self) -> list[Any]:
        return [self.local_table]

    @property
    def mapped_table(self) -> Any:
        return self.local_table

    @property
    def entity(self) -> type:
        return self.class_

    @property
    def base_mapper(self) -> Mapper:
        return self

    def get_property(self, key: str) -> Any:
        try:
            return self._props[key]
        except KeyError:
            raise exc.InvalidRequestError(f"Mapper '{self}' has no property '{key}'") from None

    def _attr_for_column(self, column: Any) -> str:
        key = self._column_to_attr.get(id(column))
        if key is None:
            raise exc.InvalidRequestError(f"Column '{column}' is not mapped by {self}")
        return key

    def identity_key_from_instance(self, obj: Any) -> tuple[Any, ...]:
        return (self.class_, tuple(obj.__dict__.get(self._attr_for_column(c)) for c in self.primary_key), None)

    def __repr__(self) -> str:
        return f"<Mapper at {hex(id(self))}; {self.class_.__name__}>"

    def __str__(self) -> str:
        return f"Mapper[{self.class_.__name__}({self.local_table.name})]"

    # -- what the Rust core needs ------------------------------------------------------
    @property
    def _has_eager(self) -> bool:
        has = self.__dict__.get("_has_eager_cache")
        if has is None:
            has = self._has_eager_cache = any(getattr(p, "lazy", None) in _EAGER for p in self._props.values())
        return has

    @property
    def _default_joined(self) -> tuple[Any, ...]:
        """The relationships configured lazy="joined": joined into each SELECT of this entity."""
        rels = self.__dict__.get("_default_joined_cache")
        if rels is None:
            rels = self._default_joined_cache = tuple(
                p for p in self._props.values() if getattr(p, "lazy", None) == "joined"
            )
        return rels

    @property
    def _deferred_keys(self) -> frozenset[str]:
        """Column attributes mapped deferred (left out of the entity's SELECT)."""
        keys = self.__dict__.get("_deferred_keys_cache")
        if keys is None:
            keys = self._deferred_keys_cache = frozenset(
                k for k, p in self._props.items() if getattr(p, "deferred", False)
            )
        return keys

    @property
    def _select_columns(self) -> list[Any]:
        # Read on every ORM select; callers copy before changing it.
        cols = self.__dict__.get("_select_columns_cache")
        if cols is None:
            cols = self._select_columns_cache = [p.column for p in self._select_props()]
        return cols

    def _select_props(self) -> list[ColumnProperty]:
        """The column properties in the order an entity's SELECT names them: SQL expressions
        (``column_property(<expression>)``) first, then the table's columns, as SQLAlchemy does."""
        cols = [p for p in self._props.values() if isinstance(p, ColumnProperty)]
        return [p for p in cols if p.is_expression] + [p for p in cols if not p.is_expression]

    @property
    def _table_props(self) -> list[ColumnProperty]:
        """The column properties the flush writes (the spec's columns, in order)."""
        return [p for p in self._props.values() if isinstance(p, ColumnProperty) and not p.is_expression]

    @property
    def _spec_index(self) -> list[int]:
        """For each of `_select_columns`, the spec's number of its attribute (the table's columns,
        then the read-only expressions)."""
        index = self.__dict__.get("_spec_index_cache")
        if index is None:
            table = self._table_props
            order = {id(p): i for i, p in enumerate(table)}
            order.update({id(p): len(table) + i for i, p in enumerate(self._expression_props)})
            index = self._spec_index_cache = [order[id(p)] for p in self._select_props()]
        return index

    @property
    def _expression_props(self) -> list[ColumnProperty]:
        return [p for p in self._props.values() if isinstance(p, ColumnProperty) and p.is_expression]

    @property
    def _expression_keys(self) -> tuple[str, ...]:
        """The ``column_property(<expression>)`` attributes a flush of an object expires."""
        keys = self.__dict__.get("_expression_keys_cache")
        if keys is None:
            keys = self._expression_keys_cache = tuple(p.key for p in self._expression_props if p.expire_on_flush)
        return keys

    @property
    def _writable_relationships(self) -> tuple[Any, ...]:
        """The relationships a flush writes through (cascades, foreign keys, association rows)."""
        rels = self.__dict__.get("_writable_relationships_cache")
        if rels is None:
            rels = self._writable_relationships_cache = tuple(
                p for p in self._props.values() if p.is_relationship and not p.viewonly
            )
        return rels

    @property
    def _plain_column_keys(self) -> frozenset[str]:
        """Column attributes whose class attribute is still the mapper's own descriptor: setting one on
        a new object is a plain store in ``__dict__`` (nothing to record before the object has an
        identity), which the default constructor does without going through ``__setattr__``."""
        keys = self.__dict__.get("_plain_column_keys_cache")
        if keys is None:
            keys = self._plain_column_keys_cache = frozenset(
                k
                for k, p in self._props.items()
                if isinstance(p, ColumnProperty)
                and not p.is_expression
                and isinstance(getattr(self.class_, k, None), QueryableAttribute)
                and getattr(self.class_, k).prop is p
                and k not in self.validators
            )
        return keys

    @property
    def _pk_types(self) -> list[Any]:
        types = self.__dict__.get("_pk_types_cache")
        if types is None:
            types = self._pk_types_cache = [c.type._handle for c in self.primary_key]
        return types

    @property
    def spec(self) -> Any:
        if self._spec is None:
            cols = []
            pk_idx = []
            server_onupdate = []
            for i, p in enumerate(self._table_props):
                col = p.column
                default = _default_arg(col.default)
                onupdate = _default_arg(col.onupdate)
                server_generated = col.server_default is not None or col.identity is not None or col._is_autoincrement()
                cols.append((col.name, p.key, col.type._handle, default, server_generated, onupdate))
                if col.server_onupdate is not None:
                    server_onupdate.append(i)
                if col.primary_key:
                    pk_idx.append(i)
            by_name = {c[0]: i for i, c in enumerate(cols)}
            pk_idx = [by_name[c.name] for c in self.primary_key]
            version = None if self.version_id_col is None else by_name[self.version_id_col.name]
            gen = None if self.version_id_generator is False else self.version_id_generator
            readonly = [p.key for p in self._expression_props]
            self._spec = _core.MapperSpec(
                self.class_,
                self,
                self.mapper_id,
                self.local_table._ref,
                cols,
                pk_idx,
                version,
                gen,
                readonly,
                server_onupdate,
                self.eager_defaults is True,
            )
        return self._spec

    def _entity_plan_item(self, offset: int) -> tuple[Any, ...]:
        return ("entity", self.spec, [(ci, offset + i) for i, ci in enumerate(self._spec_index)])

    def _entity_load_plan(self) -> Any:
        """The LoadPlan of ``select(Class)``, made once: a plan holds no per-execution state, and
        building it was a tenth of a point query's Python time."""
        plan = self.__dict__.get("_entity_plan_cache")
        if plan is None:
            plan = self._entity_plan_cache = _core.LoadPlan([self._entity_plan_item(0)], [self.class_.__name__])
        return plan

    def _get_statement(self) -> Select:
        """``SELECT <columns> FROM t WHERE pk = :pk_1 ...``, built once; session.get() binds the key."""
        if self._get_stmt is None:
            crit = [c == BindParameter(f"pk_{i}", None, c.type) for i, c in enumerate(self.primary_key, 1)]
            stmt = Select(self.class_).where(*crit)
            if self._deferred_keys and not self._has_eager:
                # session.get() runs this without the ORM statement path (which leaves deferred
                # columns out itself): leave them out here.
                from .column_options import prepare

                stmt = prepare(stmt)
            self._get_stmt = stmt
        return self._get_stmt


def _default_arg(d: Any) -> Any:
    """What the flush takes for a Python-side default: a zero-argument callable, or the Rust
    expression of a SQL default (rendered into the statement)."""
    if d is None or getattr(d, "is_sequence", False):
        # A Sequence-only key is left to the database, as an autoincrement key is (see README gaps).
        return None
    if isinstance(d.arg, ClauseElement):
        return d.arg._expr()
    return d._zero_arg()


def class_mapper(class_: type) -> Mapper:
    mapper = getattr(class_, "__mapper__", None)
    if mapper is None:
        from .exc import UnmappedClassError

        raise UnmappedClassError(f"Class '{class_.__module__}.{class_.__name__}' is not mapped")
    return mapper
