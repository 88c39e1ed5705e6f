"""SQL-expression defaults and onupdates of mapped columns (``default=func.abs(-3)``): the flush
renders them into its INSERT/UPDATE with their own bound values, as SQLAlchemy does, on SQLite,
PostgreSQL and MariaDB, for rows inserted one by one and many per statement."""

from types import ModuleType
from typing import Any

import pytest

from sql.backends import BACKENDS, ferro, make_engine, real


def _run(sa: ModuleType, backend: str) -> list[Any]:
    orm = __import__(f"{sa.__name__}.orm", fromlist=["DeclarativeBase"])

    class Base(orm.DeclarativeBase):
        pass

    class Row(Base):
        __tablename__ = "sql_expr_defaults"
        id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
        v: orm.Mapped[int] = orm.mapped_column(default=sa.func.abs(-3))
        w: orm.Mapped[int] = orm.mapped_column(default=sa.func.abs(-5) + 1, onupdate=sa.func.abs(-7) + 1)
        name: orm.Mapped[str] = orm.mapped_column(sa.String(20), default="x")

    engine = make_engine(sa, backend)
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)
    try:
        with orm.Session(engine) as s:
            s.add(Row())
            s.flush()
            s.add_all([Row(name="y"), Row(v=1), Row(w=2)])
            s.commit()
            s.get(Row, 1).name = "z"
            s.commit()
            return [tuple(r) for r in s.execute(sa.select(Row.id, Row.v, Row.w, Row.name).order_by(Row.id))]
    finally:
        Base.metadata.drop_all(engine)
        engine.dispose()


@pytest.mark.parametrize("backend", BACKENDS)
def test_sql_expression_defaults_match_sqlalchemy(backend: str) -> None:
    rows = _run(ferro, backend)
    assert rows == [(1, 3, 8, "z"), (2, 3, 6, "y"), (3, 1, 6, "x"), (4, 3, 2, "x")]
    assert rows == _run(real, backend)
