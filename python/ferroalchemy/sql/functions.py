"""SQL functions: ``func.count()``, ``func.lower(x)``, and any other name as a generic function."""

from __future__ import annotations

from typing import Any

from .. import _core
from ..exc import ArgumentError
from . import sqltypes
from .elements import ColumnElement, _coerce
from .sqltypes import NULLTYPE, TypeEngine

# Return types of the functions SQLAlchemy knows; others take their first argument's type or none.
_INT_RESULT = {"count", "length", "char_length", "rank", "dense_rank", "row_number"}
_STR_RESULT = {"lower", "upper", "concat", "trim", "ltrim", "rtrim", "substr", "substring", "replace"}
_DATETIME_RESULT = {"now", "current_timestamp", "localtimestamp", "sysdate"}
_ARG_RESULT = {"sum", "min", "max", "coalesce", "abs", "round"}
_NUMERIC_RESULT: set[str] = set()  # avg() is untyped in SQLAlchemy: rows come back as the driver reads them


# SQLAlchemy's GenericFunction classes (sqlalchemy.sql.functions): the names its reprs show as classes.
_GENERIC_NAMES = frozenset(
    "aggregate_strings all_ any_ array_agg char_length coalesce concat count cube cume_dist current_date "
    "current_time current_timestamp current_user dense_rank grouping_sets localtime localtimestamp max min mode "
    "next_value now percent_rank percentile_cont percentile_disc pow random rank rollup session_user some sum "
    "sysdate user".split()
)


class FunctionElement(ColumnElement):
    """Base of SQL function calls (``func.x()``)."""

    __slots__ = ()


class Function(FunctionElement):
    __slots__ = ("name", "clauses", "packagenames")

    def __init__(self, name: str, *args: Any, type_: Any = None) -> None:
        self.name = name
        self.packagenames = ()
        self.clauses = [_coerce(a, None, name) for a in args]
        self.type = sqltypes.to_instance(type_) if type_ is not None else self._default_type()
        self._inner = None

    def _default_type(self) -> TypeEngine:
        n = self.name.lower()
        if n in _INT_RESULT:
            return sqltypes.Integer()
        if n in _STR_RESULT:
            return sqltypes.String()
        if n in _DATETIME_RESULT:
            return sqltypes.DateTime()
        if n in _NUMERIC_RESULT:
            return sqltypes.Numeric()
        if n in _ARG_RESULT and self.clauses:
            return self.clauses[0].type
        return NULLTYPE

    @property
    def _bind_name(self) -> str:  # type: ignore[override]
        return self.name

    def __repr__(self) -> str:
        # SQLAlchemy's known functions are classes of their own name (functions.now).
        cls = self.name if self.name.lower() in _GENERIC_NAMES else type(self).__name__
        return f"<{type(self).__module__}.{cls} at {hex(id(self))}; {self.name}>"

    def _expr(self) -> Any:
        if self._inner is None:
            args = [c._expr() for c in self.clauses]
            if not args and self.name.lower() == "count":
                args = [_core.star()]
            self._inner = _core.func(self.name, args, self.type._handle)
        return self._inner

    @property
    def _result_name(self) -> str | None:
        return self.name

    def over(self, partition_by: Any = None, order_by: Any = None, rows: Any = None, range_: Any = None) -> Over:
        return Over(self, partition_by, order_by, rows, range_)

    def filter(self, *args: Any) -> Any:
        raise NotImplementedError("ferroalchemy: FILTER (WHERE ...) on aggregates is not implemented yet")

    def within_group(self, *args: Any) -> Any:
        raise NotImplementedError("ferroalchemy: WITHIN GROUP is not implemented yet")


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


class Over(ColumnElement):
    """``func.rank().over(partition_by=..., order_by=..., rows=(start, end))``."""

    __slots__ = ("element", "partition_by", "order_by", "frame")

    def __init__(self, element: Function, partition_by: Any, order_by: Any, rows: Any, range_: Any) -> None:
        if rows is not None and range_ is not None:
            raise ArgumentError("'range_' and 'rows' are mutually exclusive")
        self.element = element
        self.partition_by = [_coerce(c) for c in _as_list(partition_by)]
        self.order_by = [_coerce(c) for c in _as_list(order_by)]
        bounds = rows if rows is not None else range_
        self.frame = None if bounds is None else (range_ is not None, bounds[0], bounds[1])
        self.type = element.type
        self._inner = None

    def _expr(self) -> Any:
        if self._inner is None:
            self._inner = _core.over(
                self.element._expr(),
                [c._expr() for c in self.partition_by],
                [c._expr() for c in self.order_by],
                self.frame,
            )
        return self._inner


def over(
    element: Function, partition_by: Any = None, order_by: Any = None, rows: Any = None, range_: Any = None
) -> Over:
    return Over(element, partition_by, order_by, rows, range_)


class _FunctionGenerator:
    """``func.<name>(...)`` builds a Function; ``func.a.b`` packages are not supported."""

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        if name.endswith("_"):
            name = name[:-1]

        def make(*args: Any, **kw: Any) -> Function:
            return Function(name, *args, type_=kw.get("type_"))

        make.__name__ = name
        return make


func = _FunctionGenerator()
