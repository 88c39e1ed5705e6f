"""Derived tables (subqueries, CTEs, LATERAL), compound selects (UNION, INTERSECT, EXCEPT and their
ALL forms) and the EXISTS construct. Re-exported from ``selectable``, where SQLAlchemy defines them."""

from __future__ import annotations

from typing import Any

from .. import _core, exc
from . import sqltypes
from .elements import ClauseElement, ColumnClause, ColumnElement, Label, UnaryExpression
from .selectable import (
    ColumnCollection,
    Executable,
    FromClause,
    ScalarSelect,
    Select,
    _coerce_order,
    _DerivedFrom,
    _limit_value,
)


class _ProxiedForeignKey:
    """A table column's foreign key as a subquery's column carries it, for joins by foreign key."""

    __slots__ = ("column", "parent")

    def __init__(self, column: Any, parent: Any) -> None:
        self.column = column
        self.parent = parent


class Subquery(FromClause):
    """``select(...).subquery()``: a SELECT in FROM, with columns named by its columns clause."""

    _from_fn = "from_subquery"

    recursive = False

    def __init__(self, element: Any, name: str | None) -> None:
        self.element = element
        self.name = name
        self._ref = _core.TableRef.derived(name)
        self.c = ColumnCollection()
        self._fks: list[_ProxiedForeignKey] = []
        inner: list[Any] = []
        counters: dict[str, int] = {}
        for col in element._expanded_columns():
            is_column = isinstance(col, ColumnElement) and hasattr(col, "table") and bool(col.name)
            key = col.name if isinstance(col, Label) else (col.key if is_column else None)
            if not isinstance(col, Label) and not is_column:
                # Unnamed expressions get a label both sides agree on (SQLAlchemy's count_1).
                base = getattr(col, "_result_name", None) or "anon"
                counters[base] = counters.get(base, 0) + 1
                label_name = f"{base}_{counters[base]}"
                key = base if base != "anon" else label_name
                col = Label(label_name, col)
            sql_name = col.name
            inner.append(col)
            self.c._set(key, ColumnClause(sql_name, col.type, False, self))
            self.c._data[key].key = key
            self._fks.extend(_ProxiedForeignKey(fk.column, self.c._data[key]) for fk in getattr(col, "_fk_list", ()))
        self._inner_select = element.with_only_columns(*inner) if inner else element

    def _foreign_keys(self) -> list[Any]:
        return self._fks

    def _from_item(self) -> Any:
        return self._aliased_from_item(self._ref)

    def _aliased_from_item(self, ref: Any) -> Any:
        return getattr(_core, self._from_fn)(self._inner_select._stmt(), ref)

    def select(self) -> Select:
        return Select(self)

    @property
    def description(self) -> str:
        return self.name or "anon"


class CTE(Subquery):
    """``select(...).cte("name")``: rendered in the statement's WITH clause. A recursive CTE grows
    with ``union_all()`` / ``union()`` of SELECTs that refer to its own columns."""

    def __init__(self, element: Any, name: str | None, recursive: bool = False) -> None:
        super().__init__(element, name)
        self.recursive = recursive

    def _aliased_from_item(self, ref: Any) -> Any:
        return _core.from_cte(self._inner_select._stmt(), ref, self.recursive)

    def _restated(self, op: str, others: tuple[Any, ...]) -> CTE:
        """The same CTE (name, columns' identity) defined as `self op others`."""

        new = CTE.__new__(CTE)
        new.__dict__.update(self.__dict__)
        new.element = CompoundSelect(op, self.element, *others)
        new._inner_select = CompoundSelect(op, self._inner_select, *others)
        # Fresh column objects: selecting them must name the new definition, while the members'
        # references to the old columns stay a reference to the CTE itself.
        new.c = ColumnCollection()
        for key, col in self.c.items():
            clause = ColumnClause(col.name, col.type, False, new)
            clause.key = key
            new.c._set(key, clause)
        return new

    def union(self, *other: Any) -> CTE:
        return self._restated("union", other)

    def union_all(self, *other: Any) -> CTE:
        return self._restated("union_all", other)


_KEYWORDS = {
    "union": "UNION",
    "union_all": "UNION ALL",
    "intersect": "INTERSECT",
    "intersect_all": "INTERSECT ALL",
    "except": "EXCEPT",
    "except_all": "EXCEPT ALL",
}


def _coerce_member(s: Any) -> Select | CompoundSelect:
    if isinstance(s, (Select, CompoundSelect)):
        return s
    raise exc.ArgumentError(f"SELECT construct for inclusion in a UNION or other set construct expected, got {s!r}.")


