"""Column expressions. Each holds its Rust node in ``_inner``; operators build new nodes in one call."""

from __future__ import annotations

import abc
import datetime
import decimal
import uuid
from collections.abc import Iterable
from typing import Any

from .. import _core, exc
from . import sqltypes
from .sqltypes import NULLTYPE, TypeEngine


class ClauseElement:
    """Base of every SQL construct."""

    __slots__ = ()
    is_selectable = False
    _is_executable = False

    def __class_getitem__(cls, item: Any) -> type:
        # `ColumnElement[int]` in annotations evaluated at runtime, as SQLAlchemy's generic classes allow.
        return cls

    def compile(self, bind: Any = None, dialect: Any = None, **kw: Any) -> Compiled:
        from .compiler import compile_element

        if dialect is None and bind is not None:
            dialect = bind.dialect
        return compile_element(self, dialect, kw.get("compile_kwargs") or {})

    def __str__(self) -> str:
        return str(self.compile())

    def __clause_element__(self) -> ClauseElement:
        return self


# Values that are never SQL elements, compared by the fast path of ColumnOperators._compare.
_PLAIN_VALUES = frozenset(
    {int, str, float, decimal.Decimal, datetime.datetime, datetime.date, datetime.time, uuid.UUID, bytes}
)
_BASE_COERCE = TypeEngine.coerce_compared_value


