"""Purchases and their items: the source of spend, tiers and the post-purchase cadence."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from ._types import Money, StoreScoped, created_at_column


class Purchase(StoreScoped, Model):
    __tablename__ = "purchases"
    store_id_index = False  # led by store_id: see __table_args__
    __table_args__ = (
        UniqueConstraint("store_id", "receipt_number"),
        CheckConstraint("total >= 0", name="total_not_negative"),
        Index("ix_purchases_client_on", "client_id", "purchased_on"),
        Index("ix_purchases_store_on", "store_id", "purchased_on"),
        # Book health's buyers, repeat buyers and 24-month spend: one pass over this index, no table reads.
        Index("ix_purchases_store_client_on_total", "store_id", "client_id", "purchased_on", "total"),
    )

    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), nullable=False)
    associate_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    purchased_on: Mapped[date] = mapped_column(Date, nullable=False)
    receipt_number: Mapped[str | None] = mapped_column(String(40))
    occasion: Mapped[str | None] = mapped_column(String(40))
    recipient_person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    total: Mapped[Decimal] = mapped_column(Money, nullable=False, default=Decimal("0"))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = created_at_column()

    items = relationship("PurchaseItem", back_populates="purchase", cascade="all, delete-orphan", order_by="PurchaseItem.id")
    recipient = relationship("Person")


class PurchaseItem(StoreScoped, Model):
    __tablename__ = "purchase_items"
    __table_args__ = (CheckConstraint("price >= 0", name="price_not_negative"),)

    purchase_id: Mapped[int] = mapped_column(ForeignKey("purchases.id", ondelete="CASCADE"), nullable=False, index=True)
    description: Mapped[str | None] = mapped_column(String(200))
    # Free text on purpose: point-of-sale exports use their own category words; the engine normalises them.
    category: Mapped[str | None] = mapped_column(String(40))
    metal: Mapped[str | None] = mapped_column(String(40))
    stone: Mapped[str | None] = mapped_column(String(40))
    brand: Mapped[str | None] = mapped_column(String(60))
    price: Mapped[Decimal] = mapped_column(Money, nullable=False, default=Decimal("0"))

    purchase = relationship("Purchase", back_populates="items")
