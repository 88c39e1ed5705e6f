"""``sqlalchemy.types``."""

from .sql.sqltypes import *  # noqa: F403
from .sql.sqltypes import NullType, TypeDecorator, TypeEngine  # noqa: F401
