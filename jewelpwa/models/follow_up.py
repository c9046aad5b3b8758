"""Follow-ups (one reason to contact one client) and the touches that answer them."""

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
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..domain.vocab import Channel, Kind, Outcome, Status
from ..extensions import Model
from ._types import StoreScoped, UTCDateTime, created_at_column, enum_check

# The kinds the owner's milestone reports read (book health's coverage, the huddle's milestones).
MILESTONE_KINDS_SQL = "kind IN ('anniversary', 'birthday', 'partner_birthday')"


class FollowUp(StoreScoped, Model):
    __tablename__ = "follow_ups"
    store_id_index = False  # led by store_id: see __table_args__
    __table_args__ = (
        # The planner's idempotence rests on this: a second run inserts nothing it already made.
        UniqueConstraint("store_id", "dedupe_key"),
        enum_check("kind", Kind),
        enum_check("status", Status),
        CheckConstraint("opens_on <= due_on AND due_on <= expires_on", name="window_ordered"),
        CheckConstraint("tries >= 0", name="tries_not_negative"),
        # Today: open follow-ups of one assignee showing on or before a day.
        Index("ix_follow_ups_assignee_status_show", "assignee_id", "status", "show_on"),
        Index("ix_follow_ups_store_status_show", "store_id", "status", "show_on"),
        Index("ix_follow_ups_client_status", "client_id", "status"),
        # The planner's daily read of follow-ups whose window holds the day (migration 0002).
        Index("ix_follow_ups_store_expires", "store_id", "expires_on"),
        # The owner's reports: one kind's follow-ups in a window (huddle milestones, milestone coverage); the
        # trailing columns let book health's coverage read the index alone (migration 0011). Those reports
        # only ask for the milestone kinds, so on PostgreSQL the widest index holds only their rows: a first
        # plan writes it for about a quarter of its rows, not all (migration 0015). SQLite cannot match a
        # partial index to a query whose kinds are bound parameters, so there it stays whole.
        Index("ix_follow_ups_store_kind_expires_cover", "store_id", "kind", "expires_on", "status", "client_id",
              "opens_on", "occasion_on", postgresql_where=text(MILESTONE_KINDS_SQL)),
        # The day plans (migration 0017): only the coming days' rows carry a day, so both indexes are small.
        Index("ix_follow_ups_store_planned", "store_id", "planned_on",
              postgresql_where=text("planned_on IS NOT NULL"), sqlite_where=text("planned_on IS NOT NULL")),
        Index("ix_follow_ups_assignee_planned", "assignee_id", "planned_on",
              postgresql_where=text("planned_on IS NOT NULL"), sqlite_where=text("planned_on IS NOT NULL")),
    )

    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), nullable=False)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(24), nullable=False)
    status: Mapped[str] = mapped_column(String(10), nullable=False, default=Status.OPEN)
    opens_on: Mapped[date] = mapped_column(Date, nullable=False)
    due_on: Mapped[date] = mapped_column(Date, nullable=False)
    expires_on: Mapped[date] = mapped_column(Date, nullable=False)
    occasion_on: Mapped[date] = mapped_column(Date, nullable=False)
    # The day it next appears on a list: opens_on at first, later when tolerance or "no answer" moves it.
    show_on: Mapped[date] = mapped_column(Date, nullable=False)
    tries: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    # The day the planner put it on its associate's list (domain.day_plan); None: not planned in the coming
    # days yet. Rewritten every morning; a reason made during the day for today carries today.
    planned_on: Mapped[date | None] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(40), nullable=False)
    dedupe_key: Mapped[str] = mapped_column(String(120), nullable=False)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
    # Why it left the list (expired by tolerance, let go for lack of room...): never a silent drop.
    note: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = created_at_column()
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    client = relationship("Client")
    assignee = relationship("User")


class Outreach(StoreScoped, Model):
    __tablename__ = "outreaches"
    store_id_index = False  # led by store_id: see __table_args__
    __table_args__ = (
        enum_check("channel", Channel),
        enum_check("outcome", Outcome),
        # The offline outbox replays with the same key; the second copy must not be stored.
        UniqueConstraint("store_id", "idempotency_key"),
        Index("ix_outreaches_client_on", "client_id", "occurred_on"),
        Index("ix_outreaches_user_on", "user_id", "occurred_on"),
        Index("ix_outreaches_store_on", "store_id", "occurred_on"),
    )

    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), nullable=False)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    channel: Mapped[str] = mapped_column(String(8), nullable=False)
    outcome: Mapped[str] = mapped_column(String(16), nullable=False)
    note: Mapped[str | None] = mapped_column(Text)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    # The store-local day, so huddles and tolerance never recompute timezones in SQL.
    occurred_on: Mapped[date] = mapped_column(Date, nullable=False)
    idempotency_key: Mapped[str | None] = mapped_column(String(64))
    # The sale or booking captured with a Sold or Booked outcome, in the same commit (services/book/capture.py).
    purchase_id: Mapped[int | None] = mapped_column(ForeignKey("purchases.id", ondelete="SET NULL"))
    appointment_id: Mapped[int | None] = mapped_column(ForeignKey("appointments.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = created_at_column()

    client = relationship("Client")
    user = relationship("User")
    covered = relationship("OutreachFollowUp", back_populates="outreach", cascade="all, delete-orphan")


class OutreachFollowUp(Model):
    """Which follow-ups a touch covered, with their state before it so an undo restores them exactly."""

    __tablename__ = "outreach_follow_ups"

    outreach_id: Mapped[int] = mapped_column(ForeignKey("outreaches.id", ondelete="CASCADE"), primary_key=True)
    follow_up_id: Mapped[int] = mapped_column(ForeignKey("follow_ups.id", ondelete="CASCADE"), primary_key=True, index=True)
    previous: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)

    outreach = relationship("Outreach", back_populates="covered")
    follow_up = relationship("FollowUp")


class StoreEvent(StoreScoped, Model):
    """Trunk show, gemstone roundtable, special buy: an owner-made reason to invite a filtered set of clients."""

    __tablename__ = "store_events"
    __table_args__ = (CheckConstraint("invite_on <= event_on", name="invite_before_event"),)

    name: Mapped[str] = mapped_column(String(120), nullable=False)
    kind: Mapped[str] = mapped_column(String(30), nullable=False, default="trunk_show")
    invite_on: Mapped[date] = mapped_column(Date, nullable=False)
    event_on: Mapped[date] = mapped_column(Date, nullable=False)
    client_filter: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
    description: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = created_at_column()