class ColumnOperators:
    """Python operators and SQL methods shared by columns and every column expression."""

    __slots__ = ()

    # Subclasses provide these.
    def _expr(self) -> Any:
        raise NotImplementedError

    @property
    def _type(self) -> TypeEngine:
        raise NotImplementedError

    _bind_name = "param"

    def _compare(self, op: str, other: Any) -> BinaryExpression:
        if type(other) in _PLAIN_VALUES:
            # The hot path (`User.id == 5`): a plain value can be no SQL element, and only a type
            # with its own coerce_compared_value binds it as anything but the column's type.
            t = self._type
            if type(t).coerce_compared_value is _BASE_COERCE:
                b = _ValueComparison.__new__(_ValueComparison)
                b._inner = _core.compare(self._expr(), op, other, self._bind_name)
                b.left, b._op, b.operator, b.escape, b.type = self, op, op, None, _BOOLEAN
                b._value, b._value_type, b._right = other, t, None
                return b
        if other is None or isinstance(other, Null):
            if op == "eq":
                return BinaryExpression._make(self, "is", null(), "is")
            if op == "ne":
                return BinaryExpression._make(self, "is_not", null(), "is_not")
        other = _unwrap(other)
        if getattr(other, "_is_select", False) and hasattr(other, "scalar_subquery"):
            # A SELECT compared with a column is its scalar subquery, as SQLAlchemy coerces it.
            other = other.scalar_subquery()
        if isinstance(other, ColumnElement):
            if isinstance(other, BindParameter) and other.type is NULLTYPE:
                # An untyped bindparam() takes the type of what it is compared with, as in SQLAlchemy.
                other = other._with_type(self._type)
            return BinaryExpression._make(self, op, other, op)
        _check_literal(other)
        t = self._type
        if type(t).coerce_compared_value is not TypeEngine.coerce_compared_value:
            # A TypeDecorator may bind the compared value as another type.
            coerced = t.coerce_compared_value(op, other)
            if coerced is not t:
                return BinaryExpression._make(self, op, _coerce(other, coerced, self._bind_name), op)
        inner = _core.compare(self._expr(), op, other, self._bind_name)
        return BinaryExpression._from_inner(inner, self, op, BindParameter._anon(other, self._type, self._bind_name))

    def __eq__(self, other: Any) -> Any:  # type: ignore[override]
        return self._compare("eq", other)

    def __ne__(self, other: Any) -> Any:  # type: ignore[override]
        return self._compare("ne", other)

    def __lt__(self, other: Any) -> BinaryExpression:
        return self._compare("lt", other)

    def __le__(self, other: Any) -> BinaryExpression:
        return self._compare("le", other)

    def __gt__(self, other: Any) -> BinaryExpression:
        return self._compare("gt", other)

    def __ge__(self, other: Any) -> BinaryExpression:
        return self._compare("ge", other)

    __hash__ = object.__hash__

    def _arith(self, op: str, other: Any, reverse: bool = False) -> BinaryExpression:
        _check_literal(_unwrap(other))
        other_el = _coerce(other, _arith_operand_type(self._type, other), self._bind_name)
        if reverse:
            return BinaryExpression._make(other_el, op, self, op, type_=self._type)
        return BinaryExpression._make(self, op, other_el, op, type_=self._type)

    def __add__(self, other: Any) -> BinaryExpression:
        if isinstance(self._type, sqltypes.String):
            return self._arith("concat", other)
        return self._arith("add", other)

    def __radd__(self, other: Any) -> BinaryExpression:
        if isinstance(self._type, sqltypes.String):
            return self._arith("concat", other, reverse=True)
        return self._arith("add", other, reverse=True)

    def __sub__(self, other: Any) -> BinaryExpression:
        return self._arith("sub", other)

    def __rsub__(self, other: Any) -> BinaryExpression:
        return self._arith("sub", other, reverse=True)

    def __mul__(self, other: Any) -> BinaryExpression:
        return self._arith("mul", other)

    def __rmul__(self, other: Any) -> BinaryExpression:
        return self._arith("mul", other, reverse=True)

    def _div(self, op: str, other: Any, reverse: bool) -> BinaryExpression:
        _check_literal(_unwrap(other))
        other_el = _coerce(other, _arith_operand_type(self._type, other), self._bind_name)
        left, right = (other_el, self) if reverse else (self, other_el)
        result = _division_type(op, left.type, right.type)
        return BinaryExpression._make(left, op, right, op, type_=result)

    def __truediv__(self, other: Any) -> BinaryExpression:
        return self._div("div", other, False)

    def __rtruediv__(self, other: Any) -> BinaryExpression:
        return self._div("div", other, True)

    def __floordiv__(self, other: Any) -> BinaryExpression:
        return self._div("floordiv", other, False)

    def __rfloordiv__(self, other: Any) -> BinaryExpression:
        return self._div("floordiv", other, True)

    def __mod__(self, other: Any) -> BinaryExpression:
        return self._arith("mod", other)

    def __neg__(self) -> UnaryExpression:
        return UnaryExpression._make("neg", self)

    def __invert__(self) -> ColumnElement:
        return not_(self)

    def __and__(self, other: Any) -> BooleanClauseList:
        return and_(self, other)

    def __or__(self, other: Any) -> BooleanClauseList:
        return or_(self, other)

    def concat(self, other: Any) -> BinaryExpression:
        return self._arith("concat", other)

    def _like(self, op: str, other: Any, escape: str | None) -> BinaryExpression:
        b = self._compare(op, other)
        if escape is None:
            return b
        return BinaryExpression._make(b.left, op, b.right, op, escape=escape)

    def like(self, other: Any, escape: str | None = None) -> BinaryExpression:
        return self._like("like", other, escape)

    def not_like(self, other: Any, escape: str | None = None) -> BinaryExpression:
        return self._like("not_like", other, escape)

    notlike = not_like

    def ilike(self, other: Any, escape: str | None = None) -> BinaryExpression:
        return self._like("ilike", other, escape)

    def not_ilike(self, other: Any, escape: str | None = None) -> BinaryExpression:
        return self._like("not_ilike", other, escape)

    notilike = not_ilike

    def _pattern(self, other: Any, before: bool, after: bool, escape: str | None, autoescape: bool) -> BinaryExpression:
        if autoescape:
            # SQLAlchemy escapes the escape character itself, then % and _, with "/" by default.
            if escape is None:
                escape = "/"
            if not isinstance(other, str):
                raise TypeError("String value expected when autoescape=True")
            if escape != "%" and escape != "_":
                other = other.replace(escape, escape + escape)
            other = other.replace("%", escape + "%").replace("_", escape + "_")
        bind = _coerce(other, sqltypes.String(), self._bind_name)
        pattern: ColumnElement = bind
        if before:
            pattern = BinaryExpression._make(_Percent(), "concat", pattern, "concat")
        if after:
            pattern = BinaryExpression._make(pattern, "concat", _Percent(), "concat")
        return BinaryExpression._make(self, "like", pattern, "like", escape=escape)

    def startswith(self, other: Any, escape: str | None = None, autoescape: bool = False) -> BinaryExpression:
        return self._pattern(other, before=False, after=True, escape=escape, autoescape=autoescape)

    def endswith(self, other: Any, escape: str | None = None, autoescape: bool = False) -> BinaryExpression:
        return self._pattern(other, before=True, after=False, escape=escape, autoescape=autoescape)

    def contains(self, other: Any, escape: str | None = None, autoescape: bool = False) -> BinaryExpression:
        _no_container_ops(self._type, "contains()")
        return self._pattern(other, before=True, after=True, escape=escape, autoescape=autoescape)

    def is_distinct_from(self, other: Any) -> BinaryExpression:
        return BinaryExpression._make(
            self, "is_distinct_from", _coerce(other, self._type, self._bind_name), "is_distinct_from"
        )

    def is_not_distinct_from(self, other: Any) -> BinaryExpression:
        return BinaryExpression._make(
            self, "is_not_distinct_from", _coerce(other, self._type, self._bind_name), "is_not_distinct_from"
        )

    isnot_distinct_from = is_not_distinct_from

    def cast(self, type_: Any) -> Cast:
        return Cast(self, type_)

    def __getitem__(self, index: Any) -> Any:
        _no_container_ops(self._type, "index access (col[...])")
        raise NotImplementedError(f"ferroalchemy: index access on a {self._type!r} expression is not implemented yet")

    def any(self, other: Any, operator: Any = None) -> Any:
        _no_container_ops(self._type, "any()")
        raise NotImplementedError("ferroalchemy: any() is only defined on ARRAY expressions")

    def all(self, other: Any, operator: Any = None) -> Any:
        _no_container_ops(self._type, "all()")
        raise NotImplementedError("ferroalchemy: all() is only defined on ARRAY expressions")

    def in_(self, other: Any) -> BinaryExpression:
        return self._in("in", other)

    def not_in(self, other: Any) -> BinaryExpression:
        return self._in("not_in", other)

    notin_ = not_in

    def _in(self, op: str, other: Any) -> BinaryExpression:
        other = _unwrap(other)
        if isinstance(other, BindParameter):
            if isinstance(other.type, sqltypes.NullType):
                other = other._with_type(self._type)
            if not other._expanding:
                raise exc.ArgumentError(
                    'in_() accepts either a list of expressions, a selectable, or an "expanding" bound '
                    "parameter: the bound parameter must be created with expanding=True"
                )
            return BinaryExpression._make(self, op, other, op)
        if hasattr(other, "scalar_subquery") and getattr(other, "_is_select", False):
            return BinaryExpression._make(self, op, other.scalar_subquery(), op)
        if isinstance(other, (str, bytes)) or not isinstance(other, Iterable):
            raise exc.ArgumentError(
                f"IN expression list, SELECT construct, or bound parameter object expected, got {other!r}."
            )
        values = [_unwrap(v) for v in other]
        if isinstance(self, Tuple):
            raise NotImplementedError("ferroalchemy: tuple_(...).in_() is not implemented yet")
        if any(isinstance(v, ClauseElement) for v in values):
            # A list with SQL expressions in it is rendered as it is: `IN (users.id, :id_1)`.
            return BinaryExpression._make(
                self, op, _Tuple([_coerce(v, self._type, self._bind_name) for v in values]), op
            )
        for v in values:
            _check_literal(v)
        return BinaryExpression._make(self, op, BindParameter._expanding_anon(values, self._type, self._bind_name), op)

    def is_(self, other: Any) -> BinaryExpression:
        return BinaryExpression._make(self, "is", _coerce(other, self._type, self._bind_name), "is")

    def is_not(self, other: Any) -> BinaryExpression:
        return BinaryExpression._make(self, "is_not", _coerce(other, self._type, self._bind_name), "is_not")

    isnot = is_not

    def between(self, cleft: Any, cright: Any, symmetric: bool = False) -> Between:
        if symmetric:
            raise NotImplementedError("ferroalchemy: between(symmetric=True) is not implemented yet")
        _check_literal(_unwrap(cleft))
        _check_literal(_unwrap(cright))
        return Between(self, _coerce(cleft, self._type, self._bind_name), _coerce(cright, self._type, self._bind_name))

    def desc(self) -> UnaryExpression:
        return UnaryExpression._make("desc", self)

    def asc(self) -> UnaryExpression:
        return UnaryExpression._make("asc", self)

    def nulls_first(self) -> UnaryExpression:
        return UnaryExpression._make("nulls_first", self)

    def nulls_last(self) -> UnaryExpression:
        return UnaryExpression._make("nulls_last", self)

    nullsfirst = nulls_first
    nullslast = nulls_last

    def distinct(self) -> UnaryExpression:
        return UnaryExpression._make("distinct", self)

    def label(self, name: str | None) -> Label:
        return Label(name, self)


