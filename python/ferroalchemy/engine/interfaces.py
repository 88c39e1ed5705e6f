"""Objects engine events receive: ``ExceptionContext`` (the ``handle_error`` event's argument) and
the ``context`` cursor events are given, as ``sqlalchemy.engine.interfaces`` names them."""

from __future__ import annotations

from typing import Any

from .. import event, exc


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


def _run_handle_error(
    engine: Any, connection: Any, e: Exception
) -> tuple[ExceptionContext, BaseException | None] | None:
    """Calls the handle_error listeners as SQLAlchemy does: one returning an exception makes it the
    one raised (the next sees it as chained_exception); one raising ends the chain with its own.
    None when nothing listens."""
    fns = event.listeners_for(engine._event_chain(), "handle_error")
    if not fns:
        return None
    if isinstance(e, exc.DBAPIError):
        original: BaseException = e.orig
        sqlalchemy_exception: Any = e
        context = ExecutionContext(e.statement, e.params, bool(e.ismulti)) if e.statement is not None else None
        is_disconnect = bool(e.connection_invalidated)
    else:
        original, sqlalchemy_exception, context, is_disconnect = e, None, None, False
    ctx = ExceptionContext(
        original,
        sqlalchemy_exception,
        engine,
        connection,
        getattr(e, "statement", None),
        # A failed connect has no statement, hence no parameters either.
        getattr(e, "params", None) if getattr(e, "statement", None) is not None else None,
        context,
        is_disconnect,
    )
    newraise: BaseException | None = None
    for fn in fns:
        try:
            per_fn = fn(ctx)
            if per_fn is not None:
                ctx.chained_exception = newraise = per_fn
        except Exception as raised:
            newraise = raised
            break
    if sqlalchemy_exception is not None and ctx.is_disconnect != is_disconnect:
        sqlalchemy_exception.connection_invalidated = ctx.is_disconnect
    return ctx, newraise


__all__ = ["ExceptionContext", "ExecutionContext"]
