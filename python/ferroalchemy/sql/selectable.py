"""FROM clauses (tables, joins, subqueries) and the SELECT statement."""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

from .. import _core, exc
from . import sqltypes
from .elements import (
    BinaryExpression,
    ClauseElement,
    ColumnClause,
    ColumnElement,
    Label,
    TextClause,
    UnaryExpression,
    _coerce,
    _coerce_where,
    _unwrap,
    _ValueComparison,
    and_,
    false,
    literal_column,
    null,
    true,
)


class ColumnCollection:
    """``table.c``: columns by key, attribute and index access, iteration in order."""

    def __init__(self, columns: Iterable[Any] = ()) -> None:
        self._data: dict[str, Any] = {}
        for c in columns:
            self._set(c.key, c)

    def _add(self, col: Any) -> None:
        self._set(col.key, col)

    def _set(self, key: str, col: Any) -> None:
        self._data[key] = col
        # `table.c.name` is a plain instance attribute where that shadows nothing (the hot path of
        # every `users.c.id == x`); other names still resolve through __getattr__.
        if key.isidentifier() and not key.startswith("_") and not hasattr(ColumnCollection, key):
            self.__dict__[key] = col

    def __getattr__(self, key: str) -> Any:
        data = self.__dict__.get("_data")
        if data is not None and key in data:
            return data[key]
        raise AttributeError(key)

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, int):
            return list(self._data.values())[key]
        if isinstance(key, tuple):
            return ColumnCollection(self._data[k] for k in key)
        try:
            return self._data[key]
        except KeyError:
            raise KeyError(key) from None

    def __contains__(self, key: Any) -> bool:
        if isinstance(key, str):
            return key in self._data
        return any(c is key for c in self._data.values())

    def __iter__(self) -> Iterator[Any]:
        return iter(list(self._data.values()))

    def __len__(self) -> int:
        return len(self._data)

    def keys(self) -> list[str]:
        return list(self._data)

    def values(self) -> list[Any]:
        return list(self._data.values())

    def items(self) -> list[tuple[str, Any]]:
        return list(self._data.items())

    def get(self, key: str, default: Any = None) -> Any:
        return self._data.get(key, default)

    def __repr__(self) -> str:
        return f"ReadOnlyColumnCollection({', '.join(str(c) for c in self._data.values())})"


class FromClause(ClauseElement):
    """Something a SELECT can select FROM."""

    is_selectable = True
    _ref: Any = None

    @property
    def columns(self) -> ColumnCollection:
        return self.c

    def _from_item(self) -> Any:
        return _core.from_table(self._ref)

    def _tables(self) -> list[FromClause]:
        return [self]

    def join(self, right: Any, onclause: Any = None, isouter: bool = False, full: bool = False) -> Join:
        return Join(self, _coerce_from(right), onclause, isouter, full)

    def outerjoin(self, right: Any, onclause: Any = None, full: bool = False) -> Join:
        return Join(self, _coerce_from(right), onclause, True, full)

    def select(self) -> Select:
        return Select(self)

    def alias(self, name: str | None = None, flat: bool = False) -> Alias:
        return Alias(self, name)

    def _foreign_keys(self) -> list[Any]:
        return []


class DMLTarget:
    """``insert()``/``update()``/``delete()`` of a table: a Table or a lightweight TableClause."""

    def insert(self) -> Any:
        from .dml import Insert

        return Insert(self)

    def update(self) -> Any:
        from .dml import Update

        return Update(self)

    def delete(self) -> Any:
        from .dml import Delete

        return Delete(self)


class TableClause(DMLTarget, FromClause):
    """The lightweight ``table("name", column("x"), ...)``."""

    def __init__(self, name: str, *columns: Any, schema: str | None = None) -> None:
        self.name = name
        self.schema = schema
        self._ref = _core.TableRef(name, schema)
        self.c = ColumnCollection()
        for col in columns:
            col.table = self
            col._inner = None
            self.c._add(col)

    @property
    def fullname(self) -> str:
        return f"{self.schema}.{self.name}" if self.schema else self.name

    @property
    def primary_key(self) -> ColumnCollection:
        """A lightweight table declares no primary key."""
        return ColumnCollection()

    @property
    def foreign_keys(self) -> set[Any]:
        return set()

    def __str__(self) -> str:
        return self.fullname


def table(name: str, *columns: Any, schema: str | None = None) -> TableClause:
    return TableClause(name, *columns, schema=schema)


