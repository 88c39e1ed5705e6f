"""Streamed results (stream_results, yield_per) against SQLAlchemy on psycopg's server-side cursors,
PyMySQL's unbuffered SSCursor and pysqlite: the rows, fetch sizes, partitions, rowcount, another
statement mid-stream, close() mid-stream, and a failing statement, as a user sees them."""

from __future__ import annotations

import gc
import importlib
import warnings
from collections.abc import Callable, Iterator
from types import ModuleType
from typing import Any

import pytest

from sql.backends import BACKENDS, ferro, fresh_schema, make_engine, real

LIBS = [pytest.param(real, id="sqlalchemy"), pytest.param(ferro, id="ferroalchemy")]
ROWS = 53


def _table(sa: ModuleType) -> Any:
    md = sa.MetaData()
    return sa.Table(
        "stream_rows",
        md,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(20)),
    )


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def _engine(sa: ModuleType, backend: str) -> Iterator[tuple[Any, Any]]:
    engine = make_engine(sa, backend)
    t = _table(sa)
    fresh_schema(engine, t.metadata)
    with engine.begin() as conn:
        conn.execute(t.insert(), [{"id": i, "name": f"n{i}"} for i in range(1, ROWS + 1)])
    try:
        yield engine, t
    finally:
        t.metadata.drop_all(engine)
        engine.dispose()


def both(backend: str, scenario: Callable[[ModuleType, Any, Any], Any]) -> tuple[Any, Any]:
    """What `scenario(sa, engine, table)` returns on ferroalchemy and on SQLAlchemy."""
    out = []
    for sa in (real, ferro):
        gen = _engine(sa, backend)
        engine, t = next(gen)
        try:
            with warnings.catch_warnings():
                # PyMySQL warns when it drains an unfinished unbuffered result.
                warnings.simplefilter("ignore")
                out.append(scenario(sa, engine, t))
        finally:
            gen.close()
    return out[1], out[0]


def test_stream_results_fetches_match(backend: str) -> None:
    def scenario(sa: ModuleType, engine: Any, t: Any) -> Any:
        with engine.connect() as conn:
            r = conn.execution_options(stream_results=True).execute(sa.select(t).order_by(t.c.id))
            one = tuple(r.fetchone())
            many = [tuple(x) for x in r.fetchmany(7)]
            sizes = [len(r.fetchmany(10)) for _ in range(3)]
            rest = [tuple(x) for x in r.fetchall()]
            return r.rowcount, one, many, sizes, rest, r.fetchone()

    ours, theirs = both(backend, scenario)
    assert ours == theirs
    assert len(ours[4]) == ROWS - 1 - 7 - 30


@pytest.mark.parametrize("how", ["connection", "statement", "result", "execute"])
def test_yield_per_partitions_match(backend: str, how: str) -> None:
    def scenario(sa: ModuleType, engine: Any, t: Any) -> Any:
        stmt = sa.select(t).order_by(t.c.id)
        with engine.connect() as conn:
            if how == "connection":
                r = conn.execution_options(yield_per=10).execute(stmt)
            elif how == "statement":
                r = conn.execute(stmt.execution_options(yield_per=10))
            elif how == "execute":
                r = conn.execute(stmt, execution_options={"yield_per": 10})
            else:
                r = conn.execution_options(stream_results=True).execute(stmt).yield_per(10)
            parts = [[row.id for row in p] for p in r.partitions()]
            return [len(p) for p in parts], [i for p in parts for i in p]

    ours, theirs = both(backend, scenario)
    assert ours == theirs
    assert ours[0][0] == 10 and sum(ours[0]) == ROWS


def test_scalars_and_iteration_stream(backend: str) -> None:
    def scenario(sa: ModuleType, engine: Any, t: Any) -> Any:
        with engine.connect() as conn:
            conn = conn.execution_options(stream_results=True, max_row_buffer=8)
            names = list(conn.execute(sa.select(t.c.name).order_by(t.c.id)).scalars())
            mapped = [dict(m) for m in conn.execute(sa.select(t).where(t.c.id < 4).order_by(t.c.id)).mappings()]
            rows = [tuple(r) for r in conn.execute(sa.text("SELECT id, name FROM stream_rows ORDER BY id"))]
            return names, mapped, rows

    ours, theirs = both(backend, scenario)
    assert ours == theirs
    assert len(ours[0]) == ROWS and len(ours[2]) == ROWS


