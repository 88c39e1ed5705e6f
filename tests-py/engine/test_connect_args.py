"""Driver connection options from the URL's query and from connect_args: PostgreSQL's sslmode (as libpq
reads it, against the local server's self-signed certificate), sslrootcert, application_name and
connect_timeout; MySQL's ssl={...} / ssl_ca= and connect_timeout; SQLite's check_same_thread. Where the
outcome is observable it is compared with SQLAlchemy on psycopg / PyMySQL."""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest
import sqlalchemy as real

import ferroalchemy as ferro
from sql.backends import server_url

LIBS = [pytest.param(real, id="sqlalchemy"), pytest.param(ferro, id="ferroalchemy")]
_DRIVER = {"postgresql": "postgresql+psycopg", "mysql": "mysql+pymysql"}
# The certificate the local PostgreSQL serves (`SHOW ssl_cert_file`): self-signed, for "localhost".
SNAKEOIL = "/etc/ssl/certs/ssl-cert-snakeoil.pem"


def _url(sa: ModuleType, backend: str, host: str | None = None, **query: str) -> str:
    url = real.make_url(server_url(backend))
    if sa is real:
        url = url.set(drivername=_DRIVER[backend])
    if host is not None:
        url = url.set(host=host)
    return url.update_query_dict(query).render_as_string(hide_password=False)


def _ssl_in_use(sa: ModuleType, url: str, **kw: Any) -> Any:
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool, **kw)
    try:
        with engine.connect() as conn:
            return conn.execute(sa.text("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")).scalar()
    except sa.exc.OperationalError:
        return "OperationalError"


def _pg_ssl_server() -> None:
    server_url("postgresql")
    if not os.access(SNAKEOIL, os.R_OK):
        pytest.skip(f"{SNAKEOIL} is not readable")
    engine = ferro.create_engine(_url(ferro, "postgresql"), poolclass=ferro.pool.NullPool)
    with engine.connect() as conn:
        if conn.exec_driver_sql("SHOW ssl").scalar() != "on":
            pytest.skip("the PostgreSQL server has ssl off")


@pytest.mark.parametrize(
    ("mode", "expected"),
    [
        ("disable", False),
        ("allow", False),
        ("prefer", True),
        ("require", True),
        # No root certificate given: the self-signed one cannot be verified.
        ("verify-ca", "OperationalError"),
        ("verify-full", "OperationalError"),
    ],
)
def test_pg_sslmode_in_the_url_as_libpq_reads_it(mode: str, expected: Any) -> None:
    _pg_ssl_server()
    ours = _ssl_in_use(ferro, _url(ferro, "postgresql", sslmode=mode))
    assert ours == _ssl_in_use(real, _url(real, "postgresql", sslmode=mode))
    assert ours == expected


@pytest.mark.parametrize(
    ("host", "mode", "expected"),
    [
        ("127.0.0.1", "verify-ca", True),
        ("127.0.0.1", "verify-full", "OperationalError"),  # the certificate names localhost only
        ("localhost", "verify-full", True),
    ],
)
def test_pg_verified_tls_with_sslrootcert_in_connect_args(host: str, mode: str, expected: Any) -> None:
    _pg_ssl_server()
    args = {"sslmode": mode, "sslrootcert": SNAKEOIL}
    ours = _ssl_in_use(ferro, _url(ferro, "postgresql", host=host), connect_args=args)
    assert ours == _ssl_in_use(real, _url(real, "postgresql", host=host), connect_args=args)
    assert ours == expected


def test_pg_hostname_mismatch_message_names_the_certificate() -> None:
    _pg_ssl_server()
    engine = ferro.create_engine(
        _url(ferro, "postgresql", host="127.0.0.1", sslmode="verify-full", sslrootcert=SNAKEOIL)
    )
    with pytest.raises(ferro.exc.OperationalError, match="localhost"):
        engine.connect()


def test_pg_sslmode_in_connect_args_overrides_the_url() -> None:
    _pg_ssl_server()
    url = _url(ferro, "postgresql", sslmode="disable")
    assert _ssl_in_use(ferro, url, connect_args={"sslmode": "require"}) is True


