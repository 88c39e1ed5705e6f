"""Declarative mapping: ``DeclarativeBase``, ``Mapped[...]`` annotations, ``mapped_column()``."""

from __future__ import annotations

import inspect
import re
import sys
import types
import typing
import warnings
import weakref
from typing import Any, ForwardRef, Union

from .. import exc
from ..sql import sqltypes
from ..sql.elements import ColumnOperators, _coerce
from ..sql.schema import Column, MetaData, Table
from .attributes import instrumented_init, instrumented_setattr
from .base import DynamicMapped, Mapped, WriteOnlyMapped
from .dataclass_mapping import (
    MappedAsDataclass,  # noqa: F401 - orm's MappedAsDataclass
    apply_attribute_defaults,
    dataclass_arguments,
    dataclass_setattr,
    make_dataclass,
    pop_field_options,
    reject_field_options,
)
from .descriptor_props import SynonymProperty, synonym  # noqa: F401 - orm's synonym
from .mapper import MAPPER_ARGS, Mapper
from .properties import ColumnProperty, ExpressionProperty
from .relationships import RelationshipProperty, install_backrefs


class MappedColumn:
    """What ``mapped_column()`` returns; becomes a Column when its class is mapped."""

    def __init__(self, *args: Any, **kw: Any) -> None:
        self.deferred = bool(kw.pop("deferred", False))
        # dataclass field options; `default` is also the Column's INSERT default, so it stays in kw.
        self._dc_options = pop_field_options(kw)
        if "default" in self._dc_options:
            kw["default"] = self._dc_options["default"]
        for unsupported in (
            "deferred_group",
            "deferred_raiseload",
            "use_existing_column",
            "active_history",
        ):
            if kw.get(unsupported) not in (None, False):
                raise NotImplementedError(f"ferroalchemy: mapped_column({unsupported}=...) is not implemented yet")
            kw.pop(unsupported, None)
        if kw.pop("sort_order", None) not in (None, 0):
            raise NotImplementedError("ferroalchemy: mapped_column(sort_order=...) is not implemented yet")
        self.args = args
        self.kw = kw
        self.column: Column | None = None
        # The Column deferred() wraps, mapped as it is.
        self.deferred_column: Column | None = None
        # The Column expressions in the class body were built on (`column_property(a + b)`): it
        # becomes the mapped column, so those expressions render it.
        self._early_column: Column | None = None

    def __clause_element__(self) -> Column:
        col = self.column
        if col is None:
            col = self._early_column
            if col is None:
                t = next((a for a in self.args if not isinstance(a, str) and _is_type(a)), None)
                col = self._early_column = Column(t) if t is not None else Column()
        return col

    # In a class body a mapped_column() is already a column expression, as in SQLAlchemy.
    def __eq__(self, other: Any) -> Any:  # type: ignore[override]
        return self.__clause_element__() == other

    def __ne__(self, other: Any) -> Any:  # type: ignore[override]
        return self.__clause_element__() != other

    __hash__ = object.__hash__

    def __lt__(self, other: Any) -> Any:
        return self.__clause_element__() < other

    def __le__(self, other: Any) -> Any:
        return self.__clause_element__() <= other

    def __gt__(self, other: Any) -> Any:
        return self.__clause_element__() > other

    def __ge__(self, other: Any) -> Any:
        return self.__clause_element__() >= other

    def __add__(self, other: Any) -> Any:
        return self.__clause_element__() + other

    def __radd__(self, other: Any) -> Any:
        return other + self.__clause_element__()

    def __sub__(self, other: Any) -> Any:
        return self.__clause_element__() - other

    def __rsub__(self, other: Any) -> Any:
        return other - self.__clause_element__()

    def __mul__(self, other: Any) -> Any:
        return self.__clause_element__() * other

    def __rmul__(self, other: Any) -> Any:
        return other * self.__clause_element__()

    def __truediv__(self, other: Any) -> Any:
        return self.__clause_element__() / other

    def __getattr__(self, name: str) -> Any:
        # Column methods (`.label()`, `.like()`, `.in_()`, ...) of the column it will be.
        if name.startswith("_") or not hasattr(ColumnOperators, name):
            raise AttributeError(name)
        return getattr(self.__clause_element__(), name)

    def _make_column(self, key: str, annotation: Any, registry: registry) -> Column:
        args = list(self.args)
        kw = dict(self.kw)
        name = args.pop(0) if args and isinstance(args[0], str) else key
        has_type = any(
            isinstance(a, sqltypes.TypeEngine) or (isinstance(a, type) and issubclass(a, sqltypes.TypeEngine))
            for a in args
        )
        optional, inner = _unwrap_optional(annotation) if annotation is not None else (None, None)
        if not has_type:
            t = registry._type_for(inner) if inner is not None else None
            if t is None:
                if any(_is_fk(a) for a in args):
                    t = sqltypes.NULLTYPE
                elif annotation is None:
                    raise exc.ArgumentError(f"Could not locate SQLAlchemy Core type for Python type on column {key!r}")
                else:
                    raise exc.ArgumentError(
                        f"Could not locate SQLAlchemy Core type for Python type {inner!r} inside the {key!r} attribute Mapped annotation"
                    )
            args.insert(0, t)
        if "nullable" not in kw and optional is not None and not kw.get("primary_key"):
            kw["nullable"] = optional
        col = Column(name, *args, **kw)
        col.key = key
        early = self._early_column
        if early is not None:
            # Expressions hold the early Column: it becomes this one.
            early.__dict__.update(col.__dict__)
            early.type = col.type
            early._inner = None
            for fk in early._fk_list:
                fk.parent = early
            col = early
        self.column = col
        return col


