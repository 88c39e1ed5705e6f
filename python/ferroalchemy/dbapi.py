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
