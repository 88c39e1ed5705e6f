"""SQL types. Each type instance hands the Rust core one ``TypeHandle`` (made once, on first use)."""

from __future__ import annotations

import datetime as _dt
import decimal as _decimal
import enum as _enum
import inspect as _inspect
import json as _json
import pickle as _pickle
import typing as _typing
import uuid as _uuid
from collections.abc import Callable
from typing import Any

from .. import _core, exc

# Set by install_as_sqlalchemy(): renames a type class's module to SQLAlchemy's.
_alias_module: Any = None


class TypeEngine:
    """Base of all SQL types."""

    _kind = "null"
    # An upper-case type's own DDL name (CHAR, REAL, TIMESTAMP...), where it differs from its generic type's.
    _ddl_name: str | None = None
    _handle_cache: Any = None
    _variant_mapping: dict[str, TypeEngine] = {}
    hashable = True
    should_evaluate_none = False

    def __init_subclass__(cls, **kw: Any) -> None:
        super().__init_subclass__(**kw)
        # After install_as_sqlalchemy(), types defined later in ferroalchemy's modules report
        # SQLAlchemy's module path too (see _install.alias_type_modules).
        if _alias_module is not None:
            _alias_module(cls)

    def _handle_args(self) -> dict[str, Any]:
        return {}

    def _base_handle(self) -> Any:
        h = _core.TypeHandle(self._kind, **self._handle_args())
        name = self._named_ddl()
        if name is not None:
            h = _core.TypeHandle.named(name, h, **self._named_args())
        return h

    def _named_ddl(self) -> str | None:
        return self._ddl_name

    def _named_args(self) -> dict[str, Any]:
        return {}

    def _processors(self) -> tuple[Callable[[Any, Any], Any] | None, Callable[[list[Any], Any], list[Any]] | None]:
        """(bind(value, dialect), result(values, dialect)) run in Python; None where Rust's conversion is all."""
        return None, None

    def _make_handle(self) -> Any:
        h = self._base_handle()
        bind, result = self._processors()
        if bind is not None or result is not None:
            h = _core.TypeHandle.processed(h, bind, result)
        if self._variant_mapping:
            h = _core.TypeHandle.variant(h, [(name, t._handle) for name, t in self._variant_mapping.items()])
        return h

    @property
    def _handle(self) -> Any:
        h = self.__dict__.get("_handle_cache")
        if h is None:
            h = self._make_handle()
            self.__dict__["_handle_cache"] = h
        return h

    @property
    def python_type(self) -> type:
        raise NotImplementedError(f"python_type is not defined for {type(self).__name__}")

    def compile(self, dialect: Any = None) -> str:
        name = getattr(dialect, "name", None) or "default"
        return str(self._handle.ddl(name))

    def with_variant(self, type_: Any, *dialect_names: str) -> TypeEngine:
        if not dialect_names:
            raise exc.ArgumentError("At least one dialect name is required")
        new = self.copy()
        mapping = dict(self._variant_mapping)
        for name in dialect_names:
            if name in mapping:
                raise exc.ArgumentError(f"Dialect '{name}' is already present in the mapping for this {self!r}")
            mapping[name] = to_instance(type_)
        new._variant_mapping = mapping
        return new

    def dialect_impl(self, dialect: Any) -> TypeEngine:
        return self._variant_mapping.get(getattr(dialect, "name", ""), self)

    def bind_processor(self, dialect: Any) -> Callable[[Any], Any] | None:
        bind = self._processors()[0]
        return None if bind is None else (lambda value: bind(value, dialect))

    def result_processor(self, dialect: Any, coltype: Any) -> Callable[[Any], Any] | None:
        result = self._processors()[1]
        return None if result is None else (lambda value: result([value], dialect)[0])

    def literal_processor(self, dialect: Any) -> Callable[[Any], str] | None:
        return None

    def coerce_compared_value(self, op: Any, value: Any) -> TypeEngine:
        return self

    def evaluates_none(self) -> TypeEngine:
        new = self.copy()
        new.should_evaluate_none = True
        return new

    def _repr_args(self) -> list[str]:
        return _generic_repr_args(self, type(self))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(self._repr_args())})"

    def __str__(self) -> str:
        return self.compile()

    def copy(self, **kw: Any) -> TypeEngine:
        new = self.__class__.__new__(self.__class__)
        new.__dict__.update(self.__dict__)
        new.__dict__.pop("_handle_cache", None)
        return new

    # Comparisons of a column of this type coerce plain values to this type.
    @property
    def _type_affinity(self) -> type:
        return type(self)


