"""The databases a benchmark runs on, and the stores that set them up and read writes back.

A shared database (SQLite file, PostgreSQL, MySQL) is populated once and every target reads the same
rows; writes go to a second database and are read back through an independent connection. A
`:memory:` database belongs to one connection, so each target populates its own and reads its writes
back through its own connection."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import data
import models

USER_COLUMNS = ", ".join(models.USER_COLUMNS)
USER_SQL = f"SELECT {USER_COLUMNS} FROM users"
INSERT_USERS = f"INSERT INTO users ({USER_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
INSERT_POSTS = "INSERT INTO posts (user_id, title) VALUES (?, ?)"


def schema_sql(kind: str) -> list[str]:
    """The bench tables as each database spells them (what SQLAlchemy's create_all would emit)."""
    if kind == "sqlite":
        pk, ts, dbl, tail = "INTEGER NOT NULL PRIMARY KEY", "DATETIME", "FLOAT", ""
    elif kind == "postgresql":
        pk, ts, dbl, tail = "SERIAL PRIMARY KEY", "TIMESTAMP WITHOUT TIME ZONE", "DOUBLE PRECISION", ""
    else:
        pk, ts, dbl, tail = "INTEGER NOT NULL AUTO_INCREMENT PRIMARY KEY", "DATETIME(6)", "DOUBLE", " ENGINE=InnoDB"
    return [
        f"CREATE TABLE users (id {pk}, email VARCHAR(120) NOT NULL UNIQUE, name VARCHAR(80) NOT NULL, "
        f"age INTEGER NOT NULL, is_active BOOLEAN NOT NULL, created_at {ts} NOT NULL, score {dbl} NOT NULL, "
        f"bio TEXT){tail}",
        f"CREATE TABLE posts (id {pk}, user_id INTEGER NOT NULL REFERENCES users (id), "
        f"title VARCHAR(200) NOT NULL){tail}",
    ]


def marks(kind: str, sql: str) -> str:
    """SQL written with `?` marks in the paramstyle of the kind's raw driver (`%s` for psycopg and
    PyMySQL)."""
    return sql if kind == "sqlite" else sql.replace("?", "%s")


class Store:
    """SQL on one connection in the driver's own terms: `run(sql, params)`, `many`, `rows`, `commit`.
    The SQL uses `?` marks; `marks()` rewrites them for drivers that take `%s`."""

    def __init__(self, kind: str, execute: Callable[..., Any], commit: Callable[[], None]) -> None:
        self.kind = kind
        self._execute = execute
        self.commit = commit

    def _sql(self, sql: str) -> str:
        return marks(self.kind, sql)

    def run(self, sql: str, params: Sequence[Any] = ()) -> None:
        self._execute(self._sql(sql), tuple(params), many=False)

    def many(self, sql: str, rows: list[tuple[Any, ...]]) -> None:
        self._execute(self._sql(sql), rows, many=True)

    def rows(self, sql: str) -> list[Any]:
        return self._execute(self._sql(sql), (), many=False, fetch=True)

    def create_schema(self) -> None:
        for table in ("posts", "users"):
            self.run(f"DROP TABLE IF EXISTS {table}")
        for ddl in schema_sql(self.kind):
            self.run(ddl)
        self.commit()

    def populate(self, n: int) -> None:
        self.create_schema()
        self.many(INSERT_USERS, data.user_rows(n, self.kind))
        self.many(INSERT_POSTS, data.post_rows(n))
        self.commit()

    def reset_writes(self, users: list[tuple[Any, ...]] | None) -> None:
        """Empties the write tables so ids start at 1 again; `users` refills them for the update run."""
        self.run("DELETE FROM posts")
        self.run("DELETE FROM users")
        if self.kind == "postgresql":
            self.run("ALTER SEQUENCE users_id_seq RESTART WITH 1")
        elif self.kind == "mysql":
            self.run("ALTER TABLE users AUTO_INCREMENT = 1")
        if users:
            self.many(INSERT_USERS, users)
        self.commit()

    def read_back(self) -> tuple[int, int]:
        rows = self.rows(USER_SQL + " ORDER BY id")
        return len(rows), models.row_checksum(rows)


def dbapi_store(kind: str, con: Any) -> Store:
    """A Store over a DB-API connection (sqlite3, psycopg, pymysql)."""

    def execute(sql: str, params: Any, many: bool, fetch: bool = False) -> Any:
        cur = con.cursor()
        if many:
            cur.executemany(sql, params)
        else:
            cur.execute(sql, params)
        out = cur.fetchall() if fetch else None
        cur.close()
        return out

    return Store(kind, execute, con.commit)


def connection_store(kind: str, conn: Any) -> Store:
    """A Store over an SQLAlchemy-API Connection (ferroalchemy's or SQLAlchemy's), via exec_driver_sql."""

    def execute(sql: str, params: Any, many: bool, fetch: bool = False) -> Any:
        result = conn.exec_driver_sql(sql, params if many else (params or None))
        return result.all() if fetch else None

    return Store(kind, execute, conn.commit)


class Database:
    """One database kind at one location. `url(library, write, aio)` names it for an engine."""

    name: str
    kind: str
    shared = True

    def url(self, write: bool = False, aio: bool = False) -> str:
        raise NotImplementedError

    def connect(self, write: bool = False) -> Any:
        """A raw DB-API connection (the raw target's, and the independent reader's)."""
        raise NotImplementedError

    @contextmanager
    def store(self, write: bool = False) -> Iterator[Store]:
        con = self.connect(write)
        try:
            yield dbapi_store(self.kind, con)
        finally:
            con.close()

    def setup(self, n: int) -> None:
        with self.store() as s:
            s.populate(n)
        with self.store(write=True) as s:
            s.create_schema()

    def engine_kw(self) -> dict[str, Any]:
        # 20 connections, so the 20 concurrent async tasks never wait for the pool.
        return {"pool_size": 20, "max_overflow": 0}


class SqliteFile(Database):
    name, kind = "sqlite-file", "sqlite"

    def __init__(self, tmp: str) -> None:
        self.paths = (os.path.join(tmp, "bench.db"), os.path.join(tmp, "bench_writes.db"))

    def url(self, write: bool = False, aio: bool = False) -> str:
        return f"sqlite+{'aiosqlite' if aio else 'pysqlite'}:///{self.paths[write]}"

    def connect(self, write: bool = False) -> Any:
        return sqlite3.connect(self.paths[write])


class SqliteMemory(Database):
    """Each connection is its own database: targets populate theirs through their own connection."""

    name, kind, shared = "sqlite-memory", "sqlite", False

    def url(self, write: bool = False, aio: bool = False) -> str:
        return f"sqlite+{'aiosqlite' if aio else 'pysqlite'}://"

    def connect(self, write: bool = False) -> Any:
        return sqlite3.connect(":memory:")

    def setup(self, n: int) -> None:
        pass

    def engine_kw(self) -> dict[str, Any]:
        return {}


class Server(Database):
    """PostgreSQL or MySQL from a URL; the bench uses its own two databases on that server."""

    DRIVERS = {"postgresql": ("psycopg", "asyncpg"), "mysql": ("pymysql", "aiomysql")}

    def __init__(self, kind: str, url: str) -> None:
        self.kind = self.name = kind
        parts = urlsplit(url)
        self.parts = parts
        self.user, self.password = parts.username or "root", parts.password or ""
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port
        home = parts.path.lstrip("/") or "test"
        # Named after the URL's database, so runs pointed at different test databases (parallel
        # worktrees) never drop each other's tables; `test` keeps the historical names.
        base = "ferro_bench" if home == "test" else f"ferro_bench_{home}"
        self.dbs = (base, f"{base}_w")
        self._create_databases(home)

    def _raw(self, database: str) -> Any:
        if self.kind == "postgresql":
            import psycopg

            return psycopg.connect(
                host=self.host, port=self.port or 5432, user=self.user, password=self.password, dbname=database
            )
        import pymysql

        return pymysql.connect(
            host=self.host, port=self.port or 3306, user=self.user, password=self.password, database=database
        )

    def _create_databases(self, admin_db: str) -> None:
        con = self._raw(admin_db)
        if self.kind == "postgresql":
            con.autocommit = True
            for db in self.dbs:
                if not con.execute("SELECT 1 FROM pg_database WHERE datname = %s", (db,)).fetchone():
                    con.execute(f"CREATE DATABASE {db}")
        else:
            cur = con.cursor()
            for db in self.dbs:
                cur.execute(f"CREATE DATABASE IF NOT EXISTS {db}")
        con.close()

    def url(self, write: bool = False, aio: bool = False) -> str:
        scheme = f"{self.kind}+{self.DRIVERS[self.kind][aio]}"
        return urlunsplit((scheme, self.parts.netloc, "/" + self.dbs[write], "", ""))

    def connect(self, write: bool = False) -> Any:
        return self._raw(self.dbs[write])

    def async_dsn(self, write: bool = False) -> dict[str, Any]:
        return {
            "host": self.host,
            "user": self.user,
            "password": self.password,
            "port": self.port or (5432 if self.kind == "postgresql" else 3306),
            ("database" if self.kind == "postgresql" else "db"): self.dbs[write],
        }


def from_args(names: list[str], tmp: str) -> list[Database]:
    """The databases to run: SQLite file and memory always; servers whose URL the environment sets."""
    out: list[Database] = []
    for name in names:
        if name == "sqlite-file":
            out.append(SqliteFile(tmp))
        elif name == "sqlite-memory":
            out.append(SqliteMemory())
        else:
            env = {"postgresql": "FERRO_TEST_POSTGRES_URL", "mysql": "FERRO_TEST_MYSQL_URL"}[name]
            url = os.environ.get(env)
            if url:
                out.append(Server(name, url))
            else:
                print(f"# {name}: {env} is not set, skipped")
    return out
