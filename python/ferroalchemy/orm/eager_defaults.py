"""``eager_defaults=True`` where the database returns no rows from INSERT/UPDATE (MySQL): after the
statement, one SELECT per object reads back what the database generated, as SQLAlchemy's
post-fetch does. Elsewhere the Rust flush reads them with RETURNING."""

from __future__ import annotations

from typing import Any

from ..sql.elements import BindParameter, ClauseElement
from ..sql.selectable import select

# Dialects whose flush statements return no rows.
_NO_RETURNING = frozenset({"mysql", "mariadb"})


def needs_post_fetch(mapper: Any, dialect: Any) -> bool:
    return mapper.eager_defaults is True and dialect.name in _NO_RETURNING


def _is_sql(default: Any) -> bool:
    return default is not None and isinstance(getattr(default, "arg", None), ClauseElement)


def _generated_props(mapper: Any) -> list[Any]:
    """The non-key column attributes the database may set: server defaults, identities,
    SQL-expression defaults and onupdates, ``server_onupdate``."""
    props: list[Any] | None = mapper.__dict__.get("_generated_props_cache")
    if props is None:
        props = mapper._generated_props_cache = [
            p
            for p in mapper._table_props
            if not p.column.primary_key
            and (
                p.column.server_default is not None
                or p.column.identity is not None
                or p.column.server_onupdate is not None
                or _is_sql(p.column.default)
                or _is_sql(p.column.onupdate)
            )
        ]
    return props


def _select_for(mapper: Any, props: list[Any]) -> Any:
    cache: dict[tuple[str, ...], Any] = mapper.__dict__.setdefault("_post_fetch_selects", {})
    key = tuple(p.key for p in props)
    stmt = cache.get(key)
    if stmt is None:
        crit = [c == BindParameter(f"pk_{i}", None, c.type) for i, c in enumerate(mapper.primary_key, 1)]
        stmt = cache[key] = select(*[p.column for p in props]).where(*crit)
    return stmt


def post_fetch(connection: Any, mapper: Any, states: list[Any]) -> None:
    """Loads the generated attributes the flush left unloaded on each of `states`."""
    props = _generated_props(mapper)
    if not props:
        return
    for state in states:
        obj = state.obj()
        if obj is None or state.identity is None:
            continue
        d = obj.__dict__
        missing = [p for p in props if p.key not in d]
        if not missing:
            continue
        params = {f"pk_{i}": v for i, v in enumerate(state.identity, 1)}
        row = connection.execute(_select_for(mapper, missing), params).one()
        for p, value in zip(missing, row, strict=True):
            d[p.key] = value
        if all(p.key in d for p in mapper._table_props if not p.deferred):
            state.expired = False
