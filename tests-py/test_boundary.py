"""The boundary rule (DESIGN.md): crossings into Rust grow with statements, never with rows."""

from __future__ import annotations

import sys
from collections import Counter
from typing import Any

from ferroalchemy import String, create_engine, insert, select, text
from ferroalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column


class Base(DeclarativeBase):
    pass


class Item(Base):
    __tablename__ = "items"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(30))


def _core_calls(fn: Any) -> Counter[str]:
    """Counts calls of functions and methods of the Rust extension made while `fn` runs."""
    calls: Counter[str] = Counter()

    def profiler(frame: Any, event: str, arg: Any) -> None:
        if event == "c_call":
            owner = getattr(arg, "__self__", None)
            module = getattr(arg, "__module__", None) or (
                owner.__name__ if isinstance(owner, type(sys)) else type(owner).__module__
            )
            if module and module.startswith("ferroalchemy._core"):
                calls[arg.__name__] += 1

    sys.setprofile(profiler)
    try:
        fn()
    finally:
        sys.setprofile(None)
    return calls


def _load_all(engine: Any) -> list[Item]:
    with Session(engine) as s:
        return list(s.scalars(select(Item)).all())


def _engine_with(rows: int) -> Any:
    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(insert(Item.__table__), [{"id": i, "name": f"n{i}"} for i in range(1, rows + 1)])
    return engine


def test_orm_load_crossings_do_not_grow_with_rows() -> None:
    small, large = _engine_with(10), _engine_with(2000)
    _load_all(small), _load_all(large)  # warm caches
    calls_small = _core_calls(lambda: _load_all(small))
    calls_large = _core_calls(lambda: _load_all(large))
    assert len(_load_all(large)) == 2000
    assert calls_small == calls_large
    assert calls_large["execute"] == 1


def test_core_execute_is_one_crossing_per_statement() -> None:
    engine = _engine_with(500)
    with engine.connect() as conn:
        calls = _core_calls(lambda: conn.execute(text("SELECT id, name FROM items")).all())
    assert calls["execute"] == 1
    assert sum(calls.values()) < 10


def test_hydration_leaves_the_garbage_collector_as_it_was() -> None:
    import gc

    engine = _engine_with(50)
    assert gc.isenabled()
    assert len(_load_all(engine)) == 50
    assert gc.isenabled()
    gc.disable()
    try:
        assert len(_load_all(engine)) == 50
        assert not gc.isenabled(), "a collector the application turned off stays off"
    finally:
        gc.enable()
