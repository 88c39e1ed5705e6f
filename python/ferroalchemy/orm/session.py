"""Session: the identity map (Rust), transactions over one connection, autoflush, expiry."""

from __future__ import annotations

import itertools
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from .. import _core, event, exc
from ..engine.result import Result
from ..sql.dml import Delete, Update
from ..sql.selectable import Select
from . import column_options, eager, joined_loading, loading, unitofwork
from .base import _sessions, instance_state, session_for_state, state_str
from .exc import ObjectDeletedError, UnmappedInstanceError
from .relationships import cascade_iterator

_session_ids = itertools.count(1)


# What _get_cached() answers for an expired object it was asked not to refresh.
EXPIRED_HIT = object()


class SessionTransaction:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.is_active = True
        self._explicit = False

    def commit(self) -> None:
        self.session.commit()

    def rollback(self) -> None:
        self.session.rollback()

    def __enter__(self) -> SessionTransaction:
        return self

    def __exit__(self, type_: Any, value: Any, tb: Any) -> None:
        if self.session._transaction is not self:
            return
        if type_ is None:
            self.session.commit()
        else:
            self.session.rollback()


class SessionNestedTransaction:
    def __init__(self, session: Session, savepoint: Any) -> None:
        self.session = session
        self.savepoint = savepoint
        # What was pending or flushed before the savepoint survives its rollback.
        self._before = set(session._new) | set(session._flushed_new)
        # The flush that failed inside it, which rolled it back: the session waits for rollback().
        self._failed: BaseException | None = None

    @property
    def is_active(self) -> bool:
        return bool(self.savepoint.is_active) and self._failed is None

    def commit(self) -> None:
        if not self.is_active:
            return
        self.session.flush()
        self.savepoint.commit()
        self._close()

    def rollback(self) -> None:
        if self._failed is not None:
            # Rolled back when its flush failed; the outer transaction is usable again.
            if self.session._needs_rollback is self._failed:
                self.session._needs_rollback = None
            self._failed = None
            self._close()
            return
        if not self.is_active:
            return
        self._undo()
        self._close()

    def _fail(self, error: BaseException) -> None:
        """A flush inside it failed: back to the SAVEPOINT now, and, as SQLAlchemy, the session
        refuses statements until this (or the whole session) is rolled back."""
        self._undo()
        self._failed = error
        self.session._needs_rollback = error

    def _undo(self) -> None:
        self.savepoint.rollback()
        s = self.session
        for key in [k for k in s._new if k not in self._before]:
            s._detach_new(s._new.pop(key))
        for key in [k for k in s._flushed_new if k not in self._before]:
            s._detach_new(s._flushed_new.pop(key))
        s._dirty_states.clear()
        s._deleted.clear()
        s._expire_all_states()

    def _close(self) -> None:
        if self in self.session._nested:
            self.session._nested.remove(self)

    def __enter__(self) -> SessionNestedTransaction:
        return self

    def __exit__(self, type_: Any, value: Any, tb: Any) -> None:
        if type_ is None:
            try:
                self.commit()
            except BaseException:
                self.rollback()
                raise
        else:
            self.rollback()


