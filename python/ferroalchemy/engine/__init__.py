"""``sqlalchemy.engine``: engines, connections and results."""

from .base import Connection, Engine, RootTransaction, Transaction
from .create import create_engine, engine_from_config
from .interfaces import ExceptionContext
from .mock import create_mock_engine
from .result import (
    CursorResult,
    FrozenResult,
    IteratorResult,
    MappingResult,
    Result,
    Row,
    RowMapping,
    ScalarResult,
)
from .url import URL, make_url

__all__ = [
    "URL",
    "Connection",
    "CursorResult",
    "Engine",
    "ExceptionContext",
    "FrozenResult",
    "IteratorResult",
    "MappingResult",
    "Result",
    "RootTransaction",
    "Row",
    "RowMapping",
    "ScalarResult",
    "Transaction",
    "create_engine",
    "create_mock_engine",
    "engine_from_config",
    "make_url",
]
