"""``sqlalchemy.sql``: the expression language."""

from .expression import *  # noqa: F403
from .expression import __all__  # noqa: F401
