"""``sqlalchemy.ext.asyncio.exc``: the asyncio API's own errors."""

from __future__ import annotations

from typing import Any

from ...exc import InvalidRequestError


class AsyncMethodRequired(InvalidRequestError):
    """A sync-style call was given what only an async method can serve (a server-side cursor)."""


def refuse_streamed(result: Any, owner: str) -> None:
    """``execute()`` of a statement that streams (``yield_per``, ``stream_results``): its rows would
    be fetched later, outside any awaited call, so SQLAlchemy refuses it and points to stream()."""
    if getattr(getattr(result, "_cursor", None), "streaming", False):
        result.close()
        raise AsyncMethodRequired(
            f"Can't use the {owner}.execute() method with a server-side cursor. "
            f"Use the {owner}.stream() method for an async streaming result set."
        )
