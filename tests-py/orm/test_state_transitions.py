"""Every object state transition and the Session's failure paths, run the same way with SQLAlchemy 2.1 and
ferroalchemy on SQLite, PostgreSQL and MySQL/MariaDB: each scenario records what a user can observe (the
state flags of `inspect(obj)`, membership of `new`/`dirty`/`deleted`, attribute values and history, the
exception classes raised) and both libraries must record the same thing."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from types import ModuleType
from typing import Any

import pytest

from sql.backends import BACKENDS, ferro, make_engine, real

Log = list[Any]


def _models(sa: ModuleType) -> tuple[Any, Any]:
    orm = importlib.import_module(sa.__name__ + ".orm")

    class Base(orm.DeclarativeBase):
        pass

    class Item(Base):
        __tablename__ = "state_item"
        id = orm.mapped_column(sa.Integer, primary_key=True)
        name = orm.mapped_column(sa.String(40), unique=True, nullable=False)
        qty = orm.mapped_column(sa.Integer, default=0)

    return Base, Item


def _flags(sa: ModuleType, s: Any, obj: Any) -> tuple[Any, ...]:
    st = sa.inspect(obj)
    return (
        st.transient,
        st.pending,
        st.persistent,
        st.deleted,
        st.detached,
        st.was_deleted,
        obj in s,
        obj in s.new,
        obj in s.dirty,
        obj in s.deleted,
        st.key[1] if st.key else None,
    )


def _attempt(log: Log, fn: Callable[[], Any]) -> Any:
    """Records the result of `fn`, or the name of the exception class it raises."""
    try:
        out = fn()
    except Exception as e:  # noqa: BLE001 - the class is what is compared
        log.append(("raises", type(e).__name__))
        return None
    log.append(("ok", out))
    return out


def lifecycle(sa: ModuleType, s: Any, Item: Any, log: Log) -> None:
    a = Item(name="a", qty=1)
    log.append(_flags(sa, s, a))
    s.add(a)
    log.append(_flags(sa, s, a))
    s.flush()
    log.append(_flags(sa, s, a))
    s.commit()
    log.append(_flags(sa, s, a))
    log.append(("expired attrs", sorted(sa.inspect(a).expired_attributes)))
    log.append(a.name)
    s.delete(a)
    log.append(_flags(sa, s, a))
    s.flush()
    log.append(_flags(sa, s, a))
    log.append(s.get(Item, a.id))
    s.commit()
    log.append(_flags(sa, s, a))


def rollback_restores(sa: ModuleType, s: Any, Item: Any, log: Log) -> None:
    a, b = Item(name="a", qty=1), Item(name="b", qty=2)
    s.add_all([a, b])
    s.commit()
    c = Item(name="c")
    s.add(c)
    s.flush()
    a.qty = 10
    s.delete(b)
    s.flush()
    log.append([_flags(sa, s, o) for o in (a, b, c)])
    s.rollback()
    log.append([_flags(sa, s, o) for o in (a, b, c)])
    log.append((a.qty, b.qty, c.id, c.name))
    log.append(sorted(i.name for i in s.scalars(sa.select(Item))))


def expunge_merge(sa: ModuleType, s: Any, Item: Any, log: Log) -> None:
    a = Item(name="a", qty=1)
    s.add(a)
    s.commit()
    aid = a.id
    s.expunge(a)
    log.append(_flags(sa, s, a))
    log.append(a.__dict__.get("qty"))
    _attempt(log, lambda: a.qty)
    copy = Item(id=aid, name="a2", qty=5)
    merged = s.merge(copy)
    log.append((merged is copy, _flags(sa, s, merged), _flags(sa, s, copy)))
    log.append((merged.name, merged.qty, merged in s.dirty))
    fresh = s.merge(Item(id=99, name="z"))
    log.append(_flags(sa, s, fresh))
    s.commit()
    log.append(sorted((i.id, i.name, i.qty) for i in s.scalars(sa.select(Item))))
    other = Item(name="other")
    s.add(other)
    s.expunge(other)
    log.append(_flags(sa, s, other))
    _attempt(log, lambda: s.expunge(other))


def expire_refresh_history(sa: ModuleType, s: Any, Item: Any, log: Log) -> None:
    a = Item(name="a", qty=1)
    s.add(a)
    s.commit()
    a.qty = 2
    hist = sa.inspect(a).attrs.qty.history
    log.append((list(hist.added), list(hist.unchanged), list(hist.deleted)))
    log.append((s.is_modified(a), sa.inspect(a).modified))
    s.expire(a, ["qty"])
    log.append((sorted(sa.inspect(a).expired_attributes), a in s.dirty, s.is_modified(a)))
    log.append(a.qty)
    a.name = "b"
    s.refresh(a)
    log.append((a.name, a in s.dirty))
    with s.bind.connect() as conn:
        conn.execute(sa.text("UPDATE state_item SET qty = 7"))
        conn.commit()
    s.commit()
    log.append(a.qty)
    a.qty = 8
    a.name = "c"
    s.refresh(a, attribute_names=["qty"])
    log.append((a.qty, a.name, s.is_modified(a)))
    s.expire_all()
    log.append((a.qty, a.name))
    a.qty = a.qty
    log.append(s.is_modified(a))


def detached_access(sa: ModuleType, s: Any, Item: Any, log: Log) -> None:
    a = Item(name="a", qty=1)
    s.add(a)
    s.commit()
    s.close()
    log.append(_flags(sa, s, a))
    _attempt(log, lambda: a.qty)
    b = Item(name="b")
    log.append(b.qty)
    log.append(_flags(sa, s, b))


def savepoint_rollback(sa: ModuleType, s: Any, Item: Any, log: Log) -> None:
    a = Item(name="a", qty=1)
    s.add(a)
    s.flush()
    nested = s.begin_nested()
    b = Item(name="b")
    s.add(b)
    a.qty = 5
    s.flush()
    nested.rollback()
    log.append([_flags(sa, s, o) for o in (a, b)])
    log.append(a.qty)
    with s.begin_nested():
        s.add(Item(name="c"))
    s.commit()
    log.append(sorted(i.name for i in s.scalars(sa.select(Item))))


def misuse(sa: ModuleType, s: Any, Item: Any, log: Log) -> None:
    a = Item(name="a")
    _attempt(log, lambda: s.delete(a))
    s.add(a)
    s.commit()
    orm = importlib.import_module(sa.__name__ + ".orm")
    other = orm.Session(s.bind)
    _attempt(log, lambda: other.add(a))
    other.close()
    _attempt(log, lambda: s.get(Item, 12345))
    _attempt(log, lambda: s.get_one(Item, 12345))
    _attempt(log, lambda: s.execute(sa.select(Item).where(Item.id == 12345)).scalar_one())
    s.add(Item(name="x"))
    s.add(Item(name="y"))
    _attempt(log, lambda: s.execute(sa.select(Item).where(Item.name != "a")).scalar_one())
    _attempt(log, lambda: Item(nonexistent=1))


def autoflush(sa: ModuleType, s: Any, Item: Any, log: Log) -> None:
    orm = importlib.import_module(sa.__name__ + ".orm")
    a = Item(name="a")
    s.add(a)
    log.append(s.scalar(sa.select(sa.func.count()).select_from(Item)))
    log.append(_flags(sa, s, a))
    with s.no_autoflush:
        s.add(Item(name="b"))
        log.append(s.scalar(sa.select(sa.func.count()).select_from(Item)))
    log.append(s.scalar(sa.select(sa.func.count()).select_from(Item)))
    s.rollback()
    no_auto = orm.Session(s.bind, autoflush=False)
    no_auto.add(Item(name="c"))
    log.append(no_auto.scalar(sa.select(sa.func.count()).select_from(Item)))
    no_auto.close()


def failed_flush_of_updates(sa: ModuleType, s: Any, Item: Any, log: Log) -> None:
    items = [Item(name=f"n{i}", qty=i) for i in range(20)]
    s.add_all(items)
    s.commit()
    for it in items:
        it.qty += 100
    items[10].name = "n3"
    _attempt(log, s.flush)
    log.append([_flags(sa, s, o) for o in items[9:12]])
    _attempt(log, lambda: s.scalars(sa.select(Item)).all())
    _attempt(log, s.commit)
    s.rollback()
    log.append([(_flags(sa, s, o), o.qty, o.name) for o in items[9:12]])
    items[10].name = "n10b"
    items[11].qty = -1
    s.commit()
    with s.bind.connect() as conn:
        log.append(conn.execute(sa.text("SELECT name, qty FROM state_item ORDER BY id")).all()[9:12])


def pending_failure_keeps_objects(sa: ModuleType, s: Any, Item: Any, log: Log) -> None:
    s.add(Item(name="dup"))
    s.commit()
    new = [Item(name=f"p{i}") for i in range(5)] + [Item(name="dup")]
    s.add_all(new)
    _attempt(log, s.commit)
    log.append([_flags(sa, s, o) for o in new[:2]])
    s.rollback()
    log.append([_flags(sa, s, o) for o in new[:2]])
    log.append([o.id for o in new[:2]])
    new[-1].name = "fixed"
    s.add_all(new)
    s.commit()
    log.append(s.scalar(sa.select(sa.func.count()).select_from(Item)))


def reattach(sa: ModuleType, s: Any, Item: Any, log: Log) -> None:
    orm = importlib.import_module(sa.__name__ + ".orm")
    a, b = Item(name="a", qty=1), Item(name="b", qty=2)
    s.add_all([a, b])
    s.commit()
    log.append((a.qty, b.qty))
    s.expunge(a)
    s.add(a)
    log.append(_flags(sa, s, a))
    s.expunge_all()
    log.append([_flags(sa, s, o) for o in (a, b)])
    with orm.Session(s.bind) as other:
        other.add(b)
        b.qty = 20
        log.append((_flags(sa, other, b), b in other.dirty))
        other.commit()
    orm.make_transient(a)
    log.append(_flags(sa, s, a))
    _attempt(log, lambda: s.refresh(a))
    a.name = "a-copy"
    a.id = None
    s.add(a)
    s.commit()
    log.append(sorted((i.name, i.qty) for i in s.scalars(sa.select(Item))))
    s.delete(a)
    s.commit()
    log.append(_flags(sa, s, a))
    _attempt(log, lambda: s.add(a))
    orm.make_transient(a)
    log.append(_flags(sa, s, a))


SCENARIOS = [
    reattach,
    lifecycle,
    rollback_restores,
    expunge_merge,
    expire_refresh_history,
    detached_access,
    savepoint_rollback,
    misuse,
    autoflush,
    failed_flush_of_updates,
    pending_failure_keeps_objects,
]


def _run(sa: ModuleType, backend: str, scenario: Callable[..., None], tmp_path: Any) -> Log:
    orm = importlib.import_module(sa.__name__ + ".orm")
    sqlite_url = f"sqlite:///{tmp_path / (sa.__name__ + '.db')}"
    engine = make_engine(sa, backend, sqlite_url)
    Base, Item = _models(sa)
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)
    log: Log = []
    try:
        with orm.Session(engine) as s:
            scenario(sa, s, Item, log)
    finally:
        Base.metadata.drop_all(engine)
        engine.dispose()
    return log


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda f: f.__name__)
def test_state_transitions_match_sqlalchemy(backend: str, scenario: Callable[..., None], tmp_path: Any) -> None:
    expected = _run(real, backend, scenario, tmp_path)
    got = _run(ferro, backend, scenario, tmp_path)
    assert got == expected
