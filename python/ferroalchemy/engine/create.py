"""``create_engine()``: every URL spelling SQLAlchemy documents; the Rust driver serves each."""

from __future__ import annotations

from typing import Any

from .. import exc
from .. import pool as pool_mod
from .base import Engine
from .dialect import dialect_for
from .url import make_url

_ACCEPTED = {
    "echo",
    "echo_pool",
    "future",
    "pool_size",
    "max_overflow",
    "pool_timeout",
    "pool_recycle",
    "pool_pre_ping",
    "poolclass",
    "connect_args",
    "execution_options",
    "pool_reset_on_return",
    "hide_parameters",
    "logging_name",
    "pool_logging_name",
    "query_cache_size",
    "pool_use_lifo",
    "insertmanyvalues_page_size",
    "use_insertmanyvalues",
    "label_length",
    "enable_from_linting",
    "implicit_returning",
    "isolation_level",
    "json_serializer",
    "json_deserializer",
    "plugins",
    "paramstyle",
    "max_identifier_length",
    "case_sensitive",
    "pool_events",
}

# libpq connection options psycopg2/asyncpg users pass in connect_args; the rest mean nothing here.
_PG_CONNECT_ARGS = {
    "sslmode",
    "sslrootcert",
    "sslcert",
    "sslkey",
    "application_name",
    "host",
    "connect_timeout",
}
_MYSQL_CONNECT_ARGS = {
    "charset",
    "unix_socket",
    "connect_timeout",
    "ssl",
    "ssl_ca",
    "ssl_cert",
    "ssl_key",
    "ssl_capath",
    "ssl_cipher",
    "ssl_check_hostname",
}
# PyMySQL's ssl={...} keys, as the URL query spells them (SQLAlchemy maps ssl_ca= to ssl={"ca": ...}).
_MYSQL_SSL_KEYS = ("ca", "cert", "key", "capath", "cipher", "check_hostname")

_NOT_YET = {"creator": "create_engine(creator=...)", "pool": "create_engine(pool=...)", "strategy": "strategy="}


def create_engine(url: Any, **kwargs: Any) -> Engine:
    for k, feature in _NOT_YET.items():
        if k in kwargs:
            raise NotImplementedError(f"ferroalchemy: {feature} is not implemented yet")
    for k in ("plugins", "pool_events"):
        if kwargs.get(k):
            raise NotImplementedError(f"ferroalchemy: create_engine({k}=...) is not implemented yet")
    unknown = sorted(set(kwargs) - _ACCEPTED)
    if unknown:
        raise TypeError(
            f"Invalid argument(s) {','.join(repr(k) for k in unknown)} sent to create_engine(), using "
            "configuration SQLiteDialect_pysqlite/QueuePool/Engine.  Please check that the keyword arguments "
            "are appropriate for this combination of components."
        )
    u = make_url(url)
    dialect = dialect_for(u)
    # JSON columns serialize and parse through these (json.dumps / json.loads when None).
    dialect._json_serializer = kwargs.get("json_serializer")
    dialect._json_deserializer = kwargs.get("json_deserializer")
    if "insertmanyvalues_page_size" in kwargs:
        dialect.insertmanyvalues_page_size = int(kwargs["insertmanyvalues_page_size"])
    connect_args = dict(kwargs.get("connect_args") or {})
    isolation = kwargs.get("isolation_level")
    if isolation is not None:
        isolation = dialect._normalize_isolation_level(isolation)
    poolclass = kwargs.get("poolclass")
    core_args: dict[str, Any] = {}
    if dialect.name == "sqlite":
        database = u.database or ":memory:"
        uri = str(u.query.get("uri", connect_args.get("uri", False))).lower() in ("true", "1")
        memory = database == ":memory:" or (uri and "mode=memory" in database + str(u.query.get("mode", "")))
        if poolclass is None:
            # SQLAlchemy's choice: one connection per thread for :memory:, a QueuePool for files.
            poolclass = pool_mod.SingletonThreadPool if memory else pool_mod.QueuePool
        if uri and not database.startswith("file:"):
            database = "file:" + database
            extra = {k: v for k, v in u.query.items() if k != "uri"}
            if extra:
                database += "?" + "&".join(f"{k}={v}" for k, v in extra.items())
        core_args = {
            "dialect": "sqlite",
            "database": database,
            "uri": uri,
            "timeout": float(connect_args.get("timeout", u.query.get("timeout", 5.0))),
        }
    else:
        # The Rust driver reads the driver options it knows from the URL's query; connect_args join them.
        known = _PG_CONNECT_ARGS if dialect.name == "postgresql" else _MYSQL_CONNECT_ARGS
        if dialect.name != "postgresql":
            connect_args.update(_mysql_ssl_args(connect_args.pop("ssl", None)))
        options = {k: str(v) for k, v in connect_args.items() if k in known}
        core_args = {
            "dialect": "postgresql" if dialect.name == "postgresql" else "mysql",
            "url": u.update_query_dict(options).render_as_string(hide_password=False),
        }
    if poolclass is None:
        poolclass = pool_mod.QueuePool
    if not (isinstance(poolclass, type) and issubclass(poolclass, pool_mod.Pool)):
        raise exc.ArgumentError(f"poolclass must be a Pool class, got {poolclass!r}")
    recycle = kwargs.get("pool_recycle", -1)
    core_args.update(
        pool_kind=poolclass._kind,
        pool_size=int(kwargs.get("pool_size", 5)),
        max_overflow=int(kwargs.get("max_overflow", 10)),
        pool_timeout=float(kwargs.get("pool_timeout", 30.0)),
        pool_recycle=None if recycle is None or recycle < 0 else float(recycle),
        pool_pre_ping=bool(kwargs.get("pool_pre_ping", False)),
        reset_on_return=_reset_on_return(kwargs.get("pool_reset_on_return", "rollback")),
        cache_size=int(kwargs.get("query_cache_size", 500)),
    )
    echo = kwargs.get("echo", False)
    echo_pool = kwargs.get("echo_pool", False)
    if echo_pool:
        _enable_echo(echo_pool, f"sqlalchemy.pool.impl.{poolclass.__name__}")
    engine = Engine(
        u,
        dialect,
        core_args,
        poolclass,
        echo,
        dict(kwargs.get("execution_options") or {}),
        bool(kwargs.get("hide_parameters", False)),
    )
    engine._connect_isolation_level = isolation
    return engine