def _generic_repr_args(obj: Any, cls: type) -> list[str]:
    """SQLAlchemy's generic repr: positional arguments by value, keywords that differ from their defaults."""
    out: list[str] = []
    seen: set[str] = set()
    for klass in cls.__mro__:
        init = klass.__dict__.get("__init__")
        if init is None:
            continue
        for p in list(_inspect.signature(init).parameters.values())[1:]:
            if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) or p.name in seen:
                continue
            seen.add(p.name)
            if not hasattr(obj, p.name):
                continue
            value = getattr(obj, p.name)
            if p.default is p.empty:
                out.append(repr(value))
            elif value != p.default:
                out.append(f"{p.name}={value!r}")
        break
    return out


class NullType(TypeEngine):
    _kind = "null"


NULLTYPE = NullType()


class Integer(TypeEngine):
    _kind = "integer"

    @property
    def python_type(self) -> type:
        return int


class BigInteger(Integer):
    _kind = "biginteger"


class SmallInteger(Integer):
    _kind = "smallinteger"


class String(TypeEngine):
    _kind = "string"

    def __init__(self, length: int | None = None, collation: str | None = None) -> None:
        self.length = length
        self.collation = collation

    def _handle_args(self) -> dict[str, Any]:
        return {"length": self.length}

    def _base_handle(self) -> Any:
        h = super()._base_handle()
        return h if self.collation is None else _core.TypeHandle.collated(h, self.collation)

    def _named_args(self) -> dict[str, Any]:
        return {"length": self.length}

    @property
    def python_type(self) -> type:
        return str


class Text(String):
    _kind = "text"

    def _handle_args(self) -> dict[str, Any]:
        return {}

    def _named_ddl(self) -> str | None:
        # Text(100) is TEXT(100) in DDL.
        return self._ddl_name or ("TEXT" if self.length is not None else None)


class Unicode(String):
    pass


class UnicodeText(Text):
    pass


class Boolean(TypeEngine):
    _kind = "boolean"

    def __init__(self, create_constraint: bool = False, name: str | None = None) -> None:
        if create_constraint:
            raise NotImplementedError("ferroalchemy: Boolean(create_constraint=True) is not implemented yet")
        self.create_constraint = create_constraint
        self.name = name

    @property
    def python_type(self) -> type:
        return bool


class Numeric(TypeEngine):
    _kind = "numeric"

    def __init__(
        self,
        precision: int | None = None,
        scale: int | None = None,
        decimal_return_scale: int | None = None,
        asdecimal: bool = True,
    ) -> None:
        self.precision = precision
        self.scale = scale
        self.decimal_return_scale = decimal_return_scale
        self.asdecimal = asdecimal

    def _handle_args(self) -> dict[str, Any]:
        return {"precision": self.precision, "scale": self.scale, "as_decimal": self.asdecimal}

    def _named_args(self) -> dict[str, Any]:
        return {"precision": self.precision, "scale": self.scale}

    @property
    def python_type(self) -> type:
        return _decimal.Decimal if self.asdecimal else float


class Float(Numeric):
    _kind = "float"

    def __init__(
        self, precision: int | None = None, asdecimal: bool = False, decimal_return_scale: int | None = None
    ) -> None:
        super().__init__(precision=precision, asdecimal=asdecimal, decimal_return_scale=decimal_return_scale)

    def _handle_args(self) -> dict[str, Any]:
        return {}

    def _named_ddl(self) -> str | None:
        return self._ddl_name or ("FLOAT" if self.precision is not None else None)

    @property
    def python_type(self) -> type:
        return float


class Double(Float):
    _kind = "double"


