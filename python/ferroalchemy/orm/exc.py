"""``sqlalchemy.orm.exc``."""

from __future__ import annotations

from ..exc import InvalidRequestError, MultipleResultsFound, NoResultFound, SQLAlchemyError  # noqa: F401


class StaleDataError(SQLAlchemyError):
    pass


ConcurrentModificationError = StaleDataError


class FlushError(SQLAlchemyError):
    pass


class UnmappedError(InvalidRequestError):
    pass


class ObjectDereferencedError(SQLAlchemyError):
    pass


class DetachedInstanceError(SQLAlchemyError):
    code = "bhk3"


class UnmappedInstanceError(UnmappedError):
    pass


class UnmappedClassError(UnmappedError):
    pass


class UnmappedColumnError(InvalidRequestError):
    pass


class ObjectDeletedError(InvalidRequestError):
    pass


class LoaderStrategyException(InvalidRequestError):
    pass


class MappedAnnotationError(Exception):
    pass
