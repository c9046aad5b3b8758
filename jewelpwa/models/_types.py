"""Column helpers shared by the tables: enum checks, UTC timestamps, money."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any, ClassVar

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, Integer, Numeric, TypeDecorator
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from ..clock import utcnow

Money = Numeric(12, 2)


def enum_check(column: str, enum: type[StrEnum], nullable: bool = False) -> CheckConstraint:
    """A CHECK that keeps a string column inside its StrEnum on every database."""
    values = ", ".join(f"'{member.value}'" for member in enum)
    sql = f"{column} IN ({values})"
    if nullable:
        sql = f"{column} IS NULL OR {sql}"
    return CheckConstraint(sql, name=f"{column}_valid")


def only_on(dialect: str, index: Index) -> Index:
    """An index one database alone has (a PostgreSQL trigram index): created there only, and left out of the
    comparison of models and migrations on the others (see in_schema_of)."""
    index.info["only_on"] = dialect
    return index.ddl_if(dialect=dialect)


def in_schema_of(dialect: str, obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    """Alembic's include_object: whether a model object belongs to the schema of `dialect`."""
    only = getattr(obj, "info", {}).get("only_on")
    return only is None or only == dialect


class StoreScoped:
    """Every row belongs to one store; the store id is on the row itself so scoping needs no join."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # False on the big tables that have a composite index led by store_id already: that index serves every
    # "this store's rows" read, and one index fewer to write on each insert (migration 0014).
    store_id_index: ClassVar[bool] = True

    @declared_attr
    def store_id(cls) -> Mapped[int]:  # noqa: N805 - SQLAlchemy declared_attr signature
        return mapped_column(ForeignKey("stores.id", ondelete="CASCADE"), nullable=False, index=cls.store_id_index)


class UTCDateTime(TypeDecorator):
    """A timestamp column that stores UTC and always hands back an aware UTC datetime, on every database.

    SQLite keeps no zone: its DATETIME drops tzinfo on the way in (an aware 09:00-05:00 would be stored as 09:00)
    and hands back a naive value. PostgreSQL's timestamptz gives back the session's zone. Both are brought to
    UTC here, once, so no service has to ask whether a timestamp from the database is naive. A naive value
    going in is taken as UTC, as SQLite always took it. The DDL is the impl's: the schema is unchanged.
    """

    impl = DateTime
    cache_ok = True

    def __init__(self) -> None:
        super().__init__(timezone=True)

    def process_bind_param(self, value, dialect):
        if not isinstance(value, datetime):
            return value  # None, or something the driver will judge
        value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)

    def coerce_compared_value(self, op, value):
        # A datetime compared with the column is bound through this type (converted to UTC); anything else
        # (a timedelta in column arithmetic) takes the type DateTime would give it.
        return self if isinstance(value, datetime) else self.impl.coerce_compared_value(op, value)


def created_at_column() -> Mapped[datetime]:
    return mapped_column(UTCDateTime, nullable=False, default=utcnow)


__all__ = ["Decimal", "Money", "StoreScoped", "UTCDateTime", "created_at_column", "enum_check"]