def _arith_operand_type(left: TypeEngine, value: Any) -> TypeEngine:
    """The type of a plain value in arithmetic: the expression's, unless the value is an integer
    and the expression is not (SQLAlchemy's coerce_compared_value: `numeric // 7` binds an Integer)."""
    if isinstance(value, int) and not isinstance(value, bool) and not isinstance(left, sqltypes.Integer):
        if not isinstance(left, (sqltypes.String, sqltypes.NullType)):
            return sqltypes.Integer()
    return left


def _division_type(op: str, left: TypeEngine, right: TypeEngine) -> TypeEngine:
    """SQLAlchemy 2.x: integer / integer is Numeric; integer // integer stays integer."""
    if isinstance(left, sqltypes.Integer):
        if op == "div" and isinstance(right, (sqltypes.Integer, sqltypes.Numeric)):
            return sqltypes.Numeric()
        if op == "floordiv" and isinstance(right, sqltypes.Numeric) and not isinstance(right, sqltypes.Integer):
            return sqltypes.Numeric()
    return left


class ColumnElement(ColumnOperators, ClauseElement):
    """An expression that can appear in a columns clause or a WHERE clause."""

    __slots__ = ("_inner", "type")
    key: str | None = None
    name: str | None = None

    def _expr(self) -> Any:
        return self._inner

    @property
    def _type(self) -> TypeEngine:
        return self.type

    def __bool__(self) -> bool:
        raise TypeError("Boolean value of this clause is not defined")

    def self_group(self, against: Any = None) -> ColumnElement:
        return self

    @property
    def expression(self) -> ColumnElement:
        return self

    @property
    def _result_name(self) -> str | None:
        return None

    def _froms(self) -> list[Any]:
        return []


