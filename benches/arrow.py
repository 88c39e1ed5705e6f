"""to_arrow: the users table into a pyarrow Table. ferroalchemy hands its Result to pyarrow through
the Arrow PyCapsule stream (`__arrow_c_stream__`); SQLAlchemy and the raw driver have no columnar
path, so they fetch rows and build the columns in Python, as an application would. The result is
checked outside the timing, from the table's own values."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import models
from databases import USER_SQL


def schema() -> Any:
    import pyarrow as pa

    return pa.schema(
        [
            ("id", pa.int64()),
            ("email", pa.string()),
            ("name", pa.string()),
            ("age", pa.int64()),
            ("is_active", pa.bool_()),
            ("created_at", pa.timestamp("us")),
            ("score", pa.float64()),
            ("bio", pa.string()),
        ]
    )


def table_check(table: Any) -> tuple[int, int]:
    columns = [c.to_pylist() for c in table.columns]
    return table.num_rows, models.row_checksum(list(zip(*columns, strict=True)))


def with_check(run: Callable[[], Any]) -> Callable[[], Any]:
    run.check = table_check  # type: ignore[attr-defined]
    return run


def from_rows(rows: list[Any]) -> Any:
    """Columns from row tuples, each cast to the schema's type (SQLite's text datetimes and 0/1
    booleans included)."""
    import pyarrow as pa

    sch = schema()
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in sch]
    return pa.table([pa.array(c).cast(f.type) for c, f in zip(columns, sch, strict=True)], schema=sch)


class OrmArrow:
    m: Any
    engine: Any
    library: str

    def to_arrow(self, n: int) -> Callable[[], Any]:
        import pyarrow as pa

        users, select = self.m.User.__table__, self.m.sa.select
        columnar = self.library == "ferroalchemy"

        def run() -> Any:
            with self.engine.connect() as conn:
                result = conn.execute(select(users))
                if not columnar:
                    return from_rows(result.all())
                if not hasattr(result, "__arrow_c_stream__"):
                    raise NotImplementedError("ferroalchemy: Result.__arrow_c_stream__ (Arrow export)")
                return pa.table(result).cast(schema())

        return with_check(run)


class RawArrow:
    _query: Callable[..., list[Any]]
    _end: Callable[[], None]

    def to_arrow(self, n: int) -> Callable[[], Any]:
        def run() -> Any:
            table = from_rows(self._query(USER_SQL))
            self._end()
            return table

        return with_check(run)
