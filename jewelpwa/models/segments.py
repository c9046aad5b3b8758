"""Saved segments, campaigns and calendar feeds (issue 7)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from ._types import StoreScoped, UTCDateTime, created_at_column, utcnow

__all__ = ["CalendarFeed", "Campaign", "Segment"]


class Segment(StoreScoped, Model):
    """A named client filter (services.engine.client_filter.ClientFilter as JSON) an owner reuses for campaigns and mail."""

    __tablename__ = "segments"
    __table_args__ = (UniqueConstraint("store_id", "name"),)

    name: Mapped[str] = mapped_column(String(120), nullable=False)
    filter: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow,
                                                 onupdate=utcnow)


class Campaign(StoreScoped, Model):
    """One run of a segment into follow-ups, with what the contact gate left out (kept for the owner to read)."""

    __tablename__ = "campaigns"
    __table_args__ = (
        CheckConstraint("opens_on <= due_on AND due_on <= expires_on", name="window_ordered"),
        CheckConstraint("send_channel IN ('text', 'email')", name="send_channel_valid"),
        CheckConstraint("send_state IN ('draft', 'sending', 'sent')", name="send_state_valid"),
        Index("ix_campaigns_store_created", "store_id", "created_at"),
    )

    # The segment may be deleted later; the campaign keeps the filter it ran with.
    segment_id: Mapped[int | None] = mapped_column(ForeignKey("segments.id", ondelete="SET NULL"))
    name: Mapped[str] = mapped_column(String(80), nullable=False)
    message: Mapped[str | None] = mapped_column(Text)
    channel: Mapped[str | None] = mapped_column(String(8))
    opens_on: Mapped[date] = mapped_column(Date, nullable=False)
    due_on: Mapped[date] = mapped_column(Date, nullable=False)
    expires_on: Mapped[date] = mapped_column(Date, nullable=False)
    filter: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
    made: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    # Reason -> count of matching clients the gate left out ({"do not contact": 9, "opted out of texts": 5}).
    left_out: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = created_at_column()
    # A campaign that sends (services/messages/campaigns.py): its message, and where the sending is. No
    # send_state: a campaign of follow-ups only. 'draft' (preview, test), 'sending' (the job is making one
    # message per recipient, in batches), 'sent' (every recipient has their message row; delivery goes on).
    send_channel: Mapped[str | None] = mapped_column(String(8))
    subject: Mapped[str | None] = mapped_column(String(200))
    body: Mapped[str | None] = mapped_column(Text)
    send_state: Mapped[str | None] = mapped_column(String(8))
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    send_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    send_finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The throttle: the time the next message of this campaign may go (the store's pace apart from the last).
    send_next_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The app's address as the sender saw it, copied to each message (the job has no request to make links from).
    send_base_url: Mapped[str | None] = mapped_column(String(200))

    segment = relationship("Segment")


class CalendarFeed(StoreScoped, Model):
    """A user's secret ICS URL; only the SHA-256 of the token is kept, so a database leak reveals no feed."""

    __tablename__ = "calendar_feeds"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False, unique=True)
    token_hash: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    created_at: Mapped[datetime] = created_at_column()

    user = relationship("User")