def _is_type(a: Any) -> bool:
    return isinstance(a, sqltypes.TypeEngine) or (isinstance(a, type) and issubclass(a, sqltypes.TypeEngine))


def _is_fk(a: Any) -> bool:
    from ..sql.schema import ForeignKey

    return isinstance(a, ForeignKey)


def mapped_column(*args: Any, **kw: Any) -> Any:
    return MappedColumn(*args, **kw)


class MappedSQLExpression:
    """What ``column_property(<SQL expression>)`` returns; an ExpressionProperty once mapped."""

    # Read-only: not an __init__ argument of a dataclass unless init= says so.
    _dc_readonly = True
    _dc_is_property = True

    def __init__(self, expression: Any, deferred: bool, expire_on_flush: bool, dc_options: dict[str, Any]) -> None:
        self.expression = expression
        self.deferred = deferred
        self.expire_on_flush = expire_on_flush
        self._dc_options = dc_options


def column_property(
    column: Any,
    *additional_columns: Any,
    group: str | None = None,
    deferred: bool = False,
    raiseload: bool = False,
    comparator_factory: Any = None,
    active_history: bool = False,
    expire_on_flush: bool = True,
    info: Any = None,
    doc: str | None = None,
    **kw: Any,
) -> Any:
    """A column attribute: a table ``Column`` (``deferred=True`` leaves it out of the entity's
    SELECT), or a read-only SQL expression loaded with the entity (a correlated scalar subquery
    included)."""
    if additional_columns or group is not None or raiseload or comparator_factory is not None or active_history:
        raise NotImplementedError(
            "ferroalchemy: column_property() with more columns, group=, raiseload=, comparator_factory= or "
            "active_history= is not implemented yet"
        )
    dc_options = pop_field_options(kw)
    if "init" in dc_options:
        warnings.warn(
            "The column_property.init parameter is deprecated for column_property().  This parameter applies to "
            "a writeable-attribute in a Declarative Dataclasses configuration only, and column_property() is "
            "treated as a read-only attribute in this context.",
            exc.SADeprecationWarning,
            stacklevel=2,
        )
    if kw:
        raise TypeError(f"column_property() got unexpected keyword arguments {sorted(kw)}")
    if isinstance(column, MappedColumn):
        column = column.__clause_element__()
    if isinstance(column, Column) and column.table is None:
        mc = MappedColumn(deferred=deferred)
        mc.deferred_column = column
        mc._dc_options = dc_options
        return mc
    return MappedSQLExpression(_coerce(column), deferred, expire_on_flush, dc_options)


