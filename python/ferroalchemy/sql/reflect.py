"""Table objects built from the database: ``Table(name, metadata, autoload_with=bind)`` and
``MetaData.reflect(bind)``, from what the Inspector returns (SQLAlchemy's Inspector.reflect_table)."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Collection
from typing import TYPE_CHECKING, Any

from .. import exc
from .elements import text

if TYPE_CHECKING:
    from .schema import MetaData


def _inspector(bind: Any) -> Any:
    from ..engine.reflection import Inspector

    return Inspector(bind)


def reflected_items(
    source: Any,
    name: str,
    schema: str | None,
    args: tuple[Any, ...],
    include_columns: Collection[str] | None,
    table: Any = None,
) -> tuple[list[Any], list[tuple[str | None, str]]]:
    """The Table() arguments reflection gives table `name` (the user's Column arguments replace the
    reflected columns of the same name, in place), and the (schema, table) pairs its foreign keys
    refer to. `source` is a bind, or an Inspector (or what answers as one); `table`, when it exists
    already, gets its ``column_reflect`` events with each column's reflected dict."""
    from .. import event
    from .schema import (
        CheckConstraint,
        Column,
        DefaultClause,
        ForeignKeyConstraint,
        Index,
        PrimaryKeyConstraint,
        UniqueConstraint,
    )

    insp = source if hasattr(source, "get_columns") else _inspector(source)
    if not insp.has_table(name, schema):
        raise exc.NoSuchTableError(f"{schema}.{name}" if schema else name)
    overrides = {a.name: a for a in args if isinstance(a, Column)}

    def wanted(cols: Collection[str | None]) -> bool:
        return not include_columns or set(cols) <= set(include_columns)

    columns: list[Any] = []
    listeners = (
        event.listeners_for((table, table.metadata, type(table), type(table.metadata)), "column_reflect")
        if table is not None
        else []
    )
    for col_d in insp.get_columns(name, schema):
        for fn in listeners:
            fn(getattr(insp, "_insp", insp), table, col_d)
        cname = col_d["name"]
        if cname in overrides:
            columns.append(overrides.pop(cname))
            continue
        if not wanted([cname]):
            continue
        kw = {k: col_d[k] for k in ("nullable", "autoincrement", "comment", "key") if k in col_d}
        if col_d.get("default") is not None:
            kw["server_default"] = DefaultClause(text(col_d["default"]))
        columns.append(Column(cname, col_d["type"], **kw))
    names = {c.name for c in columns}
    # Columns the user added that the database does not have go after the reflected ones.
    items: list[Any] = [*columns, *overrides.values()]
    items += [a for a in args if not isinstance(a, Column)]

    pk = insp.get_pk_constraint(name, schema)
    pk_cols = [c for c in pk.get("constrained_columns") or [] if c in names]
    if pk_cols and not any(isinstance(a, PrimaryKeyConstraint) for a in args):
        items.append(PrimaryKeyConstraint(*pk_cols, name=pk.get("name")))

    referred: list[tuple[str | None, str]] = []
    user_fk_cols = {c.name for c in columns if c._fk_list}
    for fk in insp.get_foreign_keys(name, schema):
        local = fk["constrained_columns"]
        if not set(local) <= names or not wanted(local) or set(local) & user_fk_cols:
            continue
        ref_schema, ref_table = fk["referred_schema"], fk["referred_table"]
        prefix = f"{ref_schema}.{ref_table}" if ref_schema else ref_table
        options = {k: v for k, v in fk.get("options", {}).items() if k in ("ondelete", "onupdate")}
        items.append(
            ForeignKeyConstraint(local, [f"{prefix}.{c}" for c in fk["referred_columns"]], name=fk["name"], **options)
        )
        referred.append((ref_schema, ref_table))

    for ix in insp.get_indexes(name, schema):
        cols = ix["column_names"]
        if ix.get("duplicates_constraint") or not wanted(cols):
            continue
        if None in cols or not set(cols) <= names:
            warnings.warn(
                f"ferroalchemy: skipping reflection of expression index {ix['name']!r} on table {name!r}",
                exc.SAWarning,
                stacklevel=3,
            )
            continue
        items.append(Index(ix["name"], *cols, unique=bool(ix["unique"])))

    for uc in insp.get_unique_constraints(name, schema):
        cols = uc["column_names"]
        if uc.get("duplicates_index") or not wanted(cols) or not set(cols) <= names:
            continue
        items.append(UniqueConstraint(*cols, name=uc["name"]))

    for ck in insp.get_check_constraints(name, schema):
        if not include_columns:
            items.append(CheckConstraint(ck["sqltext"], name=ck["name"]))
    return items, referred


def autoload_referred(metadata: MetaData, bind: Any, referred: list[tuple[str | None, str]]) -> None:
    """Reflects the tables a reflected table's foreign keys point at, as SQLAlchemy does."""
    from .schema import Table

    for ref_schema, ref_table in referred:
        key = f"{ref_schema}.{ref_table}" if ref_schema else ref_table
        if key not in metadata.tables:
            Table(ref_table, metadata, schema=ref_schema, autoload_with=bind)


def reflect_metadata(
    metadata: MetaData,
    bind: Any,
    schema: str | None = None,
    views: bool = False,
    only: Collection[str] | Callable[[str, MetaData], bool] | None = None,
    extend_existing: bool = False,
    resolve_fks: bool = True,
) -> None:
    from .schema import Table

    if schema is None:
        schema = metadata.schema
    insp = _inspector(bind)
    available = list(insp.get_table_names(schema))
    if views:
        available += insp.get_view_names(schema)

    def key(name: str) -> str:
        return f"{schema}.{name}" if schema else name

    current = set(metadata.tables)
    if only is None:
        load = [n for n in available if extend_existing or key(n) not in current]
    elif callable(only):
        load = [n for n in available if (extend_existing or key(n) not in current) and only(n, metadata)]
    else:
        missing = [n for n in only if n not in available]
        if missing:
            where = f" schema '{schema}'" if schema else ""
            raise exc.InvalidRequestError(
                f"Could not reflect: requested table(s) not available in {getattr(bind, 'engine', bind)!r}{where}: ({', '.join(missing)})"
            )
        load = [n for n in only if extend_existing or key(n) not in current]
    for name in load:
        if key(name) in metadata.tables and (not extend_existing or key(name) not in current):
            continue  # reflected already, as the target of an earlier table's foreign key
        Table(name, metadata, schema=schema, autoload_with=bind, resolve_fks=resolve_fks, extend_existing=True)