def _unwrap(obj: Any) -> Any:
    ce = getattr(obj, "__clause_element__", None)
    if ce is not None and not isinstance(obj, ClauseElement):
        return ce()
    return obj


def _check_literal(value: Any) -> None:
    if isinstance(value, ColumnElement):
        return
    if isinstance(value, ClauseElement) or getattr(value, "is_selectable", False):
        raise exc.ArgumentError(
            f"SQL expression element or literal value expected, got {value!r}. To create a column "
            "expression from a FROM clause row as a whole, use the .table_valued() method."
        )
    if isinstance(value, type) or callable(getattr(value, "__clause_element__", None)):
        raise exc.ArgumentError(f"SQL expression element or literal value expected, got {value!r}.")


def _no_container_ops(type_: TypeEngine, what: str) -> None:
    """JSON and ARRAY comparators (`col["k"]`, `.as_string()`, `.any()`, `.contains([...])`) are not built:
    say so rather than render them as string operators."""
    if isinstance(type_, (sqltypes.JSON, sqltypes.ARRAY)):
        raise NotImplementedError(f"ferroalchemy: {what} on {type(type_).__name__} columns is not implemented yet")


def _coerce(value: Any, type_: TypeEngine | None = None, name: str = "param") -> ColumnElement:
    """A plain value becomes a bind typed like the expression it meets; SQL elements pass through."""
    value = _unwrap(value)
    if isinstance(value, ColumnElement):
        return value
    if value is None:
        return null()
    if isinstance(value, ClauseElement):
        sub = getattr(value, "scalar_subquery", None)
        if sub is not None:
            return sub()
        hint = (
            " To create a column expression from a FROM clause row as a whole, use the .table_valued() method."
            if getattr(value, "is_selectable", False)
            else ""
        )
        raise exc.ArgumentError(f"SQL expression element expected, got {value!r}.{hint}")
    _check_literal(value)
    t = type_ if type_ is not None and type_ is not NULLTYPE else sqltypes._literal_type(value)
    return BindParameter._anon(value, t, name)


def _coerce_where(clause: Any) -> ColumnElement:
    """What `.where()` accepts: SQL boolean expressions; a string must be wrapped in text()."""
    clause = _unwrap(clause)
    if isinstance(clause, str):
        raise exc.ArgumentError(f"Textual SQL expression {clause!r} should be explicitly declared as text({clause!r})")
    if isinstance(clause, bool):
        return true() if clause else false()
    if isinstance(clause, TextClause):
        return clause._as_expr()
    if not isinstance(clause, ColumnElement):
        raise exc.ArgumentError(f"SQL expression for WHERE/HAVING role expected, got {clause!r}.")
    return clause


class BindParameter(ColumnElement):
    __slots__ = ("key", "value", "_anonymous", "_has_value", "_expanding")

    @classmethod
    def _anon(cls, value: Any, type_: TypeEngine, name: str) -> BindParameter:
        b = cls.__new__(cls)
        b.key = name
        b.value = value
        b.type = type_
        b._anonymous = True
        b._has_value = True
        b._expanding = False
        b._inner = None
        return b

    @classmethod
    def _expanding_anon(cls, values: list[Any], type_: TypeEngine, name: str) -> BindParameter:
        """The list of `in_([...])`: one parameter, expanded when the statement executes."""
        b = cls._anon(values, type_, name)
        b._expanding = True
        return b

    def __init__(
        self,
        key: str,
        value: Any = None,
        type_: Any = None,
        *,
        _has_value: bool = False,
        expanding: bool = False,
    ) -> None:
        self.key = key
        self.value = value
        if type_ is not None:
            self.type = sqltypes.to_instance(type_)
        elif expanding:
            self.type = sqltypes._literal_type(value[0]) if value else NULLTYPE
        else:
            self.type = sqltypes._literal_type(value)
        self._anonymous = False
        self._inner = None
        self._has_value = _has_value
        self._expanding = expanding

    def _expr(self) -> Any:
        inner = self._inner
        if inner is None:
            if self._expanding:
                values = list(self.value) if self._has_value and self.value is not None else None
                inner = _core.bind_expanding(self.key, values, self.type._handle, self._anonymous)
            elif self._anonymous:
                inner = _core.bind(self.key, self.value, self.type._handle, True)
            elif self._has_value:
                inner = _core.bind(self.key, self.value, self.type._handle, False)
            else:
                inner = _core.bind_named(self.key, self.type._handle)
            self._inner = inner
        return inner

    def _with_type(self, type_: TypeEngine) -> BindParameter:
        """This parameter typed as the expression it is compared with (`col.in_(bindparam(...))`)."""
        b = BindParameter.__new__(BindParameter)
        for attr in ("key", "value", "_anonymous", "_has_value", "_expanding"):
            setattr(b, attr, getattr(self, attr))
        b.type = type_
        b._inner = None
        return b

    def __repr__(self) -> str:
        return f"BindParameter({self.key!r}, {self.value!r}, type_={self.type!r})"


