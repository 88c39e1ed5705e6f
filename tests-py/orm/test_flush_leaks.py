"""The unit of work leaves nothing behind: after sessions add, update, delete and fail to flush
thousands of objects and are closed and dropped, no mapped instance, InstanceState or session
bookkeeping stays alive (the identity map, the dirty set registered in Rust, the flush's
keep-alive lists all let go)."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator
from typing import Any

import pytest

from ferroalchemy import String, create_engine, exc
from ferroalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

N = 2000


class Base(DeclarativeBase):
    pass


class Item(Base):
    __tablename__ = "leak_item"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(30), unique=True)
    qty: Mapped[int] = mapped_column(default=0)


def _alive(cls: type) -> int:
    return sum(1 for o in gc.get_objects() if type(o) is cls)


@pytest.fixture
def engine(tmp_path: Any) -> Iterator[Any]:
    eng = create_engine(f"sqlite:///{tmp_path / 'leak.db'}")
    Base.metadata.create_all(eng)
    yield eng
    eng.dispose()


def _state_type() -> type:
    return type(Item(name="probe").__dict__["_sa_instance_state"])


def _lifecycle(engine: Any) -> list[weakref.ref[Any]]:
    refs: list[weakref.ref[Any]] = []
    s = Session(engine)
    items = [Item(name=f"i{i}", qty=i) for i in range(N)]
    refs += [weakref.ref(o) for o in items]
    s.add_all(items)
    s.commit()
    for o in items:
        o.qty += 1
    s.flush()
    for o in items[: N // 2]:
        s.delete(o)
    s.commit()
    # A failed flush: a duplicate name, then rollback; the session is used again afterwards.
    dup = Item(name="i1999")
    refs.append(weakref.ref(dup))
    s.add(dup)
    with pytest.raises(exc.IntegrityError):
        s.flush()
    s.rollback()
    assert s.get(Item, N) is not None
    s.close()
    refs.append(weakref.ref(s))
    return refs


def test_sessions_and_flushes_leave_no_objects_or_states(engine: Any) -> None:
    state_type = _state_type()
    gc.collect()
    before_states = _alive(state_type)
    refs = _lifecycle(engine)
    gc.collect()
    assert [r for r in refs if r() is not None] == []
    assert _alive(Item) == 0
    assert _alive(state_type) == before_states
    # Repeating the cycle does not accumulate anything either.
    for _ in range(3):
        with Session(engine) as s:
            s.execute(Item.__table__.delete())
            s.commit()
        refs = _lifecycle(engine)
    gc.collect()
    assert [r for r in refs if r() is not None] == []
    assert _alive(Item) == 0
    assert _alive(state_type) == before_states


def test_dirty_objects_of_a_dropped_session_are_released(engine: Any) -> None:
    """A session dropped with unflushed changes (never closed) frees its objects with it."""
    with Session(engine) as s:
        s.add_all([Item(name=f"d{i}") for i in range(100)])
        s.commit()
    s = Session(engine)
    items = s.query(Item).all()
    for o in items:
        o.qty = 7  # dirty: the session holds each strongly until a flush
    refs = [weakref.ref(o) for o in items]
    session_ref = weakref.ref(s)
    del items, o, s
    gc.collect()
    assert session_ref() is None
    assert [r for r in refs if r() is not None] == []