def _reset_on_return(value: Any) -> str:
    """pool_reset_on_return's spellings, as SQLAlchemy's Pool accepts them."""
    if value is True or value == "rollback":
        return "rollback"
    if value is None or value is False:
        return "none"
    if value == "commit":
        return "commit"
    raise exc.ArgumentError(f"Invalid value for 'reset_on_return': {value!r}")


def _mysql_ssl_args(ssl: Any) -> dict[str, Any]:
    """PyMySQL's ssl={...} as the URL options the Rust driver reads; an empty or false one is no TLS."""
    if not ssl:
        return {}
    if not isinstance(ssl, dict):
        raise NotImplementedError("ferroalchemy: connect_args ssl= must be a dict (an SSLContext is not supported)")
    return {"ssl": "true", **{f"ssl_{k}": v for k, v in ssl.items() if k in _MYSQL_SSL_KEYS}}


def engine_from_config(configuration: dict[str, Any], prefix: str = "sqlalchemy.", **kwargs: Any) -> Engine:
    url, options = config_options(configuration, prefix, kwargs)
    return create_engine(url, **options)


def config_options(configuration: dict[str, Any], prefix: str, kwargs: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    """The URL and create_engine() options of a configuration dict's ``<prefix>*`` keys, the string
    values of the known numeric and boolean options coerced (an .ini file's values are strings)."""
    options = {k[len(prefix) :]: v for k, v in configuration.items() if k.startswith(prefix)}
    options.update(kwargs)
    url = options.pop("url")
    for key in ("echo", "pool_pre_ping", "future"):
        if isinstance(options.get(key), str):
            options[key] = options[key].lower() in ("true", "1", "yes")
    for key in ("pool_size", "max_overflow", "pool_recycle"):
        if isinstance(options.get(key), str):
            options[key] = int(options[key])
    if isinstance(options.get("pool_timeout"), str):
        options["pool_timeout"] = float(options["pool_timeout"])
    return url, options


def _enable_echo(echo: Any, name: str = "sqlalchemy.engine.Engine") -> None:
    """As SQLAlchemy's echo=True / echo_pool=True: INFO (or DEBUG for "debug") on the engine's (or
    the pool class's) logger, with a stdout handler unless one is configured already."""
    import logging
    import sys

    logger = logging.getLogger(name)
    logger.setLevel(logging.DEBUG if echo == "debug" else logging.INFO)
    if not any(getattr(h, "_ferro_echo", False) for h in logger.handlers) and not logger.handlers:
        handler = logging.StreamHandler(sys.stdout)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
        handler._ferro_echo = True  # type: ignore[attr-defined]
        logger.addHandler(handler)
