"""The flush: order mappers by foreign keys, keep foreign keys in step with relationships, and let
the Rust executor INSERT, UPDATE and DELETE each mapper's objects in batches."""

from __future__ import annotations

import warnings
from operator import attrgetter
from typing import Any

from .. import _core, event, exc
from . import post_update
from .base import instance_state
from .eager_defaults import needs_post_fetch, post_fetch
from .relationships import MANYTOMANY, MANYTOONE, ONETOMANY
from .row_order import insert_batches, row_parent_by_key, self_levels

_insert_order = attrgetter("insert_order")


class FlushContext:
    """What flush events receive as `flush_context`."""

    def __init__(self, session: Any) -> None:
        self.session = session


def _mapper_events(mapper: Any, identifier: str, connection: Any, states: list[Any]) -> None:
    """before_/after_insert|update|delete for each object, when anything listens on the mapped
    class (or a base class) or its mapper."""
    chain = (*mapper.class_.__mro__[:-1], mapper)
    fns = event.listeners_for(chain, identifier)
    for state in states if fns else ():
        obj = state.obj()
        for fn in fns:
            fn(mapper, connection, obj)


def cascade_save(session: Any, obj: Any) -> None:
    """save-update cascade from `obj` through loaded relationships (depth-first, each object once)."""
    if not type(obj).__mapper__._writable_relationships:
        return
    stack = [obj]
    seen = {id(obj)}
    while stack:
        cur = stack.pop()
        d = cur.__dict__
        for prop in type(cur).__mapper__._writable_relationships:
            if prop.key not in d or "save-update" not in prop.cascade:
                continue
            value = d[prop.key]
            targets = value._members() if prop.uselist else ([value] if value is not None else [])
            for t in targets:
                if id(t) in seen:
                    continue
                seen.add(id(t))
                state = instance_state(t)
                if state.session_id != session.hash_key:
                    session._save_or_update(t)
                stack.append(t)


def _load_versions(mapper: Any, states: list[Any]) -> None:
    """An UPDATE or DELETE matches the version the row had when loaded: load it where expired."""
    if mapper.version_id_col is None:
        return
    key = mapper._attr_for_column(mapper.version_id_col)
    for state in states:
        obj = state.obj()
        if obj is not None and key not in obj.__dict__:
            getattr(obj, key)


def _expire_expressions(mapper: Any, states: list[Any]) -> None:
    """The ``column_property(<expression>)`` values of objects just written may have changed with
    them: they reload on next access, as SQLAlchemy expires them after a flush."""
    keys = mapper._expression_keys
    for state in states:
        obj = state.obj()
        if obj is not None:
            d = obj.__dict__
            for key in keys:
                d.pop(key, None)


def _mapper_order(mappers: list[Any]) -> list[Any]:
    index = {id(m.local_table): i for i, m in enumerate(mappers)}
    deferred = post_update.deferred_columns(mappers)
    deps = []
    for m in mappers:
        d = []
        for fk in m.local_table._foreign_keys():
            target = fk.column.table
            j = index.get(id(target))
            if j is not None and target is not m.local_table and id(fk.parent) not in deferred:
                d.append(j)
        deps.append(d)
    return [mappers[i] for i in _core.sort_by_dependency(deps)]


def _sync_foreign_keys(mapper: Any, states: list[Any]) -> None:
    """Before `mapper`'s rows are written: its foreign keys take the keys of the objects its
    relationships point at (many-to-one), and of the parents whose collections hold it (one-to-many)."""
    for obj, d, prop in _relationships(states):
        if prop.key not in d:
            continue
        if prop.post_update:
            continue
        if prop.direction == MANYTOONE and prop.parent is mapper:
            target = d[prop.key]
            for tattr, fkattr in prop._local_fk_attrs():
                value = getattr(target, tattr) if target is not None else None
                if d.get(fkattr) != value or fkattr not in d:
                    setattr(obj, fkattr, value)
        elif prop.direction == ONETOMANY and prop.mapper is mapper:
            pairs = prop._child_fk_attrs()
            value = d[prop.key]
            children = value._members() if prop.uselist else ([value] if value is not None else [])
            for child in children:
                cd = child.__dict__
                for pattr, fkattr in pairs:
                    value = getattr(obj, pattr)
                    if cd.get(fkattr) != value or fkattr not in cd:
                        setattr(child, fkattr, value)