class Session:
    def __init__(
        self,
        bind: Any = None,
        *,
        autoflush: bool = True,
        expire_on_commit: bool = True,
        autobegin: bool = True,
        twophase: bool = False,
        binds: Any = None,
        enable_baked_queries: bool = True,
        info: Any = None,
        query_cls: Any = None,
        autocommit: bool = False,
        join_transaction_mode: Any = None,
        close_resets_only: Any = True,
    ) -> None:
        if binds:
            raise NotImplementedError("ferroalchemy: Session(binds=...) is not implemented yet")
        if autocommit:
            raise exc.ArgumentError("autocommit=True is no longer supported")
        self.bind = bind
        self.autoflush = autoflush
        self.expire_on_commit = expire_on_commit
        self.autobegin = autobegin
        self.info: dict[str, Any] = dict(info or {})
        self.hash_key = next(_session_ids)
        _sessions[self.hash_key] = self
        self.identity_map = _core.IdentityMap(self.hash_key)
        self._new: dict[int, Any] = {}
        self._dirty_states: dict[int, Any] = {}
        # A column set registers its object here from Rust (see _core.set_column).
        _core.register_session(self.hash_key, self)
        weakref.finalize(self, _core.unregister_session, self.hash_key)
        self._deleted: dict[int, Any] = {}
        self._flushed_deleted: dict[int, Any] = {}
        self._flushed_new: dict[int, Any] = {}
        self._connection: Any = None
        # None: the session's own connection; "own"/"joined": the caller's Connection (bind=conn),
        # joined to a transaction the caller had begun or not.
        self._external: str | None = None
        self._transaction: SessionTransaction | None = None
        self._needs_rollback: BaseException | None = None
        self._flushing = False
        self._no_autoflush = 0
        self._maker: Any = None
        self._nested: list[SessionNestedTransaction] = []
        # Owned by an AsyncSession: loads on attribute access are refused outside awaited calls.
        self._async_guard = False
        self._io_allowed = 0

    def _event_chain(self) -> tuple[Any, ...]:
        """Where session listeners may be registered: this session, its sessionmaker, its classes."""
        return (self, self._maker, *type(self).__mro__[:-1])

    # -- context manager ----------------------------------------------------------------
    def __enter__(self) -> Session:
        return self

    def __exit__(self, type_: Any, value: Any, tb: Any) -> None:
        self.close()

    # -- transactions -------------------------------------------------------------------
    def _check_usable(self) -> None:
        if self._needs_rollback is not None:
            raise exc.PendingRollbackError(
                "This Session's transaction has been rolled back due to a previous exception during flush. "
                "To begin a new transaction with this Session, first issue Session.rollback(). Original "
                f"exception was: {self._needs_rollback}",
                code="7s2a",
            )

    def _autobegin(self) -> SessionTransaction:
        self._check_usable()
        if self._transaction is None:
            if not self.autobegin:
                raise exc.InvalidRequestError(
                    "Autobegin is disabled on this Session; please call session.begin() to start a new transaction"
                )
            self._transaction = SessionTransaction(self)
        return self._transaction

    def begin(self) -> SessionTransaction:
        if self._transaction is not None:
            raise exc.InvalidRequestError("A transaction is already begun on this Session.")
        self._check_usable()
        self._transaction = SessionTransaction(self)
        self._transaction._explicit = True
        return self._transaction

    def begin_nested(self) -> SessionNestedTransaction:
        """A SAVEPOINT: pending changes are flushed first; rolling it back undoes only what came after."""
        self._check_usable()
        self.flush()
        nested = SessionNestedTransaction(self, self.connection().begin_nested())
        self._nested.append(nested)
        return nested

    def get_bind(self, mapper: Any = None, clause: Any = None, **kw: Any) -> Any:
        if self.bind is None:
            raise exc.UnboundExecutionError("Could not locate a bind configured on mapper or this Session")
        return self.bind

    def connection(self, **kw: Any) -> Any:
        return self._connect(False)

    def _connect(self, idle_only: bool) -> Any:
        """connection(); with `idle_only`, None instead of a checkout that needs I/O (see
        Engine._connect_idle)."""
        self._autobegin()
        if self._connection is None:
            bind = self.get_bind()
            from ..engine.base import Connection, Engine

            if isinstance(bind, Engine):
                conn = bind._connect_idle() if idle_only else bind.connect()
                if conn is None:
                    return None
                self._connection = conn
                self._external = None
            elif idle_only:
                return None
            elif isinstance(bind, Connection):
                # Joining a caller's connection (SQLAlchemy's default "conservative_savepoint" mode):
                # inside a transaction the caller began, commit() leaves that transaction to the caller.
                self._connection = bind
                self._external = "joined" if bind.in_transaction() else "own"
            else:
                raise exc.ArgumentError(f"Session bind must be an Engine or Connection, got {bind!r}")
            self._connection._autobegin()
            event.dispatch(self._event_chain(), "after_begin", self, self._transaction, self._connection)
        return self._connection

    def in_transaction(self) -> bool:
        return self._transaction is not None

    def get_transaction(self) -> SessionTransaction | None:
        return self._transaction

    def in_nested_transaction(self) -> bool:
        return bool(self._nested)

    def get_nested_transaction(self) -> SessionNestedTransaction | None:
        """The innermost SAVEPOINT still open, if any."""
        return self._nested[-1] if self._nested else None

    @property
    def is_active(self) -> bool:
        """False while a failed flush waits for ``rollback()`` (SQLAlchemy's "inactive" transaction)."""
        return self._needs_rollback is None

    def invalidate(self) -> None:
        """``close()``, with the connection discarded instead of returned to the pool (for a
        connection whose state is unknown, e.g. after a timeout or a signal)."""
        conn = self._connection
        if conn is not None and self._external is None and not conn.invalidated:
            conn.invalidate()
        self.close()

    def commit(self) -> None:
        if self._transaction is None:
            if not self.autobegin:
                raise exc.InvalidRequestError("No transaction is begun.")
            self._autobegin()
        self._check_usable()
        self._nested.clear()
        event.dispatch(self._event_chain(), "before_commit", self)
        self.flush()
        if self._connection is not None:
            if self._external != "joined":
                self._connection.commit()
            self._release_connection()
        self._transaction = None
        for state in self._flushed_deleted.values():
            state.session_id = 0
            state.was_deleted = True
            state.strong = None
        self._flushed_deleted.clear()
        self._flushed_new.clear()
        if self.expire_on_commit:
            self._expire_all_states()
        event.dispatch(self._event_chain(), "after_commit", self)

    def rollback(self) -> None:
        self._nested.clear()
        # After a failed flush there is no transaction left: it was rolled back, and said so, then.
        had_transaction = self._rollback_database()
        self._needs_rollback = None
        self._restore_snapshot()
        if had_transaction:
            event.dispatch(self._event_chain(), "after_rollback", self)

    def _rollback_database(self) -> bool:
        """Rolls the database transaction back and lets its connection go; whether there was one."""
        had_transaction = self._transaction is not None
        if self._connection is not None:
            self._connection.rollback()
            self._release_connection()
        self._transaction = None
        return had_transaction

    def _restore_snapshot(self) -> None:
        """The session as the database is after a rollback: objects added in the transaction leave the
        session and lose any identity a flush gave them, flushed deletes come back, everything expires."""
        for state in list(self._new.values()) + list(self._flushed_new.values()):
            self._detach_new(state)
        self._new.clear()
        self._flushed_new.clear()
        for state in self._flushed_deleted.values():
            state.deleted = False
            self.identity_map.add(state.mapper.mapper_id, state.identity, state.mapper._pk_types, state)
        self._flushed_deleted.clear()
        self._deleted.clear()
        self._dirty_states.clear()
        self._expire_all_states()

    def _detach_new(self, state: Any) -> None:
        if state.identity is not None:
            self.identity_map.remove(state.mapper.mapper_id, state.identity, state.mapper._pk_types)
            state.identity = None
        state.session_id = 0
        state.insert_order = 0
        state.strong = None

    def _release_connection(self) -> None:
        conn = self._connection
        self._connection = None
        if conn is not None and self._external is None:
            conn.close()

    def close(self) -> None:
        self.expunge_all()
        if self._connection is not None:
            if self._external is None:
                self._connection.rollback()
            self._release_connection()
        self._transaction = None
        self._needs_rollback = None

    def reset(self) -> None:
        self.close()

    # -- state management ---------------------------------------------------------------
    # add() touches no transaction, so SQLAlchemy allows it while a rollback is pending; the
    # rollback then discards what was added.
    def add(self, instance: Any, _warn: bool = True) -> None:
        self._save_or_update(instance)

    def add_all(self, instances: Any) -> None:
        objs = list(instances)
        if objs and self._transaction is None and self._needs_rollback is None:
            self._autobegin()
        # New objects with nothing to cascade join in one Rust call; the rest go one by one.
        done = _core.add_pending(objs, self._new, self.hash_key, unitofwork.writable_relationship_keys)
        for obj in objs[done:]:
            self._save_or_update(obj)

    def _state_of(self, instance: Any) -> Any:
        try:
            return instance_state(instance)
        except (UnmappedInstanceError, AttributeError):
            raise UnmappedInstanceError(
                f"Class '{type(instance).__module__}.{type(instance).__name__}' is not mapped"
            ) from None

    def _save_or_update(self, instance: Any, deleting: bool = False) -> None:
        state = getattr(instance, "__dict__", {}).get("_sa_instance_state") or self._state_of(instance)
        if state.session_id == self.hash_key:
            return
        if state.session_id:
            other = session_for_state(state)
            if other is not None:
                raise exc.InvalidRequestError(
                    f"Object '{state_str(instance)}' is already attached to session '{other.hash_key}' "
                    f"(this is '{self.hash_key}')"
                )
        if state.was_deleted and not deleting:
            raise exc.InvalidRequestError(
                f"Instance '{state_str(instance)}' has been deleted.  Use the make_transient() function to send this object back to the transient state."
            )
        # After a failed flush the transaction is gone but add() is still allowed (SQLAlchemy's
        # inactive transaction); the pending rollback() then discards what was added.
        if self._transaction is None and self._needs_rollback is None:
            self._autobegin()
        state.session_id = self.hash_key
        if state.identity is None:
            state.insert_order = _core.next_insert_order()
            state.strong = instance
            self._new[id(state)] = state
        else:
            # Detached: back into the identity map.
            existing = self.identity_map.get(state.mapper.mapper_id, state.identity, state.mapper._pk_types)
            if existing is not None and existing is not instance:
                raise exc.InvalidRequestError(
                    f"Can't attach instance {state_str(instance)}; another instance with key "
                    f"{state.mapper.identity_key_from_instance(instance)} is already present in this session."
                )
            self.identity_map.add(state.mapper.mapper_id, state.identity, state.mapper._pk_types, state)
            if state.modified:
                state.strong = instance
                self._dirty_states[id(state)] = state
        unitofwork.cascade_save(self, instance)

    def delete(self, instance: Any) -> None:
        self._check_usable()
        state = self._state_of(instance)
        if state.identity is None:
            raise exc.InvalidRequestError(f"Instance '{state_str(instance)}' is not persisted")
        if state.session_id != self.hash_key:
            # As SQLAlchemy: even an object deleted before may be deleted again (its DELETE then
            # matches no row).
            self._save_or_update(instance, deleting=True)
        state.strong = instance
        self._deleted[id(state)] = state

    def expunge(self, instance: Any) -> None:
        state = self._state_of(instance)
        if state.session_id != self.hash_key:
            raise exc.InvalidRequestError(f"Instance {state_str(instance)} is not present in this Session")
        # The expunge cascade goes first: expunging drops what it walks through.
        cascaded = [instance_state(o) for o in cascade_iterator(instance, "expunge")]
        self._expunge_state(state)
        for st in cascaded:
            if st.session_id == self.hash_key:
                self._expunge_state(st)

    def _expunge_state(self, state: Any) -> None:
        self._new.pop(id(state), None)
        self._dirty_states.pop(id(state), None)
        self._deleted.pop(id(state), None)
        if state.identity is not None:
            self.identity_map.remove(state.mapper.mapper_id, state.identity, state.mapper._pk_types)
        state.session_id = 0
        state.strong = None

    def expunge_all(self) -> None:
        self.identity_map.detach_all()
        for state in self._new.values():
            state.session_id = 0
            state.strong = None
        self._new.clear()
        self._dirty_states.clear()
        self._deleted.clear()
        self._flushed_deleted.clear()
        self._flushed_new.clear()

    def __contains__(self, instance: Any) -> bool:
        state = self._state_of(instance)
        return state.session_id == self.hash_key and not state.deleted

    def __iter__(self) -> Iterator[Any]:
        objs = [s.obj() for s in self.identity_map.states()] + [s.obj() for s in self._new.values()]
        return iter([o for o in objs if o is not None])

    @property
    def new(self) -> Any:
        return _IdentitySet(s.obj() for s in self._new.values())

    @property
    def dirty(self) -> Any:
        return _IdentitySet(s.obj() for s in self._dirty_states.values() if s.modified and id(s) not in self._deleted)

    @property
    def deleted(self) -> Any:
        return _IdentitySet(s.obj() for s in self._deleted.values())

    def is_modified(self, instance: Any, include_collections: bool = True) -> bool:
        state = self._state_of(instance)
        cs = state.committed_state or {}
        d = instance.__dict__
        for key, old in cs.items():
            prop = state.mapper._props.get(key)
            if prop is None or (prop.is_relationship and not include_collections):
                continue
            if old is not d.get(key) and old != d.get(key):
                return True
        return False

    # -- expiry -------------------------------------------------------------------------
    def _expire_state(self, state: Any, attribute_names: Any = None) -> None:
        obj = state.obj()
        if obj is None:
            return
        if attribute_names is None:
            # refresh-expire cascade: related objects expire too (pending ones leave the session),
            # collected before this object's relationships are dropped.
            for other in cascade_iterator(obj, "refresh-expire"):
                st = instance_state(other)
                if st.session_id != self.hash_key:
                    continue
                if st.identity is None:
                    self._expunge_state(st)
                else:
                    self._expire_one(st, None)
        self._expire_one(state, attribute_names)

    def _expire_one(self, state: Any, attribute_names: Any) -> None:
        obj = state.obj()
        if obj is None:
            return
        d = obj.__dict__
        keys = attribute_names if attribute_names is not None else list(state.mapper._props)
        for key in keys:
            d.pop(key, None)
        state.expired = True
        cs = state.committed_state
        if attribute_names is not None and cs:
            # An expired attribute's pending change is dropped with it, as SQLAlchemy does.
            for key in keys:
                cs.pop(key, None)
        if attribute_names is None:
            state.committed_state = None
            state.modified = False
            state.strong = None

    def _expire_all_states(self) -> None:
        # _expire_state() of every object, in one Rust call: commit() runs it over the whole map.
        self.identity_map.expire_all(_prop_keys)
        self._dirty_states.clear()

    def expire_all(self) -> None:
        self._expire_all_states()

    def expire(self, instance: Any, attribute_names: Any = None) -> None:
        state = self._state_of(instance)
        if state.session_id != self.hash_key or state.identity is None:
            raise exc.InvalidRequestError(f"Instance '{state_str(instance)}' is not persistent within this Session")
        self._expire_state(state, attribute_names)

    def refresh(self, instance: Any, attribute_names: Any = None, with_for_update: Any = None) -> None:
        state = self._state_of(instance)
        if state.session_id != self.hash_key or state.identity is None:
            raise exc.InvalidRequestError(f"Instance '{state_str(instance)}' is not persistent within this Session")
        self._expire_state(state, attribute_names)
        self._load_state(state, instance)

    def _check_io(self) -> None:
        if self._async_guard and not self._io_allowed:
            raise exc.MissingGreenlet(
                "greenlet_spawn has not been called; can't call await_only() here. Was IO attempted in an "
                "unexpected place?"
            )

    def _load_state(self, state: Any, obj: Any) -> None:
        """Loads an expired or unloaded object's columns by primary key."""
        self._check_io()
        if self._needs_rollback is None and self.autoflush and not self._flushing and not self._no_autoflush:
            self.flush()
        mapper = state.mapper
        params = {f"pk_{i}": v for i, v in enumerate(state.identity, 1)}
        if self._load_by_pk(mapper, params) is None:
            raise ObjectDeletedError(
                f"Instance '{state_str(obj)}' has been deleted, or its row is otherwise not present."
            )
        state.expired = False

    # -- queries ------------------------------------------------------------------------
    def _autoflush(self) -> None:
        if self.autoflush and not self._flushing and not self._no_autoflush:
            self.flush()

    @property
    @contextmanager
    def no_autoflush(self) -> Iterator[Session]:
        self._no_autoflush += 1
        try:
            yield self
        finally:
            self._no_autoflush -= 1

    def _execute_orm(self, statement: Any, params: Any, populate_existing: bool = False) -> Result:
        conn = self.connection()
        if "before_execute" in event._identifiers or "after_execute" in event._identifiers:
            # As Connection.execute() runs an ORM statement in SQLAlchemy: between these events.
            return conn._with_execute_events(  # type: ignore[no-any-return]
                statement, params, None, lambda stmt, p: self._run_orm(conn, stmt, p, populate_existing)
            )
        return self._run_orm(conn, statement, params, populate_existing)

    def _run_orm(self, conn: Any, statement: Any, params: Any, populate_existing: bool) -> Result:
        loads_more = self._loads_more(statement)
        if loads_more:
            statement = joined_loading.with_default_joins(statement)
        executed, joined, plan = self._orm_plan(statement)
        if plan is None:
            return conn._execute_element(statement, params, None)  # type: ignore[no-any-return]
        populate = populate_existing or bool(statement._execution_options.get("populate_existing"))
        yield_per = statement._execution_options.get("yield_per") or conn._execution_options.get("yield_per")
        if yield_per and joined:
            loading.check_yield_per_joined(joined)
        result = conn._execute_stmt(
            executed._stmt(), params, statement, plan, self.identity_map, populate_existing=populate
        )
        result._orm_yield_per = bool(yield_per)
        if joined:
            joined_loading.assemble_joined(self, statement, result, joined)
        if loads_more:
            eager.apply_options(self, statement, result)
        return result

    @staticmethod
    def _orm_plan(statement: Any) -> tuple[Any, Any, Any]:
        """The SELECT an ORM statement runs (joined eager loads and load_only applied), its joined
        loads, and its load plan (None for a statement of columns only)."""
        if statement._with_options or column_options.has_deferred_columns(statement):
            executed, joined = joined_loading.with_joined_loads(column_options.prepare(statement))
        else:
            executed, joined = statement, []
        return executed, joined, loading.plan_for(executed)

    @staticmethod
    def _loads_more(statement: Any) -> bool:
        """True when loading the statement's objects runs further statements (eager loads, options)."""
        return bool(statement._with_options) or loading.has_eager_relationships(statement)

    def execute(
        self,
        statement: Any,
        params: Any = None,
        *,
        execution_options: Any = None,
        bind_arguments: Any = None,
        **kw: Any,
    ) -> Result:
        if getattr(statement, "_execute_on_connection", None) is None:
            # SQLAlchemy's coercion to an executable (not Connection's ObjectNotExecutableError).
            if isinstance(statement, str):
                raise exc.ArgumentError(
                    f"Textual SQL expression {statement!r} should be explicitly declared as text({statement!r})"
                )
            raise exc.ArgumentError(f"Executable SQL or text() construct expected, got {statement!r}.")
        self._check_usable()
        self._autoflush()
        if isinstance(statement, Select):
            if execution_options:
                statement = statement.execution_options(**execution_options)
            return self._execute_orm(statement, params)
        entity = getattr(statement, "entity", None)
        if entity is not None and isinstance(statement, (Update, Delete)) and params is None:
            return self._execute_orm_dml(statement, entity)
        return self.connection().execute(statement, params)

    def _execute_orm_dml(self, statement: Any, entity: Any) -> Result:
        """UPDATE/DELETE on a mapped class: objects of matched rows in the identity map are marked
        deleted, or have the updated attributes expired (SQLAlchemy's synchronize_session)."""
        mapper = entity.__mapper__
        conn = self.connection()
        matched: list[Any] = []
        if len(self.identity_map):
            pk_select = Select(*mapper.primary_key)
            if statement._where:
                pk_select = pk_select.where(*statement._where)
            for row in conn.execute(pk_select):
                obj = self.identity_map.get(mapper.mapper_id, tuple(row), mapper._pk_types)
                if obj is not None:
                    matched.append(obj)
        result = conn.execute(statement, None)
        names = [mapper._attr_for_column(mapper.local_table.c[c]) for c in statement._values]
        for obj in matched:
            state = obj.__dict__["_sa_instance_state"]
            if isinstance(statement, Delete):
                self.identity_map.remove(mapper.mapper_id, state.identity, mapper._pk_types)
                state.deleted = True
                state.strong = obj
                self._flushed_deleted[id(state)] = state
            else:
                self._expire_state(state, names)
        return result

    def scalars(self, statement: Any, params: Any = None, **kw: Any) -> Any:
        return self.execute(statement, params, **kw).scalars()

    def scalar(self, statement: Any, params: Any = None, **kw: Any) -> Any:
        return self.execute(statement, params, **kw).scalar()

    def get(
        self,
        entity: Any,
        ident: Any,
        *,
        options: Any = None,
        populate_existing: bool = False,
        with_for_update: Any = None,
        identity_token: Any = None,
        execution_options: Any = None,
    ) -> Any:
        mapper, found = self._get_cached(entity, ident, populate_existing, True)
        if mapper is None:
            return found
        self._autoflush()
        return self._load_by_pk(mapper, found, populate_existing)

    def _get_cached(self, entity: Any, ident: Any, populate_existing: bool, load_expired: bool) -> tuple[Any, Any]:
        """get() up to its SELECT: (None, the answer) when the identity map gives it, else (mapper,
        the SELECT's parameters). An expired object is refreshed when `load_expired`, else loaded
        again by primary key (AsyncSession awaits that SELECT instead of running it in place)."""
        self._check_usable()
        mapper = getattr(entity, "__mapper__", None)
        if mapper is None:
            raise exc.ArgumentError(f"Expected mapped class or mapper, got: {entity!r}")
        pk = loading.normalize_ident(mapper, ident)
        if None in pk:
            return None, None
        if not populate_existing:
            obj = self.identity_map.get(mapper.mapper_id, pk, mapper._pk_types)
            if obj is not None:
                state = obj.__dict__["_sa_instance_state"]
                if id(state) in self._deleted or state.deleted:
                    return None, None
                if state.expired:
                    if not load_expired:
                        return None, EXPIRED_HIT
                    try:
                        self._load_state(state, obj)
                    except ObjectDeletedError:
                        return None, None
                return None, obj
        return mapper, {f"pk_{i}": v for i, v in enumerate(pk, 1)}

    def _load_by_pk(self, mapper: Any, params: dict[str, Any], populate_existing: bool = False) -> Any:
        """The primary-key SELECT of get(): one call into Rust, no Result objects around it."""
        if mapper._has_eager:
            # A lazy="joined" collection repeats the row: get() returns its one object.
            result = self._execute_orm(mapper._get_statement(), params, populate_existing)
            return result.unique().scalars().one_or_none()
        conn, stmt, plan, log = self._pk_select(mapper)
        cursor = conn._core.execute(stmt, params, plan, self.identity_map, log, [], populate_existing)
        return self._one_loaded(cursor)

    def _pk_select(self, mapper: Any) -> tuple[Any, Any, Any, Any]:
        """What the primary-key SELECT of get() runs on: the connection, the statement, its load
        plan and its echo hook."""
        conn = self.connection()
        stmt = mapper._get_statement()
        conn._autobegin()
        return conn, stmt._stmt(), loading.plan_for(stmt), conn._log(stmt)

    @staticmethod
    def _one_loaded(cursor: Any) -> Any:
        found = cursor.fetch_scalars(0, 2)
        if len(found) > 1:
            raise exc.MultipleResultsFound("Multiple rows were found when one or none was required")
        return found[0] if found else None

    def get_one(self, entity: Any, ident: Any, **kw: Any) -> Any:
        obj = self.get(entity, ident, **kw)
        if obj is None:
            raise exc.NoResultFound("No row was found when one was required")
        return obj

    def bulk_insert_mappings(
        self, mapper: Any, mappings: Any, return_defaults: bool = False, render_nulls: bool = False
    ) -> None:
        """Legacy bulk INSERT of dictionaries keyed by attribute name; no objects are made."""
        if return_defaults:
            raise NotImplementedError("ferroalchemy: bulk_insert_mappings(return_defaults=True) is not implemented yet")
        m = getattr(mapper, "__mapper__", mapper)
        rows = [self._column_row(m, row) for row in mappings]
        if rows:
            from ..sql.dml import insert

            self.connection().execute(insert(m.local_table), rows)

    def bulk_update_mappings(self, mapper: Any, mappings: Any) -> None:
        """Legacy bulk UPDATE by primary key of dictionaries keyed by attribute name."""
        from ..sql.dml import update
        from ..sql.elements import BindParameter

        m = getattr(mapper, "__mapper__", mapper)
        table = m.local_table
        pk_names = [c.name for c in m.primary_key]
        groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for row in mappings:
            crow = self._column_row(m, row)
            keys = tuple(sorted(k for k in crow if k not in pk_names))
            groups.setdefault(keys, []).append({**{k: crow[k] for k in keys}, **{f"pk_{k}": crow[k] for k in pk_names}})
        for keys, rows in groups.items():
            stmt = update(table).where(
                *[table.c[k] == BindParameter(f"pk_{k}", None, table.c[k].type) for k in pk_names]
            )
            stmt = stmt.values(**{k: BindParameter(k, None, table.c[k].type) for k in keys})
            self.connection().execute(stmt, rows)

    def bulk_save_objects(
        self, objects: Any, return_defaults: bool = False, update_changed_only: bool = True, preserve_order: bool = True
    ) -> None:
        """Legacy bulk save: objects are flushed as usual, then expunged, as SQLAlchemy leaves them."""
        objs = list(objects)
        self.add_all(objs)
        self.flush()
        for obj in objs:
            self.expunge(obj)

    @staticmethod
    def _column_row(mapper: Any, row: dict[str, Any]) -> dict[str, Any]:
        out = {}
        for key, value in row.items():
            prop = mapper._props.get(key)
            out[prop.column.name if prop is not None and not prop.is_relationship else key] = value
        return out

    def merge(self, instance: Any, load: bool = True, options: Any = None) -> Any:
        """Copies `instance`'s state onto the persistent object with its primary key (from the
        identity map, or loaded), or onto a new pending one; returns that object. Loaded
        relationships with the merge cascade are merged too."""
        self._check_usable()
        if options:
            raise NotImplementedError("ferroalchemy: merge(options=...) is not implemented yet")
        # As in SQLAlchemy, no autoflush while objects are half merged.
        with self.no_autoflush:
            return self._merge(instance, load, {})

    def _merge(self, instance: Any, load: bool, merged: dict[int, Any]) -> Any:
        if id(instance) in merged:
            return merged[id(instance)]
        state = self._state_of(instance)
        if state.session_id == self.hash_key:
            merged[id(instance)] = instance
            return instance
        mapper = state.mapper
        cls = mapper.class_
        d = instance.__dict__
        pk = tuple(d.get(mapper._attr_for_column(c)) for c in mapper.primary_key)
        target = None
        if None not in pk:
            target = self.get(cls, pk) if load else self.identity_map.get(mapper.mapper_id, pk, mapper._pk_types)
            if target is None and not load:
                raise exc.InvalidRequestError(
                    "merge() with load=False option does not support objects transient (i.e. unpersisted) objects."
                )
        if target is None:
            target = cls.__new__(cls)
            instance_state(target)
            self.add(target)
        merged[id(instance)] = target
        for key, prop in mapper._props.items():
            if key not in d:
                continue
            if not prop.is_relationship:
                setattr(target, key, d[key])
            elif "merge" in prop.cascade:
                value = d[key]
                if prop.uselist and prop.lazy in ("write_only", "dynamic"):
                    raise NotImplementedError(
                        f"ferroalchemy: merge() of the {prop.lazy} collection {cls.__name__}.{key} is not "
                        "implemented yet"
                    )
                if prop.uselist:
                    if load and instance_state(target).identity is not None:
                        # As SQLAlchemy: the destination's collection loads first, so merging its
                        # members finds them in the identity map instead of one SELECT each.
                        getattr(target, key)
                    setattr(target, key, [self._merge(v, load, merged) for v in value])
                else:
                    setattr(target, key, None if value is None else self._merge(value, load, merged))
        return target

    def query(self, *entities: Any, **kw: Any) -> Any:
        from .query import Query

        return Query(entities, self)

    def _lazy_load(self, prop: Any, obj: Any) -> Any:
        found = loading.from_identity_map(self, prop, obj)
        if found is not loading.NOT_IN_MAP:
            return found
        self._check_io()
        return loading.lazy_load(self, prop, obj)

    # -- flush --------------------------------------------------------------------------
    def flush(self, objects: Any = None) -> None:
        if objects is not None:
            raise NotImplementedError("ferroalchemy: Session.flush(objects=...) is not implemented yet")
        self._check_usable()
        if self._flushing:
            raise exc.InvalidRequestError("Session is already flushing")
        if not (self._new or self._deleted or self._dirty_states):
            return
        self._flushing = True
        try:
            chain = self._event_chain()
            context = unitofwork.FlushContext(self)
            event.dispatch(chain, "before_flush", self, context, None)
            unitofwork.flush(self)
            event.dispatch(chain, "after_flush", self, context)
            event.dispatch(chain, "after_flush_postexec", self, context)
        except BaseException as e:
            if self._nested:
                # Inside a SAVEPOINT only the savepoint is lost; the outer transaction goes on
                # once the savepoint (or the session) is rolled back.
                self._nested[-1]._fail(e)
            else:
                # As SQLAlchemy: the transaction is rolled back at once and the objects restored to
                # what the database holds; statements are refused until rollback() is called.
                had_transaction = self._rollback_database()
                self._restore_snapshot()
                self._needs_rollback = e
                if had_transaction:
                    event.dispatch(self._event_chain(), "after_rollback", self)
            raise
        finally:
            self._flushing = False

    def __repr__(self) -> str:
        return f"<sqlalchemy.orm.session.Session object at {hex(id(self))}>"


