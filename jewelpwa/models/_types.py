"""Column helpers shared by the tables: enum checks, UTC timestamps, money."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import ClassVar

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Integer, Numeric
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


class StoreScoped:
    """Every row belongs to one store; the store id is on the row itself so scoping needs no join."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # False on the big tables that have a composite index led by store_id already: that index serves every
    # "this store's rows" read, and one index fewer to write on each insert (migration 0014).
    store_id_index: ClassVar[bool] = True

    @declared_attr
    def store_id(cls) -> Mapped[int]:  # noqa: N805 - SQLAlchemy declared_attr signature
        return mapped_column(ForeignKey("stores.id", ondelete="CASCADE"), nullable=False, index=cls.store_id_index)


def created_at_column() -> Mapped[datetime]:
    return mapped_column(DateTime(timezone=True), nullable=False, default=utcnow)


__all__ = ["Decimal", "Money", "StoreScoped", "created_at_column", "enum_check"]