def deferred(column: Any, *more: Any, raiseload: bool = False, group: Any = None, **kw: Any) -> Any:
    """``bio = deferred(Column(Text))``: a column left out of the entity's SELECT, loaded with its
    own SELECT on first access."""
    if more or raiseload or group is not None or kw:
        raise NotImplementedError(
            "ferroalchemy: deferred() with more columns, group= or raiseload= is not implemented yet"
        )
    if not isinstance(column, Column):
        raise exc.ArgumentError(f"deferred() takes a Column, got {column!r}")
    mc = MappedColumn(deferred=True)
    mc.deferred_column = column
    return mc


class declared_attr:
    """Accepted on mixins; the function runs once per mapped class."""

    def __init__(self, fn: Any, cascading: bool = False) -> None:
        self.fget = fn
        self.__doc__ = fn.__doc__

    def __get__(self, obj: Any, cls: Any) -> Any:
        return self.fget(cls)

    @classmethod
    def directive(cls, fn: Any) -> declared_attr:
        return cls(fn)


class _UnknownName:
    """A name not defined yet when an annotation is read (a class declared later)."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __getitem__(self, item: Any) -> Any:
        return self

    # `B | None` for a class declared later: the relationship's target is still `B`.
    def __or__(self, other: Any) -> Any:
        return self

    def __ror__(self, other: Any) -> Any:
        return self


class _Namespace(dict):  # type: ignore[type-arg]
    def __init__(self, *scopes: dict[str, Any]) -> None:
        super().__init__()
        self.scopes = scopes

    def __missing__(self, key: str) -> Any:
        for s in self.scopes:
            if key in s:
                return s[key]
        import builtins

        if hasattr(builtins, key):
            return getattr(builtins, key)
        return _UnknownName(key)


# Only the typing names annotations use: a TypeVar such as typing.T must not stand in for a class
# declared later under the same name.
_TYPING_NAMES = {
    n: getattr(typing, n)
    for n in (
        "Optional",
        "Union",
        "List",
        "Set",
        "Dict",
        "Tuple",
        "FrozenSet",
        "Any",
        "Sequence",
        "Mapping",
        "Annotated",
        "Literal",
        "ClassVar",
    )
}

_MAPPED_STR = re.compile(r"^\s*(?:[\w.]+\.)?(Mapped|WriteOnlyMapped|DynamicMapped)\[(.*)\]\s*$", re.S)


def _eval_annotation(ann: Any, cls: type) -> Any:
    """Evaluates a string annotation in the class's module. A ``Mapped[...]`` wrapper is recognised
    by its text (as SQLAlchemy does), so ``"orm.Mapped[int]"`` works where ``orm`` is not a global."""
    if not isinstance(ann, str):
        # `Mapped["User | None"]` in a live annotation: its argument is a ForwardRef to evaluate,
        # or the union (and so the column's nullability) would be lost.
        is_mapped, inner = _mapped_inner(ann)
        if is_mapped and isinstance(inner, (str, ForwardRef)):
            text = inner if isinstance(inner, str) else inner.__forward_arg__
            return typing.get_origin(ann)[_eval_text(text, cls)]
        return ann
    m = _MAPPED_STR.match(ann)
    value = _eval_text(m.group(2) if m else ann, cls)
    if not m:
        return value
    return {"WriteOnlyMapped": WriteOnlyMapped, "DynamicMapped": DynamicMapped}.get(m.group(1), Mapped)[value]


def _eval_text(text: str, cls: type) -> Any:
    """An annotation's text evaluated in the class's module; names not defined yet (classes
    declared later) stand as `_UnknownName`."""
    module = sys.modules.get(cls.__module__)
    globs = dict(vars(module)) if module is not None else {}
    try:
        return eval(text, globs, _Namespace(dict(vars(cls)), globs, _TYPING_NAMES))  # noqa: S307 - annotations
    except Exception:
        return _UnknownName(text)


def _unwrap_optional(t: Any) -> tuple[bool | None, Any]:
    origin = typing.get_origin(t)
    if origin is Union or (hasattr(types, "UnionType") and isinstance(t, types.UnionType)):
        args = [a for a in typing.get_args(t) if a is not type(None)]
        optional = len(args) != len(typing.get_args(t))
        return optional, (args[0] if len(args) == 1 else t)
    return False, t


def _mapped_inner(ann: Any) -> tuple[bool, Any]:
    """(is Mapped[...], inner type)."""
    origin = typing.get_origin(ann)
    if origin is Mapped or (
        isinstance(origin, type) and origin.__name__ in ("Mapped", "WriteOnlyMapped", "DynamicMapped")
    ):
        args = typing.get_args(ann)
        return True, args[0] if args else None
    return False, None


def _relationship_target(inner: Any) -> tuple[Any, Any]:
    """(target class or name, collection type or None) from ``Mapped[list["B"]]`` /
    ``Mapped[set["B"]]`` / ``Mapped["B"]``."""
    _, inner = _unwrap_optional(inner)
    origin = typing.get_origin(inner)
    if isinstance(origin, type) and issubclass(origin, (list, set)):
        args = typing.get_args(inner)
        return _target_name(args[0]) if args else None, set if issubclass(origin, set) else list
    return _target_name(inner), None


def _target_name(t: Any) -> Any:
    if isinstance(t, ForwardRef):
        return t.__forward_arg__
    if isinstance(t, _UnknownName):
        return t.name
    return t


class registry:
    """Holds the MetaData and the mapped classes of a declarative base."""

    def __init__(
        self,
        *,
        metadata: MetaData | None = None,
        type_annotation_map: dict[Any, Any] | None = None,
        class_registry: Any = None,
        constructor: Any = None,
    ) -> None:
        self.metadata = metadata if metadata is not None else MetaData()
        self.type_annotation_map = dict(type_annotation_map or {})
        self._class_registry: dict[str, type] = {}
        self.mappers: set[Mapper] = set()
        # Relationships whose backref waits for its target class to be mapped.
        self._pending_backrefs: list[RelationshipProperty] = []
        _registries.add(self)

    def _type_for(self, python_type: Any) -> sqltypes.TypeEngine | None:
        if python_type in self.type_annotation_map:
            return sqltypes.to_instance(self.type_annotation_map[python_type])
        return sqltypes._type_for_python(python_type)

    def _resolve_name(self, name: str) -> type | None:
        return self._class_registry.get(name.split(".")[-1])

    def dispose(self) -> None:
        self._class_registry.clear()
        self.mappers.clear()
        self._pending_backrefs.clear()
        _registries.discard(self)

    def map_declaratively(self, cls: type) -> Mapper:
        return _map_class(cls, self)

    def generate_base(self, **kw: Any) -> type:
        return declarative_base(metadata=self.metadata)

    def mapped(self, cls: type) -> type:
        """Class decorator: maps a plain class (its ``__tablename__`` and ``Mapped[...]``
        attributes) in this registry, as a DeclarativeBase subclass would be."""
        if cls.__setattr__ is object.__setattr__:
            # Writes record history for the flush (a dataclass mapping installs its own).
            cls.__setattr__ = instrumented_setattr  # type: ignore[assignment]
        _map_class(cls, self)
        if cls.__init__ is object.__init__:
            # After the mapping: a dataclass() keeps an __init__ it finds on the class.
            cls.__init__ = instrumented_init  # type: ignore[misc]
        return cls

    def mapped_as_dataclass(self, __cls: type | None = None, /, **dataclass_kw: Any) -> Any:
        """Class decorator: maps the class and makes it a dataclass (``@reg.mapped_as_dataclass``
        or ``@reg.mapped_as_dataclass(kw_only=True, ...)``)."""
        return (
            mapped_as_dataclass(self, **dataclass_kw)(__cls)
            if __cls is not None
            else mapped_as_dataclass(self, **dataclass_kw)
        )

    def configure(self, cascade: bool = False) -> None:
        install_backrefs(self)
        for m in list(self.mappers):
            for p in list(m._props.values()):
                if isinstance(p, RelationshipProperty):
                    p._resolve()


def mapped_as_dataclass(registry: registry, /, **dataclass_kw: Any) -> Any:
    """``@mapped_as_dataclass(reg, kw_only=True, ...)``: the standalone form of
    ``registry.mapped_as_dataclass``."""

    def decorate(cls: type) -> type:
        dataclass_arguments(cls, dataclass_kw)
        return registry.mapped(cls)

    return decorate


# Every registry, for configure_mappers(); a registry nobody holds any more drops out.
_registries: weakref.WeakSet[registry] = weakref.WeakSet()


def configure_mappers() -> None:
    """Resolves the relationships of every registry's mappers (creating backrefs), raising the first
    configuration error, as SQLAlchemy's configure_mappers() does."""
    for reg in list(_registries):
        reg.configure()


