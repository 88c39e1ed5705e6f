"""``scoped_session``: one Session per scope (the current thread by default), proxied."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from .. import exc


class scoped_session:  # noqa: N801 - SQLAlchemy's name
    def __init__(self, session_factory: Callable[..., Any], scopefunc: Callable[[], Any] | None = None) -> None:
        self.session_factory = session_factory
        self._scopefunc = scopefunc
        self._local = threading.local()
        self._by_scope: dict[Any, Any] = {}

    def __call__(self, **kw: Any) -> Any:
        existing = self._get()
        if existing is not None:
            if kw:
                raise exc.InvalidRequestError("Scoped session is already present; no new arguments may be specified.")
            return existing
        session = self.session_factory(**kw)
        self._set(session)
        return session

    def _get(self) -> Any:
        if self._scopefunc is not None:
            return self._by_scope.get(self._scopefunc())
        return getattr(self._local, "session", None)

    def _set(self, session: Any) -> None:
        if self._scopefunc is not None:
            self._by_scope[self._scopefunc()] = session
        else:
            self._local.session = session

    def has(self) -> bool:
        return self._get() is not None

    def remove(self) -> None:
        session = self._get()
        if session is not None:
            session.close()
        if self._scopefunc is not None:
            self._by_scope.pop(self._scopefunc(), None)
        else:
            self._local.session = None

    def configure(self, **kw: Any) -> None:
        if self.has():
            raise exc.InvalidRequestError("Scoped session is already present; configure() would not apply")
        self.session_factory.configure(**kw)  # type: ignore[attr-defined]

    @property
    def registry(self) -> Any:
        return self

    def __getattr__(self, name: str) -> Any:
        # Everything else is the current session's (query, add, commit, execute, ...).
        return getattr(self(), name)

    def __contains__(self, obj: Any) -> bool:
        return obj in self()

    def __iter__(self) -> Any:
        return iter(self())