class Alias(FromClause):
    """``table.alias("a")``: the same columns, rendered against the alias name."""

    def __init__(self, element: FromClause, name: str | None) -> None:
        self.element = element
        self.name = name or f"{getattr(element, 'name', 'anon')}_1"
        # A table's unnamed alias is anonymous: `<table>_N`, numbered where the statement
        # compiles, so two of them in one statement get different names (as in SQLAlchemy).
        from .schema import Table

        anonymous = name is None and isinstance(element, (Table, TableClause))
        self._ref = element._ref.alias(None if anonymous else self.name)
        self.c = ColumnCollection()
        for col in element.c:
            self.c._add(_AliasedColumn(col, self))

    @property
    def original(self) -> FromClause:
        return self.element

    def _from_item(self) -> Any:
        if isinstance(self.element, Subquery):
            # `c.alias("x")`: the CTE or subquery's definition under another name.
            return self.element._aliased_from_item(self._ref)
        return _core.from_table(self._ref)

    def _foreign_keys(self) -> list[Any]:
        return self.element._foreign_keys()


class _AliasedColumn(ColumnClause):
    __slots__ = ("_orig",)

    def __init__(self, orig: Any, alias: Alias) -> None:
        super().__init__(orig.name, orig.type, False, alias)
        self.key = orig.key
        self._orig = orig


def _join_condition(left: FromClause, right: FromClause) -> ColumnElement:
    """The ON clause implied by foreign keys between two FROM clauses, as SQLAlchemy infers it."""
    pairs = []
    for lt in left._tables():
        for fk in right._foreign_keys():
            target = fk.column
            if target.table is lt or getattr(lt, "element", None) is target.table:
                pairs.append((lt.c[target.key], right.c[fk.parent.key]))
        for fk in lt._foreign_keys():
            target = fk.column
            if target.table is right or getattr(right, "element", None) is target.table:
                pairs.append((right.c[target.key], lt.c[fk.parent.key]))
    if not pairs:
        raise exc.NoForeignKeysError(
            f"Can't find any foreign key relationships between '{_name(left)}' and '{_name(right)}'."
        )
    if len(pairs) > 1 and len({id(p[1]) for p in pairs}) > 1:
        raise exc.AmbiguousForeignKeysError(
            f"Can't determine join between '{_name(left)}' and '{_name(right)}'; tables have more than "
            "one foreign key constraint relationship between them. Please specify the 'onclause' of this "
            "join explicitly."
        )
    return and_(*[a == b for a, b in pairs])


def _name(f: Any) -> str:
    return getattr(f, "name", None) or getattr(f, "description", "?")


class Join(FromClause):
    def __init__(self, left: FromClause, right: FromClause, onclause: Any, isouter: bool, full: bool) -> None:
        self.left = left
        self.right = right
        self.isouter = isouter
        self.full = full
        if onclause is None:
            onclause = _join_condition(left, right)
        self.onclause = _coerce_where(onclause)

    @property
    def c(self) -> ColumnCollection:  # type: ignore[override]
        cols = ColumnCollection()
        for t in self._tables():
            for col in t.c:
                cols._set(f"{t.name}_{col.key}", col)
        return cols

    def _tables(self) -> list[FromClause]:
        return self.left._tables() + self.right._tables()

    def _foreign_keys(self) -> list[Any]:
        return self.left._foreign_keys() + self.right._foreign_keys()

    def _from_item(self) -> Any:
        return _core.from_join(
            self.left._from_item(), self.right._from_item(), self.onclause._expr(), self.isouter, self.full
        )


def _coerce_from(obj: Any) -> FromClause:
    obj = _unwrap_from(obj)
    if not isinstance(obj, FromClause):
        raise exc.ArgumentError(f"FROM expression, such as a Table or alias() object expected, got {obj!r}.")
    return obj


def _unwrap_from(obj: Any) -> Any:
    """A mapped class or entity stands for its table."""
    if isinstance(obj, FromClause):
        return obj
    selectable = getattr(obj, "__selectable__", None)
    if selectable is not None:
        return selectable()
    mapper = getattr(obj, "__mapper__", None)
    if mapper is not None:
        return mapper.local_table
    return obj