class CompoundSelect(_DerivedFrom, Executable, ClauseElement):
    """``union(s1, s2, ...)`` and its kin: the members' rows combined, with an ORDER BY / LIMIT /
    OFFSET of its own. Its columns are the first member's."""

    _is_select = True

    def __init__(self, op: str, *selects: Any) -> None:
        self._op = op
        self.keyword = _KEYWORDS[op]
        self.selects: tuple[Select | CompoundSelect, ...] = tuple(_coerce_member(s) for s in selects)
        if not self.selects:
            raise exc.ArgumentError(f"{self.keyword} requires at least one SELECT")
        width = len(self.selects[0]._expanded_columns())
        for n, s in enumerate(self.selects[1:], start=2):
            if len(s._expanded_columns()) != width:
                raise exc.ArgumentError(
                    "All selectables passed to CompoundSelect must have identical numbers of columns; "
                    f"select #1 has {width} columns, select #{n} has {len(s._expanded_columns())}"
                )
        self._order_by: tuple[ColumnElement, ...] = ()
        self._limit: Any = None
        self._offset: Any = None
        self._for_update: Any = None
        self._execution_options = {}
        self._stmt_cache: Any = None

    # -- generative API -----------------------------------------------------------------
    def order_by(self, *clauses: Any) -> CompoundSelect:
        new = self._generate()
        if len(clauses) == 1 and clauses[0] is None:
            new._order_by = ()
        else:
            new._order_by = self._order_by + tuple(_coerce_order(c) for c in clauses)
        return new

    def with_for_update(self, **kw: Any) -> CompoundSelect:
        # Accepted and not rendered: SQLAlchemy's compiler has no FOR UPDATE for a compound.
        new = self._generate()
        new._for_update = kw
        return new

    def label(self, name: str | None) -> Label:
        return self.scalar_subquery().label(name)

    # -- introspection ------------------------------------------------------------------
    @property
    def selected_columns(self) -> ColumnCollection:
        return self.selects[0].selected_columns

    def _expanded_columns(self) -> list[ColumnElement]:
        return self.selects[0]._expanded_columns()

    def with_only_columns(self, *cols: Any) -> CompoundSelect:
        """The compound with its first member naming its columns `cols` (how a subquery labels it)."""
        new = self._generate()
        new.selects = (self.selects[0].with_only_columns(*cols), *self.selects[1:])
        return new

    # -- compilation --------------------------------------------------------------------
    def _stmt(self) -> Any:
        if self._stmt_cache is None:
            limit = _limit_value(self._limit)
            offset = _limit_value(self._offset)
            self._stmt_cache = _core.compound(
                self._op,
                [s._stmt() for s in self.selects],
                [c._expr() for c in self._order_by],
                limit._expr() if limit is not None else None,
                offset._expr() if offset is not None else None,
            )
        return self._stmt_cache

    def _execute_on_connection(self, connection: Any, params: Any, execution_options: Any) -> Any:
        return connection._execute_stmt(self._stmt(), params, self, execution_options=execution_options)

    def __repr__(self) -> str:
        return f"<sqlalchemy.sql.selectable.CompoundSelect object at {hex(id(self))}>"


def union(*selects: Any) -> CompoundSelect:
    return CompoundSelect("union", *selects)


def union_all(*selects: Any) -> CompoundSelect:
    return CompoundSelect("union_all", *selects)


def intersect(*selects: Any) -> CompoundSelect:
    return CompoundSelect("intersect", *selects)


def intersect_all(*selects: Any) -> CompoundSelect:
    return CompoundSelect("intersect_all", *selects)


def except_(*selects: Any) -> CompoundSelect:
    return CompoundSelect("except", *selects)


def except_all(*selects: Any) -> CompoundSelect:
    return CompoundSelect("except_all", *selects)


class Lateral(Subquery):
    """``select(...).lateral()``: a subquery in FROM that may refer to the FROM items before it."""

    _from_fn = "from_lateral"


def lateral(selectable: Any, name: str | None = None) -> Lateral:
    if not isinstance(selectable, (Select, CompoundSelect)):
        raise exc.ArgumentError(f"SELECT construct expected for lateral(), got {selectable!r}.")
    return Lateral(selectable, name)


class Exists(UnaryExpression):
    """``EXISTS (SELECT ...)``: from ``exists()``, ``exists(select)``, ``exists(col, ...)`` or
    ``select.exists()``; ``where()``, ``select_from()`` and correlation refine the inner SELECT."""

    __slots__ = ("_select",)

    def __init__(self, select: Select | CompoundSelect) -> None:
        self._select = select
        self.modifier = "exists"
        self.element = None
        self.type = sqltypes.Boolean()
        self._inner = None

    def _regenerate(self, fn: str, *args: Any) -> Exists:
        if not isinstance(self._select, Select):
            raise exc.InvalidRequestError(f"Exists.{fn}() needs a plain SELECT inside, not a compound")
        return Exists(getattr(self._select, fn)(*args))

    def where(self, *criteria: Any) -> Exists:
        return self._regenerate("where", *criteria)

    def select_from(self, *froms: Any) -> Exists:
        return self._regenerate("select_from", *froms)

    def correlate(self, *froms: Any) -> Exists:
        return self._regenerate("correlate", *froms)

    def correlate_except(self, *froms: Any) -> Exists:
        return self._regenerate("correlate_except", *froms)

    def select(self) -> Select:
        return Select(self)

    def _expr(self) -> Any:
        if self._inner is None:
            self._inner = _core.unary("exists", ScalarSelect(self._select)._expr())  # type: ignore[arg-type]
        return self._inner


def exists(*args: Any) -> Exists:
    """``exists()`` (then ``.where()``: ``EXISTS (SELECT * ...)``), ``exists(select)`` or
    ``exists(col, ...)``."""
    if not args:
        return Exists(Select(_Star()))
    if len(args) == 1 and isinstance(args[0], (Select, CompoundSelect)):
        return Exists(args[0])
    return Exists(Select(*args))


class _Star(ColumnElement):
    __slots__ = ()

    def __init__(self) -> None:
        self._inner = _core.star()
        self.type = sqltypes.NULLTYPE


__all__ = [
    "CompoundSelect",
    "Exists",
    "Lateral",
    "except_",
    "except_all",
    "exists",
    "intersect",
    "intersect_all",
    "lateral",
    "union",
    "union_all",
]
