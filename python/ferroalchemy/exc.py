"""Exceptions, with the names and hierarchy of ``sqlalchemy.exc``."""

from __future__ import annotations

from typing import Any

from . import dbapi

_VERSION_TOKEN = "21"


class HasDescriptionCode:
    """Adds SQLAlchemy's error code and its documentation link to the message."""

    code: str | None = None

    def __init__(self, *arg: Any, **kw: Any) -> None:
        code = kw.pop("code", None)
        if code is not None:
            self.code = code
        super().__init__(*arg, **kw)

    def _code_str(self) -> str:
        if not self.code:
            return ""
        return f"(Background on this error at: https://sqlalche.me/e/{_VERSION_TOKEN}/{self.code})"

    def __str__(self) -> str:
        message = super().__str__()
        if self.code:
            message = f"{message} {self._code_str()}"
        return message


class SQLAlchemyError(HasDescriptionCode, Exception):
    """Generic error class."""

    def _message(self) -> str:
        text = self.args[0] if len(self.args) == 1 else (str(self.args) if self.args else "")
        return str(text)

    def _sql_message(self) -> str:
        message = self._message()
        if self.code:
            message = f"{message} {self._code_str()}"
        return message

    def __str__(self) -> str:
        return self._sql_message()


class ArgumentError(SQLAlchemyError):
    pass


class DuplicateColumnError(ArgumentError):
    pass


class ObjectNotExecutableError(ArgumentError):
    def __init__(self, target: Any) -> None:
        super().__init__(f"Not an executable object: {target!r}")
        self.target = target

    def __reduce__(self) -> Any:
        return self.__class__, (self.target,)


class NoSuchModuleError(ArgumentError):
    pass


class NoForeignKeysError(ArgumentError):
    pass


class AmbiguousForeignKeysError(ArgumentError):
    pass


class ConstraintColumnNotFoundError(ArgumentError):
    pass


class CircularDependencyError(SQLAlchemyError):
    def __init__(self, message: str, cycles: Any = None, edges: Any = None, msg: Any = None, code: Any = None) -> None:
        super().__init__(message if msg is None else msg, code=code)
        self.cycles = cycles
        self.edges = edges


class CompileError(SQLAlchemyError):
    pass


class UnsupportedCompilationError(CompileError):
    code = "l7de"


class IdentifierError(SQLAlchemyError):
    pass


class DisconnectionError(SQLAlchemyError):
    invalidate_pool = False


class InvalidatePoolError(DisconnectionError):
    invalidate_pool = True


class TimeoutError(SQLAlchemyError):  # noqa: A001 - SQLAlchemy's name
    pass


class InvalidRequestError(SQLAlchemyError):
    pass


class IllegalStateChangeError(InvalidRequestError):
    pass


class NoInspectionAvailable(InvalidRequestError):
    pass


class PendingRollbackError(InvalidRequestError):
    pass


class ResourceClosedError(InvalidRequestError):
    pass


class NoSuchColumnError(InvalidRequestError, KeyError):
    pass


class NoResultFound(InvalidRequestError):
    pass


class MultipleResultsFound(InvalidRequestError):
    pass


class NoReferenceError(InvalidRequestError):
    pass


class AwaitRequired(InvalidRequestError):
    code = "xd1r"


class MissingGreenlet(InvalidRequestError):
    code = "xd2s"


class NoReferencedTableError(NoReferenceError):
    def __init__(self, message: str, tname: str) -> None:
        super().__init__(message)
        self.table_name = tname


class NoReferencedColumnError(NoReferenceError):
    def __init__(self, message: str, tname: str, cname: str) -> None:
        super().__init__(message)
        self.table_name = tname
        self.column_name = cname


class NoSuchTableError(InvalidRequestError):
    pass


class UnreflectableTableError(InvalidRequestError):
    pass


class UnboundExecutionError(InvalidRequestError):
    pass


class DontWrapMixin:
    pass


class StatementError(SQLAlchemyError):
    """An error during execution of a statement, carrying the statement and its parameters."""

    statement: str | None = None
    params: Any = None
    orig: BaseException | None = None
    ismulti: bool | None = None
    connection_invalidated: bool = False

    def __init__(
        self,
        message: str,
        statement: str | None,
        params: Any,
        orig: BaseException | None,
        hide_parameters: bool = False,
        code: str | None = None,
        ismulti: bool | None = None,
    ) -> None:
        super().__init__(message, code=code)
        self.statement = statement
        self.params = params
        self.orig = orig
        self.ismulti = ismulti
        self.hide_parameters = hide_parameters
        self.detail: list[str] = []

    def add_detail(self, msg: str) -> None:
        self.detail.append(msg)

    def __reduce__(self) -> Any:
        return (self.__class__, (self.args[0], self.statement, self.params, self.orig))

    def _sql_message(self) -> str:
        details = [self._message()]
        if self.statement:
            details.append(f"[SQL: {self.statement}]")
            if self.params:
                if self.hide_parameters:
                    details.append("[SQL parameters hidden due to hide_parameters=True]")
                else:
                    from .sql.util import _repr_params

                    details.append(f"[parameters: {_repr_params(self.params, 10, ismulti=self.ismulti)!r}]")
        if self.code:
            details.append(self._code_str())
        return "\n".join([f"({det})" for det in self.detail] + details)