def _entity_columns(item: Any) -> list[ColumnElement] | None:
    """Columns a columns-clause entity expands to: a table's columns, a mapped class's columns."""
    mapper = getattr(item, "__mapper__", None)
    if mapper is not None and isinstance(item, type):
        return list(mapper._select_columns)
    joined = getattr(item, "_ferro_entity_columns", None)
    if joined is not None:
        return joined()
    if isinstance(item, FromClause):
        return list(item.c)
    return None


def _entity_plan(item: Any) -> tuple[list[ColumnElement], list[Any], bool] | None:
    """(columns, their Rust nodes, whether any comes from a subquery or CTE) of a table or mapped
    class in a columns clause, cached on the table or mapper: `select(User)` rebuilds none of it."""
    if isinstance(item, FromClause):
        holder: Any = item
    else:
        mapper = getattr(item, "__mapper__", None)
        if mapper is None or not isinstance(item, type):
            return None
        holder = mapper
    if hasattr(item, "_ferro_entity_columns"):
        return None
    plan = holder.__dict__.get("_ferro_plan")
    if plan is None:
        cols = _entity_columns(item)
        if cols is None:
            return None
        derived = any(_is_derived(getattr(c, "table", None)) for c in cols)
        plan = holder.__dict__["_ferro_plan"] = (cols, [c._expr() for c in cols], derived)
    return plan


# A Select whose instance dict holds only these set nothing but its columns and WHERE.
_ENTITY_WHERE_ONLY = frozenset({"_raw_columns", "_where", "_stmt_cache", "_plan_cache", "_execution_options"})


def _bare_select(item: Any) -> Any:
    """``SELECT <columns> FROM <table>`` of a mapped class or table, cached beside its entity plan;
    None where the plan's columns may come from a subquery or CTE (they need their FROMs)."""
    plan = _entity_plan(item)
    if plan is None or plan[2]:
        return None
    holder = item if isinstance(item, FromClause) else item.__mapper__
    cached = holder.__dict__.get("_ferro_bare_select")
    if cached is None or cached[0] is not plan:
        base = _core.select(plan[1], [], None, [], None, [], None, None, False, None)
        cached = holder.__dict__["_ferro_bare_select"] = (plan, base)
    return cached[1]


class Executable:
    _is_executable = True
    _execution_options: dict[str, Any] = {}
    _stmt_cache: Any = None

    def execution_options(self, **kw: Any) -> Any:
        new = self._generate()
        new._execution_options = {**self._execution_options, **kw}
        return new

    def get_execution_options(self) -> dict[str, Any]:
        return dict(self._execution_options)

    def _generate(self) -> Any:
        new = self.__class__.__new__(self.__class__)
        d = new.__dict__
        d.update(self.__dict__)
        d.pop("_stmt_cache", None)
        return new


def _limit_value(value: Any) -> ColumnElement | None:
    if value is None:
        return None
    if isinstance(value, ColumnElement):
        return value
    try:
        value = int(value)
    except (TypeError, ValueError):
        raise exc.ArgumentError(f"Query requires an integer limit/offset, got {value!r}") from None
    return _coerce(value, sqltypes.Integer(), "param")


def _is_derived(f: Any) -> bool:
    """A subquery or CTE, or an alias of one: FROM needs its definition, not just a name."""
    return isinstance(f, Subquery) or (isinstance(f, Alias) and isinstance(f.element, Subquery))


class _DerivedFrom:
    """What a SELECT and a compound SELECT both take (LIMIT/OFFSET) and become: a subquery, CTE,
    LATERAL, scalar subquery, EXISTS (the classes live in `compound`, imported at the end of this
    module)."""

    def limit(self, limit: Any) -> Any:
        new = self._generate()  # type: ignore[attr-defined]
        new._limit = limit
        return new

    def offset(self, offset: Any) -> Any:
        new = self._generate()  # type: ignore[attr-defined]
        new._offset = offset
        return new

    def slice(self, start: int, stop: int) -> Any:
        return self.offset(start).limit(stop - start)

    def subquery(self, name: str | None = None) -> Subquery:
        return Subquery(self, name)

    def alias(self, name: str | None = None, flat: bool = False) -> Subquery:
        return self.subquery(name)

    def cte(self, name: str | None = None, recursive: bool = False, nesting: bool = False) -> CTE:
        if nesting:
            raise NotImplementedError("ferroalchemy: nested CTEs are not implemented yet")
        return CTE(self, name, recursive)

    def lateral(self, name: str | None = None) -> Any:
        return Lateral(self, name)

    def scalar_subquery(self) -> ColumnElement:
        return ScalarSelect(self)  # type: ignore[arg-type]

    def exists(self) -> Any:
        return Exists(self)