def bindparam(key: str, value: Any = ..., type_: Any = None, expanding: bool = False, **kw: Any) -> BindParameter:
    if kw.get("literal_execute"):
        raise NotImplementedError("ferroalchemy: bindparam(literal_execute=True) is not implemented yet")
    has_value = value is not ...
    return BindParameter(key, value if has_value else None, type_, _has_value=has_value, expanding=expanding)


def literal(value: Any, type_: Any = None) -> BindParameter:
    t = sqltypes.to_instance(type_) if type_ is not None else sqltypes._literal_type(value)
    return BindParameter._anon(value, t, "param")


class _Percent(ColumnElement):
    """The '%' literal in startswith/endswith/contains patterns."""

    __slots__ = ()

    def __init__(self) -> None:
        self._inner = _core.literal_string("%")
        self.type = sqltypes.String()


class _Tuple(ColumnElement):
    __slots__ = ("clauses",)

    def __init__(self, clauses: list[ColumnElement]) -> None:
        self.clauses = clauses
        self.type = NULLTYPE
        self._inner = None

    def _expr(self) -> Any:
        if self._inner is None:
            self._inner = _core.tuple_([c._expr() for c in self.clauses])
        return self._inner


_BOOLEAN = sqltypes.Boolean()


class BinaryExpression(ColumnElement):
    __slots__ = ("left", "right", "operator", "_op", "escape")

    @classmethod
    def _make(
        cls,
        left: Any,
        op: str,
        right: Any,
        opname: str,
        type_: TypeEngine | None = None,
        escape: str | None = None,
    ) -> BinaryExpression:
        b = cls.__new__(cls)
        b.left = left
        b.right = right
        b._op = opname
        b.operator = opname
        b.escape = escape
        b._inner = None
        if type_ is None:
            type_ = sqltypes.Boolean() if opname not in _ARITHMETIC else left.type
        b.type = type_
        return b

    @classmethod
    def _from_inner(cls, inner: Any, left: Any, op: str, right: Any) -> BinaryExpression:
        b = cls.__new__(cls)
        b.left = left
        b.right = right
        b._op = op
        b.operator = op
        b.escape = None
        b._inner = inner
        b.type = _BOOLEAN
        return b

    def _expr(self) -> Any:
        if self._inner is None:
            left, right = self.left._expr(), self.right._expr()
            if self._op in ("div", "floordiv"):
                # The result type is not the left operand's: int / int is Numeric.
                inner = _core.binary_typed(left, self._op, right, self.type._handle)
            else:
                inner = _core.binary(left, self._op, right)
            if self.escape is not None:
                inner = _core.escape(inner, self.escape)
            self._inner = inner
        return self._inner

    def __bool__(self) -> bool:
        # `col1 == col2` in a boolean context compares the columns themselves, as SQLAlchemy does.
        if self._op == "eq":
            return self.left is self.right
        if self._op == "ne":
            return self.left is not self.right
        raise TypeError("Boolean value of this clause is not defined")


_ARITHMETIC = frozenset(("add", "sub", "mul", "div", "floordiv", "mod", "concat"))


class _ValueComparison(BinaryExpression):
    """`column <op> value` from the hot path of ColumnOperators._compare: the Rust node is built
    at once, the Python BindParameter of `.right` only when someone asks for it."""

    __slots__ = ("_value", "_value_type", "_right")

    @property  # type: ignore[override]
    def right(self) -> BindParameter:
        r = self._right
        if r is None:
            r = self._right = BindParameter._anon(self._value, self._value_type, self.left._bind_name)
        return r


class Between(ColumnElement):
    __slots__ = ("expr", "low", "high", "negate")

    def __init__(self, expr: Any, low: ColumnElement, high: ColumnElement, negate: bool = False) -> None:
        self.expr, self.low, self.high, self.negate = expr, low, high, negate
        self.type = sqltypes.Boolean()
        self._inner = None

    def _expr(self) -> Any:
        if self._inner is None:
            self._inner = _core.between(self.expr._expr(), self.low._expr(), self.high._expr(), self.negate)
        return self._inner


