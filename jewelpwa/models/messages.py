"""Messages the store sends a client (text or email): one row per message, the outbox its worker claims."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from ..domain.messages import auto_label
from ..extensions import Model
from ._types import StoreScoped, UTCDateTime, created_at_column

STATUSES = ("queued", "sending", "sent", "delivered", "failed", "bounced", "refused", "received")
# 'out': the store sent it; 'in': the client's reply (its status is 'received'; to_address is then the client's
# number it came from, the conversation's other end in both directions).
DIRECTIONS = ("out", "in")


class Message(StoreScoped, Model):
    """Claim, commit, then send (as the push outbox): a row leaves 'queued' only when a transport answered."""

    __tablename__ = "messages"
    store_id_index = False  # led by store_id: see __table_args__
    __table_args__ = (
        CheckConstraint("channel IN ('text', 'email')", name="channel_valid"),
        CheckConstraint("kind IN ('marketing', 'transactional')", name="kind_valid"),
        CheckConstraint("status IN ('queued', 'sending', 'sent', 'delivered', 'failed', 'bounced', 'refused', "
                        "'received')", name="status_valid"),
        CheckConstraint("direction IN ('out', 'in')", name="direction_valid"),
        # The worker's claim and the sweeper: due rows by status and time.
        Index("ix_messages_status_next", "status", "next_try_at"),
        # The card's conversation: a client's messages, newest first.
        Index("ix_messages_store_client", "store_id", "client_id", "created_at"),
        # The status callback finds its row by the provider's id.
        Index("ix_messages_provider_id", "provider_id"),
        # A campaign sends each recipient exactly once, whatever happens to its job (NULLs are distinct: a
        # message from the card has no campaign). Also the campaign page's per-recipient read.
        Index("ix_messages_campaign_client", "campaign_id", "client_id", unique=True),
        # An automatic message exists once per store (auto:thank_you:purchase:123): a job run twice, two
        # schedulers or a catch-up insert nothing twice. NULL (a message an associate wrote) never collides.
        Index("uq_messages_store_auto_key", "store_id", "auto_key", unique=True),
        # One stored reply per provider message (Twilio's MessageSid, the email's Message-Id): two deliveries of
        # the same webhook racing each other store it once, whatever the check before the insert saw. Migration 0028.
        Index("uq_messages_inbound_provider_id", "channel", "provider_id", unique=True,
              postgresql_where=text("direction = 'in'"), sqlite_where=text("direction = 'in'")),
    )

    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), nullable=False)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    outreach_id: Mapped[int | None] = mapped_column(ForeignKey("outreaches.id", ondelete="SET NULL"))
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id", ondelete="SET NULL"))
    channel: Mapped[str] = mapped_column(String(8), nullable=False)
    direction: Mapped[str] = mapped_column(String(3), nullable=False, default="out", server_default="out")
    kind: Mapped[str] = mapped_column(String(16), nullable=False, default="marketing")
    to_address: Mapped[str] = mapped_column(String(254), nullable=False, default="")
    subject: Mapped[str | None] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, nullable=False)
    status: Mapped[str] = mapped_column(String(10), nullable=False, default="queued")
    reason: Mapped[str | None] = mapped_column(Text)
    # Which transport took it (smtp, twilio, dev) and the id it gave back (Twilio's SM..., the Message-ID).
    transport: Mapped[str | None] = mapped_column(String(10))
    provider_id: Mapped[str | None] = mapped_column(String(200))
    # The app's address as the sender saw it: the links a message carries (unsubscribe, the provider's status
    # callback) are made by the worker, which has no request of its own.
    base_url: Mapped[str | None] = mapped_column(String(200))
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    next_try_at: Mapped[datetime] = created_at_column()
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = created_at_column()
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set on automatic messages only: which kind, from which row (domain.messages.auto_key).
    auto_key: Mapped[str | None] = mapped_column(String(80))

    @property
    def automatic_label(self) -> str | None:
        """"Thank you" for an automatic thank-you; None for a message an associate wrote."""
        return auto_label(self.auto_key)


class MessageTemplate(StoreScoped, Model):
    """A store's own copy of one template: an automatic message's (with its on/off and delay) or a compose one's.
    A store without a row for a key uses the default (domain.messages); saving the settings writes the row."""

    __tablename__ = "message_templates"
    store_id_index = False  # led by store_id: the unique key
    __table_args__ = (
        UniqueConstraint("store_id", "key"),
        CheckConstraint("delay_days IS NULL OR delay_days BETWEEN 1 AND 2", name="delay_valid"),
    )

    key: Mapped[str] = mapped_column(String(40), nullable=False)
    label: Mapped[str] = mapped_column(String(80), nullable=False)
    subject: Mapped[str | None] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, nullable=False)
    enabled: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    delay_days: Mapped[int | None] = mapped_column(Integer)
    updated_at: Mapped[datetime] = created_at_column()
