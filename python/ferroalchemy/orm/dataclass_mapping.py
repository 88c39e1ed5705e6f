"""Declarative Dataclass Mapping: ``MappedAsDataclass`` and ``registry.mapped_as_dataclass`` turn a
mapped class into a real ``dataclasses.dataclass`` (generated ``__init__``, ``__repr__``, ``__eq__``)
from the ``init=``, ``repr=``, ``default=``, ``default_factory=``, ``compare=``, ``kw_only=``,
``hash=`` options of ``mapped_column()``/``relationship()``/``column_property()``.

As in SQLAlchemy 2.1, a scalar ``default=`` is not written by ``__init__``: the field's default is
the ``DONT_SET`` token, which the attribute ignores on assignment, and the attribute reads the
default while unset (a column's ``default=`` is also its INSERT default). A relationship's
``default_factory`` is not called either: an unset collection starts empty as any other does."""

from __future__ import annotations

import dataclasses
import enum
import warnings
from typing import Any

from .. import exc
from .attributes import instrumented_setattr

# The dataclasses.field() keywords these options map to (dataclass_metadata is field's metadata).
FIELD_OPTIONS = ("init", "repr", "default", "default_factory", "compare", "kw_only", "hash", "dataclass_metadata")

# The class-level dataclass() arguments MappedAsDataclass and mapped_as_dataclass accept.
_DC_ARGUMENTS = ("init", "repr", "eq", "order", "unsafe_hash", "match_args", "kw_only", "dataclass_callable")


class LoaderCallableStatus(enum.Enum):
    """SQLAlchemy's symbol; ``DONT_SET`` is what a generated ``__init__`` shows for a field whose
    default the attribute itself supplies."""

    DONT_SET = 5


DONT_SET = LoaderCallableStatus.DONT_SET


def pop_field_options(kw: dict[str, Any]) -> dict[str, Any]:
    """The dataclass field options among a construct's keywords (removed from `kw`)."""
    return {n: kw.pop(n) for n in FIELD_OPTIONS if n in kw}


def dataclass_setattr(self: Any, key: str, value: Any) -> None:
    """``__setattr__`` of a dataclass-mapped class: the generated ``__init__`` assigns ``DONT_SET``
    for a field left to its attribute default, which sets nothing."""
    if value is not DONT_SET:
        instrumented_setattr(self, key, value)


def dataclass_arguments(cls: type, given: dict[str, Any]) -> None:
    """Records the class-level dataclass arguments on `cls`, over those inherited from its bases."""
    unknown = set(given) - set(_DC_ARGUMENTS)
    if unknown:
        raise exc.ArgumentError(f"Dataclass argument(s) {', '.join(repr(a) for a in sorted(unknown))} are not accepted")
    current = getattr(cls, "_sa_apply_dc_transforms", None) or {}
    merged = dict(current)
    merged.update(given)
    cls._sa_apply_dc_transforms = merged  # type: ignore[attr-defined]


def field_options_of(value: Any) -> dict[str, Any]:
    return getattr(value, "_dc_options", None) or {}


def reject_field_options(cls: type, collected: list[tuple[str, Any, Any]]) -> None:
    """A class mapped without dataclass configuration takes no dataclass field options."""
    for key, value, _ann in collected:
        opts = field_options_of(value)
        # As SQLAlchemy: a column's default= is its INSERT default, and compare=/kw_only=/hash= pass.
        checked = ("init", "default_factory", "repr", "default", "dataclass_metadata")
        if not getattr(value, "_dc_is_property", False):
            checked = ("init", "default_factory", "repr", "dataclass_metadata")
        names = ", ".join(repr(n) for n in checked if n in opts)
        if names:
            raise exc.ArgumentError(
                f"Attribute {key!r} on class {cls!r} includes dataclasses argument(s): {names} but class does "
                "not specify SQLAlchemy native dataclass configuration."
            )


def _field_for(key: str, value: Any, descriptor_defaults: bool) -> tuple[Any, Any]:
    """(dataclasses.Field, the attribute's default while unset or None)."""
    opts = dict(field_options_of(value))
    if getattr(value, "_dc_readonly", False):
        opts.setdefault("init", False)
    scalar_default: Any = None
    if descriptor_defaults:
        default = opts.get("default", dataclasses.MISSING)
        if getattr(value, "is_relationship", False) and "default_factory" in opts:
            # The collection starts empty on first access, as any unset collection does.
            del opts["default_factory"]
            opts["default"] = DONT_SET
        elif default is not dataclasses.MISSING and not callable(default):
            scalar_default = default
            opts["default"] = DONT_SET
    kw: dict[str, Any] = {}
    for name in FIELD_OPTIONS:
        if name in opts:
            kw["metadata" if name == "dataclass_metadata" else name] = opts[name]
    if "default" in kw and callable(kw["default"]):
        warnings.warn(
            f"Callable object passed to the ``default`` parameter for attribute {key!r} in a ORM-mapped "
            "Dataclasses context is ambiguous, and this use will raise an error in a future release.  If this "
            "callable is intended to produce Core level INSERT default values for an underlying ``Column``, use "
            "the ``mapped_column.insert_default`` parameter instead.  To establish this callable as providing a "
            "default value for instances of the dataclass itself, use the ``default_factory`` dataclasses "
            "parameter. (deprecated since: 2.0)",
            exc.SADeprecationWarning,
            stacklevel=6,
        )
    if kw.get("init") is False and "default" in kw and not callable(kw["default"]) and "default_factory" not in kw:
        # dataclasses sets an init=False field only from a default_factory.
        default = kw.pop("default")
        kw["default_factory"] = lambda: default
    return dataclasses.field(**kw), scalar_default