class DBAPIError(StatementError):
    """Wraps an exception raised by the database driver; ``.orig`` is the driver's exception."""

    code = "dbapi"

    def __init__(
        self,
        statement: str | None,
        params: Any,
        orig: BaseException,
        hide_parameters: bool = False,
        connection_invalidated: bool = False,
        code: str | None = None,
        ismulti: bool | None = None,
    ) -> None:
        try:
            text = str(orig)
        except Exception as e:  # pragma: no cover - str() of a driver error failing
            text = f"Error in str() of DB-API-generated exception: {e}"
        name = f"{type(orig).__module__}.{type(orig).__name__}"
        super().__init__(f"({name}) {text}", statement, params, orig, hide_parameters, code=code, ismulti=ismulti)
        self.connection_invalidated = connection_invalidated

    def __reduce__(self) -> Any:
        return (self.__class__, (self.statement, self.params, self.orig))


class InterfaceError(DBAPIError):
    code = "rvf5"


class DatabaseError(DBAPIError):
    code = "4xp6"


class DataError(DatabaseError):
    code = "9h9h"


class OperationalError(DatabaseError):
    code = "e3q8"


class IntegrityError(DatabaseError):
    code = "gkpj"


class InternalError(DatabaseError):
    code = "2j85"


class ProgrammingError(DatabaseError):
    code = "f405"


class NotSupportedError(DatabaseError):
    code = "tw8g"


class SATestSuiteWarning(Warning):
    pass


class SADeprecationWarning(DeprecationWarning):
    pass


class Base20DeprecationWarning(SADeprecationWarning):
    pass


class LegacyAPIWarning(Base20DeprecationWarning):
    pass


class MovedIn20Warning(Base20DeprecationWarning):
    pass


class SAPendingDeprecationWarning(PendingDeprecationWarning):
    pass


class SAWarning(HasDescriptionCode, RuntimeWarning):
    pass


_WRAPPERS = {
    "IntegrityError": (IntegrityError, dbapi.IntegrityError),
    "OperationalError": (OperationalError, dbapi.OperationalError),
    "ProgrammingError": (ProgrammingError, dbapi.ProgrammingError),
    "DataError": (DataError, dbapi.DataError),
    "InterfaceError": (InterfaceError, dbapi.InterfaceError),
    "InternalError": (InternalError, dbapi.InternalError),
    "NotSupportedError": (NotSupportedError, dbapi.NotSupportedError),
    "DatabaseError": (DatabaseError, dbapi.DatabaseError),
}


def _wrap_driver_error(
    kind: str,
    message: str,
    statement: str | None,
    params: Any,
    sqlite_errorcode: int | None,
    sqlite_errorname: str | None,
    sqlstate: str | None,
    ismulti: bool | None = None,
    disconnect: bool = False,
) -> DBAPIError:
    """Builds the wrapped error for a driver failure reported by the Rust engine; `params` are the
    driver's (a tuple, or a list of tuples for executemany), as SQLAlchemy keeps them."""
    wrapper, orig_cls = _WRAPPERS.get(kind, (DatabaseError, dbapi.DatabaseError))
    orig = orig_cls(message)
    orig.sqlite_errorcode = sqlite_errorcode
    orig.sqlite_errorname = sqlite_errorname
    orig.pgcode = sqlstate
    orig.sqlstate = sqlstate
    if params is None:
        params = ()
    return wrapper(statement, params, orig, ismulti=ismulti, connection_invalidated=disconnect)


def _processor_error(orig: BaseException, statement: str, params: Any) -> StatementError:
    """What a type's bind processor raised, as SQLAlchemy reports it."""
    return StatementError(
        f"({type(orig).__module__}.{type(orig).__name__}) {orig}",
        statement,
        [params] if isinstance(params, dict) else params,
        orig,
        ismulti=False,
    )


def _missing_bind(name: str, statement: str, params: Any, group: int | None = None) -> StatementError:
    """`group` is the parameter set's index when several were given (executemany)."""
    where = "" if group is None else f", in parameter group {group}"
    return _invalid_request(f"A value is required for bind parameter {name!r}{where}", statement, params, "cd3x")


def _invalid_request(message: str, statement: str, params: Any, code: str | None = None) -> StatementError:
    """An InvalidRequestError about a statement's parameters, wrapped in StatementError as SQLAlchemy raises it."""
    orig = InvalidRequestError(message)
    return StatementError(
        f"({type(orig).__module__}.{type(orig).__name__}) {orig.args[0]}",
        statement,
        [params] if isinstance(params, dict) else params,
        orig,
        code=code,
        ismulti=False,
    )


def __getattr__(name: str) -> type:
    # StaleDataError and FlushError live in orm.exc (as in SQLAlchemy); the Rust core raises them by name.
    if name in ("StaleDataError", "FlushError"):
        from .orm import exc as orm_exc

        return getattr(orm_exc, name)
    raise AttributeError(name)
