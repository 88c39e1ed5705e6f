"""`__mapper_args__ = {"version_id_col": ...}`: optimistic concurrency. Each scenario runs with SQLAlchemy
2.1 and ferroalchemy on SQLite, PostgreSQL and MySQL/MariaDB and records what a user sees (version values,
StaleDataError messages, warnings, the SQL statements' verbs); both must record the same."""

from __future__ import annotations

import importlib
import warnings
from collections.abc import Callable
from types import ModuleType
from typing import Any

import pytest

from sql.backends import BACKENDS, ferro, make_engine, real

Log = list[Any]


def _models(sa: ModuleType, generator: Any) -> tuple[Any, Any, Any]:
    orm = importlib.import_module(sa.__name__ + ".orm")

    class Base(orm.DeclarativeBase):
        pass

    class Doc(Base):
        __tablename__ = "ver_doc"
        id = orm.mapped_column(sa.Integer, primary_key=True)
        title = orm.mapped_column(sa.String(40))
        version_id = orm.mapped_column(sa.Integer, nullable=False)
        __mapper_args__ = {"version_id_col": version_id}
        if generator is not None:
            __mapper_args__["version_id_generator"] = generator

    class Plain(Base):
        __tablename__ = "ver_plain"
        id = orm.mapped_column(sa.Integer, primary_key=True, autoincrement=False)

    return Base, Doc, Plain


def _stale(sa: ModuleType, s: Any, log: Log) -> None:
    """Commits, recording the StaleDataError message if one is raised (then rolls back)."""
    orm_exc = importlib.import_module(sa.__name__ + ".orm.exc")
    try:
        s.commit()
        log.append("committed")
    except orm_exc.StaleDataError as e:
        log.append(("stale", str(e)))
        s.rollback()


def _bump_behind(sa: ModuleType, engine: Any, version: int) -> None:
    with engine.begin() as c:
        c.execute(sa.text("UPDATE ver_doc SET version_id = :v"), {"v": version})


def counting(sa: ModuleType, engine: Any, s: Any, Doc: Any, Plain: Any, log: Log) -> None:
    d = Doc(title="a", version_id=42)  # the generator overrides a given value on INSERT
    s.add(d)
    s.commit()
    log.append(("inserted", d.version_id))
    d.title = "b"
    s.commit()
    log.append(("updated", d.version_id))
    s.commit()  # nothing changed: no UPDATE, no bump
    log.append(("unchanged", d.version_id))
    _bump_behind(sa, engine, 10)
    d.title = "c"
    _stale(sa, s, log)
    log.append(("reloaded", d.title, d.version_id))
    d.title = "d"
    s.commit()
    log.append(("retried", d.title, d.version_id))
    s.commit()  # ends the transaction reading it began (MySQL's REPEATABLE READ would keep its snapshot)
    _bump_behind(sa, engine, 50)
    s.expire(d)
    d.title = "e"  # set while expired: the flush loads the version it matches
    s.commit()
    log.append(("after expire", d.title, d.version_id))


def deleting(sa: ModuleType, engine: Any, s: Any, Doc: Any, Plain: Any, log: Log) -> None:
    d = Doc(title="a")
    s.add_all([d, Doc(title="other")])
    s.commit()
    log.append(("loaded", d.version_id))
    _bump_behind(sa, engine, 99)
    s.delete(d)
    _stale(sa, s, log)
    log.append(("still there", s.get(Doc, d.id) is d, d.version_id))
    s.delete(d)
    s.commit()
    log.append(("gone", s.get(Doc, d.id)))


def batch_update(sa: ModuleType, engine: Any, s: Any, Doc: Any, Plain: Any, log: Log) -> None:
    docs = [Doc(title=f"t{i}") for i in range(30)]
    s.add_all(docs)
    s.commit()
    for d in docs:
        d.title = d.title + "!"
    s.commit()
    log.append(sorted((d.title, d.version_id) for d in docs))
    with engine.begin() as c:
        c.execute(sa.text("UPDATE ver_doc SET version_id = 7 WHERE id = :i"), {"i": docs[17].id})
    for d in docs:
        d.title = d.title + "?"
    _stale(sa, s, log)
    log.append(sorted((d.title, d.version_id) for d in docs))


def plain_delete_warns(sa: ModuleType, engine: Any, s: Any, Doc: Any, Plain: Any, log: Log) -> None:
    p = Plain(id=1)
    s.add(p)
    s.commit()
    log.append(p.id)
    with engine.begin() as c:
        c.execute(sa.text("DELETE FROM ver_plain"))
    s.delete(p)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        s.commit()
    log.append([(type(w.message).__name__, str(w.message)) for w in caught])


GENERATORS: dict[str, Any] = {"default": None, "callable": lambda v: (v or 0) + 10}


def _run(sa: ModuleType, backend: str, scenario: Callable[..., None], generator: Any, tmp_path: Any) -> Log:
    orm = importlib.import_module(sa.__name__ + ".orm")
    engine = make_engine(sa, backend, f"sqlite:///{tmp_path / (sa.__name__ + '.db')}")
    Base, Doc, Plain = _models(sa, generator)
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)
    log: Log = []
    verbs: list[str] = []
    sa.event.listen(engine, "before_cursor_execute", lambda c, cur, st, p, ctx, m: verbs.append(st.split()[0]))
    try:
        with orm.Session(engine) as s:
            scenario(sa, engine, s, Doc, Plain, log)
        # How many INSERT/UPDATE statements a flush sends for a batch is the library's choice (one
        # executemany, or one statement per row); the SELECTs and the order of writes must match.
        writes = [v for v in verbs if v in ("UPDATE", "DELETE", "SELECT")]
        log.append([v for i, v in enumerate(writes) if v == "SELECT" or i == 0 or writes[i - 1] != v])
    finally:
        Base.metadata.drop_all(engine)
        engine.dispose()
    return log


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("generator", list(GENERATORS))
@pytest.mark.parametrize("scenario", [counting, deleting, batch_update], ids=lambda f: f.__name__)
def test_version_id_col_matches_sqlalchemy(
    backend: str, scenario: Callable[..., None], generator: str, tmp_path: Any
) -> None:
    expected = _run(real, backend, scenario, GENERATORS[generator], tmp_path)
    got = _run(ferro, backend, scenario, GENERATORS[generator], tmp_path)
    assert got == expected


@pytest.mark.parametrize("backend", BACKENDS)
def test_unmatched_plain_delete_warns_like_sqlalchemy(backend: str, tmp_path: Any) -> None:
    expected = _run(real, backend, plain_delete_warns, None, tmp_path)
    got = _run(ferro, backend, plain_delete_warns, None, tmp_path)
    assert got == expected
    assert expected[1] and expected[1][0][0] == "SAWarning"


def test_unknown_mapper_args_raise_not_implemented() -> None:
    orm = importlib.import_module("ferroalchemy.orm")

    class Base(orm.DeclarativeBase):
        pass

    with pytest.raises(NotImplementedError, match="polymorphic_on"):

        class Thing(Base):
            __tablename__ = "thing"
            id = orm.mapped_column(ferro.Integer, primary_key=True)
            kind = orm.mapped_column(ferro.String(10))
            __mapper_args__ = {"polymorphic_on": kind}
