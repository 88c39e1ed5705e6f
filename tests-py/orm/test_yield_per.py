"""ORM yield_per against SQLAlchemy on the three databases: objects hydrated chunk by chunk from a
streamed result, selectinload per chunk, the errors SQLAlchemy raises for joinedload of a collection
and unique(), and no instance, row or state kept alive once the caller drops them."""

from __future__ import annotations

import gc
import importlib
import warnings
from collections.abc import Callable, Iterator
from types import ModuleType
from typing import Any

import pytest

from sql.backends import BACKENDS, ferro, make_engine, real

PARENTS = 47
CHILDREN_PER_PARENT = 2


class Models:
    """Parent/Child declared with one library, on a fresh registry."""

    def __init__(self, sa: ModuleType) -> None:
        orm = importlib.import_module(f"{sa.__name__}.orm")
        self.sa, self.orm = sa, orm

        class Base(orm.DeclarativeBase):
            pass

        class Parent(Base):
            __tablename__ = "yp_parent"
            id = sa.Column(sa.Integer, primary_key=True)
            name = sa.Column(sa.String(20))
            children = orm.relationship("Child")

        class Child(Base):
            __tablename__ = "yp_child"
            id = sa.Column(sa.Integer, primary_key=True)
            parent_id = sa.Column(sa.Integer, sa.ForeignKey("yp_parent.id"))
            label = sa.Column(sa.String(20))

        self.Base, self.Parent, self.Child = Base, Parent, Child


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def _setup(sa: ModuleType, backend: str) -> Iterator[tuple[Models, Any]]:
    m = Models(sa)
    engine = make_engine(sa, backend)
    m.Base.metadata.drop_all(engine)
    m.Base.metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(m.Parent.__table__.insert(), [{"id": i, "name": f"p{i}"} for i in range(1, PARENTS + 1)])
        conn.execute(
            m.Child.__table__.insert(),
            [
                {"id": i * 10 + k, "parent_id": i, "label": f"c{i}.{k}"}
                for i in range(1, PARENTS + 1)
                for k in range(CHILDREN_PER_PARENT)
            ],
        )
    try:
        yield m, engine
    finally:
        m.Base.metadata.drop_all(engine)
        engine.dispose()


def both(backend: str, scenario: Callable[[Models, Any], Any]) -> tuple[Any, Any]:
    out = []
    for sa in (real, ferro):
        gen = _setup(sa, backend)
        m, engine = next(gen)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                out.append(scenario(m, engine))
        finally:
            gen.close()
    return out[1], out[0]


def test_execute_partitions_hydrate_per_chunk(backend: str) -> None:
    def scenario(m: Models, engine: Any) -> Any:
        stmt = m.sa.select(m.Parent).order_by(m.Parent.id).execution_options(yield_per=10)
        with m.orm.Session(engine) as s:
            result = s.execute(stmt)
            parts = [[(p.id, p.name) for (p,) in part] for part in result.partitions()]
            return [len(p) for p in parts], [x for p in parts for x in p]

    ours, theirs = both(backend, scenario)
    assert ours == theirs
    assert ours[0] == [10, 10, 10, 10, 7]


def test_scalars_and_query_yield_per(backend: str) -> None:
    def scenario(m: Models, engine: Any) -> Any:
        with m.orm.Session(engine) as s:
            stmt = m.sa.select(m.Parent).where(m.Parent.id > 5).order_by(m.Parent.id)
            scalars = [p.name for p in s.scalars(stmt.execution_options(yield_per=4))]
            parts = [len(p) for p in s.scalars(stmt, execution_options={"yield_per": 6}).partitions()]
            query = [p.id for p in s.query(m.Parent).order_by(m.Parent.id).yield_per(8)]
            rows = [(p.id, n) for p, n in s.execute(stmt.add_columns(m.Parent.name).execution_options(yield_per=9))]
            return scalars, parts, query, rows

    ours, theirs = both(backend, scenario)
    assert ours == theirs
    assert len(ours[0]) == PARENTS - 5 and len(ours[2]) == PARENTS


def test_selectinload_runs_per_chunk(backend: str) -> None:
    def scenario(m: Models, engine: Any) -> Any:
        statements: list[str] = []

        def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
            if "yp_child" in statement:
                statements.append(statement)

        m.sa.event.listen(engine, "before_cursor_execute", count)
        with m.orm.Session(engine) as s:
            stmt = (
                m.sa.select(m.Parent)
                .options(m.orm.selectinload(m.Parent.children))
                .order_by(m.Parent.id)
                .execution_options(yield_per=20)
            )
            seen = []
            for part in s.scalars(stmt).partitions():
                seen.append([(p.id, sorted(c.label for c in p.children)) for p in part])
                seen.append(len(statements))
        return seen

    ours, theirs = both(backend, scenario)
    assert ours == theirs
    if backend == "mysql":
        # The child query runs on the same connection, which first reads the unbuffered parent
        # result to its end, as PyMySQL does (with a warning there): only the first chunk comes.
        assert ours[1::2] == [1]
    else:
        # One child query per chunk, run as the chunk arrives.
        assert ours[1::2] == [1, 2, 3]


def test_joinedload_of_a_collection_refuses_yield_per(backend: str) -> None:
    def scenario(m: Models, engine: Any) -> Any:
        with m.orm.Session(engine) as s:
            stmt = m.sa.select(m.Parent).options(m.orm.joinedload(m.Parent.children)).execution_options(yield_per=5)
            with pytest.raises(m.sa.exc.InvalidRequestError) as info:
                s.scalars(stmt).unique().all()
            return str(info.value)

    ours, theirs = both(backend, scenario)
    assert ours == theirs
    assert ours.startswith("Can't use yield_per with eager loaders")


def test_unique_refuses_yield_per(backend: str) -> None:
    def scenario(m: Models, engine: Any) -> Any:
        with m.orm.Session(engine) as s:
            result = s.execute(m.sa.select(m.Parent).execution_options(yield_per=5))
            with pytest.raises(m.sa.exc.InvalidRequestError) as info:
                result.unique().all()
            return str(info.value)

    ours, theirs = both(backend, scenario)
    assert ours == theirs == "Can't use the ORM yield_per feature in conjunction with unique()"


def _alive(cls: type) -> int:
    return sum(1 for o in gc.get_objects() if type(o) is cls)


def test_chunks_leave_no_instances_rows_or_states_behind(backend: str) -> None:
    gen = _setup(ferro, backend)
    m, engine = next(gen)
    try:
        with ferro.orm.Session(engine) as s:
            stmt = ferro.select(m.Parent).order_by(m.Parent.id).execution_options(yield_per=10)
            kept = []
            seen = 0
            for part in s.execute(stmt).partitions():
                seen += len(part)
                kept.append(part[0][0])
                # Earlier chunks are collectable while the stream is still open.
                gc.collect()
                assert _alive(m.Parent) <= len(kept) + 10
            del part
            gc.collect()
            assert seen == PARENTS
            assert _alive(m.Parent) == len(kept) == 5
            assert sorted(st.identity for st in s.identity_map.states()) == [(p.id,) for p in kept]
            state_type = type(kept[0].__dict__["_sa_instance_state"])
            assert _alive(state_type) == len(kept)
            row_type = ferro.engine.Row
            assert _alive(row_type) == 0
            del kept
            gc.collect()
            assert _alive(m.Parent) == 0
            assert len(s.identity_map) == 0
            assert _alive(state_type) == 0
    finally:
        gen.close()
