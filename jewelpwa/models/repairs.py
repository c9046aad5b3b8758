"""Repairs and services taken in at the counter (issue 8)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from ._types import Money, StoreScoped, UTCDateTime, created_at_column, enum_check


class RepairStatus(StrEnum):
    """Where a repair is: taken in, at the bench, ready for pickup, picked up (or cancelled)."""

    RECEIVED = "received"
    AT_THE_BENCH = "at_the_bench"
    READY = "ready"
    PICKED_UP = "picked_up"
    CANCELLED = "cancelled"


class Repair(StoreScoped, Model):
    """One piece taken in for work; each status move stamps its own time so the card can tell the story."""

    __tablename__ = "repairs"
    __table_args__ = (
        enum_check("status", RepairStatus),
        CheckConstraint("quote IS NULL OR quote >= 0", name="quote_not_negative"),
        # The repairs list: one store's repairs by status (open ones are a small slice of all ever taken in).
        Index("ix_repairs_store_status", "store_id", "status"),
    )

    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), nullable=False, index=True)
    taken_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    item: Mapped[str] = mapped_column(String(200), nullable=False)
    work: Mapped[str] = mapped_column(Text, nullable=False)
    promised_on: Mapped[date | None] = mapped_column(Date)
    quote: Mapped[Decimal | None] = mapped_column(Money)
    status: Mapped[str] = mapped_column(String(12), nullable=False, default=RepairStatus.RECEIVED)
    received_at: Mapped[datetime] = created_at_column()
    at_the_bench_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ready_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    picked_up_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    client = relationship("Client")
    taken_by = relationship("User")


__all__: list[str] = ["Repair", "RepairStatus"]
