"""Web push: staff devices and the outbox of notifications (the database, not Redis, is the truth)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from ._types import StoreScoped, UTCDateTime, created_at_column


class PushSubscription(StoreScoped, Model):
    __tablename__ = "push_subscriptions"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    endpoint: Mapped[str] = mapped_column(String(1000), nullable=False, unique=True)
    p256dh: Mapped[str] = mapped_column(String(200), nullable=False)
    auth: Mapped[str] = mapped_column(String(100), nullable=False)
    # Which VAPID key the browser subscribed with: rotation keeps signing old subscriptions with their key.
    vapid_key_id: Mapped[str] = mapped_column(String(40), nullable=False, default="1")
    label: Mapped[str | None] = mapped_column(String(120))
    created_at: Mapped[datetime] = created_at_column()
    last_success_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user = relationship("User")


class Notification(StoreScoped, Model):
    """One outbox row per notification and device: claim, commit, then send."""

    __tablename__ = "notifications"
    __table_args__ = (
        UniqueConstraint("key", "subscription_id"),
        CheckConstraint("status IN ('pending', 'sending', 'sent', 'failed', 'dropped')", name="status_valid"),
        CheckConstraint("urgency IN ('very-low', 'low', 'normal', 'high')", name="urgency_valid"),
        Index("ix_notifications_status_next", "status", "next_attempt_at"),
    )

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    subscription_id: Mapped[int | None] = mapped_column(ForeignKey("push_subscriptions.id", ondelete="SET NULL"))
    key: Mapped[str] = mapped_column(String(120), nullable=False)
    title: Mapped[str] = mapped_column(String(120), nullable=False)
    body: Mapped[str] = mapped_column(String(240), nullable=False)
    url: Mapped[str] = mapped_column(String(200), nullable=False, default="/today")
    tag: Mapped[str] = mapped_column(String(64), nullable=False)
    urgency: Mapped[str] = mapped_column(String(10), nullable=False, default="normal")
    ttl: Mapped[int] = mapped_column(Integer, nullable=False, default=4 * 3600)
    status: Mapped[str] = mapped_column(String(10), nullable=False, default="pending")
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    next_attempt_at: Mapped[datetime] = created_at_column()
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = created_at_column()


class AuditEvent(Model):
    """Who did what, when, from where: sign-ins, exports, erasures, role changes."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_store_at", "store_id", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Null store for failed sign-ins with an unknown email: there is no store to file them under.
    store_id: Mapped[int | None] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(40), nullable=False)
    target: Mapped[str | None] = mapped_column(String(120))
    address: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = created_at_column()