@pytest.mark.parametrize("sa", LIBS)
def test_pg_bad_sslmode_fails_at_connect(sa: ModuleType) -> None:
    engine = sa.create_engine(_url(sa, "postgresql", sslmode="sometimes"))
    with pytest.raises(sa.exc.OperationalError, match='invalid sslmode value: "sometimes"'):
        engine.connect()


def test_pg_default_is_a_plain_connection() -> None:
    """libpq's default is `prefer`; ferroalchemy's is a plain connection (see README: the TLS
    handshake costs ~90 ms per new connection), so the same URL is unencrypted here."""
    _pg_ssl_server()
    assert _ssl_in_use(ferro, _url(ferro, "postgresql")) is False


@pytest.mark.parametrize("sa", LIBS)
def test_pg_application_name_is_visible_to_the_server(sa: ModuleType) -> None:
    engine = sa.create_engine(_url(sa, "postgresql"), connect_args={"application_name": "ferro-b-app"})
    with engine.connect() as conn:
        name = conn.execute(
            sa.text("SELECT application_name FROM pg_stat_activity WHERE pid = pg_backend_pid()")
        ).scalar()
    assert name == "ferro-b-app"
    url = sa.create_engine(_url(sa, "postgresql", application_name="from-url"))
    with url.connect() as conn:
        assert conn.execute(sa.text("SHOW application_name")).scalar() == "from-url"


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A TCP port that accepts connections and never answers: only a timeout ends a connect."""
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(8)
    yield srv.getsockname()[1]
    srv.close()


# Not SQLAlchemy over PyMySQL: PyMySQL's connect_timeout bounds the TCP connect only, so a silent
# server hangs it.
@pytest.mark.parametrize(
    ("sa", "backend"),
    [(real, "postgresql"), (ferro, "postgresql"), (ferro, "mysql")],
    ids=["real-pg", "ferro-pg", "ferro-mysql"],
)
def test_connect_timeout(sa: ModuleType, backend: str, silent_server: int) -> None:
    url = real.make_url(_url(sa, backend)).set(host="127.0.0.1", port=silent_server)
    engine = sa.create_engine(url.render_as_string(hide_password=False), connect_args={"connect_timeout": 1})
    start = time.monotonic()
    with pytest.raises(sa.exc.OperationalError):
        engine.connect()
    assert 0.9 <= time.monotonic() - start < 5


@pytest.mark.parametrize(
    "ssl",
    [{"ca": SNAKEOIL}, {"ca": SNAKEOIL, "check_hostname": False}],
)
@pytest.mark.parametrize("sa", LIBS)
def test_mysql_ssl_against_a_server_without_tls_fails_clearly(sa: ModuleType, ssl: dict[str, Any]) -> None:
    engine = sa.create_engine(_url(sa, "mysql"))
    with engine.connect() as conn:
        if conn.exec_driver_sql("SHOW VARIABLES LIKE 'have_ssl'").all()[0][1] == "YES":
            pytest.skip("the MySQL server has TLS on")
    engine.dispose()
    with pytest.raises(sa.exc.OperationalError, match="SSL is required but the server doesn't support it"):
        sa.create_engine(_url(sa, "mysql"), connect_args={"ssl": ssl}, poolclass=sa.pool.NullPool).connect()


@pytest.mark.parametrize("sa", LIBS)
def test_mysql_ssl_ca_in_the_url_requires_tls(sa: ModuleType) -> None:
    engine = sa.create_engine(_url(sa, "mysql", ssl_ca=SNAKEOIL))
    with pytest.raises(sa.exc.OperationalError, match="SSL is required"):
        engine.connect()


@pytest.mark.parametrize("sa", LIBS)
def test_mysql_empty_ssl_dict_is_a_plain_connection(sa: ModuleType) -> None:
    engine = sa.create_engine(_url(sa, "mysql"), connect_args={"ssl": {}})
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT 1")).scalar() == 1


@pytest.mark.parametrize("sa", LIBS)
def test_sqlite_check_same_thread_is_accepted(sa: ModuleType) -> None:
    engine = sa.create_engine("sqlite://", connect_args={"check_same_thread": False})
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT 1")).scalar() == 1