class Date(TypeEngine):
    _kind = "date"

    @property
    def python_type(self) -> type:
        return _dt.date


class Time(TypeEngine):
    _kind = "time"

    def __init__(self, timezone: bool = False) -> None:
        self.timezone = timezone

    def _named_ddl(self) -> str | None:
        return self._ddl_name or ("TIMETZ" if self.timezone else None)

    @property
    def python_type(self) -> type:
        return _dt.time


class DateTime(TypeEngine):
    _kind = "datetime"

    def __init__(self, timezone: bool = False) -> None:
        self.timezone = timezone

    def _handle_args(self) -> dict[str, Any]:
        return {"timezone": self.timezone}

    def _named_args(self) -> dict[str, Any]:
        return {"timezone": self.timezone}

    @property
    def python_type(self) -> type:
        return _dt.datetime


class LargeBinary(TypeEngine):
    _kind = "largebinary"

    def __init__(self, length: int | None = None) -> None:
        self.length = length

    def _named_args(self) -> dict[str, Any]:
        return {"length": self.length}

    @property
    def python_type(self) -> type:
        return bytes


class _Symbol:
    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"symbol({self.name!r})"


class JSON(TypeEngine):
    """JSON documents: Python dicts, lists and scalars, serialized with the engine's ``json_serializer``
    (``json.dumps`` by default) and read back with its ``json_deserializer``."""

    _kind = "json"
    hashable = False
    NULL = _Symbol("JSON_NULL")

    def __init__(self, none_as_null: bool = False) -> None:
        self.none_as_null = none_as_null

    @property
    def should_evaluate_none(self) -> bool:  # type: ignore[override]
        return not self.none_as_null

    def _processors(self) -> tuple[Any, Any]:
        none_as_null = self.none_as_null
        null_symbol = JSON.NULL

        def bind(value: Any, dialect: Any) -> Any:
            if value is null_symbol:
                value = None
            elif value is None and none_as_null:
                return None
            return (getattr(dialect, "_json_serializer", None) or _json.dumps)(value)

        def result(values: list[Any], dialect: Any) -> list[Any]:
            loads = getattr(dialect, "_json_deserializer", None) or _json.loads
            if getattr(dialect, "name", None) == "sqlite":
                # A JSON column has NUMERIC affinity on SQLite: scalar numbers come back as numbers,
                # which SQLAlchemy's SQLite JSON passes through.
                return [v if v is None or isinstance(v, (int, float)) else loads(v) for v in values]
            return [None if v is None else loads(v) for v in values]

        return bind, result

    @property
    def python_type(self) -> type:
        return dict


class Uuid(TypeEngine):
    """UUID values as ``uuid.UUID`` (or 8-4-4-4-12 strings with ``as_uuid=False``); stored natively on
    PostgreSQL, as 32 hex characters elsewhere."""

    _kind = "uuid"

    def __init__(self, as_uuid: bool = True, native_uuid: bool = True) -> None:
        self.as_uuid = as_uuid
        self.native_uuid = native_uuid
        if not native_uuid:
            raise NotImplementedError("ferroalchemy: Uuid(native_uuid=False) is not implemented yet")

    def _handle_args(self) -> dict[str, Any]:
        return {"as_uuid": self.as_uuid}

    @property
    def python_type(self) -> type:
        return _uuid.UUID if self.as_uuid else str


class Interval(TypeEngine):
    """timedelta values: INTERVAL on PostgreSQL; elsewhere, as SQLAlchemy stores them, a DATETIME holding
    1970-01-01 plus the span."""

    _kind = "interval"

    def __init__(self, native: bool = True, second_precision: int | None = None, day_precision: int | None = None):
        if not native or second_precision is not None or day_precision is not None:
            raise NotImplementedError(
                "ferroalchemy: Interval(native=False / second_precision / day_precision) is not implemented yet"
            )
        self.native = native
        self.second_precision = second_precision
        self.day_precision = day_precision

    def _repr_args(self) -> list[str]:
        return []

    @property
    def python_type(self) -> type:
        return _dt.timedelta