def _collect_attributes(cls: type) -> list[tuple[str, Any, Any]]:
    """(key, class value, annotation): the class's own attributes in declaration order, then those of
    its mixins and abstract bases in MRO order (SQLAlchemy copies mixin columns in after the class's
    own). The most derived definition of a name wins."""
    seen: dict[str, tuple[Any, Any]] = {}
    for klass in cls.__mro__:
        if klass is object or klass.__dict__.get("_ferro_declarative_root") or klass is Mapped:
            continue
        anns = klass.__dict__.get("__annotations__", {})
        names = list(anns) + [k for k in klass.__dict__ if k not in anns]
        for key in names:
            if key in seen or (key.startswith("__") and key.endswith("__")):
                continue
            value = klass.__dict__.get(key, None)
            if isinstance(value, declared_attr):
                value = value.fget(cls)
            ann = _eval_annotation(anns[key], cls) if key in anns else None
            is_mapped = ann is not None and _mapped_inner(ann)[0]
            mappable = (MappedColumn, Column, RelationshipProperty, MappedSQLExpression, SynonymProperty)
            if not (is_mapped or isinstance(value, mappable)):
                continue
            seen[key] = (value, ann)
    return [(k, v, a) for k, (v, a) in seen.items()]


def _map_class(cls: type, reg: registry) -> Mapper:
    tablename = cls.__dict__.get("__tablename__") or getattr(cls, "__tablename__", None)
    if isinstance(cls.__dict__.get("__tablename__"), declared_attr):
        tablename = cls.__tablename__
    table = cls.__dict__.get("__table__")
    table_args = getattr(cls, "__table_args__", None)
    props: dict[str, Any] = {}
    columns: list[Column] = []
    collected = _collect_attributes(cls)
    dc_arguments = getattr(cls, "_sa_apply_dc_transforms", None)
    if dc_arguments is None:
        reject_field_options(cls, collected)
        dc_defaults = None
    else:
        # The scan has the mapped_column()/relationship() objects: dataclass() replaces them.
        dc_defaults = make_dataclass(cls, collected, dc_arguments, descriptor_defaults=True)
    for key, value, ann in collected:
        inner = _mapped_inner(ann)[1] if ann is not None else None
        if isinstance(value, RelationshipProperty) or (
            value is None and inner is not None and _looks_like_relationship(inner, reg)
        ):
            prop = value if isinstance(value, RelationshipProperty) else RelationshipProperty(None)
            if inner is not None:
                target, coll = _relationship_target(inner)
                if prop.argument is None:
                    prop.argument = target
                prop._annotation_collection = coll is not None
                if coll is set and prop._collection_class is None:
                    prop._collection_class = set
                writer = {WriteOnlyMapped: "write_only", DynamicMapped: "dynamic"}.get(typing.get_origin(ann))
                if writer is not None:
                    # WriteOnlyMapped["B"] / DynamicMapped["B"] name the target; the collection is implied.
                    prop._annotation_collection = None
                    if prop.lazy == "select":
                        prop.lazy = writer
            if prop.argument is None:
                raise exc.ArgumentError(f"relationship '{key}' on {cls.__name__} has no target class")
            props[key] = prop
            continue
        if isinstance(value, SynonymProperty):
            props[key] = value
            continue
        if isinstance(value, MappedSQLExpression):
            props[key] = ExpressionProperty(key, value.expression, value.deferred, value.expire_on_flush)
            continue
        if table is not None:
            continue
        is_deferred = isinstance(value, MappedColumn) and value.deferred
        if isinstance(value, MappedColumn) and value.deferred_column is not None:
            value = value.deferred_column
        if isinstance(value, Column):
            col = value.copy(_with_table_fks=True) if value.table is not None else value
            if col.name is None:
                col.name = key
            if col.key is None or col.key != key:
                col.key = key
        else:
            mc = value if isinstance(value, MappedColumn) else MappedColumn()
            if mc.column is not None and mc.column.table is not None:
                mc = MappedColumn(*mc.args, **mc.kw)
            col = mc._make_column(key, inner, reg)
        columns.append(col)
        props[key] = ColumnProperty(key, col, deferred=is_deferred)
    if table is None:
        if tablename is None:
            raise exc.InvalidRequestError(
                f"Class {cls!r} does not have a __table__ or __tablename__ specified and does not inherit from an existing table-mapped class."
            )
        args: list[Any] = []
        kw: dict[str, Any] = {}
        if isinstance(table_args, dict):
            kw = dict(table_args)
        elif isinstance(table_args, tuple):
            if table_args and isinstance(table_args[-1], dict):
                kw = dict(table_args[-1])
                args = list(table_args[:-1])
            else:
                args = list(table_args)
        elif table_args is not None:
            raise exc.ArgumentError("__table_args__ value must be a tuple, dict, or None")
        table = Table(tablename, reg.metadata, *columns, *args, **kw)
    else:
        for col in table.c:
            key = col.key
            if key not in props:
                props[key] = ColumnProperty(key, col)
        # Declared relationships stay; columns come from the Table in its order.
        ordered: dict[str, Any] = {}
        for col in table.c:
            ordered[col.key] = props.pop(col.key)
        ordered.update(props)
        props = ordered
    mapper = Mapper(cls, table, reg, props, **_mapper_args(cls, table))
    cls.__mapper__ = mapper  # type: ignore[attr-defined]
    cls.__table__ = table  # type: ignore[attr-defined]
    reg._class_registry[cls.__name__] = cls
    reg.mappers.add(mapper)
    reg._pending_backrefs.extend(
        p for p in props.values() if isinstance(p, RelationshipProperty) and p._backref is not None
    )
    install_backrefs(reg, check=False)
    if dc_defaults is not None:
        apply_attribute_defaults(mapper, dc_defaults)
        cls.__setattr__ = dataclass_setattr  # type: ignore[assignment]
    if "__init__" in cls.__dict__:
        _wrap_user_init(cls)
    return mapper


