"""How a relationship joins its two tables: the (referenced column, foreign key column) pairs, the
direction, and any extra criteria, worked out from the tables' foreign keys or from the
``primaryjoin`` / ``secondaryjoin`` / ``foreign_keys`` / ``remote_side`` arguments."""

from __future__ import annotations

from typing import Any

from .. import exc
from ..sql.elements import BinaryExpression, BooleanClauseList, ColumnElement, _unwrap

ONETOMANY_NAME, MANYTOONE_NAME = "ONETOMANY", "MANYTOONE"


class _Annotated(ColumnElement):
    """``foreign(col)`` / ``remote(col)`` inside a primaryjoin: the column, marked for working out
    which side holds the foreign key and which side is remote."""

    __slots__ = ("element", "marks")

    def __init__(self, element: Any, mark: str) -> None:
        inner = _unwrap(element)
        marks = {mark}
        if isinstance(inner, _Annotated):
            marks |= inner.marks
            inner = inner.element
        self.element = inner
        self.marks = frozenset(marks)
        self.type = inner.type
        self._inner = None

    def _expr(self) -> Any:
        return self.element._expr()

    def _froms(self) -> list[Any]:
        return self.element._froms()


def foreign(expr: Any) -> Any:
    """Marks the column of a ``primaryjoin`` that holds the foreign key."""
    return _Annotated(expr, "foreign")


def remote(expr: Any) -> Any:
    """Marks the column of a ``primaryjoin`` on the remote (related) side."""
    return _Annotated(expr, "remote")


def _plain(expr: Any, marks: dict[int, set[str]]) -> Any:
    """The column under any foreign()/remote() marks, recording them in `marks` by column."""
    expr = _unwrap(expr)
    if isinstance(expr, _Annotated):
        marks.setdefault(id(expr.element), set()).update(expr.marks)
        return expr.element
    return expr


def evaluate(prop: Any, value: Any) -> Any:
    """A relationship argument as given: a string is evaluated against the registry's classes and
    the SQL expression functions (as SQLAlchemy does), a callable is called."""
    if isinstance(value, str):
        import ferroalchemy

        namespace: dict[str, Any] = {k: v for k, v in vars(ferroalchemy).items() if not k.startswith("_")}
        namespace.update(foreign=foreign, remote=remote)
        namespace.update(prop.parent.registry._class_registry)
        namespace.update(prop.parent.local_table.metadata.tables)
        try:
            return eval(value, namespace)  # noqa: S307 - SQLAlchemy evaluates these strings the same way
        except NameError as e:
            raise exc.InvalidRequestError(
                f"When initializing mapper {prop.parent}, expression {value!r} failed to locate a name "
                f"({e.name!r}). If this is a class name, consider adding this relationship() to the "
                f"{prop.parent.class_!r} class after both dependent classes have been defined."
            ) from None
    if callable(value) and not hasattr(value, "__clause_element__") and not hasattr(value, "_expr"):
        return value()
    return value


def columns_of(prop: Any, value: Any) -> list[Any]:
    """``foreign_keys`` / ``remote_side`` / ``order_by`` style arguments as a list of column elements."""
    value = evaluate(prop, value)
    if value is None or value is False:
        return []
    items = list(value) if isinstance(value, (list, tuple, set, frozenset)) else [value]
    return [_column(evaluate(prop, v)) for v in items]


def _column(value: Any) -> Any:
    from .decl_api import MappedColumn

    # `remote_side=[id]` inside the class body names the mapped_column() object itself.
    if isinstance(value, MappedColumn) and value.column is not None:
        return value.column
    return _unwrap(value)


def terms(expr: Any) -> list[Any]:
    """The ANDed terms of a join condition."""
    expr = _unwrap(expr)
    if isinstance(expr, BooleanClauseList) and expr.operator == "and":
        return [t for c in expr.clauses for t in terms(c)]
    return [expr]


