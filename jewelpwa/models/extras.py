"""Relationship extras around the card: appointments, wishes, referrals, trade-up credit, consent."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..domain.vocab import AppointmentKind, AppointmentStatus
from ..extensions import Model
from ._types import Money, StoreScoped, UTCDateTime, created_at_column, enum_check


class Appointment(StoreScoped, Model):
    __tablename__ = "appointments"
    __table_args__ = (
        enum_check("kind", AppointmentKind),
        enum_check("status", AppointmentStatus),
        CheckConstraint("duration_min BETWEEN 5 AND 480", name="duration_valid"),
        Index("ix_appointments_user_starts", "user_id", "starts_at"),
        Index("ix_appointments_store_starts", "store_id", "starts_at"),
    )

    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), nullable=False, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    duration_min: Mapped[int] = mapped_column(Integer, nullable=False, default=30)
    status: Mapped[str] = mapped_column(String(12), nullable=False, default=AppointmentStatus.BOOKED)
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = created_at_column()
    # What happened, written when the associate marks it done, no-show or cancelled (migration 0007).
    outcome_note: Mapped[str | None] = mapped_column(Text)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    client = relationship("Client")
    user = relationship("User")


class WishItem(StoreScoped, Model):
    __tablename__ = "wish_items"
    __table_args__ = (CheckConstraint("status IN ('open', 'bought', 'removed')", name="status_valid"),)

    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), nullable=False, index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    description: Mapped[str] = mapped_column(String(200), nullable=False)
    category: Mapped[str | None] = mapped_column(String(40))
    metal: Mapped[str | None] = mapped_column(String(40))
    stone: Mapped[str | None] = mapped_column(String(40))
    price_hint: Mapped[Decimal | None] = mapped_column(Money)
    status: Mapped[str] = mapped_column(String(10), nullable=False, default="open")
    created_at: Mapped[datetime] = created_at_column()


class Referral(StoreScoped, Model):
    __tablename__ = "referrals"
    __table_args__ = (
        UniqueConstraint("referred_id"),
        CheckConstraint("referrer_id <> referred_id", name="not_self"),
    )

    referrer_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), nullable=False, index=True)
    referred_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), nullable=False)
    recorded_on: Mapped[date] = mapped_column(Date, nullable=False)
    created_at: Mapped[datetime] = created_at_column()


class TradeUpCredit(StoreScoped, Model):
    __tablename__ = "trade_up_credits"
    __table_args__ = (
        UniqueConstraint("purchase_item_id"),
        CheckConstraint("amount >= 0", name="amount_not_negative"),
        CheckConstraint("status IN ('available', 'used', 'void')", name="status_valid"),
    )

    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), nullable=False, index=True)
    purchase_item_id: Mapped[int] = mapped_column(ForeignKey("purchase_items.id", ondelete="CASCADE"), nullable=False)
    amount: Mapped[Decimal] = mapped_column(Money, nullable=False)
    # The policy's terms at the sale, kept with the credit: a later policy change does not move a promise made.
    min_price: Mapped[Decimal | None] = mapped_column(Money)
    status: Mapped[str] = mapped_column(String(10), nullable=False, default="available")
    used_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = created_at_column()


class ConsentEvent(StoreScoped, Model):
    """Append-only ledger of consent changes: who, when, which channel, what."""

    __tablename__ = "consent_events"
    __table_args__ = (
        CheckConstraint(
            "what IN ('opt_in', 'opt_out', 'do_not_contact', 'contact_ok', 'frequency', 'preferred')",
            name="what_valid",
        ),
    )

    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), nullable=False, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    channel: Mapped[str | None] = mapped_column(String(8))
    what: Mapped[str] = mapped_column(String(16), nullable=False)
    value: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = created_at_column()


@event.listens_for(ConsentEvent, "before_update")
def _consent_is_append_only(mapper, connection, target) -> None:  # noqa: ANN001 - SQLAlchemy hook
    raise ValueError("consent events are append-only: record a new event instead of changing one")
