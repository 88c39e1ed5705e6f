"""``sqlalchemy.orm``: declarative mapping, sessions and relationships on the Rust core."""

from __future__ import annotations

from . import exc  # noqa: F401
from .aliased import aliased
from .attributes import InstrumentedAttribute, QueryableAttribute
from .base import DynamicMapped, Mapped, WriteOnlyMapped, object_session
from .collections import InstrumentedList
from .dataclass_mapping import unmapped_dataclass
from .decl_api import (
    DeclarativeBase,
    DeclarativeBaseNoMeta,
    MappedAsDataclass,
    MappedColumn,
    column_property,
    configure_mappers,
    declarative_base,
    declared_attr,
    deferred,
    mapped_as_dataclass,
    mapped_column,
    registry,
    synonym,
)
from .join_condition import foreign, remote
from .mapper import Mapper, class_mapper
from .relationships import RelationshipProperty, backref, relationship
from .scoping import scoped_session
from .session import Session, SessionTransaction, close_all_sessions, make_transient, sessionmaker
from .strategy_options import (
    contains_eager,
    defaultload,
    defer,
    immediateload,
    joinedload,
    lazyload,
    load_only,
    noload,
    raiseload,
    selectin_polymorphic,
    selectinload,
    subqueryload,
    undefer,
    with_loader_criteria,
)
from .validators import validates
from .writeonly import AppenderQuery, WriteOnlyCollection

__all__ = [
    "AppenderQuery",
    "DynamicMapped",
    "WriteOnlyCollection",
    "WriteOnlyMapped",
    "DeclarativeBase",
    "DeclarativeBaseNoMeta",
    "InstrumentedAttribute",
    "InstrumentedList",
    "Mapped",
    "MappedAsDataclass",
    "mapped_as_dataclass",
    "unmapped_dataclass",
    "MappedColumn",
    "Mapper",
    "QueryableAttribute",
    "RelationshipProperty",
    "Session",
    "SessionTransaction",
    "aliased",
    "backref",
    "class_mapper",
    "configure_mappers",
    "close_all_sessions",
    "column_property",
    "contains_eager",
    "declarative_base",
    "declared_attr",
    "defaultload",
    "defer",
    "deferred",
    "immediateload",
    "joinedload",
    "lazyload",
    "load_only",
    "make_transient",
    "mapped_column",
    "noload",
    "object_session",
    "raiseload",
    "registry",
    "relationship",
    "scoped_session",
    "selectin_polymorphic",
    "selectinload",
    "foreign",
    "remote",
    "sessionmaker",
    "subqueryload",
    "synonym",
    "undefer",
    "validates",
    "with_loader_criteria",
]
