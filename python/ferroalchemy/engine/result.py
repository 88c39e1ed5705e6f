"""Results: ``Result`` with its filters (``scalars()``, ``mappings()``, ``unique()``), over the
Rust buffer that holds the rows. Row objects are made only for what is fetched as rows."""

from __future__ import annotations

import collections.abc
from collections.abc import Callable, Iterator
from typing import Any

from .. import _core, exc

Row = _core.Row
RowMapping = _core.RowMapping
collections.abc.Sequence.register(Row)
collections.abc.Mapping.register(RowMapping)


class RMKeyView(list):  # type: ignore[type-arg]
    """``result.keys()``: a list of the column names."""

    def __repr__(self) -> str:
        return f"RMKeyView({list.__repr__(self)})"


def _no_rows() -> exc.ResourceClosedError:
    return exc.ResourceClosedError("This result object does not return rows. It has been closed automatically.")


class _Filtered:
    """Shared fetching for Result, ScalarResult and MappingResult."""

    _result: Result

    def _fetch(self, n: int | None) -> list[Any]:
        raise NotImplementedError

    def __iter__(self) -> Iterator[Any]:
        if getattr(self._result._cursor, "streaming", False):
            return self._iter_streamed()
        return iter(self._fetch(None))

    def _iter_streamed(self) -> Iterator[Any]:
        """Rows of a result still being read from its cursor, one buffer at a time, so memory
        stays at about one chunk."""
        size = self._result._yield_per or 1000
        while True:
            chunk = self._fetch(size)
            yield from chunk
            if len(chunk) < size:
                return

    def __next__(self) -> Any:
        rows = self._fetch(1)
        if not rows:
            raise StopIteration
        return rows[0]

    def all(self) -> list[Any]:
        return self._fetch(None)

    def fetchall(self) -> list[Any]:
        return self._fetch(None)

    def fetchmany(self, size: int | None = None) -> list[Any]:
        return self._fetch(size if size is not None else 1)

    def fetchone(self) -> Any:
        rows = self._fetch(1)
        return rows[0] if rows else None

    def first(self) -> Any:
        rows = self._fetch(1)
        self._result.close()
        return rows[0] if rows else None

    def one(self) -> Any:
        rows = self._fetch(2)
        self._result.close()
        if not rows:
            raise exc.NoResultFound("No row was found when one was required")
        if len(rows) > 1:
            raise exc.MultipleResultsFound("Multiple rows were found when exactly one was required")
        return rows[0]

    def one_or_none(self) -> Any:
        rows = self._fetch(2)
        self._result.close()
        if len(rows) > 1:
            raise exc.MultipleResultsFound("Multiple rows were found when one or none was required")
        return rows[0] if rows else None

    def partitions(self, size: int | None = None) -> Iterator[list[Any]]:
        size = size or self._result._yield_per or 100
        while True:
            part = self._fetch(size)
            if not part:
                return
            yield part

    def close(self) -> None:
        self._result.close()

    def __enter__(self) -> Any:
        return self

    def __exit__(self, *a: Any) -> None:
        self.close()


class _ReturnedKey:
    """The cursor of a statement that returns no rows, holding the key its RETURNING gave."""

    returns_rows = False

    def __init__(self, rowcount: int, lastrowid: Any) -> None:
        self.rowcount = rowcount
        self.lastrowid = lastrowid

    def keys(self) -> list[str]:
        return []

    def close(self) -> None:
        return None