def between(expr: Any, lower_bound: Any, upper_bound: Any, symmetric: bool = False) -> Between:
    return _coerce(expr).between(lower_bound, upper_bound, symmetric)


class UnaryExpression(ColumnElement):
    __slots__ = ("element", "modifier")

    @classmethod
    def _make(cls, op: str, element: Any) -> UnaryExpression:
        u = cls.__new__(cls)
        u.element = element
        u.modifier = op
        u._inner = None
        u.type = sqltypes.Boolean() if op in ("not", "exists") else getattr(element, "type", NULLTYPE)
        return u

    def _expr(self) -> Any:
        if self._inner is None:
            self._inner = _core.unary(self.modifier, self.element._expr())
        return self._inner


class BooleanClauseList(ColumnElement):
    __slots__ = ("operator", "clauses")

    @classmethod
    def _make(cls, op: str, clauses: list[ColumnElement]) -> BooleanClauseList:
        b = cls.__new__(cls)
        b.operator = op
        b.clauses = clauses
        b._inner = None
        b.type = sqltypes.Boolean()
        return b

    def _expr(self) -> Any:
        if self._inner is None:
            self._inner = _core.bool_clause(self.operator, [c._expr() for c in self.clauses])
        return self._inner


def _bool_list(op: str, clauses: tuple[Any, ...]) -> ColumnElement:
    # As SQLAlchemy: true() drops out of and_() and decides or_(); false() the other way round.
    neutral, decisive = (True_, False_) if op == "and" else (False_, True_)
    items: list[ColumnElement] = []
    skipped: ColumnElement | None = None
    for c in clauses:
        if c is None:
            continue
        el = _coerce_where(c)
        if isinstance(el, decisive):
            return el
        if isinstance(el, neutral):
            skipped = el
            continue
        if isinstance(el, BooleanClauseList) and el.operator == op:
            items.extend(el.clauses)
        else:
            items.append(el)
    if not items:
        if skipped is not None:
            return skipped
        raise exc.ArgumentError(f"{op}_() requires at least one expression")
    if len(items) == 1:
        return items[0]
    return BooleanClauseList._make(op, items)


def and_(*clauses: Any) -> ColumnElement:
    return _bool_list("and", clauses)


def or_(*clauses: Any) -> ColumnElement:
    return _bool_list("or", clauses)


def not_(clause: Any) -> ColumnElement:
    el = _coerce_where(clause)
    if isinstance(el, True_):
        return False_()
    if isinstance(el, False_):
        return True_()
    if isinstance(el, Between):
        return Between(el.expr, el.low, el.high, not el.negate)
    if isinstance(el, BinaryExpression):
        negations = {
            "eq": "ne",
            "ne": "eq",
            "is": "is_not",
            "is_not": "is",
            "like": "not_like",
            "not_like": "like",
            "ilike": "not_ilike",
            "not_ilike": "ilike",
            "in": "not_in",
            "not_in": "in",
            "is_distinct_from": "is_not_distinct_from",
            "is_not_distinct_from": "is_distinct_from",
            "lt": "ge",
            "ge": "lt",
            "gt": "le",
            "le": "gt",
        }
        neg = negations.get(el._op)
        if neg is not None:
            return BinaryExpression._make(el.left, neg, el.right, neg, escape=el.escape)
    return UnaryExpression._make("not", el)


def _order_target(column: Any) -> ColumnElement:
    """What desc()/asc() order by: an expression, or a columns-clause label given by name."""
    if isinstance(column, str):
        from .selectable import _LabelReference

        return _LabelReference(column)
    return _coerce(column)


def desc(column: Any) -> UnaryExpression:
    return UnaryExpression._make("desc", _order_target(column))


def asc(column: Any) -> UnaryExpression:
    return UnaryExpression._make("asc", _order_target(column))


def nulls_first(column: Any) -> UnaryExpression:
    return UnaryExpression._make("nulls_first", _coerce(column))


def nulls_last(column: Any) -> UnaryExpression:
    return UnaryExpression._make("nulls_last", _coerce(column))


def distinct(expr: Any) -> UnaryExpression:
    return UnaryExpression._make("distinct", _coerce(expr))


class Label(ColumnElement):
    __slots__ = ("name", "element", "key")

    def __init__(self, name: str | None, element: Any, type_: Any = None) -> None:
        element = _coerce(element)
        self.element = element
        self.name = name or "anon_1"
        self.key = self.name
        self.type = sqltypes.to_instance(type_) if type_ is not None else element.type
        self._inner = None

    def _expr(self) -> Any:
        if self._inner is None:
            self._inner = _core.label(self.name, self.element._expr())
        return self._inner

    @property
    def _result_name(self) -> str | None:
        return self.name


