"""Engine and pool events, echo_pool and Engine.execution_options(), each checked against
SQLAlchemy doing the same thing: the sequence of events and the arguments they receive."""

from __future__ import annotations

import importlib
import logging
import re
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import sqlalchemy as real

import ferroalchemy as ferro
from sql.backends import BACKENDS, make_engine

LIBS = [pytest.param(real, id="sqlalchemy"), pytest.param(ferro, id="ferroalchemy")]

LIFECYCLE_EVENTS = [
    "connect",
    "first_connect",
    "checkout",
    "checkin",
    "reset",
    "close",
    "invalidate",
    "begin",
    "commit",
    "rollback",
    "engine_connect",
    "engine_disposed",
    "savepoint",
    "rollback_savepoint",
    "release_savepoint",
]


def _engine(sa: ModuleType, backend: str, tmp_path: Path, **kw: Any) -> Any:
    return make_engine(sa, backend, f"sqlite:///{tmp_path / (sa.__name__ + '.db')}", **kw)


def _describe(arg: Any) -> Any:
    """An event argument as both libraries can agree on it: values as they are, objects by role."""
    if arg is None or isinstance(arg, (str, int, bool)):
        return arg
    if type(arg).__name__ == "PoolResetState":
        return ("PoolResetState", arg.transaction_was_reset, arg.terminate_only, arg.asyncio_safe)
    if isinstance(arg, BaseException):
        return type(arg).__name__
    name = type(arg).__name__
    if hasattr(arg, "get_execution_options"):
        return name
    if name == "_ConnectionRecord":
        return "record"
    return "dbapi_connection" if hasattr(arg, "cursor") else name


def _record(sa: ModuleType, engine: Any, names: list[str]) -> list[Any]:
    seen: list[Any] = []

    def listener(name: str) -> Callable[..., None]:
        def fn(*args: Any) -> None:
            seen.append((name, *(_describe(a) for a in args)))

        return fn

    for name in names:
        sa.event.listen(engine, name, listener(name))
    return seen


def _lifecycle(sa: ModuleType, engine: Any) -> None:
    with engine.connect() as conn:
        conn.execute(sa.text("SELECT 1"))
    conn = engine.connect()
    conn.close()
    with engine.connect() as conn:
        with conn.begin():
            sp = conn.begin_nested()
            sp.rollback()
            sp = conn.begin_nested()
            sp.commit()
    with engine.connect() as conn:
        conn.execute(sa.text("SELECT 1"))
        conn.invalidate()
        assert conn.invalidated
    engine.dispose()


@pytest.mark.parametrize("backend", BACKENDS)
def test_connection_and_pool_lifecycle_events_match_sqlalchemy(backend: str, tmp_path: Path) -> None:
    runs = {}
    for sa in (real, ferro):
        engine = _engine(sa, backend, tmp_path)
        seen = _record(sa, engine, LIFECYCLE_EVENTS)
        _lifecycle(sa, engine)
        runs[sa.__name__] = seen
    assert runs["ferroalchemy"] == runs["sqlalchemy"]
    # The moments a user relies on, spelled out.
    seen = runs["ferroalchemy"]
    assert ("reset", "dbapi_connection", "record", ("PoolResetState", True, False, True)) in seen
    assert ("reset", "dbapi_connection", "record", ("PoolResetState", False, False, True)) in seen
    assert ("savepoint", "Connection", None) in seen
    assert ("rollback_savepoint", "Connection", "sa_savepoint_1", None) in seen
    assert ("release_savepoint", "Connection", "sa_savepoint_2", None) in seen
    assert seen[-1] == ("engine_disposed", "Engine")


def test_overflow_connection_is_closed_on_return_and_idle_ones_on_dispose(tmp_path: Path) -> None:
    runs = {}
    for sa in (real, ferro):
        engine = _engine(sa, "sqlite", tmp_path, pool_size=1, max_overflow=1)
        seen = _record(sa, engine, ["connect", "checkin", "close", "engine_disposed"])
        a, b = engine.connect(), engine.connect()
        a.close()
        b.close()
        engine.dispose()
        runs[sa.__name__] = seen
    assert runs["ferroalchemy"] == runs["sqlalchemy"]
    assert [e[0] for e in runs["ferroalchemy"]] == [
        "connect",
        "connect",
        "checkin",
        "checkin",
        "close",  # the overflow connection, on return
        "close",  # the pooled one, on dispose
        "engine_disposed",
    ]


