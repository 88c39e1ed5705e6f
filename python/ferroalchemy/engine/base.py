"""Engine, Connection and Transaction: the Python face of the Rust engine."""

from __future__ import annotations

import logging
import os
import re
import time
from collections.abc import Iterator
from typing import Any

from .. import _core, dbapi, event, exc
from ..pool import PoolResetState
from .driver_sql import ordered
from .echo import _echo_statement, _log_parameters, add_default_handler, echo_rows, enabled, log
from .interfaces import ExecutionContext, _run_handle_error
from .result import CursorResult, Result

# A forked child starts its own I/O runtimes on first use: the parent's threads are not in it.
os.register_at_fork(after_in_child=_core.after_fork)

# SQLAlchemy's default insertmanyvalues_page_size, which the Rust connection starts with.
_DEFAULT_PAGE_SIZE = 1000


class Transaction:
    """A transaction begun with ``begin()`` (or implicitly by autobegin)."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.is_active = True

    def commit(self) -> None:
        if self.is_active:
            self.is_active = False
            self.connection._finish(commit=True)

    def rollback(self) -> None:
        if self.is_active:
            self.is_active = False
            self.connection._finish(commit=False)

    def close(self) -> None:
        self.rollback()

    @property
    def is_valid(self) -> bool:
        return self.is_active

    def __enter__(self) -> Transaction:
        return self

    def __exit__(self, type_: Any, value: Any, tb: Any) -> None:
        if not self.is_active:
            return
        if type_ is None:
            self.commit()
        else:
            self.rollback()


RootTransaction = Transaction


class NestedTransaction(Transaction):
    """A SAVEPOINT: commit releases it, rollback returns to it; the outer transaction goes on."""

    def __init__(self, connection: Connection, name: str) -> None:
        super().__init__(connection)
        self.name = name

    def _close(self) -> None:
        """Ends it and any SAVEPOINT opened inside it (the database ends those with it)."""
        self.is_active = False
        stack = self.connection._nested
        if self in stack:
            for inner in stack[stack.index(self) :]:
                inner.is_active = False
            del stack[stack.index(self) :]

    def commit(self) -> None:
        if self.is_active:
            self._close()
            event.dispatch(self.connection.engine._event_chain(), "release_savepoint", self.connection, self.name, None)
            self.connection._savepoint_sql(f"RELEASE SAVEPOINT {self.name}")

    def rollback(self) -> None:
        if self.is_active:
            self._close()
            event.dispatch(
                self.connection.engine._event_chain(), "rollback_savepoint", self.connection, self.name, None
            )
            self.connection._savepoint_sql(f"ROLLBACK TO SAVEPOINT {self.name}")


def _driver_batch(parameters: Any) -> tuple[Any, ...] | list[tuple[Any, ...]] | None:
    """exec_driver_sql's parameter forms, as SQLAlchemy distills them: one tuple or dict, or a list
    of them run as executemany."""
    if parameters is None or isinstance(parameters, tuple):
        return parameters
    if isinstance(parameters, list):
        if not parameters:
            return None
        if all(isinstance(p, tuple) for p in parameters):
            return parameters if len(parameters) > 1 else parameters[0]
        if all(isinstance(p, dict) for p in parameters):
            return parameters if len(parameters) > 1 else parameters[0]
        raise exc.ArgumentError("List argument must consist only of tuples or dictionaries")
    if isinstance(parameters, dict):
        return parameters
    raise exc.ArgumentError("mapping or sequence expected for parameters")


def _check_execution_options(opt: dict[str, Any], dialect: Any) -> None:
    """Refuses the SQLAlchemy options ferroalchemy cannot honour yet and normalizes isolation_level;
    any other key (stream_results, yield_per, a user's own) is kept for get_execution_options()."""
    for key in ("schema_translate_map", "no_parameters", "preserve_rowcount"):
        if key in opt:
            raise NotImplementedError(f"ferroalchemy: the {key!r} execution option is not implemented yet")
    level = opt.get("isolation_level")
    if level is not None:
        opt["isolation_level"] = dialect._normalize_isolation_level(level)


def _end_message(commit: bool, autocommit: bool) -> str:
    """What echo logs as a transaction ends; under autocommit, SQLAlchemy's notes that the
    driver's commit/rollback has nothing to end."""
    if not autocommit:
        return "COMMIT" if commit else "ROLLBACK"
    if commit:
        return "COMMIT using DBAPI connection.commit(), has no effect due to autocommit mode"
    return "ROLLBACK using DBAPI connection.rollback(); set skip_autocommit_rollback to prevent fully"


def _event_params(parameters: Any) -> tuple[Any, Any]:
    """(multiparams, params) as before_execute / after_execute receive them: one parameter set goes
    in `params`, several in `multiparams`."""
    if parameters is None:
        return (), {}
    if isinstance(parameters, list):
        if len(parameters) == 1:
            return (), parameters[0]
        return parameters, {}
    return (), parameters


def _params_from_event(multiparams: Any, params: Any) -> Any:
    if multiparams:
        if params:
            raise exc.InvalidRequestError(
                "Event handler can't return non-empty multiparams and params at the same time"
            )
        return list(multiparams)
    return params or None


_UNBUFFERED_ROWCOUNT = 2**64 - 1
_SERVER_SIDE_SELECT = re.compile(r"\s*SELECT", re.I)


def _stream_plan(element: Any, options: dict[str, Any], params: Any) -> tuple[int, int, int] | None:
    """How a statement's rows are read when stream_results or yield_per asks for a cursor:
    (first fetch, largest fetch, growth factor), SQLAlchemy's BufferedRowCursorFetchStrategy sizes
    (one row, then 5, growing fivefold up to max_row_buffer; fixed at yield_per). None reads them
    all at once. Only a SELECT streams, as SQLAlchemy opens server-side cursors only for those."""
    yield_per = options.get("yield_per")
    if not (yield_per or options.get("stream_results")) or isinstance(params, list):
        return None
    from ..sql.compound import CompoundSelect
    from ..sql.elements import TextClause
    from ..sql.selectable import Select

    if isinstance(element, TextClause):
        if not _SERVER_SIDE_SELECT.match(element.text):
            return None
    elif not isinstance(element, (Select, CompoundSelect)):
        return None
    if yield_per:
        return (int(yield_per), int(yield_per), 0)
    return (1, int(options.get("max_row_buffer", 1000)), 5)


class Connection:
    """A pooled connection. Transactions begin automatically on first use (SQLAlchemy 2.x autobegin)."""

    def __init__(self, engine: Engine, _core: Any = None) -> None:
        self.engine = engine
        self.dialect = engine.dialect
        try:
            self._core = _core if _core is not None else engine._core_engine().connect()
        except exc.DBAPIError as e:
            outcome = _run_handle_error(engine, None, e)
            if outcome is not None and outcome[1] is not None:
                raise outcome[1].with_traceback(e.__traceback__) from e.orig
            raise
        self._transaction: Transaction | None = None
        self._execution_options: dict[str, Any] = dict(engine._execution_options)
        page_size = self._execution_options.get("insertmanyvalues_page_size", self.dialect.insertmanyvalues_page_size)
        if page_size != _DEFAULT_PAGE_SIZE:
            self._core.set_page_size(int(page_size))
        self._record = engine._record_for(self._core)
        self._savepoints = 0
        # Open SAVEPOINTs, innermost last.
        self._nested: list[NestedTransaction] = []
        self._invalidated = False
        # Whether the physical connection is in autocommit mode: it leaves the pool in
        # create_engine's mode, and goes back to it on return.
        self._autocommit = engine._connect_isolation_level == "AUTOCOMMIT"
        plog = engine._pool_logger
        if self._core.take_fresh():
            if plog.isEnabledFor(logging.DEBUG):
                plog.debug("Created new connection %r", self._record.dbapi_connection)
            if engine._connect_isolation_level is not None:
                # create_engine(isolation_level=...): every new connection, before user connect events.
                self._set_isolation_level(engine._connect_isolation_level)
            engine._on_connect(self._record)
        if plog.isEnabledFor(logging.DEBUG):
            plog.debug("Connection %r checked out from pool", self._record.dbapi_connection)
        # The third argument is SQLAlchemy's pool-level proxy of the DBAPI connection, not this Connection.
        dbapi_connection = self._record.dbapi_connection
        event.dispatch(engine._event_chain(), "checkout", dbapi_connection, self._record, dbapi_connection)
        event.dispatch(engine._event_chain(), "engine_connect", self)
        level = self._execution_options.get("isolation_level")
        if level is not None:
            self._set_isolation_level(level)

    @property
    def info(self) -> dict[str, Any]:
        """Per physical connection, kept across checkouts (the connection record's info)."""
        return self._record.info

    @property
    def connection(self) -> Any:
        """The PEP 249 connection facade of this pooled connection."""
        return self._record.dbapi_connection

    # -- transactions -------------------------------------------------------------------
    def _autobegin(self) -> None:
        if self._transaction is None:
            if self._core.closed:
                raise exc.ResourceClosedError("This Connection is closed")
            self._transaction = Transaction(self)
            if enabled(self.engine, logging.INFO):
                log(
                    self.engine,
                    logging.INFO,
                    "BEGIN (implicit; DBAPI should not BEGIN due to autocommit mode)"
                    if self._autocommit
                    else "BEGIN (implicit)",
                )
            event.dispatch(self.engine._event_chain(), "begin", self)

    def begin(self) -> Transaction:
        if self._transaction is not None:
            raise exc.InvalidRequestError(
                "This connection has already initialized a SQLAlchemy Transaction() object via begin() or "
                "autobegin; can't call begin() here unless rollback() or commit() is called first."
            )
        self._autobegin()
        assert self._transaction is not None
        return self._transaction

    def begin_nested(self) -> NestedTransaction:
        """A SAVEPOINT inside the current transaction (which begins now if none has)."""
        self._autobegin()
        if not self._autocommit and not self._core.in_transaction():
            # SQLite begins lazily, at the first change; a savepoint needs the transaction open now.
            self._core.exec_driver_sql("BEGIN", None)
        self._savepoints += 1
        name = f"sa_savepoint_{self._savepoints}"
        # As SQLAlchemy's: the name is generated after the event, which receives None.
        event.dispatch(self.engine._event_chain(), "savepoint", self, None)
        self._savepoint_sql(f"SAVEPOINT {name}")
        nested = NestedTransaction(self, name)
        self._nested.append(nested)
        return nested

    def _savepoint_sql(self, sql: str) -> None:
        if enabled(self.engine, logging.INFO):
            log(self.engine, logging.INFO, sql)
            _log_parameters(self.engine, "no key 0.00000s", None, False)
        try:
            self._core.exec_driver_sql(sql, None)
        except Exception as e:
            self._handle_error(e)
            raise

    def _finish(self, commit: bool) -> None:
        self._transaction = None
        self._nested.clear()
        if enabled(self.engine, logging.INFO):
            log(self.engine, logging.INFO, _end_message(commit, self._autocommit))
        try:
            if commit:
                self._core.commit()
            else:
                self._core.rollback()
        except Exception as e:
            self._handle_error(e)
            raise
        event.dispatch(self.engine._event_chain(), "commit" if commit else "rollback", self)

    def commit(self) -> None:
        if self._transaction is not None:
            self._transaction.commit()

    def rollback(self) -> None:
        if self._transaction is not None:
            self._transaction.rollback()

    def in_transaction(self) -> bool:
        return self._transaction is not None

    def get_transaction(self) -> Transaction | None:
        return self._transaction

    def in_nested_transaction(self) -> bool:
        return bool(self._nested)

    def get_nested_transaction(self) -> NestedTransaction | None:
        """The innermost SAVEPOINT still open, if any."""
        return self._nested[-1] if self._nested else None

    def close(self) -> None:
        transaction_was_reset = self._transaction is not None
        if self._transaction is not None:
            self._transaction.rollback()
        if not self._core.closed:
            self._checkin(transaction_was_reset)

    def _checkin(self, transaction_was_reset: bool) -> None:
        """Returns the connection to the pool, with the pool's reset and checkin moments (the reset
        itself, a ROLLBACK, is the Rust pool's)."""
        engine = self.engine
        record = self._record
        dbapi_connection = record.dbapi_connection
        chain = engine._event_chain()
        plog = engine._pool_logger
        debug = plog.isEnabledFor(logging.DEBUG)
        if debug:
            plog.debug("Connection %r being returned to pool", dbapi_connection)
        event.dispatch(chain, "reset", dbapi_connection, record, PoolResetState(transaction_was_reset, False, True))
        if debug and engine._reset_on_return:
            if transaction_was_reset:
                plog.debug("Connection %s reset, transaction already reset", dbapi_connection)
            else:
                plog.debug("Connection %s rollback-on-return", dbapi_connection)
        event.dispatch(chain, "checkin", dbapi_connection, record)
        if self._execution_options.get("isolation_level") is not None:
            self._reset_isolation_level()
        slot_id = self._core.slot_id
        self._core.close()
        if (debug or event.listeners_for(chain, "close")) and slot_id not in engine._core.pool_idle_ids():
            # The pool closed it on return (overflow beyond pool_size, or NullPool).
            engine._close_record(slot_id)

    @property
    def closed(self) -> bool:
        return bool(self._core.closed) and not self._invalidated

    @property
    def invalidated(self) -> bool:
        return self._invalidated

    def invalidate(self, exception: BaseException | None = None) -> None:
        """Discards the physical connection (the pool opens a new one for the next checkout); the
        transaction, if any, stays until rolled back or the connection closes."""
        if self._invalidated:
            return
        if self._core.closed:
            raise exc.ResourceClosedError("This Connection is closed")
        engine = self.engine
        record = self._record
        chain = engine._event_chain()
        event.dispatch(chain, "invalidate", record.dbapi_connection, record, exception)
        if exception is not None:
            engine._pool_logger.info(
                "Invalidate connection %r (reason: %s:%s)",
                record.dbapi_connection,
                type(exception).__name__,
                exception,
            )
        else:
            engine._pool_logger.info("Invalidate connection %r", record.dbapi_connection)
        engine._close_record(self._core.slot_id, terminate=True)
        event.dispatch(chain, "checkin", None, record)
        self._invalidated = True
        self._core.invalidate()

    def _handle_error(self, e: Exception) -> None:
        """The handle_error event for an error raised while talking to the database. Returns when no
        listener replaced the error (the caller re-raises it); raises the replacement otherwise."""
        if self._execution_options.get("skip_user_error_events"):
            return
        outcome = _run_handle_error(self.engine, self, e)
        if outcome is None:
            if getattr(e, "connection_invalidated", False):
                self._on_disconnect(e, invalidate_pool=True)
            return
        ctx, newraise = outcome
        if ctx.is_disconnect:
            self._on_disconnect(ctx.original_exception, ctx.invalidate_pool_on_disconnect)
        if newraise is not None:
            raise newraise.with_traceback(e.__traceback__) from ctx.original_exception

    def _on_disconnect(self, exception: BaseException, invalidate_pool: bool) -> None:
        """The connection is gone: discard it (and, as SQLAlchemy's default, the idle ones, which
        the same server restart most likely ended too)."""
        if not self._invalidated and not self._core.closed:
            if invalidate_pool:
                # The other pooled connections are presumed gone too: each is replaced at its
                # next checkout.
                self.engine._core.pool_invalidate()
            self.invalidate(exception)

    def __enter__(self) -> Connection:
        return self

    def __exit__(self, type_: Any, value: Any, tb: Any) -> None:
        self.close()

    # -- execution ----------------------------------------------------------------------
    def execution_options(self, **opt: Any) -> Connection:
        _check_execution_options(opt, self.dialect)
        if opt.get("isolation_level") is not None and self._transaction is not None:
            raise exc.InvalidRequestError(
                "This connection has already initialized a SQLAlchemy Transaction() object via begin() or "
                "autobegin; isolation_level may not be altered unless rollback() or commit() is called first."
            )
        self._execution_options.update(opt)
        if "insertmanyvalues_page_size" in opt:
            self._core.set_page_size(int(opt["insertmanyvalues_page_size"]))
        if opt.get("isolation_level") is not None:
            self._set_isolation_level(opt["isolation_level"])
        return self

    def get_isolation_level(self) -> str:
        """The isolation level the database reports for this connection's session."""
        row = self._core.exec_driver_sql(self.dialect._get_isolation_level_sql(), None)
        value = CursorResult(row, None).scalar()
        return str(self.dialect._isolation_level_from_row(value))

    @property
    def default_isolation_level(self) -> str:
        """As SQLAlchemy reports it: the level of a new connection, create_engine's if given."""
        engine = self.engine
        level = engine._connect_isolation_level
        # AUTOCOMMIT is the driver's mode, not the server's level: SQLAlchemy reports the latter.
        if level is None or level == "AUTOCOMMIT":
            return engine._default_isolation_level(self)
        return level

    def _set_isolation_level(self, level: str) -> None:
        # Read first: it is what the connection returns to the pool with.
        self.engine._default_isolation_level(self)
        if level == "AUTOCOMMIT":
            # The server's level stays as it is (a driver's autocommit leaves it alone too).
            self._core.set_autocommit(True)
            self._autocommit = True
            return
        if self._autocommit:
            self._core.set_autocommit(False)
            self._autocommit = False
        self._core.exec_driver_sql(self.dialect._isolation_level_sql(level), None)
        # A SET inside a transaction the server began would be undone by its rollback.
        self._core.commit()

    def _reset_isolation_level(self) -> None:
        engine = self.engine
        self._set_isolation_level(engine._connect_isolation_level or engine._default_isolation_level(self))

    def get_execution_options(self) -> dict[str, Any]:
        return dict(self._execution_options)

    def execute(self, statement: Any, parameters: Any = None, *, execution_options: Any = None) -> CursorResult:
        meth = getattr(statement, "_execute_on_connection", None)
        if meth is None:
            raise exc.ObjectNotExecutableError(statement)
        if "before_execute" in event._identifiers or "after_execute" in event._identifiers:
            return self._with_execute_events(
                statement,
                parameters,
                execution_options,
                lambda stmt, params: self._execute_element(stmt, params, execution_options),
            )
        return meth(self, parameters, execution_options)

    def _execute_element(self, statement: Any, parameters: Any, execution_options: Any) -> CursorResult:
        meth = getattr(statement, "_execute_on_connection", None)
        if meth is None:
            raise exc.ObjectNotExecutableError(statement)
        return meth(self, parameters, execution_options)

    def _with_execute_events(self, statement: Any, parameters: Any, execution_options: Any, run: Any) -> Any:
        """before_execute / after_execute around one execute(); a before_execute
        listener registered with retval=True returns the (statement, multiparams, params) to run."""
        chain = self.engine._event_chain()
        before = event.listeners_with_retval(chain, "before_execute")
        after = event.listeners_for(chain, "after_execute")
        options = {
            **getattr(statement, "_execution_options", {}),
            **self._execution_options,
            **(execution_options or {}),
        }
        multiparams, params = _event_params(parameters)
        for fn, retval in before:
            out = fn(self, statement, multiparams, params, options)
            if retval:
                statement, multiparams, params = out
        if before:
            parameters = _params_from_event(multiparams, params)
        result = run(statement, parameters)
        for fn in after:
            fn(self, statement, multiparams, params, options, result)
        return result

    def scalar(self, statement: Any, parameters: Any = None, *, execution_options: Any = None) -> Any:
        return self.execute(statement, parameters, execution_options=execution_options).scalar()

    def scalars(self, statement: Any, parameters: Any = None, *, execution_options: Any = None) -> Any:
        return self.execute(statement, parameters, execution_options=execution_options).scalars()

    def exec_driver_sql(self, statement: str, parameters: Any = None, execution_options: Any = None) -> CursorResult:
        # As in SQLAlchemy 2.x, driver SQL fires the cursor events but not before/after_execute.
        self._autobegin()
        parameters = _driver_batch(parameters)
        if enabled(self.engine, logging.INFO):
            log(self.engine, logging.INFO, statement)
            _log_parameters(self.engine, "raw sql", parameters or None, False)
        sql, names = self.dialect._driver_sql(statement) if parameters is not None else (statement, None)
        if names is not None:
            # Named values go to the Rust drivers in placeholder order.
            if isinstance(parameters, dict):
                parameters = ordered(names, parameters)
            elif isinstance(parameters, list) and all(isinstance(p, dict) for p in parameters):
                parameters = [ordered(names, p) for p in parameters]
        elif isinstance(parameters, dict) or (isinstance(parameters, list) and isinstance(parameters[0], dict)):
            raise exc.ArgumentError("Named parameters were given to driver SQL that names no parameter")
        try:
            cursor = self._core.exec_driver_sql(sql, parameters)
        except Exception as e:
            self._handle_error(e)
            raise
        if enabled(self.engine, logging.DEBUG):
            cursor = echo_rows(cursor, self.engine)
        return CursorResult(cursor, None)

    def _log(self, element: Any = None, ddl: bool = False) -> Any:
        """The statement hook the Rust core calls before each statement (echo, before_cursor_execute);
        it returns the after_cursor_execute call, if any. None when nothing listens (the usual case).
        `element` is the statement executed, whose display form the log shows; `ddl` marks DDL, which
        SQLAlchemy compiles without a cache key."""
        echo = enabled(self.engine, logging.INFO)
        ids = event._identifiers
        if not echo and "before_cursor_execute" not in ids and "after_cursor_execute" not in ids:
            return None  # nothing listens anywhere: the engine's event chain need not be built
        chain = self.engine._event_chain()
        before = event.listeners_for(chain, "before_cursor_execute")
        after = event.listeners_for(chain, "after_cursor_execute")
        if not (echo or before or after):
            return None

        def hook(sql: str, params: Any, executemany: bool) -> Any:
            if echo:
                _echo_statement(self.engine, element, ddl, sql, params, executemany)
            cursor = self._record.dbapi_connection.cursor()
            context = ExecutionContext(sql, params, executemany)
            for fn in before:
                fn(self, cursor, sql, params, context, executemany)
            if not after:
                return None
            return lambda: [fn(self, cursor, sql, params, context, executemany) for fn in after]

        return hook

    def _execute_stmt(
        self,
        stmt: Any,
        params: Any,
        element: Any,
        plan: Any = None,
        identity_map: Any = None,
        defaults: Any = (),
        populate_existing: bool = False,
        execution_options: Any = None,
    ) -> CursorResult:
        options, stream = self._stmt_options(params, element, execution_options)
        page_size = options.get("insertmanyvalues_page_size")
        try:
            cursor = self._core.execute(
                stmt,
                params,
                plan,
                identity_map,
                self._log(element),
                list(defaults),
                populate_existing,
                None if page_size is None else int(page_size),
                stream,
            )
        except Exception as e:
            self._handle_error(e)
            raise
        return self._stmt_result(cursor, element, params, plan, options, stream)

    def _stmt_options(self, params: Any, element: Any, execution_options: Any) -> tuple[dict[str, Any], Any]:
        """_execute_stmt() before the statement runs: the transaction begun, the parameters checked,
        the execution options merged and the streaming plan (AsyncConnection awaits what follows)."""
        self._autobegin()
        if isinstance(params, (list, tuple)) and params and not isinstance(params[0], dict):
            raise exc.ArgumentError("List argument must consist only of dictionaries")
        element_options = getattr(element, "_execution_options", None)
        if not (self._execution_options or element_options or execution_options):
            return {}, None
        options = {**self._execution_options, **(element_options or {}), **(execution_options or {})}
        return options, _stream_plan(element, options, params)

    def _stmt_result(
        self, cursor: Any, element: Any, params: Any, plan: Any, options: dict[str, Any], stream: Any
    ) -> CursorResult:
        if plan is None and enabled(self.engine, logging.DEBUG):
            cursor = echo_rows(cursor, self.engine)
        result = CursorResult(cursor, element, params)
        yield_per = options.get("yield_per")
        if yield_per:
            result._yield_per = int(yield_per)
        if stream is not None and self.dialect.name == "mysql":
            # PyMySQL's unbuffered cursor reports its unknown rowcount as -1 read unsigned.
            result._rowcount = _UNBUFFERED_ROWCOUNT
        return result

    def _execute_ddl(self, stmt: Any) -> CursorResult:
        self._autobegin()
        try:
            cursor = self._core.execute(stmt, None, None, None, self._log(ddl=True))
        except Exception as e:
            self._handle_error(e)
            raise
        return CursorResult(cursor, None)

    def _execute_ddl_text(self, sql: str) -> CursorResult:
        """DDL a ``@compiles`` function wrote, run as it is."""
        self._autobegin()
        if enabled(self.engine, logging.INFO):
            log(self.engine, logging.INFO, sql)
            _log_parameters(self.engine, "no key", None, False)
        try:
            cursor = self._core.exec_driver_sql(sql, None)
        except Exception as e:
            self._handle_error(e)
            raise
        return CursorResult(cursor, None)

    def __repr__(self) -> str:
        return f"<sqlalchemy.engine.base.Connection object at {hex(id(self))}>"


class _ConnectionRecord:
    """One physical pooled connection, as pool events see it: `.info` persists across checkouts."""

    def __init__(self, core: Any) -> None:
        self.info: dict[str, Any] = {}
        self.dbapi_connection = dbapi.Connection(core)

    @property
    def driver_connection(self) -> Any:
        return self.dbapi_connection


class _EngineBegin:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.conn: Connection | None = None

    def __enter__(self) -> Connection:
        self.conn = self.engine.connect()
        self.conn.begin()
        return self.conn

    def __exit__(self, type_: Any, value: Any, tb: Any) -> None:
        conn = self.conn
        assert conn is not None
        try:
            txn = conn._transaction
            if txn is not None:
                if type_ is None:
                    txn.commit()
                else:
                    txn.rollback()
        finally:
            conn.close()


class Engine:
    """Connects to a database through ferroalchemy's pool; made by ``create_engine()``."""

    # create_engine(isolation_level=...), set on each new connection.
    _connect_isolation_level: str | None = None

    def __init__(
        self,
        url: Any,
        dialect: Any,
        core_args: dict[str, Any],
        pool_cls: type,
        echo: Any,
        execution_options: dict[str, Any],
        hide_parameters: bool,
    ) -> None:
        self.url = url
        self.dialect = dialect
        self._core_args = core_args
        self._core: Any = None
        self._pool_cls = pool_cls
        self.echo = echo
        self._execution_options = execution_options
        self.hide_parameters = hide_parameters
        self.logging_name = None
        self._created = time.monotonic()
        self._records: dict[int, _ConnectionRecord] = {}
        # When each SQL string was first compiled, for echo's "[generated in]" / "[cached since]".
        self._compiled_at: dict[str, float] = {}
        self._first_connect_done = False
        self._pool: Any = None
        self._reset_on_return = core_args.get("reset_on_return", "rollback") != "none"
        self._pool_logger = logging.getLogger(f"sqlalchemy.pool.impl.{pool_cls.__name__}")

    @property
    def echo(self) -> Any:
        """When true, this engine logs its statements to `sqlalchemy.engine.Engine` ("debug": rows
        too), whatever the logger's level; others are not affected."""
        return self._echo

    @echo.setter
    def echo(self, value: Any) -> None:
        self._echo = value
        add_default_handler(value)

    def _core_engine(self) -> Any:
        core = self._core
        if core is None:
            from .. import _core

            core = _core.Engine(**self._core_args, py_dialect=self.dialect)
            self._core = core
        return core

    @property
    def pool(self) -> Any:
        if self._pool is None:
            self._pool = self._pool_cls._attached(self._core_engine())
        return self._pool

    def _event_chain(self) -> tuple[Any, ...]:
        """Where engine and pool listeners of this engine may be registered."""
        return (self, type(self), self._pool, self._pool_cls)

    def _record_for(self, core: Any) -> _ConnectionRecord:
        record = self._records.get(core.slot_id)
        if record is None:
            record = self._records[core.slot_id] = _ConnectionRecord(core)
        else:
            record.dbapi_connection._core = core
        return record

    def _default_isolation_level(self, conn: Connection) -> str:
        """The level connections have before any option changes it, read once (as SQLAlchemy reads it
        at first connect)."""
        level: str | None = self.__dict__.get("_isolation_default")
        if level is None:
            level = conn.get_isolation_level()
            self._isolation_default = level
        return level

    def _close_record(self, slot_id: Any, terminate: bool = False) -> None:
        """The pool's close moment for a physical connection it no longer keeps."""
        record = self._records.pop(slot_id, None)
        if record is None:
            return
        event.dispatch(self._event_chain(), "close", record.dbapi_connection, record)
        self._pool_logger.debug("%s connection %r", "Hard-closing" if terminate else "Closing", record.dbapi_connection)

    def _close_idle(self) -> None:
        """Closes the connections resting in the pool (checked-out ones close when returned)."""
        core = self._core
        if core is None:
            return
        for slot_id in core.pool_idle_ids():
            self._close_record(slot_id)
        core.dispose()

    def _on_connect(self, record: _ConnectionRecord) -> None:
        chain = self._event_chain()
        if not self._first_connect_done:
            self._first_connect_done = True
            event.dispatch(chain, "first_connect", record.dbapi_connection, record)
        event.dispatch(chain, "connect", record.dbapi_connection, record)

    @property
    def name(self) -> str:
        return str(self.dialect.name)

    @property
    def driver(self) -> str:
        return str(self.dialect.driver)

    def connect(self) -> Connection:
        return Connection(self)

    def _connect_idle(self) -> Connection | None:
        """``connect()`` when it needs no I/O (an idle pooled connection, no pre-ping, no option or
        listener that would talk to the database on checkout), else None: what an event loop's
        thread may do itself."""
        ids = event._identifiers
        if self._execution_options.get("isolation_level") is not None or "checkout" in ids or "engine_connect" in ids:
            return None
        core = self._core_engine().connect_idle()
        return None if core is None else Connection(self, core)

    def begin(self) -> _EngineBegin:
        return _EngineBegin(self)

    def dispose(self, close: bool = True) -> None:
        """Starts a new pool. With close=False the idle connections are let go without the pool's
        close moment (SQLAlchemy leaves them to the garbage collector, for a forked child process
        not to end its parent's connections): here they are dropped without the protocol's
        goodbye, so the server session ends only when no process holds the socket any more."""
        if self._core is not None:
            if close:
                self._close_idle()
                self._pool_logger.info("Pool disposed. %s", self.pool.status())
            else:
                self._records.clear()
                self._core.dispose()
            self._pool_logger.info("Pool recreating")
        event.dispatch(self._event_chain(), "engine_disposed", self)

    def execution_options(self, **opt: Any) -> OptionEngine:
        """A copy of this engine sharing its pool, whose connections start with these options."""
        _check_execution_options(opt, self.dialect)
        return OptionEngine(self, opt)

    def get_execution_options(self) -> dict[str, Any]:
        return dict(self._execution_options)

    def update_execution_options(self, **opt: Any) -> None:
        """Adds to the default execution options of the connections this engine makes from now on."""
        _check_execution_options(opt, self.dialect)
        self._execution_options.update(opt)

    def clear_compiled_cache(self) -> None:
        """Empties the compiled-statement cache (``query_cache_size``); statements compile again on
        their next run."""
        if self._core is not None:
            self._core.clear_cache()

    def raw_connection(self) -> Any:
        raise NotImplementedError("ferroalchemy: raw DBAPI connections are not available (no Python driver is used)")

    def __repr__(self) -> str:
        return f"Engine({self.url!r})"

    def _iter_connections(self) -> Iterator[Any]:
        return iter(())


class OptionEngine(Engine):
    """What ``Engine.execution_options()`` returns: the same pool and dialect, other default
    execution options; listeners of the parent engine apply to it, its own stay its own."""

    def __init__(self, proxied: Engine, execution_options: dict[str, Any]) -> None:
        # Made now so both engines share one pool, its records and its listeners.
        proxied._core_engine()
        _ = proxied.pool
        self.__dict__.update(proxied.__dict__)
        self._proxied = proxied
        self._execution_options = {**proxied._execution_options, **execution_options}

    def _event_chain(self) -> tuple[Any, ...]:
        return (self, *self._proxied._event_chain())

    def _on_connect(self, record: _ConnectionRecord) -> None:
        self._proxied._on_connect(record)

    def dispose(self, close: bool = True) -> None:
        self._proxied.dispose(close)


__all__ = ["Connection", "Engine", "OptionEngine", "Result", "RootTransaction", "Transaction"]