@pytest.mark.parametrize("how", ["fetchmany", "fetchone"])
def test_another_statement_mid_stream(backend: str, how: str) -> None:
    """PostgreSQL and SQLite keep the cursor's place; MySQL reads the unfinished result to its end
    first (PyMySQL's behaviour), so the streamed result keeps only the rows it had read ahead."""

    def scenario(sa: ModuleType, engine: Any, t: Any) -> Any:
        with engine.connect() as conn:
            r = conn.execute(sa.select(t.c.id).order_by(t.c.id), execution_options={"stream_results": True})
            if how == "fetchmany":
                first = [x.id for x in r.fetchmany(5)]
            else:
                first = [r.fetchone().id for _ in range(3)]
            other = conn.execute(sa.select(sa.func.count()).select_from(t)).scalar()
            rest = [x.id for x in r.fetchall()]
            again = conn.execute(sa.select(t.c.name).where(t.c.id == 2)).scalar()
            return first, other, rest, again

    ours, theirs = both(backend, scenario)
    assert ours == theirs
    assert ours[1] == ROWS


def test_close_mid_stream_then_reuse(backend: str) -> None:
    def scenario(sa: ModuleType, engine: Any, t: Any) -> Any:
        with engine.connect() as conn:
            r = conn.execute(sa.select(t).order_by(t.c.id), execution_options={"yield_per": 5})
            first = [x.id for x in r.fetchmany(3)]
            r.close()
            with pytest.raises(sa.exc.ResourceClosedError):
                r.fetchone()
            count = conn.execute(sa.select(sa.func.count()).select_from(t)).scalar()
            conn.execute(t.delete().where(t.c.id == 1))
            conn.commit()
            left = conn.execute(sa.select(sa.func.count()).select_from(t)).scalar()
        with engine.connect() as conn:
            again = [x.id for x in conn.execute(sa.select(t.c.id).where(t.c.id < 4).order_by(t.c.id))]
        return first, count, left, again

    ours, theirs = both(backend, scenario)
    assert ours == theirs
    assert ours == ([1, 2, 3], ROWS, ROWS - 1, [2, 3])


def test_connection_closed_mid_stream(backend: str) -> None:
    """Closing the Connection ends its open streamed result; the pooled connection works after."""

    def scenario(sa: ModuleType, engine: Any, t: Any) -> Any:
        conn = engine.connect()
        r = conn.execute(sa.select(t).order_by(t.c.id), execution_options={"yield_per": 5})
        first = [x.id for x in r.fetchmany(2)]
        conn.close()
        with engine.connect() as conn2:
            count = conn2.execute(sa.select(sa.func.count()).select_from(t)).scalar()
        return first, count

    ours, theirs = both(backend, scenario)
    assert ours == theirs == ([1, 2], ROWS)


def test_bad_statement_raises_and_connection_recovers(backend: str) -> None:
    def scenario(sa: ModuleType, engine: Any, t: Any) -> Any:
        with engine.connect() as conn:
            with pytest.raises(sa.exc.DBAPIError) as info:
                conn.execution_options(stream_results=True).execute(sa.text("SELECT nope FROM stream_missing"))
            conn.rollback()
            count = conn.execute(sa.select(sa.func.count()).select_from(t)).scalar()
            return type(info.value).__name__, count

    ours, theirs = both(backend, scenario)
    assert ours == theirs
    assert ours[0] in ("ProgrammingError", "OperationalError")


def _cursors(conn: Any, sa: ModuleType) -> list[str]:
    """The session's named cursors (the unnamed one is the portal of this very query)."""
    query = sa.text("SELECT name FROM pg_cursors WHERE name <> ''")
    return sorted(n for (n,) in conn.execute(query, execution_options={"stream_results": False}))


