"""``sqlalchemy.dialects``."""