def _prop_keys(mapper: Any) -> tuple[str, ...]:
    return tuple(mapper._props)


class _IdentitySet:
    """``session.new`` / ``.dirty`` / ``.deleted``: objects by identity."""

    def __init__(self, objs: Any) -> None:
        self._objs = [o for o in objs if o is not None]

    def __iter__(self) -> Iterator[Any]:
        return iter(self._objs)

    def __len__(self) -> int:
        return len(self._objs)

    def __contains__(self, obj: Any) -> bool:
        return any(o is obj for o in self._objs)

    def __bool__(self) -> bool:
        return bool(self._objs)

    def __repr__(self) -> str:
        return f"IdentitySet({self._objs!r})"


class sessionmaker:
    """A configured Session factory: ``Session = sessionmaker(engine)``; ``with Session.begin():``."""

    def __init__(
        self,
        bind: Any = None,
        *,
        class_: type = Session,
        autoflush: bool = True,
        expire_on_commit: bool = True,
        info: Any = None,
        **kw: Any,
    ) -> None:
        self.class_ = class_
        self.kw = {"bind": bind, "autoflush": autoflush, "expire_on_commit": expire_on_commit, "info": info, **kw}

    def __call__(self, **local_kw: Any) -> Any:
        kw = dict(self.kw)
        if "info" in local_kw and kw.get("info"):
            local_kw["info"] = {**kw["info"], **local_kw["info"]}
        kw.update(local_kw)
        session = self.class_(**kw)
        session._maker = self
        return session

    @contextmanager
    def begin(self) -> Iterator[Any]:
        with self() as session:
            with session.begin():
                yield session

    def configure(self, **new_kw: Any) -> None:
        self.kw.update(new_kw)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(class_={self.class_.__name__!r}, bind={self.kw.get('bind')!r}, autoflush={self.kw.get('autoflush')!r}, expire_on_commit={self.kw.get('expire_on_commit')!r})"


def object_session(instance: Any) -> Session | None:
    return session_for_state(instance_state(instance))


def make_transient(instance: Any) -> None:
    state = instance_state(instance)
    session = session_for_state(state)
    if session is not None:
        session._expunge_state(state)
    state.identity = None
    state.was_deleted = False
    state.deleted = False
    state.committed_state = None
    state.modified = False
    state.expired = False


def close_all_sessions() -> None:
    for s in list(_sessions.values()):
        s.close()
