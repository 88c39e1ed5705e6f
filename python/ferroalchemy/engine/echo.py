"""echo=True: the `sqlalchemy.engine.Engine` log lines SQLAlchemy writes for a statement. The SQL is shown
as the user's driver would receive it (`%(name)s` for psycopg/PyMySQL, `?` for pysqlite) although the Rust
driver ran its own spelling; everything here runs only when the logger is enabled."""

from __future__ import annotations

import logging
import sys
import time
from typing import Any

from ..sql.util import _repr_params, _repr_row

_logger = logging.getLogger("sqlalchemy.engine.Engine")
# As importing SQLAlchemy does: its loggers stay quiet below WARNING unless configured, so a
# program's logging.basicConfig(level=INFO) does not turn statement logging on.
_root = logging.getLogger("sqlalchemy")
if _root.level == logging.NOTSET:
    _root.setLevel(logging.WARNING)
# What an engine's `echo` flag makes it log, as SQLAlchemy's InstanceLogger reads it; NOTSET defers
# to the logger's configured level.
_ECHO_LEVELS: dict[Any, int] = {None: logging.NOTSET, False: logging.NOTSET, True: logging.INFO, "debug": logging.DEBUG}


def enabled(engine: Any, level: int) -> bool:
    """Whether `engine` logs at `level`: its echo flag decides when set (per engine, leaving the
    logger's level alone), the `sqlalchemy.engine` logging configuration otherwise."""
    echo_level = _ECHO_LEVELS.get(engine.echo, logging.INFO)
    if echo_level == logging.NOTSET:
        return _logger.isEnabledFor(level)
    return level >= echo_level and _logger.manager.disable < level


def log(engine: Any, level: int, msg: str, *args: Any) -> None:
    if enabled(engine, level):
        _logger._log(level, msg, args)


def add_default_handler(echo: Any) -> None:
    """echo=True's stdout handler, once, unless the logger has a handler already (as SQLAlchemy)."""
    if _ECHO_LEVELS.get(echo, logging.INFO) != logging.NOTSET and not _logger.handlers:
        handler = logging.StreamHandler(sys.stdout)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
        _logger.addHandler(handler)


def _log_parameters(engine: Any, stats: str, parameters: Any, ismulti: bool) -> None:
    if engine.hide_parameters:
        log(engine, logging.INFO, "[%s] [SQL parameters hidden due to hide_parameters=True]", stats)
    else:
        if parameters is None:
            parameters = () if engine.dialect.positional else {}
        log(engine, logging.INFO, "[%s] %r", stats, _repr_params(parameters, 10, ismulti=ismulti))


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
    log(engine, logging.INFO, text)
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

    def __init__(self, cursor: Any, engine: Any) -> None:
        self._inner = cursor
        self._engine = engine
        if cursor.returns_rows:
            log(engine, logging.DEBUG, "Col %r", tuple(cursor.keys()))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def fetch_rows(self, n: int | None) -> list[Any]:
        rows = self._inner.fetch_rows(n)
        for row in rows:
            log(self._engine, logging.DEBUG, "Row %r", _repr_row(row))
        return rows  # type: ignore[no-any-return]

    def fetch_scalars(self, index: int, n: int | None) -> list[Any]:
        return [row[index] for row in self.fetch_rows(n)]