def _column_pair(term: Any, marks: dict[int, set[str]]) -> tuple[Any, Any] | None:
    if not isinstance(term, BinaryExpression) or term._op != "eq":
        return None
    left, right = _plain(term.left, marks), _plain(term.right, marks)
    if getattr(left, "table", None) is None or getattr(right, "table", None) is None:
        return None
    if not hasattr(left, "_fk_list") or not hasattr(right, "_fk_list"):
        return None
    return left, right


def _references(fk_col: Any, col: Any) -> bool:
    return any(fk.column is col for fk in fk_col._fk_list)


def split_join(
    expr: Any, foreign: list[Any], tables: tuple[Any, Any], remote: set[int] | None = None
) -> tuple[list[tuple[Any, Any]], list[Any]]:
    """(referenced column, foreign key column) pairs of an explicit join condition between `tables`,
    and the terms that are not such pairs (extra criteria). A column listed in `foreign` or marked
    ``foreign()`` is the foreign key side; otherwise the side whose ForeignKey points at the other
    column is. Columns marked ``remote()`` are added to `remote`."""
    pairs: list[tuple[Any, Any]] = []
    extra: list[Any] = []
    marks: dict[int, set[str]] = {}
    fset = {id(c) for c in foreign}
    for term in terms(expr):
        cols = _column_pair(term, marks)
        fset |= {k for k, v in marks.items() if "foreign" in v}
        if remote is not None:
            remote |= {k for k, v in marks.items() if "remote" in v}
        if cols is None or not {id(cols[0].table), id(cols[1].table)} <= {id(t) for t in tables}:
            extra.append(term)
            continue
        a, b = cols
        if fset:
            if id(b) in fset and id(a) not in fset:
                pairs.append((a, b))
            elif id(a) in fset and id(b) not in fset:
                pairs.append((b, a))
            else:
                extra.append(term)
        elif _references(b, a):
            pairs.append((a, b))
        elif _references(a, b):
            pairs.append((b, a))
        else:
            extra.append(term)
    return pairs, extra


def ambiguous(prop: Any) -> exc.AmbiguousForeignKeysError:
    return exc.AmbiguousForeignKeysError(
        f"Could not determine join condition between parent/child tables on relationship {_name(prop)} - "
        "there are multiple foreign key paths linking the tables.  Specify the 'foreign_keys' argument, "
        "providing a list of those columns which should be counted as containing a foreign key reference "
        "to the parent table."
    )


def no_foreign_keys(prop: Any, secondary: Any = None) -> exc.NoForeignKeysError:
    via = f" via secondary table '{secondary.name}'" if secondary is not None else ""
    spec = "'primaryjoin' and 'secondaryjoin' expressions" if secondary is not None else "a 'primaryjoin' expression"
    return exc.NoForeignKeysError(
        f"Could not determine join condition between parent/child tables on relationship {_name(prop)} - "
        f"there are no foreign keys linking these tables{via}.  Ensure that referencing columns are "
        f"associated with a ForeignKey or ForeignKeyConstraint, or specify {spec}."
    )


def _name(prop: Any) -> str:
    return f"{prop.parent.class_.__name__}.{prop.key}"


