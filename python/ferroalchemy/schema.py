"""``sqlalchemy.schema``."""

from .sql.schema import (  # noqa: F401
    CheckConstraint,
    Column,
    ColumnDefault,
    Constraint,
    CreateIndex,
    CreateTable,
    DefaultClause,
    DropIndex,
    DropTable,
    FetchedValue,
    ForeignKey,
    ForeignKeyConstraint,
    Identity,
    Index,
    MetaData,
    PrimaryKeyConstraint,
    SchemaItem,
    Sequence,
    Table,
    UniqueConstraint,
)