def _wrapped_column_name(element: ColumnElement) -> str | None:
    """cast() and type_coerce() of a column are named after the column, as SQLAlchemy names them."""
    while isinstance(element, (Cast, TypeCoerce)):
        element = element.clause
    return element.name if isinstance(element, ColumnClause) or hasattr(element, "table") else None


class _Retyped(ColumnElement):
    """An expression seen as another type: CAST in SQL, or type_coerce() with the SQL unchanged."""

    __slots__ = ("clause", "name", "key")
    _core_fn = "cast"

    def __init__(self, expression: Any, type_: Any) -> None:
        self.type = sqltypes.to_instance(type_)
        self.clause = _coerce(expression, self.type, "param")
        self.name = self.key = _wrapped_column_name(self.clause)
        self._inner = None

    def _expr(self) -> Any:
        if self._inner is None:
            self._inner = getattr(_core, self._core_fn)(self.clause._expr(), self.type._handle)
        return self._inner

    @property
    def _result_name(self) -> str | None:
        return self.name

    def _froms(self) -> list[Any]:
        return self.clause._froms()


class Cast(_Retyped):
    """``CAST(expr AS type)``: the database converts the value; results come back as the type."""

    __slots__ = ()


class TypeCoerce(_Retyped):
    """``type_coerce(expr, type)``: the SQL is unchanged; binds and results follow the new type."""

    __slots__ = ()
    _core_fn = "type_coerce"


def cast(expression: Any, type_: Any) -> Cast:
    return Cast(expression, type_)


def type_coerce(expression: Any, type_: Any) -> TypeCoerce:
    return TypeCoerce(expression, type_)


class Case(ColumnElement):
    """``CASE [value] WHEN ... THEN ... [ELSE ...] END``."""

    __slots__ = ("value", "whens", "else_")

    def __init__(self, *whens: Any, value: Any = None, else_: Any = None) -> None:
        if len(whens) == 1 and isinstance(whens[0], dict):
            pairs = list(whens[0].items())
            if value is None:
                raise exc.ArgumentError("case() given a dictionary of WHEN values needs value= to compare them with")
        else:
            pairs = []
            for w in whens:
                if not isinstance(w, tuple) or len(w) != 2:
                    raise exc.ArgumentError(
                        f'The "whens" argument to case(), when referring to a sequence of items, is '
                        f"now passed as a series of positional elements, rather than as a list. Got {w!r}"
                    )
                pairs.append(w)
        self.value = None if value is None else _coerce(value)
        if self.value is None:
            conds = [_coerce_where(c) for c, _ in pairs]
        else:
            conds = [_coerce(c) for c, _ in pairs]
        results = [_coerce(r) for _, r in pairs]
        self.whens = list(zip(conds, results, strict=True))
        self.else_ = None if else_ is None else _coerce(else_)
        self.type = results[-1].type if results else NULLTYPE
        self._inner = None

    def _expr(self) -> Any:
        if self._inner is None:
            self._inner = _core.case(
                None if self.value is None else self.value._expr(),
                [(c._expr(), r._expr()) for c, r in self.whens],
                None if self.else_ is None else self.else_._expr(),
                self.type._handle,
            )
        return self._inner


def case(*whens: Any, value: Any = None, else_: Any = None) -> Case:
    return Case(*whens, value=value, else_=else_)


class Tuple(ColumnElement):
    """``tuple_(a, b)``: renders ``(a, b)``."""

    __slots__ = ("clauses",)

    def __init__(self, *clauses: Any) -> None:
        self.clauses = [_coerce(c) for c in clauses]
        self.type = NULLTYPE
        self._inner = None

    def _expr(self) -> Any:
        if self._inner is None:
            self._inner = _core.tuple_([c._expr() for c in self.clauses])
        return self._inner


def tuple_(*clauses: Any) -> Tuple:
    return Tuple(*clauses)


class Grouping(ColumnElement):
    __slots__ = ("element",)

    def __init__(self, element: Any) -> None:
        self.element = element
        self.type = getattr(element, "type", NULLTYPE)
        self._inner = None

    def _expr(self) -> Any:
        if self._inner is None:
            self._inner = _core.grouping(self.element._expr())
        return self._inner


class Null(ColumnElement):
    __slots__ = ()

    def __init__(self) -> None:
        self._inner = _core.null()
        self.type = NULLTYPE


class True_(ColumnElement):
    __slots__ = ()

    def __init__(self) -> None:
        self._inner = _core.true_()
        self.type = sqltypes.Boolean()


class False_(ColumnElement):
    __slots__ = ()

    def __init__(self) -> None:
        self._inner = _core.false_()
        self.type = sqltypes.Boolean()


def null() -> Null:
    return Null()


def true() -> True_:
    return True_()


def false() -> False_:
    return False_()


