"""Awaiting a SELECT on the event loop's thread: compiled, bound and turned into a result here, its
I/O off the loop (``Lane.await_statement``). The sync Connection's own steps run around it, so
the result is the one ``Connection.execute()`` returns."""

from __future__ import annotations

from typing import Any

from ... import _core, event
from ...sql.compound import CompoundSelect
from ...sql.elements import TextClause
from ...sql.selectable import Select
from .offload import Lane


def awaitable(statement: Any, params: Any) -> bool:
    """A statement of one parameter set, that no before/after_execute listener must wrap, whose
    running is one SELECT (or text) statement."""
    return (
        isinstance(statement, (Select, CompoundSelect, TextClause))
        and (params is None or isinstance(params, dict))
        and "before_execute" not in event._identifiers
        and "after_execute" not in event._identifiers
    )


async def await_select(
    lane: Lane,
    conn: Any,
    stmt: Any,
    element: Any,
    params: Any,
    execution_options: Any = None,
    plan: Any = None,
    identity_map: Any = None,
    populate_existing: bool = False,
) -> Any:
    """The CursorResult of `stmt` (the compiled form of `element`) on sync Connection `conn`, or
    None when it must stream (a server cursor is read in place: the caller hands it to a worker)."""
    options, stream = conn._stmt_options(params, element, execution_options)
    if stream is not None:
        return None
    log = conn._log(element)
    try:
        cursor = await lane.await_statement(
            lambda token: _core.execute_submit(
                conn._core, token, stmt, params, plan, identity_map, log, populate_existing
            )
        )
    except Exception as e:
        conn._handle_error(e)
        raise
    return conn._stmt_result(cursor, element, params, plan, options, stream)
