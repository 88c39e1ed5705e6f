"""``inspect()``: mappers for classes, states for instances, an Inspector for engines (not yet)."""

from __future__ import annotations

from typing import Any

from . import exc


def inspect(subject: Any, raiseerr: bool = True) -> Any:
    insp = getattr(subject, "__ferro_inspect__", None)
    if insp is not None:
        return insp()
    state = getattr(subject, "__dict__", {}).get("_sa_instance_state") if not isinstance(subject, type) else None
    if state is not None:
        from .orm.state import InstanceStateView

        return InstanceStateView(state)
    mapper = getattr(subject, "__mapper__", None)
    if mapper is not None and isinstance(subject, type):
        return mapper
    from .engine.base import Connection, Engine

    if isinstance(subject, (Engine, Connection)):
        from .engine.reflection import Inspector

        return Inspector(subject)
    if not raiseerr:
        return None
    raise exc.NoInspectionAvailable(f"No inspection system is available for object of type {type(subject)}")
