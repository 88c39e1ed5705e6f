"""echo=True: the `sqlalchemy.engine.Engine` log lines SQLAlchemy writes for a statement. The SQL is shown
as the user's driver would receive it (`%(name)s` for psycopg/PyMySQL, `?` for pysqlite) although the Rust
driver ran its own spelling; everything here runs only when the logger is enabled."""

from __future__ import annotations

import logging
import time
from typing import Any

from ..sql.util import _repr_params, _repr_row

_logger = logging.getLogger("sqlalchemy.engine.Engine")


def _log_parameters(engine: Any, stats: str, parameters: Any, ismulti: bool) -> None:
    if engine.hide_parameters:
        _logger.info("[%s] [SQL parameters hidden due to hide_parameters=True]", stats)
    else:
        if parameters is None:
            parameters = () if engine.dialect.positional else {}
        _logger.info("[%s] %r", stats, _repr_params(parameters, 10, ismulti=ismulti))


def _display(engine: Any, element: Any, sql: str, params: Any, executemany: bool) -> tuple[str, Any]:
    """The statement and parameters as SQLAlchemy's driver would get them: the display compile of
    `element` on the engine's dialect, its bind names paired with the values the Rust driver sent."""
    if element is None or not hasattr(element, "compile"):
        return sql, params
    try:
        compiled = element.compile(dialect=engine.dialect)
    except Exception:  # a statement the display compiler cannot render: show what ran
        return sql, params
    if engine.dialect.positional:
        return compiled.string, params
    names = list(dict.fromkeys(compiled.positiontup))
    rows = params if executemany else [params]
    if any(len(r) != len(names) for r in rows):
        names = list(compiled.positiontup)
        if any(len(r) != len(names) for r in rows):
            return sql, params
    dicts = [dict(zip(names, r, strict=True)) for r in rows]
    return compiled.string, (dicts if executemany else dicts[0])


def _echo_statement(engine: Any, element: Any, ddl: bool, sql: str, params: Any, executemany: bool) -> None:
    text, shown = (sql, None) if ddl else _display(engine, element, sql, params, executemany)
    _logger.info(text)
    now = time.perf_counter()
    if ddl:
        stats = f"no key {0.0:.5f}s"
    else:
        seen = engine._compiled_at
        first = seen.get(sql)
        if first is None:
            seen[sql] = now
            stats = f"generated in {0.0:.5f}s"
        else:
            stats = "cached since %.4gs ago" % (now - first)
    _log_parameters(engine, stats, shown, executemany)


class echo_rows:
    """A result cursor whose fetched rows are logged as SQLAlchemy's echo="debug" logs them: the
    column names once, then each row as it is fetched."""

    def __init__(self, cursor: Any, logger: logging.Logger) -> None:
        self._inner = cursor
        self._logger = logger
        if cursor.returns_rows:
            logger.debug("Col %r", tuple(cursor.keys()))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def fetch_rows(self, n: int | None) -> list[Any]:
        rows = self._inner.fetch_rows(n)
        for row in rows:
            self._logger.debug("Row %r", _repr_row(row))
        return rows  # type: ignore[no-any-return]

    def fetch_scalars(self, index: int, n: int | None) -> list[Any]:
        return [row[index] for row in self.fetch_rows(n)]
