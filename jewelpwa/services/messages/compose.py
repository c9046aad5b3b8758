"""Compose and send a message from the card: the starting text, the merge fields, and the send itself.

Sending is one commit: the message row (queued, or refused with its reason) and, when it will go, the outreach
with its true channel. The outcome recorded is "voicemail", the engine's touch for a message left without a
conversation yet (docs/engine.md: "a voicemail (or a message with no reply)"): it counts against the client's
frequency tolerance and moves the follow-ups `retry_days` on instead of closing them, because a text is not a
conversation until the client answers. A refused message records no outreach: nothing reached the client.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from redis.exceptions import RedisError
from sqlalchemy import select

from ...clock import utcnow
from ...database import commit_keeping_loaded
from ...domain.client_columns import phone_e164
from ...domain.emails import is_email
from ...domain.messages import BODY_MAX, SUBJECT_MAX, Template, fill
from ...extensions import db
from ...models import Client, Message, Purchase, PurchaseItem, User
from ...tasks import queues
from ..access import get_client
from ..book.outreach import stage_outreach
from ..errors import Invalid
from .delivery import quiet_zone, refusal_for, text_waits_until
from .templates import compose_templates

CHANNELS = ("text", "email")


@dataclass(frozen=True)
class Compose:
    """What the compose sheet shows: to whom, on which channel, the templates and the merge values."""

    client: Client
    channel: str
    to_address: str | None
    refused: str | None
    templates: tuple[Template, ...]
    values: dict[str, str]


def address_of(client: Client, channel: str, country: str) -> str | None:
    """Where a message on `channel` goes: the mobile in E.164 (read in the store's country), or a valid email."""
    if channel == "text":
        return phone_e164(client.phone, country)
    return client.email if client.email and is_email(client.email) else None



def merge_values(actor: User, client: Client, occasion: str | None = None, piece: str | None = None) -> dict[str, str]:
    """The merge fields' values. {piece}: the one given (a thank-you's sale, a repair), else the latest thing they
    bought, as the counter described it, else its category ("ring")."""
    if piece is None:
        latest = db.session.execute(
            select(PurchaseItem.description, PurchaseItem.category)
            .join(Purchase, Purchase.id == PurchaseItem.purchase_id)
            .where(Purchase.store_id == client.store_id, Purchase.client_id == client.id)
            .order_by(Purchase.purchased_on.desc(), PurchaseItem.id.desc()).limit(1)).first()
        piece = (latest.description or latest.category) if latest else None
    return {"first_name": client.first_name, "associate": (actor.name or "").split(" ")[0],
            "store": actor.store.name, "occasion": occasion or "", "piece": piece or "piece"}


def compose(actor: User, client_id: int, channel: str, occasion: str | None = None) -> Compose:
    client = get_client(actor, client_id)  # another store's client is a 404
    if channel not in CHANNELS:
        raise Invalid("Choose text or email", {"channel": "Choose text or email."})
    address = address_of(client, channel, actor.store.country)
    return Compose(client, channel, address, refusal_for(client, actor.store, channel, address),
                   compose_templates(actor.store_id), merge_values(actor, client, occasion))


def send_message(actor: User, client_id: int, channel: str, body: str, subject: str | None = None,
                 occasion: str | None = None, base_url: str | None = None, now: datetime | None = None) -> Message:
    """Queue one message (or refuse it, with the reason, nothing sent) and record the touch; commit once."""
    sheet = compose(actor, client_id, channel, occasion)
    text = fill(body or "", sheet.values)
    subject = fill(subject or "", sheet.values) or None
    errors = {}
    if not text:
        errors["body"] = "Write the message first."
    elif len(text) > BODY_MAX:
        errors["body"] = f"Keep the message under {BODY_MAX:,} characters (now {len(text):,})."
    if subject and len(subject) > SUBJECT_MAX:
        errors["subject"] = f"Keep the subject under {SUBJECT_MAX} characters."
    if errors:
        raise Invalid("Message not sent", errors)
    now = now or utcnow()
    message = Message(store_id=actor.store_id, client_id=sheet.client.id, user_id=actor.id, channel=channel,
                      kind="marketing", to_address=sheet.to_address or "", subject=subject if channel == "email" else None,
                      body=text, attempts=0, created_at=now, base_url=(base_url or "")[:200] or None)
    if sheet.refused:
        message.status, message.reason, message.next_try_at = "refused", sheet.refused, now
        db.session.add(message)
        commit_keeping_loaded(db.session())
        return message
    logged = stage_outreach(actor, sheet.client.id, channel, "voicemail",
                            note=f"{'Text' if channel == 'text' else 'Email'} sent from the app", now=now)
    waits = text_waits_until(quiet_zone(sheet.client, actor.store), now) if channel == "text" else None
    message.status, message.next_try_at = "queued", waits or now
    db.session.flush()
    message.outreach_id = logged.outreach.id
    db.session.add(message)
    commit_keeping_loaded(db.session())
    if waits is None:
        deliver_soon([message.id])
    return message


def deliver_soon(message_ids: list[int]) -> int:
    """Put fresh messages on the delivery queue; with Redis away the sweeper finds them on its next pass."""
    try:
        return queues.enqueue_deliveries(queues.connect(current_app.config["REDIS_URL"]),
                                         [(i, 0) for i in message_ids], queues.DELIVER_MESSAGES, "message")
    except RedisError:
        current_app.logger.warning("message queue unavailable; %d messages left to the sweeper", len(message_ids))
        return 0