class Enum(String):
    """A fixed set of string values, or the members of a Python ``enum.Enum`` class (stored by name unless
    ``values_callable`` says otherwise; read back as members)."""

    _kind = "enum"

    def __init__(self, *enums: Any, **kw: Any) -> None:
        self.native_enum = kw.pop("native_enum", True)
        self.create_constraint = kw.pop("create_constraint", False)
        if self.create_constraint:
            raise NotImplementedError("ferroalchemy: Enum(create_constraint=True) is not implemented yet")
        self.values_callable = kw.pop("values_callable", None)
        self._sort_key_function = kw.pop("sort_key_function", None)
        length_arg = kw.pop("length", _NO_ARG)
        self._omit_aliases = kw.pop("omit_aliases", True)
        disable_warnings = kw.pop("_disable_warnings", False)
        if not enums and "_enums" in kw:
            enums = tuple(kw.pop("_enums"))
        if len(enums) == 1 and hasattr(enums[0], "__members__"):
            self.enum_class: Any = enums[0]
            members = self.enum_class.__members__
            if self._omit_aliases:
                members = {n: v for n, v in members.items() if v.name == n}
            values = list(self.values_callable(self.enum_class)) if self.values_callable else list(members)
            objects: list[Any] = [members[k] for k in members]
        else:
            self.enum_class = None
            values = list(enums)
            objects = list(enums)
        self.enums = list(values)
        self._valid_lookup: dict[Any, Any] = dict(zip(reversed(objects), reversed(values), strict=False))
        self._object_lookup: dict[Any, Any] = dict(zip(values, objects, strict=False))
        self._valid_lookup.update((v, self._valid_lookup[self._object_lookup[v]]) for v in values)
        self.validate_strings = kw.pop("validate_strings", False)
        self._default_length = length = max((len(x) for x in self.enums), default=0)
        if length_arg is not _NO_ARG:
            if not disable_warnings and length_arg is not None and length_arg < length:
                raise ValueError(
                    "When provided, length must be larger or equal than the length of the longest enum value. "
                    f"{length_arg} < {length}"
                )
            length = length_arg
        self._valid_lookup[None] = self._object_lookup[None] = None
        self.length = length
        self.collation = None
        if self.enum_class is not None and values:
            kw.setdefault("name", self.enum_class.__name__.lower())
        self.name = kw.pop("name", None)
        self.schema = kw.pop("schema", None)
        self.create_type = kw.pop("create_type", True)
        self.metadata = kw.pop("metadata", None)
        kw.pop("inherit_schema", None)
        kw.pop("quote", None)
        if kw:
            raise TypeError(f"Enum() got unexpected keyword arguments {sorted(kw)!r}")

    def _handle_args(self) -> dict[str, Any]:
        return {
            "enum_name": self.name,
            "enum_values": self.enums,
            "length": self.length,
            "native": bool(self.native_enum),
        }

    def _lookup_error(self, elem: Any) -> LookupError:
        return LookupError(
            f"'{elem}' is not among the defined enum values. Enum name: {self.name}. "
            f"Possible values: {_repr_tuple_names(self.enums)}"
        )

    def _db_value_for_elem(self, elem: Any) -> Any:
        try:
            return self._valid_lookup[elem]
        except (KeyError, TypeError) as err:
            if not self.validate_strings and isinstance(elem, str):
                return elem
            raise self._lookup_error(elem) from err

    def _object_value_for_elem(self, elem: Any) -> Any:
        try:
            return self._object_lookup[elem]
        except KeyError as err:
            raise self._lookup_error(elem) from err

    def _processors(self) -> tuple[Any, Any]:
        to_db = self._db_value_for_elem
        to_object = self._object_value_for_elem

        def bind(value: Any, dialect: Any) -> Any:
            return to_db(value)

        def result(values: list[Any], dialect: Any) -> list[Any]:
            return [to_object(v) for v in values]

        return bind, result

    def _resolve_for_python_type(self, python_type: Any) -> Enum:
        """``Mapped[MyEnum]`` through a ``type_annotation_map`` entry for ``enum.Enum``: this Enum's
        options, for that class."""
        kw: dict[str, Any] = {
            "native_enum": self.native_enum,
            "values_callable": self.values_callable,
            "omit_aliases": self._omit_aliases,
            "validate_strings": self.validate_strings,
        }
        if self.length != self._default_length:
            kw["length"] = self.length
        return Enum(python_type, **kw)

    def _repr_args(self) -> list[str]:
        out = [repr(e) for e in self.enums]
        if self.name is not None:
            out.append(f"name={self.name!r}")
        if not self.native_enum:
            out.append("native_enum=False")
        if self.length != self._default_length:
            out.append(f"length={self.length!r}")
        return out

    @property
    def python_type(self) -> type:
        return self.enum_class if self.enum_class is not None else str


