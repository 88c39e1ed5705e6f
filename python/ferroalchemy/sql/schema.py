"""Schema objects: MetaData, Table, Column, ForeignKey, constraints and indexes, and their DDL."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from typing import Any, NamedTuple

from .. import _core, exc
from . import sqltypes
from .base import DialectKWArgs
from .elements import ColumnClause, ColumnElement, TextClause, conv
from .selectable import ColumnCollection, DMLTarget, FromClause, Select

# SQLAlchemy renders a table's constraints after its primary key in the order they were created:
# table-level ones when constructed (before the Table call), column-level ones on attachment.
_creation_order = itertools.count()


class SchemaItem:
    info: dict[str, Any]


class SchemaEventTarget:
    """Base of objects that attach to a schema item (types, constraints)."""


# What Column._user_defined_nullable holds when nullable= was not given.
NULL_UNSPECIFIED: Any = ...


class ColumnDefault:
    """A Python-side default: a scalar, or a callable taking no argument or the execution context."""

    def __init__(self, arg: Any, for_update: bool = False) -> None:
        self.arg = arg
        self.for_update = for_update
        self.is_callable = callable(arg)
        self.is_scalar = not self.is_callable
        self.is_sequence = False
        self.is_server_default = False

    def _zero_arg(self) -> Callable[[], Any]:
        arg = self.arg
        if not self.is_callable:
            return lambda: arg
        import inspect

        try:
            params = [
                p
                for p in inspect.signature(arg).parameters.values()
                if p.default is p.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
            ]
        except (TypeError, ValueError):
            params = []
        if params:
            # SQLAlchemy passes an execution context; ours offers the current parameters.
            return lambda: arg(_DefaultContext())
        return arg

    def __repr__(self) -> str:
        return f"ScalarElementColumnDefault({self.arg!r})" if self.is_scalar else f"CallableColumnDefault({self.arg!r})"


class _DefaultContext:
    def get_current_parameters(self, isolate_multiinsert_groups: bool = True) -> dict[str, Any]:
        raise NotImplementedError("ferroalchemy: context-sensitive column defaults are not implemented yet")


class FetchedValue:
    """A value the database generates (trigger, server default)."""

    is_server_default = True

    def __init__(self, for_update: bool = False) -> None:
        self.for_update = for_update


class Computed(FetchedValue):
    """``Column(..., Computed("a + b"))``: a generated column (GENERATED ALWAYS AS)."""

    __visit_name__ = "computed_column"

    def __init__(self, sqltext: Any, persisted: bool | None = None) -> None:
        raise NotImplementedError("ferroalchemy: Computed() (generated columns) is not implemented yet")


class DefaultClause(FetchedValue):
    """``server_default=``: a string, ``text(...)`` or a SQL expression such as ``func.now()``."""

    __visit_name__ = "default"

    def __init__(self, arg: Any, for_update: bool = False) -> None:
        super().__init__(for_update)
        self.arg = arg

    def _ddl_arg(self) -> Any:
        """SQL text as given, or an expression handle the Rust DDL compiler renders per dialect."""
        arg = self.arg
        if isinstance(arg, str):
            return "'" + arg.replace("'", "''") + "'"
        if isinstance(arg, TextClause):
            return arg.text
        if isinstance(arg, ColumnElement):
            return arg._expr()
        raise exc.ArgumentError(
            f"Argument 'arg' is expected to be one of type str, ClauseElement or TextClause, got {type(arg)!r}"
        )

    def __repr__(self) -> str:
        return f"DefaultClause({self.arg!r}, for_update={self.for_update})"


class Column(DialectKWArgs, ColumnElement):
    """A table column; also a column expression once attached to its table."""

    __visit_name__ = "column"

    def __init__(self, *args: Any, **kw: Any) -> None:
        name = None
        type_: Any = None
        args_list = list(args)
        if args_list and isinstance(args_list[0], str):
            name = args_list.pop(0)
        if args_list and (
            isinstance(args_list[0], sqltypes.TypeEngine)
            or (isinstance(args_list[0], type) and issubclass(args_list[0], sqltypes.TypeEngine))
        ):
            type_ = args_list.pop(0)
        self.name = name
        self.key = kw.pop("key", name)
        self.is_literal = False
        self.foreign_keys: set[ForeignKey] = set()
        self._fk_list: list[ForeignKey] = []
        self.identity: Identity | None = None
        self._sequence: Sequence | None = None
        self._checks: list[CheckConstraint] = []
        for a in args_list:
            if isinstance(a, ForeignKey):
                self._add_fk(a)
            elif isinstance(a, (sqltypes.TypeEngine, type)):
                type_ = a
            elif isinstance(a, Identity):
                self.identity = a
            elif isinstance(a, Sequence):
                self._sequence = a
            elif isinstance(a, CheckConstraint):
                self._checks.append(a)
            elif isinstance(a, FetchedValue):
                # Column("x", Integer, FetchedValue()) / DefaultClause(...): a server default, or
                # with for_update=True a server onupdate, as the keyword would give it.
                kw.setdefault("server_onupdate" if a.for_update else "server_default", a)
            elif a is None:
                continue
            else:
                raise exc.ArgumentError(f"Unknown argument to Column: {a!r}")
        self.type = sqltypes.to_instance(type_)
        self.primary_key = bool(kw.pop("primary_key", False))
        nullable = kw.pop("nullable", ...)
        self._user_defined_nullable = nullable
        # An identity column holds a value in every row: NOT NULL unless the user says otherwise.
        self.nullable = (not self.primary_key and self.identity is None) if nullable is ... else bool(nullable)
        default = kw.pop("default", None)
        insert_default = kw.pop("insert_default", None)
        if insert_default is not None:
            default = insert_default
        if isinstance(default, Sequence):
            self._sequence = default
            default = None
        self.default = (
            None if default is None else (default if isinstance(default, ColumnDefault) else ColumnDefault(default))
        )
        if self._sequence is not None and self.default is None:
            self.default = self._sequence
        server_default = kw.pop("server_default", None)
        if server_default is not None and not isinstance(server_default, FetchedValue):
            server_default = DefaultClause(server_default)
        self.server_default = server_default
        onupdate = kw.pop("onupdate", None)
        self.onupdate = None if onupdate is None else ColumnDefault(onupdate, for_update=True)
        self.server_onupdate = kw.pop("server_onupdate", None)
        self.unique = kw.pop("unique", None)
        self.index = kw.pop("index", None)
        self.autoincrement = kw.pop("autoincrement", "auto")
        self.comment = kw.pop("comment", None)
        self.doc = kw.pop("doc", None)
        self.info = kw.pop("info", {})
        self.quote = kw.pop("quote", None)
        self.system = kw.pop("system", False)
        self.sort_order = kw.pop("sort_order", None)
        self._take_dialect_kwargs(kw)
        if kw:
            raise exc.ArgumentError(f"Unknown arguments passed to Column: {sorted(kw)!r}")
        self.table: Table | None = None
        self._inner = None
        self.constraints: set[Any] = set()

    def _add_fk(self, fk: ForeignKey) -> None:
        fk.parent = self
        self.foreign_keys.add(fk)
        self._fk_list.append(fk)

    @property
    def _bind_name(self) -> str:  # type: ignore[override]
        return self.key or "param"

    def _expr(self) -> Any:
        inner = self._inner
        if inner is None:
            ref = self.table._ref if self.table is not None else None
            inner = _core.column(ref, self.name, self._resolved_type()._handle)
            self._inner = inner
        return inner

    def _resolved_type(self) -> sqltypes.TypeEngine:
        """A column declared with only a ForeignKey takes the referenced column's type (as in SQLAlchemy),
        once the referenced table exists."""
        if isinstance(self.type, sqltypes.NullType) and self._fk_list:
            try:
                target = self._fk_list[0].column
            except exc.InvalidRequestError:
                return self.type
            self.type = target._resolved_type()
            self._inner = None
        return self.type

    @property
    def _result_name(self) -> str | None:
        return self.name

    def _set_parent(self, table: Table) -> None:
        if self.name is None:
            raise exc.ArgumentError(
                "Column must be constructed with a non-blank name or assign a non-blank .name before adding to a Table."
            )
        if self.key is None:
            self.key = self.name
        self.table = table
        self._inner = None
        for fk in self._fk_list:
            if fk.constraint is None:
                fk._creation_order = next(_creation_order)
        for ck in self._checks:
            ck._set_parent(table)

    def _is_autoincrement(self) -> bool:
        """True when the database assigns this column: a lone integer primary key (SQLAlchemy's 'auto')."""
        table = self.table
        if table is None or not self.primary_key or self.autoincrement is False:
            return False
        pks = [c for c in table.columns if c.primary_key]
        if self.autoincrement is True:
            return True
        no_default = self.default is None or getattr(self.default, "is_sequence", False)
        return len(pks) == 1 and isinstance(self.type, sqltypes.Integer) and no_default and not self._fk_list

    def copy(self, **kw: Any) -> Column:
        """An unattached copy; as in SQLAlchemy, ForeignKeys that belong to a table's constraint stay
        with that constraint (which is copied on its own) unless `_with_table_fks`."""
        with_table_fks = kw.get("_with_table_fks", False)
        c = Column.__new__(Column)
        c.__dict__.update(self.__dict__)
        c.type = self.type  # a ColumnElement slot, not in __dict__
        c.table = None
        c._inner = None
        c.foreign_keys = set()
        c._fk_list = []
        for fk in self._fk_list:
            if fk.constraint is None or with_table_fks:
                c._add_fk(fk._copy())
        c.constraints = set()
        return c

    _copy = copy

    def references(self, column: Column) -> bool:
        return any(fk.column is column for fk in self._fk_list)

    def __repr__(self) -> str:
        kwarg = []
        if self.key != self.name:
            kwarg.append("key")
        if self.primary_key:
            kwarg.append("primary_key")
        if not self.nullable:
            kwarg.append("nullable")
        if self.onupdate:
            kwarg.append("onupdate")
        if self.default:
            kwarg.append("default")
        if self.server_default:
            kwarg.append("server_default")
        if self.comment:
            kwarg.append("comment")
        parts = [repr(self.name)] + [repr(self.type)] + [repr(fk) for fk in self._fk_list]
        parts += [repr(ck) for ck in self._checks]
        if self.table is not None:
            parts.append(f"table=<{self.table.description}>")
        parts += [f"{k}={getattr(self, k)!r}" for k in kwarg]
        return f"Column({', '.join(parts)})"

    def __str__(self) -> str:
        if self.table is not None:
            return f"{self.table.description}.{self.name}"
        return str(self.name)


# A Column is a ColumnClause, as in SQLAlchemy (tools test isinstance(x, ColumnClause)); registered
# rather than inherited so `subquery.c.x == table.c.y` is not reflected into `y = x` by Python's
# subclass-first rule for comparison operators.
ColumnClause.register(Column)


class ForeignKeyTarget(NamedTuple):
    """Where a ForeignKey points: ``(schema, table_name, column_name)``."""

    schema: str | None
    table_name: str
    column_name: str | None


class ForeignKey:
    """``ForeignKey("table.column")`` or ``ForeignKey(other_table.c.id)``; resolved when first needed."""

    __visit_name__ = "foreign_key"

    def __init__(
        self,
        column: Any,
        ondelete: str | None = None,
        onupdate: str | None = None,
        name: str | None = None,
        use_alter: bool = False,
        deferrable: Any = None,
        initially: Any = None,
        link_to_name: bool = False,
        match: Any = None,
        info: Any = None,
        **kw: Any,
    ) -> None:
        self._colspec = column
        self.ondelete = ondelete
        self.onupdate = onupdate
        self.name = name
        self.use_alter = use_alter
        self.deferrable = deferrable
        self.initially = initially
        self.match = match
        self.link_to_name = link_to_name
        self.parent: Column | None = None
        self.constraint: Any = None
        self.info = info or {}
        self._creation_order = next(_creation_order)

    def _copy(self) -> ForeignKey:
        return ForeignKey(self._colspec, ondelete=self.ondelete, onupdate=self.onupdate, name=self.name)

    @property
    def target_fullname(self) -> str:
        spec = self._colspec
        if isinstance(spec, str):
            return spec
        spec = getattr(spec, "__clause_element__", lambda: spec)()
        return f"{spec.table.fullname}.{spec.key}"

    @property
    def target_column(self) -> Column | None:
        """The target Column when the ForeignKey was given one, None when given by name."""
        spec = self._colspec
        return None if isinstance(spec, str) else getattr(spec, "__clause_element__", lambda: spec)()

    @property
    def target_tokens(self) -> ForeignKeyTarget:
        col = self.target_column
        if col is not None:
            table = col.table
            return ForeignKeyTarget(getattr(table, "schema", None), getattr(table, "name", None), col.name)
        return ForeignKeyTarget(*self._split())

    @property
    def target_table_key(self) -> str | None:
        col = self.target_column
        if col is not None and col.table is None:
            return None
        schema, tname, _ = self.target_tokens
        return _get_table_key(tname, schema)

    def _get_colspec(self) -> str:
        return self.target_fullname

    def _split(self) -> tuple[str | None, str, str]:
        parts = self.target_fullname.split(".")
        if len(parts) == 2:
            return None, parts[0], parts[1]
        if len(parts) == 3:
            return parts[0], parts[1], parts[2]
        raise exc.ArgumentError(f"Invalid foreign key column specification: {self.target_fullname}")

    @property
    def column(self) -> Column:
        spec = self._colspec
        if not isinstance(spec, str):
            return getattr(spec, "__clause_element__", lambda: spec)()
        schema, tname, cname = self._split()
        parent_table = self.parent.table if self.parent is not None else None
        if parent_table is None:
            raise exc.InvalidRequestError("this ForeignKey's parent column is not yet associated with a Table.")
        md = parent_table.metadata
        key = f"{schema}.{tname}" if schema else tname
        if schema is None and parent_table.schema is not None and f"{parent_table.schema}.{tname}" in md.tables:
            key = f"{parent_table.schema}.{tname}"
        table = md.tables.get(key)
        if table is None:
            raise exc.NoReferencedTableError(
                f"Foreign key associated with column '{self.parent}' could not find table '{key}' with which to "
                f"generate a foreign key to target column '{cname}'",
                key,
            )
        col = table.c.get(cname)
        if col is None:
            col = next((c for c in table.columns if c.name == cname), None)
        if col is None:
            raise exc.NoReferencedColumnError(
                f"Could not initialize target column for ForeignKey '{self.target_fullname}' on table "
                f"'{parent_table.name}': table '{table.name}' has no column named '{cname}'",
                key,
                cname,
            )
        return col

    def references(self, table: Any) -> bool:
        return self.column.table is table

    def __repr__(self) -> str:
        return f"ForeignKey({self.target_fullname!r})"


class Constraint(DialectKWArgs):
    __visit_name__ = "constraint"

    # A CHECK constraint generated by a column's type (Boolean, Enum); ferroalchemy generates none.
    _type_bound = False
    # SQLAlchemy's hook deciding, per DDL run, whether the constraint is emitted: always here.
    _create_rule = None

    def __init__(
        self,
        *columns: Any,
        name: str | None = None,
        deferrable: bool | None = None,
        initially: str | None = None,
        **kw: Any,
    ) -> None:
        self._colspecs = columns
        self.name = name
        self.table: Table | None = None
        self.info = kw.get("info", {})
        self.deferrable = deferrable
        self.initially = initially
        self.comment = kw.get("comment")
        self._dialect_kwargs = {k: v for k, v in kw.items() if "_" in k.strip("_") and k != "use_alter"}
        self._creation_order = next(_creation_order)
        if kw.get("_autoattach", True):
            self._attach_to_columns_table()

    def _attach_to_columns_table(self) -> None:
        """Given Column objects of one table, the constraint joins that table at once (as in SQLAlchemy)."""
        cols = [getattr(c, "__clause_element__", lambda c=c: c)() for c in self._colspecs]
        if not cols or not all(isinstance(c, Column) for c in cols):
            return
        tables = {id(c.table): c.table for c in cols}
        if len(tables) == 1:
            table = next(iter(tables.values()))
            if table is not None:
                table._append(self)

    def _set_parent(self, table: Table) -> None:
        self.table = table

    @property
    def parent(self) -> Table | None:
        return self.table

    def _col_specs_for_copy(self) -> list[Any]:
        return [c.name if isinstance(c, Column) else c for c in self._colspecs]

    def _copy(self, target_table: Table | None = None, **kw: Any) -> Constraint:
        """An unattached copy naming its columns, for another table."""
        con = type(self)(
            *self._col_specs_for_copy(),
            name=self.name,
            deferrable=self.deferrable,
            initially=self.initially,
            **self._dialect_kwargs,
        )
        con.info = dict(self.info)
        return con

    copy = _copy

    @property
    def columns(self) -> ColumnCollection:
        if self.table is None:
            return ColumnCollection()
        return ColumnCollection(self._resolve(c) for c in self._colspecs)

    def _resolve(self, spec: Any) -> Column:
        assert self.table is not None
        if isinstance(spec, str):
            try:
                return self.table.c[spec]
            except KeyError:
                raise exc.ConstraintColumnNotFoundError(
                    f"Can't create {type(self).__name__} on table '{self.table.name}': no column named '{spec}' is present."
                ) from None
        return getattr(spec, "__clause_element__", lambda: spec)()

    def _col_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def __iter__(self) -> Any:
        return iter(self.columns)

    def __len__(self) -> int:
        return len(self._colspecs)

    def __contains__(self, col: Any) -> bool:
        return col in self.columns


class PrimaryKeyConstraint(Constraint):
    __visit_name__ = "primary_key_constraint"

    def __repr__(self) -> str:
        return f"PrimaryKeyConstraint({', '.join(repr(c) for c in self.columns)})"


class UniqueConstraint(Constraint):
    __visit_name__ = "unique_constraint"


class CheckConstraint(Constraint):
    __visit_name__ = "check_constraint"

    def __init__(self, sqltext: Any, name: str | None = None, **kw: Any) -> None:
        super().__init__(name=name, **kw)
        self.sqltext = TextClause(sqltext) if isinstance(sqltext, str) else sqltext

    def __repr__(self) -> str:
        return f"CheckConstraint({self.sqltext!r})"

    def _copy(self, target_table: Table | None = None, **kw: Any) -> CheckConstraint:
        return CheckConstraint(
            self.sqltext, name=self.name, deferrable=self.deferrable, initially=self.initially, **self._dialect_kwargs
        )

    copy = _copy

    def _sql(self) -> str:
        s = self.sqltext
        if isinstance(s, str):
            return s
        if isinstance(s, TextClause):
            return s.text
        return str(s.compile(compile_kwargs={"literal_binds": True}))


class ForeignKeyConstraint(Constraint):
    __visit_name__ = "foreign_key_constraint"

    def __init__(
        self,
        columns: Iterable[Any],
        refcolumns: Iterable[Any],
        name: str | None = None,
        ondelete: str | None = None,
        onupdate: str | None = None,
        **kw: Any,
    ) -> None:
        autoattach = kw.pop("_autoattach", True)
        super().__init__(*columns, name=name, _autoattach=False, **kw)
        self._refcolumns = list(refcolumns)
        self.ondelete = ondelete
        self.onupdate = onupdate
        self.use_alter = kw.get("use_alter", False)
        self.match = kw.get("match")
        self._wired = False
        if autoattach:
            self._attach_to_columns_table()

    @classmethod
    def _for_column_fk(cls, fk: ForeignKey, column: Column) -> ForeignKeyConstraint:
        """The constraint a column-level ``ForeignKey`` belongs to once its column is in a table, as
        SQLAlchemy makes one: it shows in ``Table.constraints`` and renders where the ForeignKey did."""
        con = cls([column], [fk._colspec], name=fk.name, ondelete=fk.ondelete, onupdate=fk.onupdate, _autoattach=False)
        con.deferrable, con.initially, con.use_alter, con.match = fk.deferrable, fk.initially, fk.use_alter, fk.match
        con._creation_order = fk._creation_order
        con._wired = True
        fk.constraint = con
        return con

    @property
    def elements(self) -> list[ForeignKey]:
        """The ForeignKey of each column, in column order."""
        return [fk for col in self.columns for fk in col._fk_list if fk.constraint is self]

    @property
    def column_keys(self) -> list[str]:
        return [c.key if isinstance(c, Column) else c for c in self._colspecs]

    @property
    def referred_table(self) -> Table:
        return self.elements[0].column.table

    def _copy(self, target_table: Table | None = None, **kw: Any) -> ForeignKeyConstraint:
        cols = [c.name if isinstance(c, Column) else c for c in self._colspecs]
        refs = [fk.target_fullname for fk in self.elements] if self.table is not None else list(self._refcolumns)
        con = ForeignKeyConstraint(cols, refs, name=self.name, ondelete=self.ondelete, onupdate=self.onupdate)
        con.deferrable, con.initially, con.use_alter, con.match = (
            self.deferrable,
            self.initially,
            self.use_alter,
            self.match,
        )
        return con

    def _set_parent(self, table: Table) -> None:
        super()._set_parent(table)
        if self._wired:
            return
        self._wired = True
        for spec, ref in zip(self._colspecs, self._refcolumns, strict=True):
            col = self._resolve(spec)
            fk = ForeignKey(ref, ondelete=self.ondelete, onupdate=self.onupdate, name=self.name)
            fk.constraint = self
            col._add_fk(fk)


class Index(DialectKWArgs):
    __visit_name__ = "index"

    def __init__(self, name: str | None, *expressions: Any, unique: bool = False, **kw: Any) -> None:
        self.name = name
        self._exprs = expressions
        self.unique = unique
        self.table: Table | None = None
        self.info = kw.pop("info", None) or {}
        kw.pop("quote", None)
        kw.pop("_column_flag", None)
        table = kw.pop("_table", None)
        self._take_dialect_kwargs(kw)
        if kw:
            raise TypeError(f"Additional arguments should be named <dialectname>_<argument>, got {sorted(kw)!r}")
        if expressions:
            first = getattr(expressions[0], "__clause_element__", lambda: expressions[0])()
            if isinstance(first, Column) and first.table is not None and table is None:
                table = first.table
        if table is not None:
            table._add_index(self)

    def _set_parent(self, table: Table) -> None:
        self.table = table

    @property
    def columns(self) -> ColumnCollection:
        assert self.table is not None
        out = []
        for e in self._exprs:
            if isinstance(e, str):
                out.append(self.table.c[e])
            else:
                out.append(getattr(e, "__clause_element__", lambda e=e: e)())
        return ColumnCollection(out)

    def _copy(self, target_table: Table | None = None, **kw: Any) -> Index:
        exprs = [e.name if isinstance(e, Column) else e for e in self._exprs]
        return Index(self.name, *exprs, unique=self.unique, info=dict(self.info), **self._dialect_kwargs)

    copy = _copy

    @property
    def expressions(self) -> list[Any]:
        """What the index is on, in order (ferroalchemy's indexes are on columns)."""
        return list(self.columns)

    def create(self, bind: Any, checkfirst: bool = False) -> None:
        with _ddl_connection(bind) as conn:
            conn.execute(CreateIndex(self))

    def drop(self, bind: Any, checkfirst: bool = False) -> None:
        with _ddl_connection(bind) as conn:
            conn.execute(DropIndex(self, if_exists=checkfirst and not _is_mock(conn)))

    def _create_stmt(self) -> Any:
        assert self.table is not None
        return _core.create_index(
            self.name, self.table.name, self.table.schema, [c.name for c in self.columns], self.unique
        )

    def __repr__(self) -> str:
        cols = ", ".join(repr(c) for c in self.columns) if self.table is not None else ""
        return f"Index({self.name!r}, {cols}{', unique=True' if self.unique else ''})"


class _IdentityOptions:
    """The options SQLAlchemy's Identity and Sequence share (its IdentityOptions)."""

    def __init__(
        self,
        start: int | None = None,
        increment: int | None = None,
        minvalue: int | None = None,
        maxvalue: int | None = None,
        nominvalue: bool | None = None,
        nomaxvalue: bool | None = None,
        cycle: bool | None = None,
        cache: int | None = None,
        order: bool | None = None,
    ) -> None:
        self.start = start
        self.increment = increment
        self.minvalue = minvalue
        self.maxvalue = maxvalue
        self.nominvalue = nominvalue
        self.nomaxvalue = nomaxvalue
        self.cycle = cycle
        self.cache = cache
        self.order = order

    def _options(self) -> tuple[Any, ...]:
        return (
            self.start,
            self.increment,
            self.minvalue,
            self.maxvalue,
            bool(self.nominvalue),
            bool(self.nomaxvalue),
            self.cache,
            self.cycle,
        )


class Identity(_IdentityOptions):
    """``Identity()``: GENERATED ... AS IDENTITY where the dialect has it (PostgreSQL here); the other
    dialects render the column as they would without it, as SQLAlchemy does."""

    __visit_name__ = "identity"

    def __init__(self, always: bool = False, on_null: bool | None = None, **kw: Any) -> None:
        super().__init__(**kw)
        self.always = always
        self.on_null = on_null

    def __repr__(self) -> str:
        opts = {k: v for k, v in vars(self).items() if v is not None and k not in ("always",)}
        return f"Identity(always={self.always!r}{''.join(f', {k}={v!r}' for k, v in opts.items())})"


class Sequence(_IdentityOptions):
    """``Sequence("name")``: created before its table and dropped after it on databases that have
    sequences (PostgreSQL); as a column's default, INSERT takes ``nextval`` from it there."""

    __visit_name__ = "sequence"

    is_sequence = True

    def __init__(
        self, name: str, start: int | None = None, increment: int | None = None, *, schema: str | None = None, **kw: Any
    ) -> None:
        kw.pop("metadata", None)
        self.optional = bool(kw.pop("optional", False))
        super().__init__(start=start, increment=increment, **kw)
        self.name = name
        self.schema = schema

    @property
    def _qualified(self) -> str:
        return f"{self.schema}.{self.name}" if self.schema else self.name

    def next_value(self) -> Any:
        from .elements import literal_column
        from .functions import Function

        return Function("next_value", literal_column(self._qualified), type_=sqltypes.Integer())

    def create(self, bind: Any, checkfirst: bool = True) -> None:
        with _ddl_connection(bind) as conn:
            self._create(conn, checkfirst)

    def drop(self, bind: Any, checkfirst: bool = True) -> None:
        with _ddl_connection(bind) as conn:
            self._drop(conn, checkfirst)

    def _create(self, conn: Any, checkfirst: bool) -> None:
        if not _has_sequences(conn) or (checkfirst and _sequence_exists(conn, self)):
            return
        conn.execute(CreateSequence(self))

    def _drop(self, conn: Any, checkfirst: bool) -> None:
        if not _has_sequences(conn) or (checkfirst and not _sequence_exists(conn, self)):
            return
        conn.execute(DropSequence(self))

    def __repr__(self) -> str:
        return f"Sequence({self.name!r}{f', start={self.start!r}' if self.start is not None else ''})"


def _get_table_key(name: str, schema: str | None) -> str:
    """The key of table `name` in ``MetaData.tables``."""
    return f"{schema}.{name}" if schema else name


def _has_sequences(conn: Any) -> bool:
    # MariaDB has sequences too, but ferroalchemy's MySQL dialect treats them as SQLAlchemy's MySQL does.
    return bool(conn.dialect.name == "postgresql")


def _sequence_exists(conn: Any, seq: Sequence) -> bool:
    from ..engine.dialect import _pg_catalog_has

    return _pg_catalog_has(conn, "pg_class", "rel", "pg_catalog.pg_table_is_visible", seq.name, seq.schema, "'S'")


def _ddl_connection(bind: Any) -> Any:
    """An Engine runs DDL in its own transaction; a Connection (or a mock engine) in the caller's."""
    from contextlib import nullcontext

    from ..engine.base import Connection

    return nullcontext(bind) if isinstance(bind, Connection) or _is_mock(bind) else bind.begin()


def _is_mock(conn: Any) -> bool:
    """create_mock_engine()'s connection: DDL goes to its executor, nothing is checked first."""
    from ..engine.mock import MockConnection

    return isinstance(conn, MockConnection)


def _native_enums(dialect: Any, tables: list[Table]) -> list[sqltypes.Enum]:
    """The Enum types of `tables`' columns that are separate schema objects on `dialect` (PostgreSQL's
    named ENUM types), each once, in the order the columns use them."""
    if not getattr(dialect, "supports_native_enum", False) or dialect.name != "postgresql":
        return []
    found: dict[tuple[str | None, str], sqltypes.Enum] = {}

    def visit(t: Any) -> None:
        t = t._variant_mapping.get(dialect.name, t)
        if isinstance(t, sqltypes.TypeDecorator):
            visit(t.type_engine(dialect))
        elif isinstance(t, sqltypes.ARRAY):
            visit(t.item_type)
        elif isinstance(t, sqltypes.Enum) and t.native_enum and t.create_type and t.name:
            found.setdefault((t.schema, t.name), t)

    for table in tables:
        for c in table.c:
            visit(c._resolved_type())
    return list(found.values())


class MetaData:
    __visit_name__ = "metadata"

    def __init__(
        self, schema: str | None = None, naming_convention: dict[str, Any] | None = None, info: Any = None
    ) -> None:
        self.schema = schema
        self.naming_convention = naming_convention or {}
        self.tables: dict[str, Table] = {}
        self.info = info or {}

    @property
    def dispatch(self) -> Any:
        from ..event import _Dispatcher

        return _Dispatcher(self)

    def _add_table(self, table: Table) -> None:
        self.tables[table.key] = table
        # A column declared with only a ForeignKey takes its target's type as soon as both tables
        # exist, whichever came first (SQLAlchemy resolves it on attachment too).
        for t in self.tables.values():
            for c in t.columns:
                if c._fk_list and isinstance(c.type, sqltypes.NullType):
                    c._resolved_type()
                    t.__dict__.pop("_ferro_plan", None)

    def remove(self, table: Table) -> None:
        self.tables.pop(table.key, None)

    def clear(self) -> None:
        self.tables.clear()

    def __contains__(self, key: Any) -> bool:
        if isinstance(key, str):
            return key in self.tables
        return any(t is key for t in self.tables.values())

    @property
    def sorted_tables(self) -> list[Table]:
        """Tables in dependency order as SQLAlchemy sorts them: by key, then in rounds, each round
        taking (in key order) every table whose referenced tables came in earlier rounds."""
        tables = sorted(self.tables.values(), key=lambda t: t.key)
        index = {id(t): i for i, t in enumerate(tables)}
        deps: list[set[int]] = []
        for t in tables:
            d = set()
            for fk in t.foreign_keys:
                try:
                    target = fk.column.table
                except exc.NoReferenceError:
                    continue
                if id(target) in index and target is not t:
                    d.add(index[id(target)])
            deps.append(d)
        out: list[int] = []
        todo = list(range(len(tables)))
        left = set(todo)
        while left:
            batch = [i for i in todo if left.isdisjoint(deps[i])]
            if not batch:
                # A cycle: the Rust sort breaks it where SQLAlchemy would need use_alter.
                return [tables[i] for i in _core.sort_by_dependency([sorted(d) for d in deps])]
            out.extend(batch)
            left.difference_update(batch)
            todo = [i for i in todo if i in left]
        return [tables[i] for i in out]

    def create_all(self, bind: Any, tables: Any = None, checkfirst: bool = True, _table: bool = False) -> None:
        """`_table`: Table.create(), which fires the table's events only (not the MetaData's)."""
        targets = self.sorted_tables if tables is None else [t for t in self.sorted_tables if t in tables]
        with _ddl_connection(bind) as conn:
            checkfirst = checkfirst and not _is_mock(conn)
            md_events = not _table
            if md_events:
                self.dispatch.before_create(self, conn, tables=targets, checkfirst=checkfirst, _ddl_runner=None)
            # Named types first (PostgreSQL's CREATE TYPE ... AS ENUM), as SQLAlchemy creates them.
            for e in _native_enums(conn.dialect, targets):
                if checkfirst and conn.dialect.has_type(conn, e.name, e.schema):
                    continue
                conn.execute(CreateEnumType(e))
            for t in targets:
                if checkfirst and conn.dialect.has_table(conn, t.name, t.schema):
                    continue
                t._create(conn, checkfirst, _is_metadata_operation=md_events)
            if md_events:
                self.dispatch.after_create(self, conn, tables=targets, checkfirst=checkfirst, _ddl_runner=None)

    def drop_all(self, bind: Any, tables: Any = None, checkfirst: bool = True, _types: bool = True) -> None:
        """`_types=False`: Table.drop(), which leaves named types and fires only the table's events."""
        targets = self.sorted_tables if tables is None else [t for t in self.sorted_tables if t in tables]
        with _ddl_connection(bind) as conn:
            checkfirst = checkfirst and not _is_mock(conn)
            if _types:
                self.dispatch.before_drop(self, conn, tables=targets, checkfirst=checkfirst, _ddl_runner=None)
            kw = {"checkfirst": checkfirst, "_ddl_runner": None, "_is_metadata_operation": _types}
            for t in reversed(targets):
                if checkfirst and not conn.dialect.has_table(conn, t.name, t.schema):
                    continue
                t.dispatch.before_drop(t, conn, **kw)
                conn.execute(DropTable(t))
                t.dispatch.after_drop(t, conn, **kw)
            # SQLAlchemy drops the sequences once every table that used them is gone.
            for seq in {id(q): q for t in targets for q in t._sequences()}.values():
                seq._drop(conn, checkfirst)
            # Named types go after their tables, and only with the metadata's drop_all (not Table.drop()).
            for e in _native_enums(conn.dialect, targets) if _types else []:
                if checkfirst and not conn.dialect.has_type(conn, e.name, e.schema):
                    continue
                conn.execute(DropEnumType(e))
            if _types:
                self.dispatch.after_drop(self, conn, tables=targets, checkfirst=checkfirst, _ddl_runner=None)

    def reflect(
        self,
        bind: Any,
        schema: str | None = None,
        views: bool = False,
        only: Any = None,
        extend_existing: bool = False,
        autoload_replace: bool = True,
        resolve_fks: bool = True,
        **dialect_kwargs: Any,
    ) -> None:
        from .reflect import reflect_metadata

        reflect_metadata(self, bind, schema, views, only, extend_existing, resolve_fks)

    def __repr__(self) -> str:
        return "MetaData()"


# MySQL table options as SQLAlchemy's MySQL DDL compiler renders them: the names it writes with
# spaces, those joined by a space instead of "=", the string-valued ones (quoted), and the
# partitioning ones (rendered after the others, in this order).
_MYSQL_SPACED = {
    "DATA_DIRECTORY",
    "INDEX_DIRECTORY",
    "DEFAULT_CHARACTER_SET",
    "CHARACTER_SET",
    "DEFAULT_CHARSET",
    "DEFAULT_COLLATE",
}
_MYSQL_SPACE_JOINED = {"TABLESPACE", "DEFAULT CHARACTER SET", "CHARACTER SET", "COLLATE"}
_MYSQL_QUOTED = {"COMMENT", "PASSWORD", "CONNECTION"}
_MYSQL_CHARSETS = {"DEFAULT_CHARSET", "DEFAULT_CHARACTER_SET", "CHARSET", "CHARACTER_SET"}
_MYSQL_PARTITIONING = ("PARTITION_BY", "PARTITIONS", "SUBPARTITION_BY", "SUBPARTITIONS")


def _mysql_table_options(kwargs: dict[str, Any], comment: str | None) -> list[tuple[str, str, str, bool]]:
    """``mysql_engine="InnoDB"``, ``mysql_default_charset=...``, ``comment=`` ... as (name, joiner,
    value, quoted), in SQLAlchemy's order: as given, COLLATE after a character set, the comment
    after the options, partitioning last."""
    opts = {k[len("mysql_") :].upper(): v for k, v in kwargs.items() if k.startswith("mysql_")}
    if comment is not None:
        opts["COMMENT"] = comment
    plain = [k for k in opts if k not in _MYSQL_PARTITIONING]
    if "COLLATE" in plain and _MYSQL_CHARSETS & set(plain):
        plain.remove("COLLATE")
        plain.append("COLLATE")
    out = []
    for key in plain:
        name = key.replace("_", " ") if key in _MYSQL_SPACED else key
        joiner = " " if name in _MYSQL_SPACE_JOINED else "="
        out.append((name, joiner, str(opts[key]), key in _MYSQL_QUOTED))
    for key in _MYSQL_PARTITIONING:
        if key in opts:
            out.append((key.replace("_", " "), " ", str(opts[key]), False))
    return out


class Table(DialectKWArgs, DMLTarget, FromClause):
    __visit_name__ = "table"

    def __init__(self, name: str, metadata: MetaData, *args: Any, **kw: Any) -> None:
        if not isinstance(metadata, MetaData):
            raise exc.ArgumentError(f"Table() takes a MetaData as its second argument, got {metadata!r}")
        schema = kw.pop("schema", None)
        if schema is None:
            schema = metadata.schema
        self.name = name
        self.schema = schema
        self.metadata = metadata
        self.comment = kw.pop("comment", None)
        self.info = kw.pop("info", {})
        self.implicit_returning = kw.pop("implicit_returning", True)
        self._prefixes = list(kw.pop("prefixes", None) or [])
        if self._prefixes:
            raise NotImplementedError(
                "ferroalchemy: Table(prefixes=...) (CREATE TEMPORARY TABLE ...) is not implemented yet"
            )
        autoload_with = kw.pop("autoload_with", None)
        include_columns = kw.pop("include_columns", None)
        resolve_fks = kw.pop("resolve_fks", True)
        kw.pop("autoload_replace", None)
        referred: list[tuple[str | None, str]] = []
        if autoload_with is not None:
            from . import reflect

            args, referred = reflect.reflected_items(autoload_with, name, schema, args, include_columns, self)
        extend_existing = kw.pop("extend_existing", False)
        kw.pop("keep_existing", None)
        if kw.get("sqlite_autoincrement") or kw.get("sqlite_with_rowid") is False or kw.get("sqlite_strict"):
            raise NotImplementedError(
                "ferroalchemy: SQLite table options (sqlite_autoincrement, ...) are not implemented yet"
            )
        dialect_kw = {k: v for k, v in kw.items() if "_" in k}
        for k in dialect_kw:
            kw.pop(k)
        self._dialect_kwargs = dialect_kw
        if kw:
            raise TypeError(f"Additional arguments should be named <dialectname>_<argument>, got {sorted(kw)!r}")
        key = f"{schema}.{name}" if schema else name
        if key in metadata.tables and not extend_existing:
            raise exc.InvalidRequestError(
                f"Table '{key}' is already defined for this MetaData instance.  Specify 'extend_existing=True' "
                "to redefine options and columns on an existing Table object."
            )
        self._ref = _core.TableRef(name, schema)
        self.c = ColumnCollection()
        self._constraints: set[Constraint] = set()
        self._constraint_list: list[Constraint] = []
        self.indexes: set[Index] = set()
        self._index_list: list[Index] = []
        self.primary_key = PrimaryKeyConstraint()
        self.primary_key._set_parent(self)
        for a in args:
            self._append(a)
        pk_cols = [c for c in self.c if c.primary_key]
        if self.primary_key._colspecs:
            self._mark_primary_key()
        else:
            self.primary_key._colspecs = tuple(pk_cols)
        for c in list(self.c):
            if c.index:
                self._add_index(Index(self._index_name(c), c.name, unique=bool(c.unique)))
        self._constructed = True
        metadata._add_table(self)
        if referred and resolve_fks:
            reflect.autoload_referred(metadata, autoload_with, referred)

    @property
    def dispatch(self) -> Any:
        from ..event import _Dispatcher

        return _Dispatcher(self)

    def _mark_primary_key(self) -> None:
        for c in self.primary_key.columns:
            c.primary_key = True
            if c._user_defined_nullable is ...:
                c.nullable = False
        self.__dict__.pop("_ferro_plan", None)

    def _index_name(self, col: Column) -> str:
        convention = self.metadata.naming_convention.get("ix", "ix_%(column_0_label)s")
        # A conv: the name the convention made, final (tools such as Alembic render it as op.f()).
        tokens = {"column_0_label": f"{self.name}_{col.name}", "column_0_name": col.name, "table_name": self.name}
        return conv(convention % tokens)

    def _append(self, item: Any) -> None:
        if isinstance(item, Column):
            self.append_column(item)
        elif isinstance(item, PrimaryKeyConstraint):
            self.primary_key = item
            item._set_parent(self)
            if self.__dict__.get("_constructed"):
                # append_constraint(PrimaryKeyConstraint(...)) after construction (as Alembic's
                # op.create_table does): its columns become the key, as in the constructor.
                self._mark_primary_key()
        elif isinstance(item, Constraint):
            self._append_constraint(item)
        elif isinstance(item, Index):
            self._add_index(item)
        elif item is None:
            return
        else:
            raise exc.ArgumentError(f"'SchemaItem' object, such as a 'Column' or a 'Constraint' expected, got {item!r}")

    def append_column(self, column: Column, replace_existing: bool = False) -> None:
        column._set_parent(self)
        self.c._add(column)
        for fk in column._fk_list:
            if fk.constraint is None:
                self._append_constraint(ForeignKeyConstraint._for_column_fk(fk, column))
        self.__dict__.pop("_ferro_plan", None)  # select(table)'s cached column nodes
        if column.unique and not column.index:
            self._append_constraint(UniqueConstraint(column.name))

    def append_constraint(self, constraint: Constraint) -> None:
        self._append(constraint)

    def _append_constraint(self, c: Constraint) -> None:
        if c.table is self and c in self._constraints:
            return
        c._set_parent(self)
        self._constraints.add(c)
        self._constraint_list.append(c)

    def _add_index(self, ix: Index) -> None:
        ix._set_parent(self)
        self.indexes.add(ix)
        self._index_list.append(ix)

    @property
    def constraints(self) -> set[Constraint]:
        """Every constraint, the primary key included (SQLAlchemy's Table.constraints)."""
        return {self.primary_key, *self._constraints}

    @property
    def key(self) -> str:
        return f"{self.schema}.{self.name}" if self.schema else self.name

    @property
    def _autoincrement_column(self) -> Column | None:
        """The column the database assigns values to (SQLAlchemy's rules), if any."""
        return next((c for c in self.primary_key.columns if c._is_autoincrement()), None)

    @property
    def fullname(self) -> str:
        return self.key

    @property
    def description(self) -> str:
        return self.name

    @property
    def foreign_keys(self) -> set[ForeignKey]:
        return {fk for c in self.c for fk in c.foreign_keys}

    def _foreign_keys(self) -> list[ForeignKey]:
        return [fk for c in self.c for fk in c._fk_list]

    def select(self) -> Select:
        return Select(self)

    def _create_stmt(self) -> Any:
        cols = []
        for c in self.c:
            server_default = c.server_default._ddl_arg() if isinstance(c.server_default, DefaultClause) else None
            cols.append(
                (
                    c.name,
                    c._resolved_type()._handle,
                    c.nullable,
                    c.primary_key,
                    c._is_autoincrement(),
                    server_default,
                    c.comment,
                )
            )
        # Table-level constraints in creation order (SQLAlchemy renders them so after the primary
        # key), each tagged f/u/c; a composite foreign key counts once.
        tagged: list[tuple[int, str, Any]] = []
        seen_constraints: set[int] = set()
        for c in self.c:
            for fk in c._fk_list:
                if fk.constraint is not None:
                    if id(fk.constraint) in seen_constraints:
                        continue
                    seen_constraints.add(id(fk.constraint))
                    con = fk.constraint
                    ref_fks = [f for col in con.columns for f in col._fk_list if f.constraint is con]
                    schema, tname, _ = ref_fks[0]._split()
                    spec = (
                        con.name,
                        [col.name for col in con.columns],
                        tname,
                        schema,
                        [f._split()[2] for f in ref_fks],
                        con.ondelete,
                        con.onupdate,
                    )
                    tagged.append((con._creation_order, "f", spec))
                    continue
                schema, tname, cname = fk._split()
                spec = (fk.name, [c.name], tname, schema, [cname], fk.ondelete, fk.onupdate)
                tagged.append((fk._creation_order, "f", spec))
        for con in self._constraint_list:
            if isinstance(con, UniqueConstraint):
                tagged.append((con._creation_order, "u", (con.name, con._col_names())))
            elif isinstance(con, CheckConstraint):
                tagged.append((con._creation_order, "c", (con.name, con._sql())))
        tagged.sort(key=lambda t: t[0])
        by_kind: dict[str, list[Any]] = {"f": [], "u": [], "c": []}
        for _, kind, spec in tagged:
            by_kind[kind].append(spec)
        extras = [
            (
                (c.identity.always, c.identity._options()) if c.identity is not None else None,
                c._sequence is not None,
                [(ck.name, ck._sql()) for ck in c._checks],
            )
            for c in self.c
        ]
        return _core.create_table(
            self.name,
            self.schema,
            cols,
            [c.name for c in self.primary_key.columns],
            self.primary_key.name,
            by_kind["u"],
            by_kind["f"],
            by_kind["c"],
            extras,
            "".join(kind for _, kind, _ in tagged),
            _mysql_table_options(self._dialect_kwargs, self.comment),
        )

    def _sequences(self) -> list[Sequence]:
        """The sequences this table's columns take values from, created just before it (SQLAlchemy)."""
        return list({id(c._sequence): c._sequence for c in self.c if c._sequence is not None}.values())

    def _create(self, conn: Any, checkfirst: bool, _is_metadata_operation: bool = False) -> None:
        for seq in self._sequences():
            seq._create(conn, not _is_mock(conn))
        kw = {"checkfirst": checkfirst, "_ddl_runner": None, "_is_metadata_operation": _is_metadata_operation}
        self.dispatch.before_create(self, conn, **kw)
        conn.execute(CreateTable(self))
        for ix in self._index_list:
            conn.execute(CreateIndex(ix))
        dialect = conn.dialect
        if dialect.supports_comments and not dialect.inline_comments:
            # PostgreSQL: comments are statements of their own after the table, as SQLAlchemy emits.
            from .ddl import SetColumnComment, SetTableComment

            if self.comment is not None:
                conn.execute(SetTableComment(self))
            for c in self.c:
                if c.comment is not None:
                    conn.execute(SetColumnComment(c))
        self.dispatch.after_create(self, conn, **kw)

    def create(self, bind: Any, checkfirst: bool = False) -> None:
        self.metadata.create_all(bind, tables=[self], checkfirst=checkfirst, _table=True)

    def drop(self, bind: Any, checkfirst: bool = False) -> None:
        self.metadata.drop_all(bind, tables=[self], checkfirst=checkfirst, _types=False)

    def __repr__(self) -> str:
        items = [repr(self.name), repr(self.metadata)] + [repr(c) for c in self.c]
        items.append(f"schema={self.schema!r}")
        return f"Table({', '.join(items)})"

    def __str__(self) -> str:
        return self.fullname

    def tometadata(self, *a: Any, **k: Any) -> Any:
        raise NotImplementedError("ferroalchemy: Table.to_metadata() is not implemented yet")

    to_metadata = tometadata


class ExecutableDDLElement:
    """A DDL statement (``CreateTable(t)``, ``DropTable(t)``, ...): executable, and printable with
    ``str()``/``compile()``. Subclasses of ferroalchemy's own are compiled in Rust; a user's (or a
    tool's, as Alembic's ``AddColumn``) is compiled by its ``@compiles`` function."""

    _is_executable = True

    def _stmt(self) -> Any:
        raise NotImplementedError

    def compile(self, bind: Any = None, dialect: Any = None, **kw: Any) -> Any:
        from .compiler import compile_element

        if dialect is None and bind is not None:
            dialect = bind.dialect  # compile(engine) compiles for the engine's database, as in SQLAlchemy
        return compile_element(self, dialect, kw.get("compile_kwargs") or {})

    def __str__(self) -> str:
        return str(self.compile())

    def _execute_on_connection(self, connection: Any, params: Any, execution_options: Any) -> Any:
        from .compiler import _custom, _dialect_name, custom_compiler_for

        if hasattr(self, "_python_sql") or (
            _custom and custom_compiler_for(type(self), _dialect_name(connection.dialect)) is not None
        ):
            # Written in Python: a construct of the user's (or a tool's) by its @compiles function.
            return connection._execute_ddl_text(str(self.compile(dialect=connection.dialect)))
        return connection._execute_ddl(self._stmt())


DDLElement = ExecutableDDLElement


class CreateTable(ExecutableDDLElement):
    def __init__(
        self, element: Table, include_foreign_key_constraints: Any = None, if_not_exists: bool = False
    ) -> None:
        if if_not_exists:
            raise NotImplementedError("ferroalchemy: CreateTable(if_not_exists=True) is not implemented yet")
        self.element = element

    def _stmt(self) -> Any:
        return self.element._create_stmt()


class DropTable(ExecutableDDLElement):
    def __init__(self, element: Table, if_exists: bool = False) -> None:
        self.element = element
        self.if_exists = if_exists

    def _stmt(self) -> Any:
        return _core.drop_table(self.element.name, self.element.schema, self.if_exists)


class CreateIndex(ExecutableDDLElement):
    def __init__(self, element: Index, if_not_exists: bool = False) -> None:
        self.element = element

    def _stmt(self) -> Any:
        return self.element._create_stmt()


class DropIndex(ExecutableDDLElement):
    def __init__(self, element: Index, if_exists: bool = False) -> None:
        self.element = element
        self.if_exists = if_exists

    def _stmt(self) -> Any:
        t = self.element.table
        if t is None:
            raise exc.CompileError(f"Index {self.element.name!r} is not associated with any table.")
        return _core.drop_index(self.element.name, t.name, t.schema, self.if_exists)


class CreateSequence(ExecutableDDLElement):
    def __init__(self, element: Sequence, if_not_exists: bool = False) -> None:
        if if_not_exists:
            raise NotImplementedError("ferroalchemy: CreateSequence(if_not_exists=True) is not implemented yet")
        self.element = element

    def _stmt(self) -> Any:
        return _core.create_sequence(self.element.name, self.element.schema, self.element._options())


class DropSequence(ExecutableDDLElement):
    def __init__(self, element: Sequence, if_exists: bool = False) -> None:
        if if_exists:
            raise NotImplementedError("ferroalchemy: DropSequence(if_exists=True) is not implemented yet")
        self.element = element

    def _stmt(self) -> Any:
        return _core.drop_sequence(self.element.name, self.element.schema)


class CreateEnumType(ExecutableDDLElement):
    """PostgreSQL's ``CREATE TYPE name AS ENUM (...)`` for a named native Enum."""

    def __init__(self, element: sqltypes.Enum) -> None:
        self.element = element

    def _stmt(self) -> Any:
        return _core.create_enum_type(self.element.name, self.element.schema, self.element.enums)


class DropEnumType(ExecutableDDLElement):
    def __init__(self, element: sqltypes.Enum, if_exists: bool = False) -> None:
        self.element = element
        self.if_exists = if_exists

    def _stmt(self) -> Any:
        return _core.drop_enum_type(self.element.name, self.element.schema, self.if_exists)
