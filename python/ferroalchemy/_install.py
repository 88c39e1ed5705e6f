"""``install_as_sqlalchemy()``: makes ``import sqlalchemy`` (and every submodule) resolve to ferroalchemy."""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
from collections.abc import Sequence
from types import ModuleType
from typing import Any

_ALIAS = "sqlalchemy"
_TARGET = "ferroalchemy"

# Submodule paths SQLAlchemy has where ferroalchemy keeps the same names elsewhere.
_RENAMES = {
    "sqlalchemy.orm.decl_api": "ferroalchemy.orm",
    "sqlalchemy.orm.exc": "ferroalchemy.orm.exc",
    "sqlalchemy.sql.sqltypes": "ferroalchemy.sql.sqltypes",
    "sqlalchemy.engine.url": "ferroalchemy.engine.url",
    "sqlalchemy.engine.base": "ferroalchemy.engine.base",
    "sqlalchemy.engine.result": "ferroalchemy.engine.result",
    "sqlalchemy.engine.cursor": "ferroalchemy.engine.result",
    "sqlalchemy.engine.row": "ferroalchemy.engine.result",
}


class _AliasLoader(importlib.abc.Loader):
    def __init__(self, target: str) -> None:
        self.target = target

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        return importlib.import_module(self.target)

    def exec_module(self, module: ModuleType) -> None:
        # The module is ferroalchemy's, already executed; only the alias is new.
        return None


class _AliasFinder(importlib.abc.MetaPathFinder):
    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: Any = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname != _ALIAS and not fullname.startswith(_ALIAS + "."):
            return None
        real = _RENAMES.get(fullname, _TARGET + fullname[len(_ALIAS) :])
        try:
            importlib.import_module(real)
        except ImportError:
            return None
        return importlib.machinery.ModuleSpec(fullname, _AliasLoader(real), is_package=True)


def _alias_module(cls: type) -> None:
    if cls.__module__.startswith(_TARGET + "."):
        cls.__module__ = _ALIAS + cls.__module__[len(_TARGET) :]


def alias_type_modules() -> None:
    """SQL types report SQLAlchemy's module path (``sqlalchemy.sql.sqltypes``), as tools that write
    Python source for a type (Alembic's autogenerate) read ``type(t).__module__`` to import it."""
    from .sql import sqltypes

    sqltypes._alias_module = _alias_module
    todo = [sqltypes.TypeEngine]
    while todo:
        cls = todo.pop()
        _alias_module(cls)
        todo.extend(cls.__subclasses__())


def install_as_sqlalchemy() -> None:
    """Idempotent. Imports already made of the real SQLAlchemy are replaced."""
    for name in [n for n in sys.modules if n == _ALIAS or n.startswith(_ALIAS + ".")]:
        mod = sys.modules[name]
        if not getattr(mod, "__name__", "").startswith(_TARGET):
            del sys.modules[name]
    if not any(isinstance(f, _AliasFinder) for f in sys.meta_path):
        sys.meta_path.insert(0, _AliasFinder())
    sys.modules[_ALIAS] = importlib.import_module(_TARGET)
    alias_type_modules()