class ARRAY(TypeEngine):
    """Lists of ``item_type`` values (PostgreSQL arrays); ``dimensions`` nests them."""

    _kind = "array"
    hashable = False

    def __init__(
        self, item_type: Any, as_tuple: bool = False, dimensions: int | None = None, zero_indexes: bool = False
    ) -> None:
        if isinstance(item_type, ARRAY) or (isinstance(item_type, type) and issubclass(item_type, ARRAY)):
            raise ValueError("Do not nest ARRAY types; ARRAY(basetype) handles multi-dimensional arrays of basetype")
        if zero_indexes:
            raise NotImplementedError("ferroalchemy: ARRAY(zero_indexes=True) is not implemented yet")
        self.item_type = to_instance(item_type)
        self.as_tuple = as_tuple
        self.dimensions = dimensions
        self.zero_indexes = zero_indexes

    def _base_handle(self) -> Any:
        return _core.TypeHandle.array(self.item_type._handle, self.dimensions)

    def _processors(self) -> tuple[Any, Any]:
        if not self.as_tuple:
            return None, None

        def to_tuple(v: Any) -> Any:
            return tuple(to_tuple(x) for x in v) if isinstance(v, list) else v

        def result(values: list[Any], dialect: Any) -> list[Any]:
            return [to_tuple(v) for v in values]

        return None, result

    @property
    def python_type(self) -> type:
        return list


class TypeDecorator(TypeEngine):
    """User types over an implementation type. ``process_bind_param`` runs on each value bound to the
    type (in INSERT/UPDATE values and in comparisons with its columns); ``process_result_value`` runs
    once per result column over all its values; the DDL is the implementation's."""

    cache_ok: bool | None = None
    coerce_to_is_types: tuple[type, ...] = (type(None),)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if not hasattr(type(self), "impl"):
            raise AssertionError(
                "TypeDecorator implementations require a class-level variable 'impl' which refers to the class "
                "of type being decorated"
            )
        impl = type(self).impl  # type: ignore[attr-defined]
        self.impl = to_instance(impl(*args, **kwargs)) if isinstance(impl, type) else impl

    @property
    def impl_instance(self) -> TypeEngine:
        return self.impl  # type: ignore[no-any-return]

    def __getattr__(self, key: str) -> Any:
        # Attributes of the implementation (length, timezone...) read through, as in SQLAlchemy.
        if key.startswith("__") or key in ("impl", "_handle_cache"):
            raise AttributeError(key)
        return getattr(self.__dict__["impl"], key)

    def load_dialect_impl(self, dialect: Any) -> TypeEngine:
        return self.impl  # type: ignore[no-any-return]

    def type_engine(self, dialect: Any) -> TypeEngine:
        return to_instance(self.load_dialect_impl(dialect))

    def process_bind_param(self, value: Any, dialect: Any) -> Any:
        raise NotImplementedError()

    def process_result_value(self, value: Any, dialect: Any) -> Any:
        raise NotImplementedError()

    def process_literal_param(self, value: Any, dialect: Any) -> str:
        raise NotImplementedError()

    def _overrides(self, name: str) -> bool:
        return getattr(type(self), name) is not getattr(TypeDecorator, name)

    def _base_handle(self) -> Any:
        base = self.impl._handle
        if not self._overrides("load_dialect_impl"):
            return base
        from ..engine.dialect import _DIALECTS

        variants = []
        for name in ("sqlite", "postgresql", "mysql"):
            chosen = self.type_engine(_DIALECTS[name]())
            if chosen is not self.impl:
                variants.append((name, chosen._handle))
        return _core.TypeHandle.variant(base, variants) if variants else base

    def _processors(self) -> tuple[Any, Any]:
        bind = result = None
        if self._overrides("process_bind_param"):
            process_bind = self.process_bind_param

            def bind(value: Any, dialect: Any) -> Any:
                return process_bind(value, dialect)

        if self._overrides("process_result_value"):
            process_result = self.process_result_value

            def result(values: list[Any], dialect: Any) -> list[Any]:
                return [process_result(v, dialect) for v in values]

        return bind, result

    def copy(self, **kw: Any) -> TypeEngine:
        new = self.__class__.__new__(self.__class__)
        new.__dict__.update(self.__dict__)
        new.__dict__.pop("_handle_cache", None)
        return new

    def compile(self, dialect: Any = None) -> str:
        return str(self._handle.ddl(getattr(dialect, "name", None) or "default"))

    def _repr_args(self) -> list[str]:
        return _generic_repr_args(self.impl, type(self.impl))

    @property
    def python_type(self) -> type:
        return self.impl.python_type  # type: ignore[no-any-return]

    @property
    def _type_affinity(self) -> type:
        return self.impl._type_affinity  # type: ignore[no-any-return]