def direct(prop: Any, parent_t: Any, target_t: Any) -> tuple[str, list[tuple[Any, Any]], list[Any]]:
    """Direction, (referenced, foreign key) pairs and extra criteria of a relationship without a
    secondary table."""
    foreign = columns_of(prop, prop._foreign_keys_arg)
    remote = {id(c) for c in columns_of(prop, prop._remote_side_arg)}
    self_ref = parent_t is target_t
    if prop._primaryjoin_arg is not None:
        pairs, extra = split_join(evaluate(prop, prop._primaryjoin_arg), foreign, (parent_t, target_t), remote)
        if not pairs:
            raise exc.ArgumentError(
                f"Could not locate any relevant foreign key columns for primary join condition on relationship "
                f"{_name(prop)}.  Ensure that referencing columns are associated with a ForeignKey or "
                "ForeignKeyConstraint, or are annotated in the join condition with the foreign() annotation."
            )
    else:
        extra = []
        fks = [fk for fk in parent_t._foreign_keys() if fk.column.table is target_t]
        if not self_ref:
            fks += [fk for fk in target_t._foreign_keys() if fk.column.table is parent_t]
        if foreign:
            fks = [fk for fk in fks if any(fk.parent is c for c in foreign)]
        if not fks:
            raise no_foreign_keys(prop)
        pairs = [(fk.column, fk.parent) for fk in fks]
        tables = {id(fk.parent.table) for fk in fks}
        if len(tables) > 1 or len({id(fk.parent) for fk in fks}) > len({id(fk.column) for fk in fks}):
            raise ambiguous(prop)
    if self_ref:
        if any(id(fc) in remote for _, fc in pairs):
            direction = ONETOMANY_NAME
        elif any(id(rc) in remote for rc, _ in pairs):
            direction = MANYTOONE_NAME
        else:
            # Without remote_side SQLAlchemy takes an adjacency list to be one-to-many.
            direction = ONETOMANY_NAME
        if extra:
            raise NotImplementedError(
                "ferroalchemy: extra criteria in the primaryjoin of a self-referential relationship are not "
                "implemented yet"
            )
    else:
        fk_tables = {id(fc.table) for _, fc in pairs}
        if len(fk_tables) > 1:
            raise ambiguous(prop)
        direction = MANYTOONE_NAME if id(parent_t) in fk_tables else ONETOMANY_NAME
    return direction, pairs, extra


def through_secondary(
    prop: Any, parent_t: Any, target_t: Any, sec: Any
) -> tuple[list[tuple[Any, Any]], list[tuple[Any, Any]], list[Any]]:
    """(parent column, association column) pairs, (target column, association column) pairs, and
    extra criteria of a many-to-many relationship."""
    foreign = columns_of(prop, prop._foreign_keys_arg)
    extra: list[Any] = []
    if prop._primaryjoin_arg is not None or prop._secondaryjoin_arg is not None:
        if prop._primaryjoin_arg is None or prop._secondaryjoin_arg is None:
            raise NotImplementedError(
                "ferroalchemy: a many-to-many relationship with only one of primaryjoin / secondaryjoin is not "
                "implemented yet"
            )
        sec_parent, e1 = split_join(evaluate(prop, prop._primaryjoin_arg), foreign, (parent_t, sec))
        sec_target, e2 = split_join(evaluate(prop, prop._secondaryjoin_arg), foreign, (target_t, sec))
        extra = e1 + e2
        # Pairs come out as (referenced, foreign): the association table's column is the foreign one.
        sec_parent = [(a, b) if b.table is sec else (b, a) for a, b in sec_parent]
        sec_target = [(a, b) if b.table is sec else (b, a) for a, b in sec_target]
        if not sec_parent or not sec_target:
            raise no_foreign_keys(prop, sec)
        return sec_parent, sec_target, extra
    fks = [fk for fk in sec._foreign_keys() if not foreign or any(fk.parent is c for c in foreign)]
    to_parent = [fk for fk in fks if fk.column.table is parent_t]
    to_target = [fk for fk in fks if fk.column.table is target_t]
    if not to_parent or not to_target:
        raise no_foreign_keys(prop, sec)
    for side in (to_parent, to_target):
        # A self-referential association table, or two paths to one side: nothing says which is which.
        if parent_t is target_t or len({id(fk.parent) for fk in side}) > len({id(fk.column) for fk in side}):
            raise exc.AmbiguousForeignKeysError(
                f"Could not determine join condition between parent/child tables on relationship {_name(prop)} - "
                f"there are multiple foreign key paths linking the tables via secondary table '{sec.name}'.  "
                "Specify the 'foreign_keys' argument, providing a list of those columns which should be counted "
                "as containing a foreign key reference from the secondary table to each of the parent and child "
                "tables."
            )
    return [(fk.column, fk.parent) for fk in to_parent], [(fk.column, fk.parent) for fk in to_target], extra
