"""Schema constructs (constraints, indexes, server defaults, Identity/Sequence, ON DELETE/UPDATE) as
DDL per dialect and through create_all/drop_all on every database, against SQLAlchemy 2.1."""

from __future__ import annotations

import re
from collections.abc import Callable
from types import ModuleType
from typing import Any

import pytest

from .backends import BACKENDS, dialect_of, ferro, make_engine, real


def shop(sa: ModuleType, backend: str = "sqlite") -> Any:
    """A schema using every construct issue 4 lists; Identity and Sequence where the dialect has them."""
    m = sa.MetaData()
    pk: list[Any] = []
    if backend == "postgresql":
        pk = [sa.Identity(start=10, increment=5)]
    sa.Table(
        "customers",
        m,
        sa.Column("id", sa.Integer, *pk, primary_key=True),
        sa.Column("email", sa.String(100), nullable=False),
        sa.Column("name", sa.String(50), server_default="anon"),
        sa.Column("created", sa.DateTime, server_default=sa.func.now()),
        sa.Column("credit", sa.Integer, sa.CheckConstraint("credit >= 0"), server_default=sa.text("0")),
        sa.CheckConstraint("length(email) > 2", name="ck_email"),
        sa.UniqueConstraint("email", name="uq_customers_email"),
    )
    sa.Table(
        "orders",
        m,
        sa.Column("customer_id", sa.Integer, sa.ForeignKey("customers.id", ondelete="CASCADE", onupdate="CASCADE")),
        sa.Column("number", sa.Integer),
        sa.Column("note", sa.String(200)),
        sa.PrimaryKeyConstraint("customer_id", "number", name="pk_orders"),
        sa.Index("ix_orders_note", "note"),
    )
    sa.Table(
        "lines",
        m,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("customer_id", sa.Integer),
        sa.Column("order_number", sa.Integer),
        sa.Column("qty", sa.Integer, nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id", "order_number"], ["orders.customer_id", "orders.number"], ondelete="SET NULL"
        ),
        sa.CheckConstraint("qty > 0"),
        sa.Index("ix_lines_pair", "customer_id", "order_number", unique=True),
    )
    if backend == "postgresql":
        seq = sa.Sequence("ticket_seq", start=100)
        sa.Table("tickets", m, sa.Column("id", sa.Integer, seq, server_default=seq.next_value(), primary_key=True))
    return m


def _ddl(sa: ModuleType, backend: str) -> list[str]:
    m = shop(sa, backend)
    d = dialect_of(sa, backend)
    out = []
    for t in m.sorted_tables:
        out.append(str(sa.schema.CreateTable(t).compile(dialect=d)).strip())
        out.extend(str(sa.schema.CreateIndex(ix).compile(dialect=d)) for ix in sorted(t.indexes, key=lambda i: i.name))
    return out


@pytest.mark.parametrize("backend", BACKENDS)
def test_create_table_and_index_ddl_match_sqlalchemy(backend: str) -> None:
    assert _ddl(ferro, backend) == _ddl(real, backend)


def _emitted(
    sa: ModuleType, backend: str, action: Callable[[Any, Any], None], record_sql: Callable[[Any], list[str]]
) -> list[str]:
    """The DDL `action(metadata, engine)` sends (names of the dialect's own catalog queries left out)."""
    m = shop(sa, backend)
    engine = make_engine(sa, backend)
    try:
        m.drop_all(engine)
        log = record_sql(engine)
        action(m, engine)
        return [s for s in log if s.startswith(("CREATE", "DROP", "ALTER"))]
    finally:
        m.drop_all(engine)
        engine.dispose()


@pytest.mark.parametrize("backend", BACKENDS)
def test_create_all_then_drop_all_emit_what_sqlalchemy_emits(backend: str, sql_log: Callable[[Any], list[str]]) -> None:
    def both(m: Any, engine: Any) -> None:
        m.create_all(engine)
        m.drop_all(engine)

    expected = _emitted(real, backend, both, sql_log)
    assert expected
    assert _emitted(ferro, backend, both, sql_log) == expected


