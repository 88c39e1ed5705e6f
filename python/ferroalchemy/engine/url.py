"""``URL`` and ``make_url``: parsed by the Rust engine; the password is masked when shown."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple
from urllib.parse import quote, quote_plus

from .. import _core, exc


class URL(NamedTuple):
    drivername: str
    username: str | None
    password: str | None
    host: str | None
    port: int | None
    database: str | None
    query: Mapping[str, Any]

    @classmethod
    def create(
        cls,
        drivername: str,
        username: str | None = None,
        password: str | None = None,
        host: str | None = None,
        port: int | None = None,
        database: str | None = None,
        query: Mapping[str, Any] | None = None,
    ) -> URL:
        return cls(drivername, username, password, host, port, database, dict(query or {}))

    def get_backend_name(self) -> str:
        return self.drivername.split("+", 1)[0]

    def get_driver_name(self) -> str:
        if "+" in self.drivername:
            return self.drivername.split("+", 1)[1]
        return _DEFAULT_DRIVERS.get(self.get_backend_name(), self.get_backend_name())

    def get_dialect(self) -> Any:
        from .dialect import dialect_for

        return type(dialect_for(self))

    def set(self, **kw: Any) -> URL:
        if "query" in kw:
            kw["query"] = dict(kw["query"])
        return self._replace(**kw)

    def update_query_dict(self, query: Mapping[str, Any], append: bool = False) -> URL:
        q = dict(self.query)
        q.update(query)
        return self._replace(query=q)

    def difference_update_query(self, names: Any) -> URL:
        return self._replace(query={k: v for k, v in self.query.items() if k not in set(names)})

    def render_as_string(self, hide_password: bool = True) -> str:
        s = f"{self.drivername}://"
        if self.username is not None:
            s += quote(self.username, safe=" +")
            if self.password is not None:
                s += ":" + ("***" if hide_password else quote(str(self.password), safe=" +"))
            s += "@"
        if self.host is not None:
            s += f"[{self.host}]" if ":" in self.host else self.host
        if self.port is not None:
            s += f":{self.port}"
        if self.database is not None:
            s += "/" + quote(self.database, safe=" +/")
        if self.query:
            s += "?" + "&".join(
                f"{quote_plus(k)}={quote_plus(x)}"
                for k, v in sorted(self.query.items())
                for x in (v if isinstance(v, tuple) else (v,))
            )
        return s

    def __str__(self) -> str:
        return self.render_as_string(hide_password=True)

    def __repr__(self) -> str:
        return self.render_as_string(hide_password=True)

    def __hash__(self) -> int:
        return hash(str(self))

    def __eq__(self, other: Any) -> bool:
        return isinstance(other, URL) and tuple(self[:6]) == tuple(other[:6]) and dict(self.query) == dict(other.query)

    def __ne__(self, other: Any) -> bool:
        return not self == other

    @property
    def normalized_query(self) -> dict[str, tuple[str, ...]]:
        return {k: (v if isinstance(v, tuple) else (v,)) for k, v in self.query.items()}


_DEFAULT_DRIVERS = {"sqlite": "pysqlite", "postgresql": "psycopg", "mysql": "mysqldb", "mariadb": "mysqldb"}


def make_url(name_or_url: str | URL) -> URL:
    if isinstance(name_or_url, URL):
        return name_or_url
    if not isinstance(name_or_url, str):
        raise exc.ArgumentError(f"Expected string or URL object, got {name_or_url!r}")
    drivername, username, password, host, port, database, query = _core.parse_url(name_or_url)
    q: dict[str, Any] = {}
    for k, v in query:
        if k in q:
            prev = q[k]
            q[k] = (prev if isinstance(prev, tuple) else (prev,)) + (v,)
        else:
            q[k] = v
    return URL(drivername, username, password, host, port, database, q)