def _mapper_args(cls: type, table: Any) -> dict[str, Any]:
    """``__mapper_args__`` as Mapper keywords, with column references (a mapped_column() from the
    class body, a Column, a class attribute) resolved to the mapped table's column."""
    args = getattr(cls, "__mapper_args__", None)
    if args is None:
        return {}
    if callable(args):
        args = args()
    if not isinstance(args, dict):
        raise exc.ArgumentError("__mapper_args__ must be a dictionary")
    for key in args:
        if key not in MAPPER_ARGS:
            raise NotImplementedError(f"ferroalchemy: __mapper_args__ key {key!r} is not implemented yet")
    out = dict(args)
    col = out.get("version_id_col")
    if col is not None:
        if isinstance(col, MappedColumn):
            col = col.column
        col = getattr(col, "__clause_element__", lambda: col)()
        name = getattr(col, "key", None)
        if col is None or name not in table.c:
            raise exc.ArgumentError(f"version_id_col {args['version_id_col']!r} is not a column of {table.name!r}")
        out["version_id_col"] = table.c[name]
    return out


def _looks_like_relationship(inner: Any, reg: registry) -> bool:
    _, t = _unwrap_optional(inner)
    origin = typing.get_origin(t)
    if origin in (list, set, list, set):
        return True
    if isinstance(t, (str, ForwardRef, _UnknownName)):
        return True
    return isinstance(t, type) and hasattr(t, "__mapper__")


