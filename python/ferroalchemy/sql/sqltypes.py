"""SQL types. Each type instance hands the Rust core one ``TypeHandle`` (made once, on first use)."""

from __future__ import annotations

import datetime as _dt
import decimal as _decimal
import enum as _enum
import uuid as _uuid
from typing import Any

from .. import _core


class TypeEngine:
    """Base of all SQL types."""

    _kind = "null"
    _handle_cache: Any = None
    hashable = True

    def _handle_args(self) -> dict[str, Any]:
        return {}

    @property
    def _handle(self) -> Any:
        h = self.__dict__.get("_handle_cache")
        if h is None:
            h = _core.TypeHandle(self._kind, **self._handle_args())
            self.__dict__["_handle_cache"] = h
        return h

    @property
    def python_type(self) -> type:
        raise NotImplementedError(f"python_type is not defined for {type(self).__name__}")

    def compile(self, dialect: Any = None) -> str:
        name = getattr(dialect, "name", None) or "default"
        return self._handle.ddl(name if name != "default" else "sqlite")

    def _repr_args(self) -> list[str]:
        return []

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(self._repr_args())})"

    def __str__(self) -> str:
        return self.compile()

    def copy(self) -> TypeEngine:
        new = self.__class__.__new__(self.__class__)
        new.__dict__.update(self.__dict__)
        new.__dict__.pop("_handle_cache", None)
        return new

    # Comparisons of a column of this type coerce plain values to this type.
    @property
    def _type_affinity(self) -> type:
        return type(self)


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

    def _repr_args(self) -> list[str]:
        out = []
        if self.length is not None:
            out.append(f"length={self.length}")
        if self.collation is not None:
            out.append(f"collation={self.collation!r}")
        return out

    @property
    def python_type(self) -> type:
        return str


class Text(String):
    _kind = "text"

    def _handle_args(self) -> dict[str, Any]:
        return {}


class Unicode(String):
    pass


class UnicodeText(Text):
    pass


class Boolean(TypeEngine):
    _kind = "boolean"

    def __init__(self, create_constraint: bool = False, name: str | None = None) -> None:
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

    def _repr_args(self) -> list[str]:
        out = []
        if self.precision is not None:
            out.append(f"precision={self.precision}")
        if self.scale is not None:
            out.append(f"scale={self.scale}")
        return out

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

    @property
    def python_type(self) -> type:
        return _dt.time


class DateTime(TypeEngine):
    _kind = "datetime"

    def __init__(self, timezone: bool = False) -> None:
        self.timezone = timezone

    def _handle_args(self) -> dict[str, Any]:
        return {"timezone": self.timezone}

    def _repr_args(self) -> list[str]:
        return ["timezone=True"] if self.timezone else []

    @property
    def python_type(self) -> type:
        return _dt.datetime


class LargeBinary(TypeEngine):
    _kind = "largebinary"

    def __init__(self, length: int | None = None) -> None:
        self.length = length

    @property
    def python_type(self) -> type:
        return bytes


class _NotYet(TypeEngine):
    """A type whose value conversion is not built yet: using it in a statement says so."""

    _feature = ""

    @property
    def _handle(self) -> Any:
        raise NotImplementedError(
            f"ferroalchemy: the {type(self).__name__} type ({self._feature}) is not implemented yet"
        )


class JSON(_NotYet):
    _feature = "JSON encoding and decoding"

    def __init__(self, none_as_null: bool = False) -> None:
        self.none_as_null = none_as_null

    @property
    def python_type(self) -> type:
        return dict


class Uuid(TypeEngine):
    """UUID values as ``uuid.UUID``; stored natively on PostgreSQL, as 32 hex characters elsewhere."""

    _kind = "uuid"

    def __init__(self, as_uuid: bool = True, native_uuid: bool = True) -> None:
        self.as_uuid = as_uuid
        self.native_uuid = native_uuid

    @property
    def _handle(self) -> Any:
        if not self.as_uuid:
            raise NotImplementedError("ferroalchemy: Uuid(as_uuid=False) (UUIDs as strings) is not implemented yet")
        return super()._handle

    def _repr_args(self) -> list[str]:
        return [] if self.as_uuid else ["as_uuid=False"]

    @property
    def python_type(self) -> type:
        return _uuid.UUID if self.as_uuid else str


class Interval(_NotYet):
    _feature = "timedelta values"


class Enum(_NotYet):
    _feature = "Enum values"

    def __init__(self, *enums: Any, **kw: Any) -> None:
        self.enums = enums
        self.name = kw.get("name")
        self.native_enum = kw.get("native_enum", True)
        self.length = kw.get("length")


class ARRAY(_NotYet):
    _feature = "ARRAY values"

    def __init__(self, item_type: Any, *args: Any, **kw: Any) -> None:
        self.item_type = item_type


class PickleType(_NotYet):
    _feature = "pickled values"

    def __init__(self, *args: Any, **kw: Any) -> None:
        pass


class TypeDecorator(TypeEngine):
    """User types wrapping an implementation type. Bind/result processing is not applied yet,
    so using one in a statement raises rather than silently skipping the user's conversion."""

    impl: Any = NullType
    cache_ok: bool | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        impl = self.impl
        self.impl_instance = impl(*args, **kwargs) if isinstance(impl, type) else impl

    @property
    def _handle(self) -> Any:
        raise NotImplementedError(
            "ferroalchemy: TypeDecorator (process_bind_param / process_result_value) is not implemented yet"
        )


# Upper-case names as SQLAlchemy exports them.
class INTEGER(Integer):
    pass


class BIGINT(BigInteger):
    pass


class SMALLINT(SmallInteger):
    pass


class VARCHAR(String):
    pass


class CHAR(String):
    pass


class NVARCHAR(Unicode):
    pass


class TEXT(Text):
    pass


class BOOLEAN(Boolean):
    pass


class FLOAT(Float):
    pass


class REAL(Float):
    pass


class DOUBLE(Double):
    pass


class NUMERIC(Numeric):
    pass


class DECIMAL(Numeric):
    pass


class DATE(Date):
    pass


class TIME(Time):
    pass


class DATETIME(DateTime):
    pass


class TIMESTAMP(DateTime):
    pass


class BLOB(LargeBinary):
    pass


class UUID(Uuid):
    _kind = "uuid_native"


def _type_for_python(t: Any) -> TypeEngine | None:
    """The SQL type an annotation like ``Mapped[int]`` means (the default type_annotation_map)."""
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


def _literal_type(value: Any) -> TypeEngine:
    """The type of a plain Python value used as a literal or bind."""
    t = _type_for_python(type(value)) if value is not None else None
    return t if t is not None and not isinstance(t, _NotYet) else NULLTYPE


def to_instance(t: Any) -> TypeEngine:
    if t is None:
        return NULLTYPE
    if isinstance(t, type):
        return t()
    return t