def make_dataclass(
    cls: type, collected: list[tuple[str, Any, Any]], arguments: dict[str, Any], *, descriptor_defaults: bool
) -> dict[str, Any]:
    """Turns `cls` into a dataclass whose fields are its ``Mapped[...]`` attributes (`collected`, as
    the declarative scan found them). Returns the attributes' defaults while unset, by key.
    `descriptor_defaults` is False for an unmapped mixin: its fields keep plain defaults, and its
    ``mapped_column()``/``relationship()`` objects are put back for the classes mapped from it."""
    if "__dataclass_fields__" in cls.__dict__:
        raise exc.InvalidRequestError(
            f"Class {cls} is already a dataclass; ensure that base classes / decorator styles of establishing "
            "dataclasses are not being mixed. This can happen if a class that inherits from 'MappedAsDataclass', "
            "even indirectly, is been mapped with '@registry.mapped_as_dataclass'"
        )
    if "__table__" in cls.__dict__:
        raise exc.InvalidRequestError(
            f"Class {cls} already defines a '__table__'. ORM Annotated Dataclasses do not support a pre-existing "
            "'__table__' element"
        )
    own = dict(cls.__dict__.get("__annotations__", {}))
    values = {key: value for key, value, _ann in collected}
    foreign: dict[type, list[str]] = {}
    fields: dict[str, Any] = {}
    for key in values:
        origin = _annotation_origin(cls, key)
        if origin is None:
            continue
        if origin is not cls and "__dataclass_fields__" not in origin.__dict__:
            foreign.setdefault(origin, []).append(key)
            continue
        fields[key] = origin.__dict__["__annotations__"][key]
    for origin, keys in foreign.items():
        raise exc.InvalidRequestError(
            f"When transforming {cls} to a dataclass, attribute(s) {', '.join(repr(k) for k in keys)} originates "
            f"from superclass {origin}, which is not a dataclass.  When declaring SQLAlchemy Declarative "
            "Dataclasses, ensure that all mixin classes and other superclasses which include attributes are also "
            "a subclass of MappedAsDataclass or make use of the @unmapped_dataclass decorator.",
            code="dcmx",
        )
    revert = None if descriptor_defaults else {k: v for k, v in cls.__dict__.items() if not _is_dunder(k)}
    defaults: dict[str, Any] = {}
    for key in fields:
        value = values[key]
        if value is None:
            continue
        field, scalar_default = _field_for(key, value, descriptor_defaults)
        if scalar_default is not None:
            defaults[key] = scalar_default
        setattr(cls, key, field)
    # The fields in declaration order, inherited ones redeclared here as SQLAlchemy does.
    annotations: dict[str, Any] = {}
    for k in own:
        if k in fields:
            break
        annotations[k] = own[k]
    annotations.update(fields)
    annotations.update(own)
    had_own = "__annotations__" in cls.__dict__
    cls.__annotations__ = annotations
    callable_ = arguments.get("dataclass_callable") or dataclasses.dataclass
    try:
        callable_(cls, **{k: v for k, v in arguments.items() if k != "dataclass_callable"})
    except (TypeError, ValueError) as ex:
        raise exc.InvalidRequestError(
            f"Python dataclasses error encountered when creating dataclass for {cls.__name__!r}: {ex!r}. Please "
            "refer to Python dataclasses documentation for additional information.",
            code="dcte",
        ) from ex
    finally:
        if revert:
            for k, v in revert.items():
                if k in cls.__dict__:
                    delattr(cls, k)
                setattr(cls, k, v)
        if had_own:
            cls.__annotations__ = own
        else:
            del cls.__annotations__
    return defaults


def _annotation_origin(cls: type, key: str) -> type | None:
    """The class (cls or a base) whose annotations declare `key`."""
    for klass in cls.__mro__:
        if key in klass.__dict__.get("__annotations__", {}):
            return klass
    return None


def _is_dunder(name: str) -> bool:
    return name.startswith("__") and name.endswith("__")


def apply_attribute_defaults(mapper: Any, defaults: dict[str, Any]) -> None:
    """An unset attribute reads its dataclass default (the instance's __dict__ stays without it)."""
    for key, value in defaults.items():
        prop = mapper._props.get(key)
        if prop is not None and not prop.is_relationship:
            prop._default_scalar_value = value


class MappedAsDataclass:
    """Mixin: the classes mapped from a base with it become dataclasses, with the class-level
    dataclass arguments given to the base or to each class (``class User(Base, repr=False)``)."""

    def __init_subclass__(cls, **kw: Any) -> None:
        given = {k: kw.pop(k) for k in _DC_ARGUMENTS if k in kw}
        dataclass_arguments(cls, given)
        super().__init_subclass__(**kw)
        if "__mapper__" not in cls.__dict__ and "__dataclass_fields__" not in cls.__dict__:
            # The base itself, an abstract class or a mixin: a dataclass of its own fields, its
            # mapped_column()/relationship() objects left in place for the classes mapped from it.
            from .decl_api import _collect_attributes

            make_dataclass(cls, _collect_attributes(cls), cls._sa_apply_dc_transforms, descriptor_defaults=False)  # type: ignore[attr-defined]


def unmapped_dataclass(__cls: type | None = None, /, **dataclass_kw: Any) -> Any:
    """``@unmapped_dataclass``: a mixin whose ``Mapped[...]`` attributes are dataclass fields of the
    classes later mapped as dataclasses from it, without subclassing MappedAsDataclass."""

    def decorate(cls: type) -> type:
        from .decl_api import _collect_attributes

        dataclass_arguments(cls, dataclass_kw)
        make_dataclass(cls, _collect_attributes(cls), cls._sa_apply_dc_transforms, descriptor_defaults=False)  # type: ignore[attr-defined]
        return cls

    return decorate(__cls) if __cls is not None else decorate
