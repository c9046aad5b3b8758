"""Share links, trade-up policy and loyalty tiers (issue 8)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import Model
from ._types import Money, StoreScoped, UTCDateTime, created_at_column

__all__ = ["LoyaltyPolicy", "LoyaltyTier", "ShareLink"]


class LoyaltyTier(StoreScoped, Model):
    """A store-named tier ("Gold") a client reaches at a lifetime spend, with the perks staff may promise."""

    __tablename__ = "loyalty_tiers"
    __table_args__ = (
        UniqueConstraint("store_id", "name"),
        UniqueConstraint("store_id", "min_spend"),
        CheckConstraint("min_spend >= 0", name="min_spend_not_negative"),
    )

    name: Mapped[str] = mapped_column(String(40), nullable=False)
    min_spend: Mapped[Decimal] = mapped_column(Money, nullable=False)
    perks: Mapped[str | None] = mapped_column(Text)


class LoyaltyPolicy(StoreScoped, Model):
    """One row per store: the trade-up credit terms, and the phone a shared wish list shows."""

    __tablename__ = "loyalty_policies"
    __table_args__ = (
        UniqueConstraint("store_id"),
        CheckConstraint("trade_up_percent BETWEEN 1 AND 100", name="percent_valid"),
        CheckConstraint("trade_up_multiple >= 1", name="multiple_valid"),
    )

    trade_up_enabled: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    trade_up_percent: Mapped[int] = mapped_column(Integer, nullable=False, default=100)
    trade_up_multiple: Mapped[Decimal] = mapped_column(Numeric(4, 2), nullable=False, default=Decimal("2"))
    trade_up_categories: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    share_phone: Mapped[str | None] = mapped_column(String(40))


class ShareLink(StoreScoped, Model):
    """A private link to one wish list (the client's own, or one person's). Only the token's SHA-256 is kept."""

    __tablename__ = "share_links"
    __table_args__ = (
        UniqueConstraint("token_hash"),
        Index("ix_share_links_client_person", "client_id", "person_id"),
    )

    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), nullable=False)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = created_at_column()
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