@pytest.mark.parametrize("sa", LIBS)
def test_postgres_server_side_cursor_is_open_while_streaming(sa: ModuleType) -> None:
    gen = _engine(sa, "postgresql")
    engine, t = next(gen)
    try:
        with engine.connect() as conn:
            assert _cursors(conn, sa) == []
            r = conn.execute(sa.select(t).order_by(t.c.id), execution_options={"yield_per": 5})
            r.fetchmany(2)
            assert len(_cursors(conn, sa)) == 1
            assert r.rowcount == -1
            r.close()
            assert _cursors(conn, sa) == []
            # Exhausting the result closes its cursor too.
            r = conn.execute(sa.select(t), execution_options={"yield_per": 5})
            assert len(r.all()) == ROWS
            assert _cursors(conn, sa) == []
    finally:
        gen.close()


def test_postgres_collected_result_closes_its_cursor() -> None:
    gen = _engine(ferro, "postgresql")
    engine, t = next(gen)
    try:
        with engine.connect() as conn:
            r = conn.execute(ferro.select(t), execution_options={"yield_per": 5})
            r.fetchone()
            assert len(_cursors(conn, ferro)) == 1
            del r
            gc.collect()
            assert _cursors(conn, ferro) == []
    finally:
        gen.close()


def test_postgres_fetch_after_commit_fails_like_psycopg() -> None:
    """A server-side cursor ends with its transaction: fetching after COMMIT is an error."""

    def scenario(sa: ModuleType, engine: Any, t: Any) -> Any:
        with engine.connect() as conn:
            r = conn.execute(sa.select(t).order_by(t.c.id), execution_options={"yield_per": 5})
            r.fetchmany(5)
            conn.commit()
            with pytest.raises(sa.exc.DBAPIError) as info:
                r.fetchmany(5)
            conn.rollback()
            return type(info.value).__name__, conn.execute(sa.select(sa.func.count()).select_from(t)).scalar()

    ours, theirs = both("postgresql", scenario)
    assert ours == theirs


def test_streamed_result_to_arrow(backend: str) -> None:
    import pyarrow as pa

    gen = _engine(ferro, backend)
    engine, t = next(gen)
    try:
        with engine.connect() as conn:
            r = conn.execute(ferro.select(t).order_by(t.c.id), execution_options={"yield_per": 10})
            r.fetchmany(4)
            table = pa.table(r)
        assert table.column("id").to_pylist() == list(range(5, ROWS + 1))
    finally:
        gen.close()


@pytest.mark.parametrize("sa", LIBS)
def test_async_stream_reads_through_a_cursor(sa: ModuleType, tmp_path: Any) -> None:
    import asyncio

    aio = importlib.import_module(f"{sa.__name__}.ext.asyncio")
    t = _table(sa)

    async def run() -> Any:
        engine = aio.create_async_engine(f"sqlite+aiosqlite:///{tmp_path / 'a.db'}")
        async with engine.begin() as conn:
            await conn.run_sync(t.metadata.create_all)
            await conn.execute(t.insert(), [{"id": i, "name": f"n{i}"} for i in range(1, ROWS + 1)])
        async with engine.connect() as conn:
            result = await conn.stream(sa.select(t.c.id).order_by(t.c.id))
            parts = [[r.id for r in p] async for p in result.partitions(20)]
        await engine.dispose()
        return parts

    parts = asyncio.run(run())
    assert [len(p) for p in parts] == [20, 20, ROWS - 40]
    assert [i for p in parts for i in p] == list(range(1, ROWS + 1))


@pytest.mark.parametrize("sa", LIBS)
def test_static_pool_stream_outlives_another_connection(sa: ModuleType) -> None:
    """Connections sharing one SQLite connection (StaticPool): closing one leaves the other's
    streamed result readable."""
    engine = sa.create_engine("sqlite://", poolclass=sa.pool.StaticPool)
    t = _table(sa)
    t.metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(t.insert(), [{"id": i, "name": f"n{i}"} for i in range(1, ROWS + 1)])
    reader = engine.connect()
    r = reader.execute(sa.select(t.c.id).order_by(t.c.id), execution_options={"yield_per": 5})
    first = [x.id for x in r.fetchmany(5)]
    other = engine.connect()
    assert other.execute(sa.select(sa.func.count()).select_from(t)).scalar() == ROWS
    other.close()
    rest = [x.id for x in r.fetchall()]
    reader.close()
    assert first + rest == list(range(1, ROWS + 1))
