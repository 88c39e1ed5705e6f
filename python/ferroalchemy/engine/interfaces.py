"""Objects engine events receive: ``ExceptionContext`` (the ``handle_error`` event's argument) and
the ``context`` cursor events are given, as ``sqlalchemy.engine.interfaces`` names them."""

from __future__ import annotations

from typing import Any


class ExecutionContext:
    """What cursor events and ``ExceptionContext.execution_context`` hold: the statement as sent to
    the driver and its parameters (a tuple, or a list of tuples for executemany)."""

    def __init__(self, statement: str, parameters: Any, executemany: bool) -> None:
        self.statement = statement
        self.parameters = parameters
        self.executemany = executemany


class ExceptionContext:
    """An error in progress, handed to each ``handle_error`` listener. A listener may set
    ``is_disconnect`` / ``invalidate_pool_on_disconnect``, return an exception to raise in place of
    the original (the next listener sees it as ``chained_exception``), or raise one itself."""

    def __init__(
        self,
        original_exception: BaseException,
        sqlalchemy_exception: Any,
        engine: Any,
        connection: Any,
        statement: str | None,
        parameters: Any,
        execution_context: ExecutionContext | None,
        is_disconnect: bool,
        invalidate_pool_on_disconnect: bool = True,
        is_pre_ping: bool = False,
    ) -> None:
        self.original_exception = original_exception
        self.sqlalchemy_exception = sqlalchemy_exception
        self.engine = engine
        self.dialect = engine.dialect
        self.connection = connection
        self.cursor: Any = None
        self.statement = statement
        self.parameters = parameters
        self.execution_context = execution_context
        self.is_disconnect = is_disconnect
        self.invalidate_pool_on_disconnect = invalidate_pool_on_disconnect
        self.is_pre_ping = is_pre_ping
        self.chained_exception: BaseException | None = None


__all__ = ["ExceptionContext", "ExecutionContext"]
