"""``exec_driver_sql()`` text as the user's DB-API driver takes it, rewritten for ferroalchemy's Rust
drivers: psycopg2/PyMySQL's ``%s`` and ``%(name)s``, pysqlite's ``?`` and ``:name``, each turned into
the positional marks (``$n`` or ``?``) the Rust drivers take, with named values put in order."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .. import exc

Mark = Callable[[int], str]


def format_marks(sql: str, mark: Mark) -> tuple[str, list[str] | None]:
    """`%s` / `%(name)s` to `mark(n)` and `%%` to `%`. Returns the SQL and the parameter names in
    placeholder order (None when the placeholders are positional)."""
    out: list[str] = []
    names: list[str] = []
    positional = 0
    i = 0
    while i < len(sql):
        pair = sql[i : i + 2]
        if pair == "%s":
            positional += 1
            out.append(mark(positional + len(names)))
            i += 2
        elif pair == "%%":
            out.append("%")
            i += 2
        elif pair == "%(":
            end = sql.find(")s", i)
            if end < 0:
                raise exc.ArgumentError(f"Incomplete named parameter in driver SQL: {sql[i : i + 20]!r}")
            names.append(sql[i + 2 : end])
            out.append(mark(positional + len(names)))
            i = end + 2
        else:
            out.append(sql[i])
            i += 1
    if names and positional:
        raise exc.ArgumentError("Driver SQL mixes positional (%s) and named (%(name)s) parameters")
    return "".join(out), (names if names else None)


def colon_names(sql: str) -> tuple[str, list[str] | None]:
    """pysqlite's `:name` to `?` outside quoted text; returns the SQL and the names in order."""
    out: list[str] = []
    names: list[str] = []
    i = 0
    quote = ""
    while i < len(sql):
        ch = sql[i]
        if quote:
            out.append(ch)
            if ch == quote:
                quote = ""
            i += 1
        elif ch in ("'", '"'):
            quote = ch
            out.append(ch)
            i += 1
        elif ch == ":" and i + 1 < len(sql) and (sql[i + 1].isalpha() or sql[i + 1] == "_"):
            j = i + 1
            while j < len(sql) and (sql[j].isalnum() or sql[j] == "_"):
                j += 1
            names.append(sql[i + 1 : j])
            out.append("?")
            i = j
        else:
            out.append(ch)
            i += 1
    return "".join(out), (names if names else None)


def ordered(names: list[str], params: dict[str, Any]) -> tuple[Any, ...]:
    """A named parameter set as the positional tuple the rewritten SQL takes."""
    try:
        return tuple(params[n] for n in names)
    except KeyError as missing:
        raise exc.ArgumentError(f"No value given for driver SQL parameter {missing.args[0]!r}") from None