class Select(_DerivedFrom, Executable, ClauseElement):
    """``select(...)``, built generatively; the Rust statement is made once, on first use."""

    _is_select = True
    # Every clause starts empty at class level: a new select() sets only its columns, and each
    # generative step copies only what was set (statement building is a hot path).
    _where: tuple[ColumnElement, ...] = ()
    _from_obj: tuple[FromClause, ...] = ()
    _joins: tuple[tuple[Any, Any, bool, bool, Any], ...] = ()
    _order_by: tuple[ColumnElement, ...] = ()
    _group_by: tuple[ColumnElement, ...] = ()
    _having: tuple[ColumnElement, ...] = ()
    _limit: Any = None
    _offset: Any = None
    _distinct = False
    _for_update: tuple[bool, bool, bool] | None = None
    _with_options: tuple[Any, ...] = ()
    _stmt_cache: Any = None
    _distinct_on: tuple[ColumnElement, ...] = ()
    _correlate: tuple[FromClause, ...] | None = None
    _correlate_except: tuple[FromClause, ...] | None = None
    _auto_correlate = True
    _lock_ext: tuple[bool, tuple[FromClause, ...]] = (False, ())

    def __init__(self, *entities: Any) -> None:
        self._raw_columns: tuple[Any, ...] = tuple(
            e if isinstance(e, _PLAIN_ENTITIES) else _column_entity(e) for e in entities
        )

    # -- generative API -----------------------------------------------------------------
    def where(self, *criteria: Any) -> Select:
        new = self._generate()
        if len(criteria) == 1 and type(criteria[0]) in _COMPARISONS:
            new._where = (*self._where, criteria[0])
        else:
            new._where = self._where + tuple(c if type(c) in _COMPARISONS else _coerce_where(c) for c in criteria)
        return new

    filter = where

    def filter_by(self, **kwargs: Any) -> Select:
        return self._filter_by(kwargs, legacy_query=False)

    def _filter_by(self, kwargs: dict[str, Any], legacy_query: bool) -> Select:
        entity = self._filter_by_entity()
        crit = []
        for key, value in kwargs.items():
            try:
                col = getattr(entity, key) if not isinstance(entity, FromClause) else entity.c[key]
            except (AttributeError, KeyError):
                if legacy_query:
                    raise exc.InvalidRequestError(
                        f'Entity namespace for "{_entity_name(entity)}" has no property "{key}"'
                    ) from None
                # SQLAlchemy 2.1's select().filter_by() names what it searched: tables, or mappers.
                searched = str(getattr(entity, "__mapper__", entity))
                raise exc.InvalidRequestError(
                    f'None of the FROM clause entities have a property "{key}". Searched entities: {searched}'
                ) from None
            crit.append(col == value)
        return self.where(*crit)

    def _filter_by_entity(self) -> Any:
        if self._joins:
            return self._joins[-1][0]
        for e in self._raw_columns:
            if getattr(e, "__mapper__", None) is not None or isinstance(e, FromClause):
                return e
            parent = getattr(e, "class_", None)
            if parent is not None:
                return parent
        raise exc.InvalidRequestError("Can't use filter_by() without an entity to filter")

    def order_by(self, *clauses: Any) -> Select:
        new = self._generate()
        if len(clauses) == 1 and clauses[0] is None:
            new._order_by = ()
        else:
            new._order_by = self._order_by + tuple(_coerce_order(c) for c in clauses)
        return new

    def group_by(self, *clauses: Any) -> Select:
        new = self._generate()
        new._group_by = self._group_by + tuple(_coerce(c) for c in clauses)
        return new

    def having(self, *criteria: Any) -> Select:
        new = self._generate()
        new._having = self._having + tuple(_coerce_where(c) for c in criteria)
        return new

    def distinct(self, *expr: Any) -> Select:
        new = self._generate()
        new._distinct = True
        if expr:
            # PostgreSQL's DISTINCT ON; plain DISTINCT elsewhere, as SQLAlchemy renders it.
            warnings.warn(
                "Passing expression to ``distinct`` to generate a DISTINCT ON clause is deprecated. Use "
                "instead the ``postgresql.distinct_on`` function as an extension.",
                exc.SADeprecationWarning,
                stacklevel=2,
            )
            new._distinct_on = self._distinct_on + tuple(_coerce(e) for e in expr)
        return new

    def correlate(self, *fromclauses: Any) -> Select:
        """Correlate to these enclosing FROM items only; ``correlate(None)`` turns correlation off."""
        new = self._generate()
        new._auto_correlate = False
        if fromclauses and fromclauses[0] is None:
            new._correlate = ()
        else:
            new._correlate = (self._correlate or ()) + tuple(_coerce_from(f) for f in fromclauses)
        return new

    def correlate_except(self, *fromclauses: Any) -> Select:
        """Correlate to every enclosing FROM item but these; with None, to all of them."""
        new = self._generate()
        new._auto_correlate = False
        if fromclauses and fromclauses[0] is None:
            new._correlate_except = ()
        else:
            new._correlate_except = (self._correlate_except or ()) + tuple(_coerce_from(f) for f in fromclauses)
        return new

    def select_from(self, *froms: Any) -> Select:
        new = self._generate()
        new._from_obj = self._from_obj + tuple(_coerce_from(f) for f in froms)
        return new

    def join(self, target: Any, onclause: Any = None, *, isouter: bool = False, full: bool = False) -> Select:
        new = self._generate()
        new._joins = self._joins + ((target, onclause, isouter, full, None),)
        return new

    def outerjoin(self, target: Any, onclause: Any = None, *, full: bool = False) -> Select:
        return self.join(target, onclause, isouter=True, full=full)

    def join_from(
        self, from_: Any, target: Any, onclause: Any = None, *, isouter: bool = False, full: bool = False
    ) -> Select:
        new = self._generate()
        new._joins = self._joins + ((target, onclause, isouter, full, from_),)
        return new

    def outerjoin_from(self, from_: Any, target: Any, onclause: Any = None, *, full: bool = False) -> Select:
        return self.join_from(from_, target, onclause, isouter=True, full=full)

    def add_columns(self, *entities: Any) -> Select:
        entities = tuple(_column_entity(e) for e in entities)
        new = self._generate()
        new._raw_columns = self._raw_columns + entities
        return new

    def with_only_columns(self, *entities: Any, maintain_column_froms: bool = False) -> Select:
        entities = tuple(_column_entity(e) for e in entities)
        new = self._generate()
        new._raw_columns = tuple(entities)
        return new

    def with_for_update(
        self,
        *,
        nowait: bool = False,
        read: bool = False,
        of: Any = None,
        skip_locked: bool = False,
        key_share: bool = False,
    ) -> Select:
        new = self._generate()
        new._for_update = (nowait, skip_locked, read)
        new._lock_ext = (key_share, _lock_targets(of))
        return new

    def options(self, *opts: Any) -> Select:
        new = self._generate()
        new._with_options = self._with_options + opts
        return new

    def _compound(self, op: str, others: tuple[Any, ...]) -> Any:

        return CompoundSelect(op, self, *others)

    def union(self, *other: Any) -> Any:
        return self._compound("union", other)

    def union_all(self, *other: Any) -> Any:
        return self._compound("union_all", other)

    def intersect(self, *other: Any) -> Any:
        return self._compound("intersect", other)

    def intersect_all(self, *other: Any) -> Any:
        return self._compound("intersect_all", other)

    def except_(self, *other: Any) -> Any:
        return self._compound("except", other)

    def except_all(self, *other: Any) -> Any:
        return self._compound("except_all", other)

    # -- introspection ------------------------------------------------------------------
    @property
    def selected_columns(self) -> ColumnCollection:
        cols = ColumnCollection()
        for c in self._expanded_columns():
            key = getattr(c, "key", None) or getattr(c, "_result_name", None) or "anon"
            cols._set(key, c)
        return cols

    @property
    def column_descriptions(self) -> list[dict[str, Any]]:
        out = []
        for e in self._raw_columns:
            mapper = getattr(e, "__mapper__", None)
            if mapper is not None and isinstance(e, type):
                out.append({"name": e.__name__, "type": e, "aliased": False, "expr": e, "entity": e})
            else:
                el = _unwrap(e)
                out.append(
                    {
                        "name": getattr(el, "key", None) or getattr(el, "name", None),
                        "type": getattr(el, "type", None),
                        "aliased": False,
                        "expr": e,
                        "entity": getattr(e, "class_", None),
                    }
                )
        return out

    # -- compilation --------------------------------------------------------------------
    def _expanded_columns(self) -> list[ColumnElement]:
        out: list[ColumnElement] = []
        for e in self._raw_columns:
            cols = _entity_columns(e)
            if cols is not None:
                out.extend(cols)
            else:
                out.append(_coerce_column(e))
        return out

    def _derived_froms(self, cols: list[ColumnElement], used: list[Any]) -> list[Any]:
        """Subqueries and CTEs the columns come from and no explicit FROM or join names: rendered in
        FROM as themselves (a bare name would not say what they are)."""
        named = {id(t) for f in (*self._from_obj, *used) for t in f._tables()} | {id(j[0]) for j in self._joins}
        out = []
        for c in cols:
            table = getattr(c, "table", None)
            if _is_derived(table) and id(table) not in named:
                named.add(id(table))
                out.append(table._from_item())
        return out

    def _from_items(self, used: list[Any]) -> list[Any]:
        """The explicit FROM entries; `used` collects the FROM clauses the joins start from."""
        items = [f._from_item() for f in self._from_obj]
        if not self._joins:
            return items
        # Joins chain onto the FROM they start from: an explicit join_from() left side, the
        # select_from() entry, or the first entity's table.
        if self._from_obj:
            left = self._from_obj[0]
            rest = list(self._from_obj[1:])
        else:
            left = None
            rest = []
        chain = None
        for target, onclause, isouter, full, from_ in self._joins:
            on_el, right, rel_parent = _resolve_join_target(target, onclause)
            if from_ is not None:
                left_fc = _coerce_from(from_)
            elif left is not None:
                left_fc = left
            elif rel_parent is not None:
                left_fc = rel_parent
            else:
                left_fc = self._first_entity_from()
            if chain is None:
                left = left_fc
                used.append(left_fc)
                chain = left_fc._from_item()
                joined_tables = left_fc._tables()
            if isinstance(right, list):
                # A many-to-many relationship: through its association table.
                for step_on, step_table in right:
                    chain = _core.from_join(
                        chain, step_table._from_item(), _coerce_where(step_on)._expr(), isouter, full
                    )
                    joined_tables = joined_tables + step_table._tables()
                continue
            if on_el is None:
                for lt in reversed(joined_tables):
                    try:
                        on_el = _join_condition(lt, right)
                        break
                    except exc.NoForeignKeysError:
                        continue
                else:
                    on_el = _join_condition(left_fc, right)
            chain = _core.from_join(chain, right._from_item(), _coerce_where(on_el)._expr(), isouter, full)
            joined_tables = joined_tables + right._tables()
        return [chain] + [f._from_item() for f in rest]

    def _first_entity_from(self) -> FromClause:
        for e in self._raw_columns:
            f = _unwrap_from(e)
            if isinstance(f, FromClause):
                return f
            table = _first_table(_unwrap(e))
            if table is not None:
                return table
        raise exc.InvalidRequestError("Don't know how to join; please use select_from() to establish the left entity")

    def _column_plan(self) -> tuple[list[ColumnElement], list[Any], list[ColumnElement]]:
        """The columns, their Rust nodes, and the columns that may come from a subquery or CTE."""
        raw = self._raw_columns
        if len(raw) == 1:
            plan = _entity_plan(raw[0])
            if plan is not None:
                # select(User) / select(table): the entity's cached column nodes as they are.
                return plan[0], plan[1], (plan[0] if plan[2] else [])
        cols: list[ColumnElement] = []
        exprs: list[Any] = []
        maybe_derived: list[ColumnElement] = []
        for e in self._raw_columns:
            plan = _entity_plan(e)
            if plan is not None:
                cols.extend(plan[0])
                exprs.extend(plan[1])
                if plan[2]:
                    maybe_derived.extend(plan[0])
                continue
            more = _entity_columns(e)
            more = more if more is not None else [_coerce_column(e)]
            cols.extend(more)
            exprs.extend(c._expr() for c in more)
            maybe_derived.extend(more)
        return cols, exprs, maybe_derived

    def _stmt(self) -> Any:
        if self._stmt_cache is not None:
            return self._stmt_cache
        if self.__dict__.keys() <= _ENTITY_WHERE_ONLY and len(self._raw_columns) == 1 and len(self._where) == 1:
            # select(User).where(...): the entity's bare SELECT, built once, with this WHERE.
            base = _bare_select(self._raw_columns[0])
            if base is not None:
                stmt = self._stmt_cache = _core.select_where(base, self._where[0]._expr())
                return stmt
        cols, col_exprs, maybe_derived = self._column_plan()
        if not cols:
            raise exc.ArgumentError("SELECT construct has no columns")
        crit = self._where
        where = (crit[0] if len(crit) == 1 else and_(*crit))._expr() if crit else None
        having = None
        if self._having:
            having = (self._having[0] if len(self._having) == 1 else and_(*self._having))._expr()
        limit = _limit_value(self._limit)._expr() if self._limit is not None else None  # type: ignore[union-attr]
        offset = _limit_value(self._offset)._expr() if self._offset is not None else None  # type: ignore[union-attr]
        used: list[Any] = []
        froms = self._from_items(used) if self._from_obj or self._joins else []
        if maybe_derived:
            froms += self._derived_froms(maybe_derived, used)
        stmt = _core.select(
            col_exprs,
            froms,
            where,
            [_resolve_name(c, cols)._expr() for c in self._group_by] if self._group_by else [],
            having,
            [_resolve_name(c, cols)._expr() for c in self._order_by] if self._order_by else [],
            limit,
            offset,
            self._distinct,
            self._for_update,
        )
        key_share, lock_of = self._lock_ext
        if self._distinct_on or not self._auto_correlate or key_share or lock_of:
            fu = self._for_update
            stmt = _core.select_options(
                stmt,
                [c._expr() for c in self._distinct_on],
                _refs(self._correlate),
                _refs(self._correlate_except),
                self._auto_correlate,
                (*fu, key_share, [f._ref for f in lock_of]) if fu is not None else None,
            )
        self._stmt_cache = stmt
        return stmt

    def _execute_on_connection(self, connection: Any, params: Any, execution_options: Any) -> Any:
        return connection._execute_stmt(self._stmt(), params, self, execution_options=execution_options)

    def __repr__(self) -> str:
        return f"<sqlalchemy.sql.selectable.Select object at {hex(id(self))}>"


