"""Engine, Connection and Transaction: the Python face of the Rust engine."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from typing import Any

from .. import dbapi, event, exc
from ..sql.util import _repr_params
from .result import CursorResult, Result

_logger = logging.getLogger("sqlalchemy.engine.Engine")


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

    def commit(self) -> None:
        if self.is_active:
            self.is_active = False
            self.connection._savepoint_sql(f"RELEASE SAVEPOINT {self.name}")

    def rollback(self) -> None:
        if self.is_active:
            self.is_active = False
            self.connection._savepoint_sql(f"ROLLBACK TO SAVEPOINT {self.name}")


def _driver_batch(parameters: Any) -> tuple[Any, ...] | list[tuple[Any, ...]] | None:
    """exec_driver_sql's parameter forms, as SQLAlchemy distills them: one tuple, or a list of
    tuples run as executemany."""
    if parameters is None or isinstance(parameters, tuple):
        return parameters
    if isinstance(parameters, list):
        if not parameters:
            return None
        if all(isinstance(p, tuple) for p in parameters):
            return parameters if len(parameters) > 1 else parameters[0]
        if all(isinstance(p, dict) for p in parameters):
            raise NotImplementedError("ferroalchemy: exec_driver_sql() with named parameters is not implemented yet")
        raise exc.ArgumentError("List argument must consist only of tuples or dictionaries")
    if isinstance(parameters, dict):
        raise NotImplementedError("ferroalchemy: exec_driver_sql() with named parameters is not implemented yet")
    raise exc.ArgumentError("mapping or sequence expected for parameters")


class Connection:
    """A pooled connection. Transactions begin automatically on first use (SQLAlchemy 2.x autobegin)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.dialect = engine.dialect
        self._core = engine._core_engine().connect()
        self._transaction: Transaction | None = None
        self._execution_options: dict[str, Any] = dict(engine._execution_options)
        self._record = engine._record_for(self._core)
        self._savepoints = 0
        if self._core.take_fresh():
            engine._on_connect(self._record)
        event.dispatch(engine._event_chain(), "checkout", self._record.dbapi_connection, self._record, self)
        event.dispatch(engine._event_chain(), "engine_connect", self)

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
            if self.engine.echo:
                _logger.info("BEGIN (implicit)")
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
        if not self._core.in_transaction():
            # SQLite begins lazily, at the first change; a savepoint needs the transaction open now.
            self._core.exec_driver_sql("BEGIN", None)
        self._savepoints += 1
        name = f"sa_savepoint_{self._savepoints}"
        self._savepoint_sql(f"SAVEPOINT {name}")
        return NestedTransaction(self, name)

    def _savepoint_sql(self, sql: str) -> None:
        if self.engine.echo:
            _logger.info(sql)
        self._core.exec_driver_sql(sql, None)

    def _finish(self, commit: bool) -> None:
        self._transaction = None
        if self.engine.echo:
            _logger.info("COMMIT" if commit else "ROLLBACK")
        if commit:
            self._core.commit()
        else:
            self._core.rollback()
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

    def close(self) -> None:
        if self._transaction is not None:
            self._transaction.is_active = False
            self._transaction = None
            if self.engine.echo:
                _logger.info("ROLLBACK")
        if not self._core.closed:
            event.dispatch(self.engine._event_chain(), "checkin", self._record.dbapi_connection, self._record)
        self._core.close()

    @property
    def closed(self) -> bool:
        return bool(self._core.closed)

    @property
    def invalidated(self) -> bool:
        return False

    def invalidate(self, exception: BaseException | None = None) -> None:
        self._transaction = None
        self._core.invalidate()

    def __enter__(self) -> Connection:
        return self

    def __exit__(self, type_: Any, value: Any, tb: Any) -> None:
        self.close()

    # -- execution ----------------------------------------------------------------------
    def execution_options(self, **opt: Any) -> Connection:
        unsupported = set(opt) - {"stream_results", "yield_per", "max_row_buffer", "compiled_cache", "logging_token"}
        if unsupported:
            raise NotImplementedError(
                f"ferroalchemy: execution option(s) {sorted(unsupported)} are not implemented yet"
            )
        self._execution_options.update(opt)
        return self

    def get_execution_options(self) -> dict[str, Any]:
        return dict(self._execution_options)

    def execute(self, statement: Any, parameters: Any = None, *, execution_options: Any = None) -> CursorResult:
        meth = getattr(statement, "_execute_on_connection", None)
        if meth is None:
            raise exc.ObjectNotExecutableError(statement)
        return meth(self, parameters, execution_options)

    def scalar(self, statement: Any, parameters: Any = None, *, execution_options: Any = None) -> Any:
        return self.execute(statement, parameters, execution_options=execution_options).scalar()

    def scalars(self, statement: Any, parameters: Any = None, *, execution_options: Any = None) -> Any:
        return self.execute(statement, parameters, execution_options=execution_options).scalars()

    def exec_driver_sql(self, statement: str, parameters: Any = None, execution_options: Any = None) -> CursorResult:
        self._autobegin()
        parameters = _driver_batch(parameters)
        if self.engine.echo:
            _logger.info(statement)
            _logger.info("[raw sql] %r", parameters or ())
        sql = self.dialect._driver_sql(statement) if parameters is not None else statement
        return CursorResult(self._core.exec_driver_sql(sql, parameters), None)

    def _log(self) -> Any:
        """The statement hook the Rust core calls before each statement (echo, before_cursor_execute);
        it returns the after_cursor_execute call, if any. None when nothing listens (the usual case)."""
        chain = self.engine._event_chain()
        before = event.listeners_for(chain, "before_cursor_execute")
        after = event.listeners_for(chain, "after_cursor_execute")
        echo = self.engine.echo
        if not (echo or before or after):
            return None

        def hook(sql: str, params: Any, executemany: bool) -> Any:
            if echo:
                _logger.info(sql)
                _logger.info("[generated in %.5fs] %r", 0.0, _repr_params(params, 10, ismulti=executemany))
            cursor = self._record.dbapi_connection.cursor()
            context = _ExecutionContext(sql, params, executemany)
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
    ) -> CursorResult:
        self._autobegin()
        if isinstance(params, (list, tuple)) and params and not isinstance(params[0], dict):
            raise exc.ArgumentError("List argument must consist only of dictionaries")
        cursor = self._core.execute(stmt, params, plan, identity_map, self._log(), list(defaults), populate_existing)
        result = CursorResult(cursor, element, params)
        yield_per = getattr(element, "_execution_options", {}).get("yield_per") or self._execution_options.get(
            "yield_per"
        )
        if yield_per:
            result._yield_per = int(yield_per)
        return result

    def _execute_ddl(self, stmt: Any) -> CursorResult:
        self._autobegin()
        cursor = self._core.execute(stmt, None, None, None, self._log())
        return CursorResult(cursor, None)

    def __repr__(self) -> str:
        return f"<sqlalchemy.engine.base.Connection object at {hex(id(self))}>"


class _ExecutionContext:
    """What cursor events receive as `context`: the statement and its parameters."""

    def __init__(self, statement: str, parameters: Any, executemany: bool) -> None:
        self.statement = statement
        self.parameters = parameters
        self.executemany = executemany


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
        self._first_connect_done = False
        self._pool: Any = None

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

    def begin(self) -> _EngineBegin:
        return _EngineBegin(self)

    def dispose(self, close: bool = True) -> None:
        if self._core is not None:
            self._core.dispose()
        self._records.clear()

    def execution_options(self, **opt: Any) -> Engine:
        raise NotImplementedError("ferroalchemy: Engine.execution_options() is not implemented yet")

    def get_execution_options(self) -> dict[str, Any]:
        return dict(self._execution_options)

    def raw_connection(self) -> Any:
        raise NotImplementedError("ferroalchemy: raw DBAPI connections are not available (no Python driver is used)")

    def __repr__(self) -> str:
        return f"Engine({self.url!r})"

    def _iter_connections(self) -> Iterator[Any]:
        return iter(())


__all__ = ["Connection", "Engine", "Result", "RootTransaction", "Transaction"]