def _relationships(states: Any) -> Any:
    """(object, its __dict__, relationship) for every writable relationship of the live objects."""
    for state in states:
        obj = state.obj()
        if obj is None:
            continue
        d = obj.__dict__
        for prop in state.mapper._writable_relationships:
            yield obj, d, prop


def _null_foreign_keys(prop: Any, parent: Any, child: Any) -> None:
    """A child leaving a one-to-many parent (removed, or the parent deleted) loses its foreign key,
    unless it now belongs to another parent."""
    cd = child.__dict__
    for pattr, fkattr in prop._child_fk_attrs():
        if cd.get(fkattr) == getattr(parent, pattr):
            setattr(child, fkattr, None)


def _process_cascades(session: Any, walk: bool) -> None:
    """Before a flush: delete cascades and orphans, and foreign keys of children left without a parent.
    `walk`: whether any object to write has relationships (the orphan pass has nothing to do otherwise)."""
    pending = list(session._deleted.values())
    seen = {id(s) for s in pending}
    while pending:
        state = pending.pop()
        obj = state.obj()
        for prop in state.mapper._props.values():
            if not prop.is_relationship or prop.viewonly or prop.direction == MANYTOMANY:
                continue
            if "delete" not in prop.cascade and (prop.direction != ONETOMANY or prop.passive_deletes == "all"):
                continue
            if prop.passive_deletes and prop.key not in obj.__dict__:
                # The database's ON DELETE takes care of rows not loaded: no SELECT for them.
                continue
            if prop.lazy in ("write_only", "dynamic") and not prop.passive_deletes:
                raise exc.InvalidRequestError(
                    f"Attribute {prop.parent.class_.__name__}.{prop.key} can't load the existing state from the "
                    "database for this operation; full iteration is not permitted.  If this is a delete "
                    f"operation, configure passive_deletes=True on the {prop.parent.class_.__name__}.{prop.key} "
                    "relationship in order to resolve this error."
                )
            value = getattr(obj, prop.key)
            related = list(value._members()) if prop.uselist else ([value] if value is not None else [])
            for child in related:
                cstate = instance_state(child)
                if "delete" in prop.cascade:
                    if cstate.identity is not None and id(cstate) not in seen:
                        session.delete(child)
                        seen.add(id(cstate))
                        pending.append(cstate)
                    elif cstate.identity is None:
                        session._expunge_state(cstate)
                elif id(cstate) not in seen:
                    _null_foreign_keys(prop, obj, child)
    if not walk:
        return
    for obj, d, prop in _relationships(_with_relationships([*session._new.values(), *session._dirty_states.values()])):
        if prop.direction == ONETOMANY and prop.uselist and d.get(prop.key) is not None:
            for child in d[prop.key]._removed_members():
                cstate = instance_state(child)
                if "delete-orphan" in prop.cascade:
                    if cstate.identity is not None:
                        session.delete(child)
                    else:
                        session._expunge_state(cstate)
                else:
                    _null_foreign_keys(prop, obj, child)


def _with_relationships(states: Any) -> list[Any]:
    """The states whose objects hold a loaded relationship a flush writes through: the others have
    nothing to cascade, sync or associate (read in Rust: bulk flushes have thousands of objects)."""
    return _core.with_loaded_keys(list(states), writable_relationship_keys)  # type: ignore[no-any-return]


def writable_relationship_keys(mapper: Any) -> tuple[str, ...]:
    return tuple(p.key for p in mapper._writable_relationships)


