"""Every Core statement the differential sql tests build, the same way, with SQLAlchemy and with ferroalchemy:
the base cases plus one module of cases per area."""

from __future__ import annotations

from . import cases_expressions, cases_statements, cases_types, statements_base
from .statements_base import Build

_AREAS = (statements_base, cases_expressions, cases_statements, cases_types)


def _merged(attr: str) -> dict[str, Build]:
    out: dict[str, Build] = {}
    for area in _AREAS:
        for name, build in getattr(area, attr).items():
            assert name not in out, f"two cases are named {name!r}"
            out[name] = build
    return out


SELECTS = _merged("SELECTS")
DML = _merged("DML")
ALL = {**SELECTS, **DML}

__all__ = ["ALL", "DML", "SELECTS", "Build"]