def _refs(froms: tuple[FromClause, ...] | None) -> list[Any] | None:
    """Table handles of correlation targets; joins stand for the tables they join."""
    if froms is None:
        return None
    return [t._ref for f in froms for t in f._tables() if t._ref is not None]


def _lock_targets(of: Any) -> tuple[FromClause, ...]:
    """``with_for_update(of=...)``: tables, aliases, or columns standing for their tables."""
    if of is None:
        return ()
    items = of if isinstance(of, (list, tuple)) else [of]
    out: list[FromClause] = []
    for item in items:
        el = _unwrap_from(item)
        if not isinstance(el, FromClause):
            el = getattr(_unwrap(item), "table", None)
        if not isinstance(el, FromClause):
            raise exc.ArgumentError(f"with_for_update(of=...) expects tables or columns, got {item!r}")
        if all(el is not o for o in out):
            out.append(el)
    return tuple(out)


def _first_table(el: Any) -> FromClause | None:
    """The first table an expression reads (a column's, inside labels, functions and operators)."""
    table = getattr(el, "table", None)
    if isinstance(table, FromClause):
        return table
    for child in (
        getattr(el, "element", None),
        getattr(el, "left", None),
        getattr(el, "right", None),
        *getattr(el, "clauses", ()),
    ):
        if child is not None:
            found = _first_table(_unwrap(child))
            if found is not None:
                return found
    return None


