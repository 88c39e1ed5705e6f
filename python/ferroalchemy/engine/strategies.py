"""``sqlalchemy.engine.strategies``: the deprecated home of the mock engine (Alembic imports it)."""

from __future__ import annotations

from .mock import MockConnection


class MockEngineStrategy:
    MockConnection = MockConnection


__all__ = ["MockConnection", "MockEngineStrategy"]