class Result(_Filtered):
    def __init__(self, cursor: Any, element: Any = None, params: Any = None) -> None:
        self._cursor = cursor
        self._element = element
        self._params = params
        self._closed = False
        self._unique: Callable[[Any], Any] | None = None
        self._seen: set[Any] | None = None
        self._yield_per: int | None = None
        # Set on ORM results run with yield_per, which SQLAlchemy will not unique.
        self._orm_yield_per = False
        # What rowcount reports where the driver's own value differs from the cursor's.
        self._rowcount: int | None = None
        self._require_unique = False
        self._result = self
        # Set by columns(): the cursor positions each row keeps, in order, and their keys.
        self._slice: list[int] | None = None
        self._slice_keys: list[str] = []

    # -- rows ---------------------------------------------------------------------------
    def _check(self) -> Any:
        if not self._cursor.returns_rows:
            raise _no_rows()
        if self._closed:
            raise exc.ResourceClosedError("This result object is closed.")
        return self._cursor

    def _dedupe(
        self, items: list[Any], key: Callable[[Any], Any], n: int | None, fetch: Callable[[int | None], list[Any]]
    ) -> list[Any]:
        seen = self._seen
        if seen is None:
            seen = self._seen = set()
        out = []
        while True:
            for it in items:
                k = key(it)
                if k not in seen:
                    seen.add(k)
                    out.append(it)
                    if n is not None and len(out) >= n:
                        return out
            if n is None or not items:
                return out
            items = fetch(n - len(out))

    def _check_unique(self) -> None:
        if self._orm_yield_per and self._unique is not None:
            raise exc.InvalidRequestError("Can't use the ORM yield_per feature in conjunction with unique()")
        if self._require_unique and self._unique is None:
            raise exc.InvalidRequestError(
                "The unique() method must be invoked on this Result, as it contains results that include "
                "joined eager loads against collections"
            )

    def _fetch(self, n: int | None) -> list[Any]:
        cursor = self._check()
        self._check_unique()
        fetch = cursor.fetch_rows if self._slice is None else self._fetch_sliced
        if self._unique is None:
            return fetch(n)  # type: ignore[no-any-return]
        return self._dedupe(fetch(n), lambda r: tuple(r), n, fetch)

    def _fetch_sliced(self, n: int | None) -> list[Any]:
        cols, keys = self._slice or [], self._slice_keys
        return [_make_row(tuple([row[i] for i in cols]), keys) for row in self._cursor.fetch_rows(n)]

    def keys(self) -> RMKeyView:
        if not self._cursor.returns_rows:
            return RMKeyView()
        if self._slice is not None:
            return RMKeyView(self._slice_keys)
        return RMKeyView(self._cursor.keys())

    def scalars(self, index: Any = 0) -> ScalarResult:
        i = self._key_index(index)
        return ScalarResult(self, self._slice[i] if self._slice is not None else i)

    def _key_index(self, key: Any) -> int:
        """The position of a column given by position, name or column object, as SQLAlchemy
        resolves ``scalars(key)``."""
        if isinstance(key, int):
            return key
        name = key if isinstance(key, str) else getattr(key, "key", None)
        keys = list(self.keys())
        if name in keys:
            return keys.index(name)
        raise exc.NoSuchColumnError(f"Could not locate column in row for column '{key}'")

    def mappings(self) -> MappingResult:
        return MappingResult(self)

    def unique(self, strategy: Any = None) -> Result:
        self._unique = strategy or (lambda r: r)
        return self

    def columns(self, *cols: Any) -> Result:
        """Rows of the given columns (positions, names or column objects), in that order; like
        SQLAlchemy's, it changes this result in place and returns it."""
        if not self._cursor.returns_rows:
            raise _no_rows()
        keys = list(self.keys())
        picked = [self._column_index(c, keys) for c in cols]
        base = self._slice if self._slice is not None else list(range(len(keys)))
        self._slice = [base[i] for i in picked]
        self._slice_keys = [keys[i] for i in picked]
        return self

    def _column_index(self, key: Any, keys: list[str]) -> int:
        """The position of a column given to ``columns()``, resolved as SQLAlchemy's keymap does:
        an integer indexes (negative from the end); a name shared by several columns of a compiled
        statement is ambiguous, while a textual statement's last column of that name wins."""
        if isinstance(key, int) and not isinstance(key, bool):
            if -len(keys) <= key < len(keys):
                return key % len(keys)
            raise IndexError("list index out of range")
        name = key if isinstance(key, str) else getattr(key, "key", None)
        if name in keys:
            if keys.count(name) > 1:
                from ..sql.elements import TextClause

                if not isinstance(self._element, TextClause):
                    raise exc.InvalidRequestError(f"Ambiguous column name '{name}' in result set column descriptions")
                return len(keys) - 1 - keys[::-1].index(name)
            return keys.index(name)
        raise exc.NoSuchColumnError(f"Could not locate column in row for column '{key}'")

    def tuples(self) -> Result:
        return self

    def scalar(self) -> Any:
        row = self.first()
        return row[0] if row is not None else None

    def scalar_one(self) -> Any:
        return self.one()[0]

    def scalar_one_or_none(self) -> Any:
        row = self.one_or_none()
        return row[0] if row is not None else None

    def yield_per(self, num: int) -> Result:
        self._yield_per = num
        set_yield_per = getattr(self._cursor, "set_yield_per", None)
        if set_yield_per is not None:
            set_yield_per(num)
        return self

    def freeze(self) -> FrozenResult:
        """A callable that makes a fresh Result over this result's rows each time it is called
        (for result caches); this result is consumed."""
        return FrozenResult(self)

    def close(self) -> None:
        self._closed = True
        self._cursor.close()

    def _implicit_returning(self) -> Result:
        """An INSERT the engine ran with RETURNING of its generated key: the key becomes the
        result's lastrowid, and the result returns no rows, as the statement without RETURNING."""
        row = self._cursor.fetchone()
        self._cursor = _ReturnedKey(self._cursor.rowcount, row[0] if row is not None else None)
        return self

    def __arrow_c_stream__(self, requested_schema: Any = None) -> Any:
        """The Arrow PyCapsule interface: ``pyarrow.table(result)``, ``polars.from_arrow(result)``
        or duckdb read the unfetched rows as columns built in Rust; the rows are consumed."""
        cursor = self._check()
        if self._unique is not None:
            raise NotImplementedError("ferroalchemy: Arrow export of a Result with unique() is not implemented")
        if self._slice is not None:
            raise NotImplementedError("ferroalchemy: Arrow export of a Result with columns() is not implemented")
        return cursor.__arrow_c_stream__(requested_schema)

    @property
    def closed(self) -> bool:
        return self._closed

    @property
    def returns_rows(self) -> bool:
        return bool(self._cursor.returns_rows)

    @property
    def rowcount(self) -> int:
        if self._rowcount is not None:
            return self._rowcount
        return int(self._cursor.rowcount)

    @property
    def lastrowid(self) -> int | None:
        return self._cursor.lastrowid

    def _insert_table(self) -> Any:
        from ..sql.dml import Insert

        table = getattr(self._element, "table", None)
        if not isinstance(self._element, Insert) or table is None:
            raise exc.InvalidRequestError("Statement is not a compiled expression construct.")
        if getattr(self._element, "_returning", None):
            raise exc.InvalidRequestError("Can't call inserted_primary_key when returning() is used.")
        return table

    def _primary_key_row(self, table: Any, params: dict[str, Any], generated: Any) -> Any:
        values = []
        for col in table.primary_key.columns:
            if col.key in params:
                values.append(params[col.key])
            elif col.name in self._element._values:
                values.append(self._element._values[col.name].value)
            elif col._is_autoincrement():
                values.append(generated)
            else:
                values.append(None)
        return _make_row(tuple(values), [c.key for c in table.primary_key.columns])

    @property
    def inserted_primary_key(self) -> Any:
        table = self._insert_table()
        if isinstance(self._params, (list, tuple)) and len(self._params) > 1:
            raise exc.InvalidRequestError(
                "This statement was an executemany call; if primary key returning is supported, please use "
                ".inserted_primary_key_rows."
            )
        params = self._params[0] if isinstance(self._params, (list, tuple)) and self._params else (self._params or {})
        return self._primary_key_row(table, params, self.lastrowid)

    @property
    def inserted_primary_key_rows(self) -> list[Any]:
        """One primary-key row per parameter set; as in SQLAlchemy, keys the database generated for an
        executemany without RETURNING are None."""
        table = self._insert_table()
        if isinstance(self._params, (list, tuple)) and len(self._params) > 1:
            return [self._primary_key_row(table, p, None) for p in self._params]
        return [self.inserted_primary_key]

    def __repr__(self) -> str:
        return f"<sqlalchemy.engine.cursor.CursorResult object at {hex(id(self))}>"