def _entity_name(entity: Any) -> str:
    return getattr(entity, "__name__", None) or getattr(entity, "name", None) or repr(entity)


def _resolve_join_target(target: Any, onclause: Any) -> tuple[Any, FromClause, FromClause | None]:
    """A join target may be a table, a mapped class, or a relationship attribute (`Post.author`),
    which also names the table the join starts from."""
    rel_join = getattr(target, "_join_target", None)
    if rel_join is not None:
        return rel_join()
    if onclause is not None:
        rel_on = getattr(onclause, "_join_target", None)
        if rel_on is not None:
            on, _, parent = rel_on()
            if hasattr(target, "_aliased_plan_item") and getattr(onclause, "prop", None) is not None:
                # join(alias, User.addresses): the relationship's ON clause, to the alias.
                from ..orm.aliased import join_to_alias

                on = join_to_alias(onclause.prop, target)
            return on, _coerce_from(target), parent
    return onclause, _coerce_from(target), None


# Criteria where() takes as they are (the coercion would return them unchanged).
_COMPARISONS = frozenset({_ValueComparison, BinaryExpression})

# What select() takes without further checks: tables, subqueries, columns and expressions.
_PLAIN_ENTITIES = (FromClause, ColumnElement)


def _column_entity(e: Any) -> Any:
    """A select()/add_columns() entity as SQLAlchemy coerces it: a Python number is a literal
    column (``select(1)`` is ``SELECT 1``), True/False/None are ``true()``/``false()``/``null()``;
    a string or anything else that is no column expression, entity or FROM clause is refused."""
    if isinstance(e, type) and getattr(e, "__mapper__", None) is not None:
        return e  # select(User): the common case first
    if e is None or isinstance(e, bool):
        return null() if e is None else (true() if e else false())
    if isinstance(e, (int, float, Decimal)):
        return literal_column(str(e))
    if isinstance(e, str):
        raise exc.ArgumentError(
            f"Textual column expression {e!r} should be explicitly declared with text({e!r}), "
            f"or use column({e!r}) for more specificity"
        )
    if (
        isinstance(e, (ClauseElement, FromClause))
        or getattr(e, "__mapper__", None) is not None
        or hasattr(e, "_ferro_entity_columns")
        or hasattr(e, "__clause_element__")
    ):
        return e
    raise exc.ArgumentError(f"Column expression, FROM clause, or other columns clause element expected, got {e!r}.")