@pytest.mark.parametrize("backend", BACKENDS)
def test_constraints_hold_on_the_database(backend: str) -> None:
    """What the DDL promises, the database enforces: the same rows, the same rejections, through both."""

    def run(sa: ModuleType) -> list[Any]:
        m = shop(sa, backend)
        engine = make_engine(sa, backend)
        customers, orders, lines = (m.tables[n] for n in ("customers", "orders", "lines"))
        out: list[Any] = []
        try:
            m.drop_all(engine)
            m.create_all(engine)
            with engine.begin() as conn:
                conn.execute(sa.insert(customers).values(email="a@x"))
                cid = conn.execute(sa.select(customers.c.id)).scalar_one()
                out.append(tuple(conn.execute(sa.select(customers.c.name, customers.c.credit)).one()))
                conn.execute(sa.insert(orders).values(customer_id=cid, number=1, note="n"))
                conn.execute(sa.insert(lines).values(customer_id=cid, order_number=1, qty=2))
            for bad in (
                sa.insert(customers).values(email="a@x"),  # unique
                sa.insert(customers).values(email="b@x", credit=-1),  # check
                sa.insert(lines).values(customer_id=cid, order_number=1, qty=0),  # check
            ):
                try:
                    with engine.begin() as conn:
                        conn.execute(bad)
                    out.append("accepted")
                except sa.exc.IntegrityError:
                    out.append("rejected")
                except sa.exc.OperationalError:
                    # PyMySQL reports MariaDB's CHECK violations (4025) as OperationalError, where
                    # mysqlclient and ferroalchemy say IntegrityError: the row is rejected either way.
                    out.append("rejected")
            return out
        finally:
            m.drop_all(engine)
            engine.dispose()

    assert run(ferro) == run(real)


def _same(text: str) -> str:
    """A repr with object addresses and the library's name left out."""
    return re.sub(r"0x[0-9a-f]+", "0x", text).replace("ferroalchemy", "sqlalchemy")


def test_reprs_match_sqlalchemy() -> None:
    rm, fm = shop(real), shop(ferro)
    for name in ("customers", "orders", "lines"):
        rt, ft = rm.tables[name], fm.tables[name]
        assert [_same(repr(c)) for c in ft.c] == [_same(repr(c)) for c in rt.c]
        assert _same(repr(ft)) == _same(repr(rt))
    assert repr(fm) == repr(rm)


@pytest.mark.parametrize("backend", BACKENDS)
def test_sequence_and_identity_keys_come_from_the_database(backend: str) -> None:
    """A Sequence default gives nextval on PostgreSQL (SQLite has no sequences: ignored, as in SQLAlchemy;
    MariaDB's sequences are not supported yet, see the README); Identity columns are filled by the database;
    inserted_primary_key reports what it chose."""
    with_sequence = backend != "mysql"

    def run(sa: ModuleType) -> list[Any]:
        m = sa.MetaData()
        seq = sa.Sequence("ferro_t_seq", start=7, increment=3) if with_sequence else None
        t = sa.Table("ferro_seq_t", m, sa.Column("id", sa.Integer, seq, primary_key=True), sa.Column("v", sa.String(5)))
        ident = sa.Identity(start=50) if backend == "postgresql" else None
        u = sa.Table(
            "ferro_ident_t", m, sa.Column("id", sa.Integer, ident, primary_key=True), sa.Column("v", sa.Integer)
        )
        engine = make_engine(sa, backend)
        try:
            m.drop_all(engine)
            m.create_all(engine)
            out: list[Any] = []
            with engine.begin() as conn:
                for v in ("a", "b"):
                    out.append(tuple(conn.execute(sa.insert(t).values(v=v)).inserted_primary_key))
                out.append(conn.execute(sa.select(t).order_by(t.c.id)).all())
                for v in (1, 2):
                    out.append(tuple(conn.execute(sa.insert(u).values(v=v)).inserted_primary_key))
                if backend == "postgresql":
                    out.append(conn.execute(sa.select(seq.next_value())).scalar())
            return out
        finally:
            m.drop_all(engine)
            engine.dispose()

    assert run(ferro) == run(real)


def test_next_value_where_the_dialect_has_no_sequences() -> None:
    seq_f, seq_r = ferro.Sequence("s"), real.Sequence("s")
    assert str(ferro.select(seq_f.next_value())) == str(real.select(seq_r.next_value()))
    for dialect in ("postgresql", "mysql"):
        got = str(ferro.select(seq_f.next_value()).compile(dialect=dialect_of(ferro, dialect)))
        assert got.startswith("SELECT nextval(")
    with pytest.raises(ferro.exc.CompileError, match="does not support sequence"):
        ferro.select(seq_f.next_value()).compile(dialect=dialect_of(ferro, "sqlite"))