class _RowsCursor:
    """The cursor of a result over rows already in memory (a FrozenResult's)."""

    returns_rows = True

    def __init__(self, keys: list[str], rows: list[Any]) -> None:
        self._keys = keys
        self._rows = rows
        self._pos = 0

    def keys(self) -> list[str]:
        return self._keys

    def fetch_rows(self, n: int | None) -> list[Any]:
        end = len(self._rows) if n is None else min(len(self._rows), self._pos + n)
        out = self._rows[self._pos : end]
        self._pos = end
        return out

    def fetch_scalars(self, index: int, n: int | None) -> list[Any]:
        return [row[index] for row in self.fetch_rows(n)]

    def close(self) -> None:
        self._rows = []
        self._pos = 0


class IteratorResult(Result):
    """A Result over rows held in memory, as a FrozenResult produces."""

    def __init__(self, keys: list[str], rows: list[Any]) -> None:
        super().__init__(_RowsCursor(keys, rows))

    def _no_cursor_attribute(self, name: str) -> AttributeError:
        return AttributeError(f"'IteratorResult' object has no attribute '{name}'")

    @property
    def rowcount(self) -> int:
        raise self._no_cursor_attribute("rowcount")

    @property
    def lastrowid(self) -> int | None:
        raise self._no_cursor_attribute("lastrowid")

    @property
    def inserted_primary_key(self) -> Any:
        raise self._no_cursor_attribute("inserted_primary_key")

    def __arrow_c_stream__(self, requested_schema: Any = None) -> Any:
        raise NotImplementedError("ferroalchemy: Arrow export of a frozen result is not implemented")

    def __repr__(self) -> str:
        return f"<sqlalchemy.engine.result.IteratorResult object at {hex(id(self))}>"