def _coerce_column(e: Any) -> ColumnElement:
    labelled = getattr(e, "_ferro_column_label", None)
    if labelled is not None:
        # A column_property() expression is selected under its attribute's name.
        return labelled
    el = _unwrap(e)
    if isinstance(el, TextClause):
        return el._as_expr()
    if isinstance(el, ColumnElement):
        return el
    if isinstance(el, Select):
        return ScalarSelect(el)
    raise exc.ArgumentError(f"Column expression, FROM clause, or other columns clause element expected, got {e!r}.")


def _coerce_order(c: Any) -> ColumnElement:
    # A string names a label of the columns clause, as in SQLAlchemy (`order_by("total")`).
    if isinstance(c, str):
        return _LabelReference(c)
    return _coerce(c)


def _resolve_name(c: ColumnElement, cols: list[ColumnElement]) -> ColumnElement:
    """A name given as a string orders by the label of that name, else by the selected column of that
    name (SQLAlchemy's label resolution), also under desc()/asc()."""
    if isinstance(c, UnaryExpression) and isinstance(c.element, _LabelReference):
        inner = _resolve_name(c.element, cols)
        return c if inner is c.element else UnaryExpression._make(c.modifier, inner)
    if not isinstance(c, _LabelReference):
        return c
    if any(isinstance(x, Label) and x.name == c.name for x in cols):
        return c
    for x in cols:
        if getattr(x, "key", None) == c.name and hasattr(x, "table"):
            return x
    raise exc.CompileError(
        f"Can't resolve label reference for ORDER BY / GROUP BY / DISTINCT etc. Textual SQL expression {c.name!r} should be explicitly declared as text({c.name!r})"
    )