class PickleType(TypeDecorator):
    """Python objects stored as their pickle (protocol ``pickle.HIGHEST_PROTOCOL`` by default)."""

    impl = LargeBinary
    cache_ok = True

    def __init__(
        self, protocol: int = _pickle.HIGHEST_PROTOCOL, pickler: Any = None, comparator: Any = None, impl: Any = None
    ) -> None:
        self.protocol = protocol
        self.pickler = pickler or _pickle
        self.comparator = comparator
        super().__init__()
        if impl is not None:
            self.impl = to_instance(impl)

    def process_bind_param(self, value: Any, dialect: Any) -> Any:
        return None if value is None else self.pickler.dumps(value, self.protocol)

    def process_result_value(self, value: Any, dialect: Any) -> Any:
        return None if value is None else self.pickler.loads(value)

    def _repr_args(self) -> list[str]:
        return []

    @property
    def python_type(self) -> type:
        return object


class _NoArg:
    def __repr__(self) -> str:
        return "NO_ARG"


_NO_ARG = _NoArg()


def _repr_tuple_names(names: list[str]) -> str | None:
    """SQLAlchemy's langhelpers.repr_tuple_names: the first four names, then '...' and the last."""
    if not names:
        return None
    res = ", ".join(names[:4]) if len(names) <= 4 else ", ".join(names[:3]) + ", ... , " + names[-1]
    return res


# Upper-case names as SQLAlchemy exports them; those whose DDL name is their own say so.
class INTEGER(Integer):
    pass


INT = INTEGER


class BIGINT(BigInteger):
    pass


class SMALLINT(SmallInteger):
    pass


class VARCHAR(String):
    pass


class CHAR(String):
    _ddl_name = "CHAR"


class NVARCHAR(Unicode):
    _ddl_name = "NVARCHAR"


class NCHAR(Unicode):
    _ddl_name = "NCHAR"


class TEXT(Text):
    pass


class CLOB(Text):
    _ddl_name = "CLOB"


class BOOLEAN(Boolean):
    pass


class FLOAT(Float):
    pass


class REAL(Float):
    _ddl_name = "REAL"


class DOUBLE(Double):
    _ddl_name = "DOUBLE"


class DOUBLE_PRECISION(Double):
    _ddl_name = "DOUBLE_PRECISION"


class NUMERIC(Numeric):
    pass


class DECIMAL(Numeric):
    _ddl_name = "DECIMAL"


class DATE(Date):
    pass


class TIME(Time):
    pass


class DATETIME(DateTime):
    _ddl_name = "DATETIME"


class TIMESTAMP(DateTime):
    _ddl_name = "TIMESTAMP"


class BLOB(LargeBinary):
    _ddl_name = "BLOB"


class BINARY(LargeBinary):
    _ddl_name = "BINARY"


