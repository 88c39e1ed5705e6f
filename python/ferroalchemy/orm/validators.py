"""``@validates``: a mapped class's methods that see (and may replace) each value set on an attribute
or added to a collection. Only properties with a validator get a hook, so every other attribute
write stays on its plain path."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from .. import exc

_Fn = TypeVar("_Fn", bound=Callable[..., Any])


def validates(*names: str, include_removes: bool = False, include_backrefs: bool = True) -> Callable[[_Fn], _Fn]:
    """Marks a method as the validator of the named attributes: it is called as
    ``fn(self, key, value)`` (``fn(self, key, value, is_remove)`` with `include_removes`) when a value
    is set or appended, and what it returns is what gets stored. With ``include_backrefs=False`` it is
    not called for changes made by the other side of a bidirectional relationship."""

    def wrap(fn: _Fn) -> _Fn:
        fn.__sa_validators__ = names  # type: ignore[attr-defined]
        fn.__sa_validation_opts__ = {  # type: ignore[attr-defined]
            "include_removes": include_removes,
            "include_backrefs": include_backrefs,
        }
        return fn

    return wrap


class Validator:
    """One attribute's validator, called the way SQLAlchemy calls it."""

    __slots__ = ("fn", "key", "include_removes", "include_backrefs")

    def __init__(self, fn: Callable[..., Any], key: str, include_removes: bool, include_backrefs: bool) -> None:
        self.fn = fn
        self.key = key
        self.include_removes = include_removes
        self.include_backrefs = include_backrefs

    def added(self, obj: Any, value: Any, backref: bool = False) -> Any:
        """The value to store for `value` set on (or appended to) `obj`'s attribute."""
        if backref and not self.include_backrefs:
            return value
        if self.include_removes:
            return self.fn(obj, self.key, value, False)
        return self.fn(obj, self.key, value)

    def removed(self, obj: Any, value: Any, backref: bool = False) -> None:
        if self.include_removes and (self.include_backrefs or not backref):
            self.fn(obj, self.key, value, True)


def collect(cls: type, mapper: Any) -> dict[str, Validator]:
    """The validators declared on `cls` and its bases (the most derived method of a name wins), by
    attribute name; two methods validating one attribute are an error, as in SQLAlchemy."""
    found: dict[str, Validator] = {}
    seen: set[str] = set()
    for klass in cls.__mro__:
        for name, method in vars(klass).items():
            if name in seen:
                continue
            seen.add(name)
            keys = getattr(method, "__sa_validators__", None)
            if keys is None or not callable(method):
                continue
            opts = method.__sa_validation_opts__
            for key in keys:
                if key in found:
                    raise exc.InvalidRequestError(
                        f"A validation function for mapped attribute {key!r} on mapper {mapper} already exists."
                    )
                found[key] = Validator(method, key, opts["include_removes"], opts["include_backrefs"])
    return found


def attach(prop: Any, validator: Validator) -> None:
    """Gives `prop` its validator. A column's ``set`` is replaced on this property alone; a
    relationship consults ``_validator`` and builds validating collections."""
    if prop.is_relationship:
        if prop.lazy in ("write_only", "dynamic"):
            raise NotImplementedError(
                f"ferroalchemy: @validates on a {prop.lazy} relationship ({prop.key!r}) is not implemented yet"
            )
        prop._validator = validator
        return
    plain_set = prop.set

    def set_validated(obj: Any, value: Any) -> None:
        plain_set(obj, validator.added(obj, value))

    prop.set = set_validated