def _any_relationships(session: Any) -> bool:
    """Whether any object this flush writes has relationships to walk (most bulk flushes have none)."""
    groups = _core.by_mapper([*session._new.values(), *session._dirty_states.values(), *session._deleted.values()])
    return any(m._writable_relationships for m in groups)


def flush(session: Any) -> None:
    walk = _any_relationships(session)
    _process_cascades(session, walk)
    if not walk and session._deleted:  # delete cascades may have added objects of other mappers
        walk = _any_relationships(session)
    for state in _with_relationships([*session._new.values(), *session._dirty_states.values()]) if walk else ():
        obj = state.obj()
        if obj is not None:
            cascade_save(session, obj)
    connection = session.connection()
    conn = connection._core
    log = connection._log()
    new_states = sorted(session._new.values(), key=_insert_order)
    dirty_states = list(session._dirty_states.values())
    deleted = list(session._deleted.values())
    # The identity map holds objects weakly and the INSERT step drops each new object's strong
    # reference; objects only the user's (now dropped) graph referenced must survive until every
    # step of this flush (association rows included) has seen them.
    keep_alive = [s.obj() for s in (*new_states, *dirty_states, *deleted)]
    new_by_mapper = _core.by_mapper(new_states)
    dirty_by_mapper = _core.by_mapper(dirty_states)
    deleted_by_mapper = _core.by_mapper(deleted)
    mappers = {m: None for groups in (new_by_mapper, dirty_by_mapper, deleted_by_mapper) for m in groups}
    order = _mapper_order(list(mappers))
    inserted: list[Any] = []
    try:
        for mapper in order:
            # Recomputed per mapper: syncing one mapper's foreign keys can make more objects dirty.
            related = _with_relationships(new_states + list(session._dirty_states.values())) if walk else []
            # One-to-many parents of another mapper may hold this mapper's objects.
            _sync_foreign_keys(mapper, related)
            ins = new_by_mapper.get(mapper, ())
            if ins:
                _mapper_events(mapper, "before_insert", connection, ins)
                for n, batch in enumerate(insert_batches(mapper, ins)):
                    if n:
                        # A self-referential row's parent was just inserted: take its key.
                        _sync_foreign_keys(mapper, _with_relationships(new_states))
                    _core.flush_insert(conn, mapper.spec, batch, session.identity_map, log)
                inserted.extend(ins)
                if needs_post_fetch(mapper, connection.dialect):
                    post_fetch(connection, mapper, ins)
                if mapper._expression_keys:
                    _expire_expressions(mapper, ins)
                _mapper_events(mapper, "after_insert", connection, ins)
            # With relationships, syncing foreign keys may have made more objects dirty.
            candidates = session._dirty_states.values() if walk else dirty_by_mapper.get(mapper, ())
            upd = [
                s
                for s in candidates
                if s.mapper is mapper and s.modified and id(s) not in session._deleted and s.identity is not None
            ]
            if upd:
                _load_versions(mapper, upd)
                _mapper_events(mapper, "before_update", connection, upd)
                _core.flush_update(conn, mapper.spec, upd, log)
                if needs_post_fetch(mapper, connection.dialect):
                    post_fetch(connection, mapper, upd)
                if mapper._expression_keys:
                    _expire_expressions(mapper, upd)
                _mapper_events(mapper, "after_update", connection, upd)
        if walk:
            related = _with_relationships(new_states + list(session._dirty_states.values()))
            post_update.write_after_insert(connection, related)
            _flush_associations(connection, related, deleted)
            # Unloaded post-update targets of deleted rows load here, as SQLAlchemy's do.
            post_update.clear_before_delete(connection, [s for s in deleted if s.mapper._writable_relationships])
        for mapper in reversed(order):
            dels = deleted_by_mapper.get(mapper, ())
            if dels:
                _load_versions(mapper, dels)
                _mapper_events(mapper, "before_delete", connection, dels)
                expected = matched = 0
                # Children of a self-referential table go first.
                for level in reversed(self_levels(mapper, dels, row_parent_by_key)):
                    e, m = _core.flush_delete(conn, mapper.spec, level, log)
                    expected += e
                    matched = -1 if m < 0 or matched < 0 else matched + m
                if matched >= 0 and matched != expected:
                    warnings.warn(
                        f"DELETE statement on table '{mapper.local_table.name}' expected to delete {expected} "
                        f"row(s); {matched} were matched.  Please set confirm_deleted_rows=False within the "
                        "mapper configuration to prevent this warning.",
                        exc.SAWarning,
                        stacklevel=4,
                    )
                _mapper_events(mapper, "after_delete", connection, dels)
    except BaseException:
        # The transaction is rolled back by the caller; objects go back to what they were.
        for s in inserted:
            if s.identity is not None:
                session.identity_map.remove(s.mapper.mapper_id, s.identity, s.mapper._pk_types)
                s.identity = None
        raise
    if len(inserted) == len(session._new):
        session._flushed_new.update(session._new)
        session._new.clear()
    else:
        for s in inserted:
            session._new.pop(id(s), None)
            session._flushed_new[id(s)] = s
    _core.clear_changes(list(session._dirty_states.values()))
    session._dirty_states.clear()
    del keep_alive
    for s in deleted:
        s.deleted = True
        session.identity_map.remove(s.mapper.mapper_id, s.identity, s.mapper._pk_types)
        session._flushed_deleted[id(s)] = s
    session._deleted.clear()