def _wrap_user_init(cls: type) -> None:
    from .base import instance_state

    original = cls.__dict__["__init__"]

    def __init__(self: Any, *args: Any, **kw: Any) -> None:
        instance_state(self)
        original(self, *args, **kw)

    __init__.__wrapped__ = original  # type: ignore[attr-defined]
    __init__.__doc__ = original.__doc__
    # SQLAlchemy's instrumented __init__ shows the original's parameters without annotations.
    try:
        sig = inspect.signature(original)
    except (TypeError, ValueError):
        pass
    else:
        __init__.__signature__ = sig.replace(  # type: ignore[attr-defined]
            parameters=[p.replace(annotation=inspect.Parameter.empty) for p in sig.parameters.values()],
            return_annotation=inspect.Signature.empty,
        )
    cls.__init__ = __init__  # type: ignore[misc]


class _DeclarativeMixin:
    __init__ = instrumented_init
    __setattr__ = instrumented_setattr

    def __init_subclass__(cls, **kw: Any) -> None:
        super().__init_subclass__(**kw)
        if cls.__dict__.get("_ferro_declarative_root"):
            return
        if cls.__dict__.get("__abstract__"):
            return
        if any("__mapper__" in k.__dict__ for k in cls.__mro__[1:]):
            raise NotImplementedError("ferroalchemy: mapped class inheritance is not implemented yet")
        own = "__tablename__" in cls.__dict__ or "__table__" in cls.__dict__
        if own or isinstance(getattr(cls, "__tablename__", None), str):
            _map_class(cls, cls.registry)  # type: ignore[attr-defined]


