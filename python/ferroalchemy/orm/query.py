"""The legacy ``Query`` API (``session.query(User).filter(...).first()``), built on ``select()``."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .. import exc
from ..sql.functions import func
from ..sql.selectable import Select


class Query:
    def __init__(self, entities: tuple[Any, ...], session: Any) -> None:
        if not entities:
            raise exc.ArgumentError("Query requires at least one entity or column")
        self.session = session
        self._select = Select(*entities)
        self._single_entity = len(entities) == 1 and getattr(entities[0], "__mapper__", None) is not None

    def _with(self, select: Select) -> Query:
        q = Query.__new__(Query)
        q.session = self.session
        q._select = select
        q._single_entity = self._single_entity
        return q

    # -- building ------------------------------------------------------------------------
    def filter(self, *criterion: Any) -> Query:  # noqa: A003 - SQLAlchemy's name
        return self._with(self._select.where(*criterion))

    def where(self, *criterion: Any) -> Query:
        return self.filter(*criterion)

    def filter_by(self, **kwargs: Any) -> Query:
        return self._with(self._select._filter_by(kwargs, legacy_query=True))

    def order_by(self, *clauses: Any) -> Query:
        return self._with(self._select.order_by(*clauses))

    def group_by(self, *clauses: Any) -> Query:
        return self._with(self._select.group_by(*clauses))

    def having(self, *criterion: Any) -> Query:
        return self._with(self._select.having(*criterion))

    def limit(self, limit: Any) -> Query:
        return self._with(self._select.limit(limit))

    def offset(self, offset: Any) -> Query:
        return self._with(self._select.offset(offset))

    def slice(self, start: int, stop: int) -> Query:
        return self._with(self._select.slice(start, stop))

    def distinct(self, *expr: Any) -> Query:
        return self._with(self._select.distinct(*expr))

    def join(self, target: Any, onclause: Any = None, *, isouter: bool = False, full: bool = False) -> Query:
        return self._with(self._select.join(target, onclause, isouter=isouter, full=full))

    def outerjoin(self, target: Any, onclause: Any = None, *, full: bool = False) -> Query:
        return self._with(self._select.outerjoin(target, onclause, full=full))

    def select_from(self, *froms: Any) -> Query:
        return self._with(self._select.select_from(*froms))

    def options(self, *opts: Any) -> Query:
        return self._with(self._select.options(*opts))

    def execution_options(self, **kw: Any) -> Query:
        return self._with(self._select.execution_options(**kw))

    def yield_per(self, count: int) -> Query:
        """Objects loaded `count` rows at a time from a streamed result (the yield_per option)."""
        return self.execution_options(yield_per=count)

    def populate_existing(self) -> Query:
        return self.execution_options(populate_existing=True)

    def with_entities(self, *entities: Any) -> Query:
        q = self._with(self._select.with_only_columns(*entities))
        q._single_entity = len(entities) == 1 and getattr(entities[0], "__mapper__", None) is not None
        return q

    def add_columns(self, *columns: Any) -> Query:
        q = self._with(self._select.add_columns(*columns))
        q._single_entity = False
        return q

    @property
    def statement(self) -> Select:
        return self._select

    def subquery(self, name: str | None = None) -> Any:
        return self._select.subquery(name)

    # -- running -------------------------------------------------------------------------
    def _result(self) -> Any:
        result = self.session.execute(self._select)
        return result.scalars() if self._single_entity else result

    def __iter__(self) -> Iterator[Any]:
        return iter(self._result())

    def all(self) -> list[Any]:
        return self._result().all()

    def first(self) -> Any:
        return self._with(self._select.limit(1))._result().first()

    def one(self) -> Any:
        return self._result().one()

    def one_or_none(self) -> Any:
        return self._result().one_or_none()

    def scalar(self) -> Any:
        row = self.session.execute(self._select).first()
        return None if row is None else row[0]

    def get(self, ident: Any) -> Any:
        entity = self._select._raw_columns[0]
        return self.session.get(entity, ident)

    def count(self) -> int:
        s = self._select
        if s._limit is not None or s._offset is not None or s._distinct or s._group_by:
            # SQLAlchemy counts over a subquery here; until subqueries exist, count the rows.
            return len(self.session.execute(s).all())
        counted = s.with_only_columns(func.count())
        if not s._from_obj and not s._joins:
            counted = counted.select_from(s._first_entity_from())
        return int(self.session.execute(counted.order_by(None)).scalar())

    def exists(self) -> Any:
        raise NotImplementedError("ferroalchemy: Query.exists() is not implemented yet")

    def delete(self, synchronize_session: Any = "auto") -> int:
        from ..sql.dml import delete

        stmt = delete(self._dml_entity())
        if self._select._where:
            stmt = stmt.where(*self._select._where)
        return self.session.execute(stmt).rowcount

    def update(self, values: dict[Any, Any], synchronize_session: Any = "auto") -> int:
        from ..sql.dml import update

        stmt = update(self._dml_entity())
        if self._select._where:
            stmt = stmt.where(*self._select._where)
        return self.session.execute(stmt.values(**{getattr(k, "key", k): v for k, v in values.items()})).rowcount

    def _dml_entity(self) -> Any:
        if self._select._joins or self._select._from_obj:
            raise NotImplementedError("ferroalchemy: Query.delete()/update() across joins is not implemented yet")
        return self._select._raw_columns[0]

    def __repr__(self) -> str:
        return str(self._select)

    __str__ = __repr__