def _flush_associations(connection: Any, states: list[Any], deleted: list[Any]) -> None:
    """Many-to-many: association rows for members added to or removed from loaded collections since
    they were loaded, and every row of objects being deleted. A pair changed from both sides of a
    back_populates pair is written once."""
    from ..sql.dml import delete, insert
    from ..sql.elements import BindParameter, and_

    inserts: dict[int, tuple[Any, dict[tuple[Any, ...], dict[str, Any]]]] = {}
    removes: dict[int, tuple[Any, dict[tuple[Any, ...], dict[str, Any]]]] = {}
    settled: list[Any] = []
    for obj, d, prop in _relationships(states):
        if not prop.uselist:
            continue
        coll = d.get(prop.key)
        if coll is None:
            continue
        settled.append(coll)
        if prop.direction != MANYTOMANY:
            continue
        for child in coll._added_members():
            row = prop._secondary_row(obj, child)
            inserts.setdefault(id(prop.secondary), (prop.secondary, {}))[1][tuple(sorted(row.items()))] = row
        for old in coll._removed_members():
            row = prop._secondary_row(obj, old)
            removes.setdefault(id(prop.secondary), (prop.secondary, {}))[1][tuple(sorted(row.items()))] = row
    for table, rows in removes.values():
        cols = list(next(iter(rows.values())))
        stmt = delete(table).where(
            and_(*[table.c[c] == BindParameter(c, None, table.c[c]._resolved_type()) for c in cols])
        )
        connection.execute(stmt, list(rows.values()))
    for table, rows in inserts.values():
        connection.execute(insert(table), list(rows.values()))
    for state in deleted:
        obj = state.obj()  # kept alive by the session until the flush
        for prop in state.mapper._props.values():
            if not prop.is_relationship or prop.direction != MANYTOMANY or prop.viewonly:
                continue
            if prop.passive_deletes and prop.key not in obj.__dict__:
                # Rows of a collection never loaded are left to the database's ON DELETE.
                continue
            sec = prop.secondary
            keys = {sc.name: getattr(obj, prop.parent._attr_for_column(pc)) for pc, sc in prop._sec_parent}
            crit = [sec.c[c] == BindParameter(c, None, sec.c[c]._resolved_type()) for c in keys]
            connection.execute(delete(sec).where(and_(*crit)), keys)
    for coll in settled:
        coll._settle()