def _execute_events(sa: ModuleType, engine: Any) -> list[Any]:
    seen: list[Any] = []

    def before(conn: Any, clauseelement: Any, multiparams: Any, params: Any, options: Any) -> None:
        seen.append(("before", str(clauseelement), list(multiparams), dict(params), dict(options)))

    def after(conn: Any, clauseelement: Any, multiparams: Any, params: Any, options: Any, result: Any) -> None:
        seen.append(("after", str(clauseelement), list(multiparams), dict(params), type(result).__name__ != ""))

    sa.event.listen(engine, "before_execute", before)
    sa.event.listen(engine, "after_execute", after)
    return seen


@pytest.mark.parametrize("backend", BACKENDS)
def test_before_and_after_execute_receive_statement_and_parameters(backend: str, tmp_path: Path) -> None:
    runs = {}
    for sa in (real, ferro):
        engine = _engine(sa, backend, tmp_path)
        seen = _execute_events(sa, engine)
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
            conn.execute(sa.text("SELECT :x"), {"x": "5"}, execution_options={"custom": 1})
            conn.execute(sa.select(sa.literal(1).label("a")).execution_options(stream_results=True))
            conn.exec_driver_sql("SELECT 2")  # fires no before/after_execute in SQLAlchemy 2.x
        runs[sa.__name__] = seen
    assert runs["ferroalchemy"] == runs["sqlalchemy"]
    assert runs["ferroalchemy"][2] == ("before", "SELECT :x", [], {"x": "5"}, {"custom": 1})
    assert len(runs["ferroalchemy"]) == 6


def test_session_execute_runs_between_before_and_after_execute() -> None:
    runs = {}
    for sa in (real, ferro):
        orm = importlib.import_module(f"{sa.__name__}.orm")

        class Base(orm.DeclarativeBase):  # type: ignore[name-defined,misc]
            pass

        class Item(Base):
            __tablename__ = "ev_item"
            id = orm.mapped_column(sa.Integer, primary_key=True)

        engine = sa.create_engine("sqlite://")
        Base.metadata.create_all(engine)
        seen: list[Any] = []
        sa.event.listen(
            engine, "before_execute", lambda c, e, m, p, o, seen=seen: seen.append(("before", str(e), list(m), p))
        )
        sa.event.listen(engine, "after_execute", lambda c, e, m, p, o, r, seen=seen: seen.append(("after", str(e))))
        with orm.Session(engine) as session:
            assert session.execute(sa.select(Item).where(Item.id == 5)).all() == []
        runs[sa.__name__] = seen
    assert runs["ferroalchemy"] == runs["sqlalchemy"]
    assert [k for k, *_ in runs["ferroalchemy"]] == ["before", "after"]


@pytest.mark.parametrize("sa", LIBS)
def test_before_execute_with_retval_replaces_statement_and_parameters(sa: ModuleType) -> None:
    engine = sa.create_engine("sqlite://")

    @sa.event.listens_for(engine, "before_execute", retval=True)
    def swap(conn: Any, clauseelement: Any, multiparams: Any, params: Any, options: Any) -> Any:
        if str(clauseelement) == "SELECT :x":
            return sa.text("SELECT :x * 10"), multiparams, {"x": params["x"] + 1}
        return clauseelement, multiparams, params

    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT :x"), {"x": 1}).scalar() == 20
        assert conn.execute(sa.text("SELECT 7")).scalar() == 7


@pytest.mark.parametrize("sa", LIBS)
def test_before_execute_returning_both_multiparams_and_params_is_an_error(sa: ModuleType) -> None:
    engine = sa.create_engine("sqlite://")
    sa.event.listen(engine, "before_execute", lambda c, e, m, p, o: (e, [{"x": 1}], {"x": 2}), retval=True)
    with engine.connect() as conn:
        with pytest.raises(sa.exc.InvalidRequestError, match="can't return non-empty multiparams and params"):
            conn.execute(sa.text("SELECT :x"), {"x": 1})


def _duplicate_key(sa: ModuleType, engine: Any) -> tuple[Any, Any]:
    meta = sa.MetaData()
    t = sa.Table("ev_dup", meta, sa.Column("id", sa.Integer, primary_key=True, autoincrement=False))
    meta.drop_all(engine)
    meta.create_all(engine)
    return t, meta


