"""Differential cases for Core types: builders `(sa, users, addresses) -> statement` that build the same
construct with SQLAlchemy and with ferroalchemy (see statements.py, which runs them all)."""

from __future__ import annotations

from .statements_base import Build

SELECTS: dict[str, Build] = {}
DML: dict[str, Build] = {}
