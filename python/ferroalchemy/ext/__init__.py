"""``sqlalchemy.ext``."""