@pytest.mark.parametrize("backend", BACKENDS)
def test_handle_error_context_matches_sqlalchemy(backend: str, tmp_path: Path) -> None:
    runs = {}
    for sa in (real, ferro):
        engine = _engine(sa, backend, tmp_path)
        t, meta = _duplicate_key(sa, engine)
        contexts: list[Any] = []
        sa.event.listen(engine, "handle_error", contexts.append)
        with engine.connect() as conn:
            conn.execute(t.insert(), {"id": 1})
            with pytest.raises(sa.exc.IntegrityError) as raised:
                conn.execute(t.insert(), {"id": 1})
            conn.rollback()
        (ctx,) = contexts
        assert ctx.sqlalchemy_exception is raised.value
        assert ctx.original_exception is raised.value.orig
        assert ctx.connection is conn and ctx.engine is engine
        assert ctx.execution_context is not None
        assert ctx.statement == raised.value.statement and ctx.parameters == raised.value.params
        runs[sa.__name__] = (
            type(ctx.sqlalchemy_exception).__name__,
            # The SQL and parameters as each driver takes them: the same on SQLite only.
            ctx.statement if backend == "sqlite" else None,
            ctx.parameters if backend == "sqlite" else None,
            ctx.is_disconnect,
            ctx.invalidate_pool_on_disconnect,
            getattr(ctx, "chained_exception", None),  # SQLAlchemy sets it only when a listener returns
            ctx.is_pre_ping,
            ctx.dialect.name,
        )
        meta.drop_all(engine)
        engine.dispose()
    assert runs["ferroalchemy"] == runs["sqlalchemy"]


class _MyError(Exception):
    pass


@pytest.mark.parametrize("sa", LIBS)
def test_handle_error_returned_and_raised_exceptions_replace_the_error(sa: ModuleType) -> None:
    engine = sa.create_engine("sqlite://")
    chained: list[Any] = []
    sa.event.listen(engine, "handle_error", lambda ctx: _MyError(f"wrapped {type(ctx.original_exception).__name__}"))
    sa.event.listen(engine, "handle_error", lambda ctx: chained.append(ctx.chained_exception))
    with engine.connect() as conn:
        with pytest.raises(_MyError, match="wrapped OperationalError") as raised:
            conn.execute(sa.text("SELECT nope"))
    assert chained == [raised.value]
    assert type(raised.value.__cause__).__name__ == "OperationalError"  # the driver's error

    engine2 = sa.create_engine("sqlite://")
    calls: list[str] = []

    def raiser(ctx: Any) -> None:
        calls.append("raiser")
        raise _MyError("raised by listener")

    sa.event.listen(engine2, "handle_error", raiser)
    sa.event.listen(engine2, "handle_error", lambda ctx: calls.append("never"))
    with engine2.connect() as conn:
        with pytest.raises(_MyError, match="raised by listener"):
            conn.exec_driver_sql("SELECT nope")
    assert calls == ["raiser"], "a listener that raises ends the chain"


@pytest.mark.parametrize("sa", LIBS)
def test_handle_error_marking_a_disconnect_invalidates_the_connection(sa: ModuleType, tmp_path: Path) -> None:
    engine = _engine(sa, "sqlite", tmp_path)
    seen = _record(sa, engine, ["invalidate"])

    @sa.event.listens_for(engine, "handle_error")
    def disconnect(ctx: Any) -> None:
        ctx.is_disconnect = True

    with engine.connect() as conn:
        with pytest.raises(sa.exc.OperationalError) as raised:
            conn.execute(sa.text("SELECT nope"))
        assert raised.value.connection_invalidated is True
        assert conn.invalidated
    assert seen == [("invalidate", "dbapi_connection", "record", "OperationalError")]


@pytest.mark.parametrize("sa", LIBS)
def test_handle_error_on_connect_has_no_connection(sa: ModuleType, tmp_path: Path) -> None:
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'missing' / 'x.db'}")
    contexts: list[Any] = []
    sa.event.listen(engine, "handle_error", contexts.append)
    with pytest.raises(sa.exc.OperationalError) as raised:
        engine.connect()
    (ctx,) = contexts
    assert (ctx.connection, ctx.statement, ctx.parameters, ctx.execution_context) == (None, None, None, None)
    assert ctx.sqlalchemy_exception is raised.value and ctx.original_exception is raised.value.orig
    assert ctx.engine is engine and ctx.is_disconnect is False


_CONN_REPR = re.compile(r"<[\w.]+ object at 0x[0-9a-f]+>")


