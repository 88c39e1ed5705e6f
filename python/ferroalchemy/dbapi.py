"""PEP 249 exception classes for ferroalchemy's own drivers: what ``DBAPIError.orig`` holds.

Attributes drivers usually expose are present: ``sqlite_errorcode``/``sqlite_errorname`` (as
Python's sqlite3 module) and ``pgcode``/``sqlstate`` (as psycopg).
"""

from __future__ import annotations

paramstyle = "qmark"
apilevel = "2.0"
threadsafety = 1


class Warning(Exception):  # noqa: A001 - PEP 249 name
    pass


class Error(Exception):
    sqlite_errorcode: int | None = None
    sqlite_errorname: str | None = None
    pgcode: str | None = None
    sqlstate: str | None = None


class InterfaceError(Error):
    pass


class DatabaseError(Error):
    pass


class DataError(DatabaseError):
    pass


class OperationalError(DatabaseError):
    pass


class IntegrityError(DatabaseError):
    pass


class InternalError(DatabaseError):
    pass


class ProgrammingError(DatabaseError):
    pass


class NotSupportedError(DatabaseError):
    pass


class Cursor:
    """A PEP 249 cursor over a ferroalchemy connection (what pool event listeners receive)."""

    arraysize = 1

    def __init__(self, core: object) -> None:
        self._core = core
        self._rows: list[tuple[object, ...]] = []
        self.description: list[tuple[object, ...]] | None = None
        self.rowcount = -1
        self.lastrowid: int | None = None

    def execute(self, operation: str, parameters: object = ()) -> Cursor:
        result = self._core.exec_driver_sql(operation, tuple(parameters) if parameters else None)  # type: ignore[attr-defined]
        self.rowcount = result.rowcount
        self.lastrowid = result.lastrowid
        if result.returns_rows:
            self._rows = [tuple(r) for r in result.fetch_tuples()]
            self.description = [(k, None, None, None, None, None, None) for k in result.keys()]
        else:
            self._rows, self.description = [], None
        return self

    def executemany(self, operation: str, seq_of_parameters: object) -> None:
        for params in seq_of_parameters:  # type: ignore[attr-defined]
            self.execute(operation, params)

    def fetchone(self) -> tuple[object, ...] | None:
        return self._rows.pop(0) if self._rows else None

    def fetchmany(self, size: int | None = None) -> list[tuple[object, ...]]:
        n = size or self.arraysize
        out, self._rows = self._rows[:n], self._rows[n:]
        return out

    def fetchall(self) -> list[tuple[object, ...]]:
        out, self._rows = self._rows, []
        return out

    def close(self) -> None:
        self._rows = []


class Connection:
    """A PEP 249 connection facade over one pooled ferroalchemy connection."""

    def __init__(self, core: object) -> None:
        self._core = core

    def cursor(self) -> Cursor:
        return Cursor(self._core)

    def commit(self) -> None:
        self._core.commit()  # type: ignore[attr-defined]

    def rollback(self) -> None:
        self._core.rollback()  # type: ignore[attr-defined]

    def close(self) -> None:
        """The pool owns the connection; closing the facade leaves it open."""