class FrozenResult:
    """A Result's rows and keys kept for a cache: calling it gives a new Result over them."""

    data: list[Any]

    def __init__(self, result: Result) -> None:
        if not result.returns_rows:
            # SQLAlchemy's class here (its row-less metadata cannot be frozen).
            raise NotImplementedError("This result object does not return rows, so it cannot be frozen")
        self._keys = list(result.keys())
        self.data = result.all()

    def with_new_rows(self, tuple_data: list[Any]) -> FrozenResult:
        """The same columns over other rows (tuples or Rows)."""
        fr = FrozenResult.__new__(FrozenResult)
        fr._keys = self._keys
        fr.data = list(tuple_data)
        return fr

    def __call__(self) -> IteratorResult:
        keys = self._keys
        rows = [r if isinstance(r, Row) else _make_row(tuple(r), keys) for r in self.data]
        return IteratorResult(keys, rows)

    def __repr__(self) -> str:
        return f"<sqlalchemy.engine.result.FrozenResult object at {hex(id(self))}>"


def _make_row(values: tuple[Any, ...], keys: list[str]) -> Any:
    return _core.make_row(values, keys)


CursorResult = Result


class ScalarResult(_Filtered):
    def __init__(self, result: Result, index: int) -> None:
        self._result = result
        self._index = index

    def _fetch(self, n: int | None) -> list[Any]:
        r = self._result
        cursor = r._check()
        r._check_unique()
        if r._unique is None:
            return cursor.fetch_scalars(self._index, n)
        return r._dedupe(
            cursor.fetch_scalars(self._index, n), lambda v: v, n, lambda m: cursor.fetch_scalars(self._index, m)
        )

    def unique(self, strategy: Any = None) -> ScalarResult:
        self._result._unique = strategy or (lambda r: r)
        return self

    def __repr__(self) -> str:
        return f"<sqlalchemy.engine.result.ScalarResult object at {hex(id(self))}>"


class MappingResult(_Filtered):
    def __init__(self, result: Result) -> None:
        self._result = result

    def _fetch(self, n: int | None) -> list[Any]:
        return [row._mapping for row in self._result._fetch(n)]

    def unique(self, strategy: Any = None) -> MappingResult:
        self._result.unique(strategy)
        return self

    def keys(self) -> RMKeyView:
        return self._result.keys()