@pytest.mark.parametrize("echo", [True, "debug"])
def test_echo_pool_logs_as_sqlalchemy(echo: Any, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    runs = {}
    for sa in (real, ferro):
        caplog.clear()
        engine = _engine(sa, "sqlite", tmp_path, echo_pool=echo)
        with caplog.at_level(logging.DEBUG if echo == "debug" else logging.INFO, logger="sqlalchemy.pool"):
            with engine.connect() as conn:
                conn.execute(sa.text("SELECT 1"))
            conn = engine.connect()
            conn.close()
            with engine.connect() as conn:
                conn.invalidate()
            engine.dispose()
        runs[sa.__name__] = [
            (r.name, r.levelname, _CONN_REPR.sub("<conn>", r.getMessage()))
            for r in caplog.records
            if r.name.startswith("sqlalchemy.pool")
        ]
        logging.getLogger("sqlalchemy.pool").setLevel(logging.NOTSET)
        logging.getLogger("sqlalchemy.pool.impl.QueuePool").setLevel(logging.NOTSET)
    assert runs["ferroalchemy"] == runs["sqlalchemy"]
    messages = [m for _, _, m in runs["ferroalchemy"]]
    assert "Invalidate connection <conn>" in messages
    assert ("Connection <conn> checked out from pool" in messages) is (echo == "debug")


@pytest.mark.parametrize("sa", LIBS)
def test_engine_execution_options_copy_shares_the_pool_and_parent_listeners(sa: ModuleType, tmp_path: Path) -> None:
    engine = _engine(sa, "sqlite", tmp_path)
    parent_seen = _record(sa, engine, ["engine_connect"])
    opt = engine.execution_options(my_key="v", stream_results=True)
    child_seen = _record(sa, opt, ["engine_connect"])
    assert opt is not engine and opt.pool is engine.pool
    assert opt.get_execution_options() == {"my_key": "v", "stream_results": True}
    assert engine.get_execution_options() == {}
    with opt.connect() as conn:
        assert conn.get_execution_options()["my_key"] == "v"
        assert conn.execute(sa.text("SELECT 1")).scalar() == 1
    with engine.connect():
        pass
    assert len(parent_seen) == 2, "the parent's listeners hear its option engines"
    assert len(child_seen) == 1, "the option engine's listeners hear only it"


@pytest.mark.parametrize("backend", BACKENDS)
def test_isolation_level_execution_option(backend: str, tmp_path: Path) -> None:
    runs = {}
    level = "READ UNCOMMITTED" if backend == "sqlite" else "SERIALIZABLE"
    for sa in (real, ferro):
        engine = _engine(sa, backend, tmp_path, pool_size=1)
        with engine.connect() as conn:
            default = conn.get_isolation_level()
        with engine.execution_options(isolation_level=level.lower().replace(" ", "_")).connect() as conn:
            during = conn.get_isolation_level()
            conn.execute(sa.text("SELECT 1"))
        with engine.connect() as conn:
            after = conn.get_isolation_level()
        with pytest.raises(sa.exc.ArgumentError) as bad:
            engine.connect().execution_options(isolation_level="NOPE")
        runs[sa.__name__] = (default, during, after, str(bad.value))
        engine.dispose()
    assert runs["ferroalchemy"] == runs["sqlalchemy"]
    assert runs["ferroalchemy"][1] == level


@pytest.mark.parametrize("backend", BACKENDS)
def test_create_engine_isolation_level(backend: str, tmp_path: Path) -> None:
    runs = {}
    level = "READ UNCOMMITTED" if backend == "sqlite" else "REPEATABLE READ"
    other = "SERIALIZABLE"
    for sa in (real, ferro):
        engine = _engine(sa, backend, tmp_path, isolation_level=level, pool_size=1)
        with engine.connect() as conn:
            first = (conn.get_isolation_level(), conn.default_isolation_level)
        with engine.connect().execution_options(isolation_level=other) as conn:
            during = conn.get_isolation_level()
        with engine.connect() as conn:
            after = conn.get_isolation_level()
        runs[sa.__name__] = (first, during, after)
        engine.dispose()
    assert runs["ferroalchemy"] == runs["sqlalchemy"]
    assert runs["ferroalchemy"][2] == level, "a connection returns to the pool with the engine's level"
    with pytest.raises(ferro.exc.ArgumentError, match="Invalid value 'DIRTY' for isolation_level"):
        ferro.create_engine("sqlite://", isolation_level="dirty")


def test_events_without_a_pool_moment_are_refused() -> None:
    engine = ferro.create_engine("sqlite://")
    for name in ("soft_invalidate", "detach", "close_detached"):
        with pytest.raises(NotImplementedError, match=name):
            ferro.event.listen(engine, name, lambda *a: None)
    with pytest.raises(NotImplementedError, match="retval=True"):
        ferro.event.listen(engine, "before_cursor_execute", lambda *a: None, retval=True)