class DeclarativeBase(_DeclarativeMixin):
    """Subclass this (``class Base(DeclarativeBase): pass``); subclasses of that with a
    ``__tablename__`` are mapped."""

    _ferro_declarative_root = True
    registry: registry
    metadata: MetaData

    def __init_subclass__(cls, **kw: Any) -> None:
        if DeclarativeBase in cls.__bases__:
            cls._ferro_declarative_root = True  # type: ignore[attr-defined]
            reg = cls.__dict__.get("registry")
            if not isinstance(reg, registry):
                md = cls.__dict__.get("metadata")
                reg = registry(
                    metadata=md if isinstance(md, MetaData) else None,
                    type_annotation_map=cls.__dict__.get("type_annotation_map"),
                )
                cls.registry = reg
            cls.metadata = reg.metadata
            return
        super().__init_subclass__(**kw)


class DeclarativeBaseNoMeta(DeclarativeBase):
    _ferro_declarative_root = True


def declarative_base(
    *,
    metadata: MetaData | None = None,
    cls: type = object,
    name: str = "Base",
    type_annotation_map: dict[Any, Any] | None = None,
    **kw: Any,
) -> Any:
    reg = registry(metadata=metadata, type_annotation_map=type_annotation_map)
    bases = cls if isinstance(cls, tuple) else (cls,)
    return type(
        name,
        (_DeclarativeMixin, *bases),
        {
            "_ferro_declarative_root": True,
            "registry": reg,
            "metadata": reg.metadata,
            "__doc__": None,
        },
    )