class _LabelReference(ColumnClause):
    __slots__ = ()

    def __init__(self, name: str) -> None:
        super().__init__(name, None, is_literal=False)

    def _expr(self) -> Any:
        if self._inner is None:
            self._inner = _core.column(None, self.name, self.type._handle)
        return self._inner


class ScalarSelect(ColumnElement):
    __slots__ = ("element",)

    def __init__(self, element: Select) -> None:
        self.element = element
        cols = element._expanded_columns()
        self.type = cols[0].type if cols else sqltypes.NULLTYPE
        self._inner = None

    def _expr(self) -> Any:
        if self._inner is None:
            self._inner = _core.scalar_select(self.element._stmt())
        return self._inner

    def label(self, name: str | None) -> Label:
        return Label(name, self)


def select(*entities: Any) -> Select:
    if len(entities) == 1 and isinstance(entities[0], (list, tuple)):
        entities = tuple(entities[0])
    return Select(*entities)


# Derived tables, compound selects and EXISTS live in their own module (for size); SQLAlchemy's
# module path for them is this one.
from .compound import (  # noqa: E402, F401
    CTE,
    CompoundSelect,
    Exists,
    Lateral,
    Subquery,
    except_,
    except_all,
    exists,
    intersect,
    intersect_all,
    lateral,
    union,
    union_all,
)