class VARBINARY(LargeBinary):
    _ddl_name = "VARBINARY"


class UUID(Uuid):
    _kind = "uuid_native"


def _type_for_python(t: Any) -> TypeEngine | None:
    """The SQL type an annotation like ``Mapped[int]`` means (the default type_annotation_map)."""
    origin = _typing.get_origin(t)
    if origin in (dict, list):
        t = origin
    if isinstance(t, type):
        if issubclass(t, _enum.Enum):
            return Enum(t)
        for py, sql in _DEFAULT_MAP:
            if issubclass(t, py) and (py is not int or not issubclass(t, bool)):
                return sql()
    return None


_DEFAULT_MAP: list[tuple[type, Any]] = [
    (bool, Boolean),
    (int, Integer),
    (float, Double),  # SQLAlchemy 2.1 maps float to Double
    (str, String),
    (bytes, LargeBinary),
    (_dt.datetime, DateTime),
    (_dt.date, Date),
    (_dt.time, Time),
    (_dt.timedelta, Interval),
    (_decimal.Decimal, Numeric),
    (_uuid.UUID, Uuid),
    (dict, JSON),
    (list, JSON),
]

# What a bare Python value binds as (SQLAlchemy's _type_map): no JSON or Enum for literals.
_LITERAL_MAP: list[tuple[type, Any]] = [
    (py, sql) for py, sql in _DEFAULT_MAP if sql is not JSON and py is not float
] + [(float, Float)]


def _literal_type(value: Any) -> TypeEngine:
    """The type of a plain Python value used as a literal or bind."""
    if value is None:
        return NULLTYPE
    t = type(value)
    for py, sql in _LITERAL_MAP:
        if issubclass(t, py) and (py is not int or not issubclass(t, bool)):
            return sql()  # type: ignore[no-any-return]
    return NULLTYPE


def to_instance(t: Any, *args: Any, **kw: Any) -> TypeEngine:
    if t is None:
        return NULLTYPE
    if isinstance(t, type):
        return t(*args, **kw)  # type: ignore[no-any-return]
    return t  # type: ignore[no-any-return]


# SQLAlchemy's visit names (what tools dispatch on, e.g. Alembic's type rendering).
_VISIT_NAMES = {
    "ARRAY": "ARRAY",
    "BIGINT": "BIGINT",
    "BINARY": "BINARY",
    "BLOB": "BLOB",
    "BOOLEAN": "BOOLEAN",
    "BigInteger": "big_integer",
    "Boolean": "boolean",
    "CHAR": "CHAR",
    "CLOB": "CLOB",
    "DATE": "DATE",
    "DATETIME": "DATETIME",
    "DECIMAL": "DECIMAL",
    "DOUBLE": "DOUBLE",
    "DOUBLE_PRECISION": "DOUBLE_PRECISION",
    "Date": "date",
    "DateTime": "datetime",
    "Double": "double",
    "Enum": "enum",
    "FLOAT": "FLOAT",
    "Float": "float",
    "INT": "INTEGER",
    "INTEGER": "INTEGER",
    "Integer": "integer",
    "Interval": "type_decorator",
    "JSON": "JSON",
    "LargeBinary": "large_binary",
    "NCHAR": "NCHAR",
    "NUMERIC": "NUMERIC",
    "NVARCHAR": "NVARCHAR",
    "NullType": "null",
    "Numeric": "numeric",
    "PickleType": "type_decorator",
    "REAL": "REAL",
    "SMALLINT": "SMALLINT",
    "SmallInteger": "small_integer",
    "String": "string",
    "TEXT": "TEXT",
    "TIME": "TIME",
    "TIMESTAMP": "TIMESTAMP",
    "Text": "text",
    "Time": "time",
    "TypeDecorator": "type_decorator",
    "UUID": "UUID",
    "Unicode": "unicode",
    "UnicodeText": "unicode_text",
    "Uuid": "uuid",
    "VARBINARY": "VARBINARY",
    "VARCHAR": "VARCHAR",
}
for _name, _visit_name in _VISIT_NAMES.items():
    globals()[_name].__visit_name__ = _visit_name