class ColumnClause(ColumnElement, metaclass=abc.ABCMeta):
    """A column by name, optionally of a table: `column("x")`, `literal_column("x")`. Table columns
    (``schema.Column``) count as ColumnClauses too (registered there)."""

    __slots__ = ("name", "key", "table", "is_literal")

    def __init__(self, text: str, type_: Any = None, is_literal: bool = False, _selectable: Any = None) -> None:
        self.name = text
        self.key = text
        self.type = sqltypes.to_instance(type_)
        self.is_literal = is_literal
        self.table = _selectable
        self._inner = None

    @property
    def _bind_name(self) -> str:  # type: ignore[override]
        return self.key or "param"

    def _expr(self) -> Any:
        if self._inner is None:
            if self.is_literal:
                self._inner = _core.literal_column(self.name, self.type._handle)
            else:
                table_ref = self.table._ref if self.table is not None else None
                self._inner = _core.column(table_ref, self.name, self.type._handle)
        return self._inner

    @property
    def _result_name(self) -> str | None:
        return self.name

    def _froms(self) -> list[Any]:
        return [self.table] if self.table is not None else []


def literal_column(text: str, type_: Any = None) -> ColumnClause:
    return ColumnClause(text, type_, is_literal=True)


def column(text: str, type_: Any = None, is_literal: bool = False, _selectable: Any = None) -> ColumnClause:
    return ColumnClause(text, type_, is_literal, _selectable)


class TextClause(ClauseElement):
    """`text("SELECT ... WHERE id = :id")`."""

    _is_executable = True
    _is_textual = True

    def __init__(self, text: str) -> None:
        self.text = text
        self._bound: dict[str, tuple[Any, TypeEngine]] = {}
        self._column_types: list[tuple[str, TypeEngine]] = []
        self._stmt_cache: Any = None

    def _copy(self) -> TextClause:
        new = TextClause(self.text)
        new._bound = dict(self._bound)
        new._column_types = list(self._column_types)
        return new

    def bindparams(self, *binds: Any, **values: Any) -> TextClause:
        new = self._copy()
        names = set(_core.text_param_names(self._stmt()))
        for b in binds:
            if b.key not in names:
                raise exc.ArgumentError(f"This text() construct doesn't define a bound parameter named {b.key!r}")
            new._bound[b.key] = (b.value, b.type)
        for k, v in values.items():
            if k not in names:
                raise exc.ArgumentError(f"This text() construct doesn't define a bound parameter named {k!r}")
            new._bound[k] = (v, sqltypes._literal_type(v))
        return new

    def columns(self, *cols: Any, **types: Any) -> TextClause:
        new = self._copy()
        for c in cols:
            c = _unwrap(c)
            new._column_types.append((c.name, c.type))
        for name, t in types.items():
            new._column_types.append((name, sqltypes.to_instance(t)))
        return new

    def _stmt(self) -> Any:
        if self._stmt_cache is None:
            self._stmt_cache = _core.text(
                self.text,
                [(k, v, t._handle) for k, (v, t) in self._bound.items()],
                [(n, t._handle) for n, t in self._column_types],
            )
        return self._stmt_cache

    def _as_expr(self) -> ColumnElement:
        return _TextExpr(self)

    def self_group(self, against: Any = None) -> TextClause:
        return self

    def __repr__(self) -> str:
        return f"<sqlalchemy.sql.elements.TextClause object at {hex(id(self))}>"

    def _execute_on_connection(self, connection: Any, params: Any, execution_options: Any) -> Any:
        return connection._execute_stmt(self._stmt(), params, self, execution_options=execution_options)


class _TextExpr(ColumnElement):
    __slots__ = ("text",)

    def __init__(self, clause: TextClause) -> None:
        self.text = clause
        self.type = NULLTYPE
        self._inner = _core.text_expr(clause._stmt())


def text(text: str) -> TextClause:
    return TextClause(text)


class Compiled:
    """The result of ``stmt.compile()``: ``str()`` is the SQL, ``.params`` the bound values."""

    def __init__(self, string: str, positiontup: list[str], values: list[Any], dialect: Any) -> None:
        self.string = string
        self.positiontup = positiontup
        self._values = values
        self.dialect = dialect

    @property
    def params(self) -> dict[str, Any]:
        return dict(zip(self.positiontup, self._values, strict=True))

    def __str__(self) -> str:
        return self.string


class quoted_name(str):
    """A name with its quoting decided: ``quote=True`` always quotes it, ``False`` never, ``None`` as needed."""

    quote: bool | None

    def __new__(cls, value: str, quote: bool | None = None) -> quoted_name:
        if isinstance(value, cls) and quote is None:
            return value
        self = super().__new__(cls, value)
        self.quote = quote
        return self

    def __reduce__(self) -> Any:
        return quoted_name, (str(self), self.quote)


class conv(quoted_name):
    """A constraint name already final: a naming convention leaves it as it is."""
