"""Delivery of messages, with the push outbox's guarantees: one row per message, claim → commit → send → record.

A worker killed mid-send leaves a 'sending' row that the sweeper re-claims once the claim is stale; a row leaves
the outbox only when a transport answered. 429, 5xx, timeouts and dropped connections are tried again with
backoff (the provider's Retry-After when it gives one); a refusal for good (a 4xx from the REST provider, an SMTP
5xx) fails the message with the provider's reason. Consent and quiet hours are checked again at the claim: an
opt-out recorded while the message waited stops it, and a text never leaves outside 8:00-21:00 in the client's
time zone (else the store's).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import cast
from zoneinfo import ZoneInfo

from flask import current_app, url_for
from sqlalchemy import ColumnElement, CursorResult, or_, select, update

from ...clock import utcnow
from ...domain.messages import refusal
from ...domain.time_zones import is_zone
from ...extensions import db
from ...models import Client, Message, Store
from ..push.delivery import backoff_seconds, retry_after_seconds
from ..push.outbox import quiet_until, setting
from .reply_to import reply_address
from .transports import Answer, Outgoing, transport_for
from .unsubscribe import unsubscribe_token

MAX_ATTEMPTS = 8
CLAIM_STALE_S = 300  # a 'sending' claim older than this belongs to a worker that died (sends time out at 10 s)
# Texts only between 8:00 and 21:00 where the client is, else where the store is (TCPA-style quiet hours;
# docs/messages.md).
TEXT_QUIET = (time(21), time(8))
SWEEP_BATCH = 1000


@dataclass(frozen=True)
class Delivery:
    message_id: int
    outcome: str  # sent, retry, failed, refused, postponed, skipped


def text_waits_until(timezone: str, now: datetime) -> datetime | None:
    """When a text may go, if `now` is inside the quiet hours of `timezone`; None when it may go now."""
    return quiet_until(TEXT_QUIET[0], TEXT_QUIET[1], timezone, now)


def quiet_zone(client: Client, store: Store) -> str:
    """Whose clock the quiet hours follow: the client's own time zone when the card has one, else the store's."""
    return client.time_zone if client.time_zone and is_zone(client.time_zone) else store.timezone


def refusal_for(client: Client, store: Store, channel: str, address: str | None, kind: str = "marketing") -> str | None:
    """Why a message on `channel` must not go to this client at `address` (None: it may). Checked at compose and
    again at the claim. An email to the very address a hard bounce condemned is refused until it is edited."""
    bounced = client.email_bounced_at if channel == "email" and address and client.email_bounced_to and \
        address.strip().lower() == client.email_bounced_to else None
    return refusal(channel, do_not_contact=client.do_not_contact, opted_out=set(client.opted_out or []),
                   address=address, marketing_email_ok=kind != "marketing" or bool(store.postal_address),
                   bounced_on=bounced.astimezone(ZoneInfo(store.timezone)).date() if bounced else None)


def claimable(now: datetime) -> ColumnElement[bool]:
    stale = now - timedelta(seconds=setting("PUSH_CLAIM_STALE_SECONDS", CLAIM_STALE_S))  # one knob, both outboxes
    return or_((Message.status == "queued") & (Message.next_try_at <= now),
               (Message.status == "sending") & (Message.claimed_at < stale))


def pending_due(now: datetime | None = None, limit: int = SWEEP_BATCH) -> list[tuple[int, int]]:
    """The sweeper's work: (id, attempts) of messages a worker may take now."""
    now = now or utcnow()
    query = (select(Message.id, Message.attempts).where(claimable(now))
             .order_by(Message.next_try_at, Message.id).limit(limit))
    return [(row.id, row.attempts) for row in db.session.execute(query)]


def deliver_messages(message_ids: list[int], now: datetime | None = None) -> list[Delivery]:
    return [deliver_message(i, now) for i in dict.fromkeys(message_ids)]


def deliver_message(message_id: int, now: datetime | None = None) -> Delivery:
    """Claim one message (committed), send it through its channel's transport, record the answer (committed)."""
    now = now or utcnow()
    claimed = _claim(message_id, now)
    if isinstance(claimed, Delivery):
        return claimed
    transport = transport_for(claimed.channel, current_app.config)
    return _record(message_id, transport.send(claimed), transport.name)


def _claim(message_id: int, now: datetime) -> Outgoing | Delivery:
    row = db.session.execute(
        select(Message, Client, Store).join(Client, Client.id == Message.client_id)
        .join(Store, Store.id == Message.store_id).where(Message.id == message_id, claimable(now))).first()
    if row is None:  # sent already, claimed by a live worker, not due yet, or gone
        db.session.rollback()
        return Delivery(message_id, "skipped")
    message, client, store = row
    still = claimable(now)
    why = refusal_for(client, store, message.channel, message.to_address, message.kind)
    if why is not None:
        db.session.execute(update(Message).where(Message.id == message_id, still)
                           .values(status="refused", reason=why, claimed_at=now))
        db.session.commit()
        return Delivery(message_id, "refused")
    if message.channel == "text" and (later := text_waits_until(quiet_zone(client, store), now)) is not None:
        db.session.execute(update(Message).where(Message.id == message_id, still)
                           .values(status="queued", next_try_at=later, claimed_at=None))
        db.session.commit()
        return Delivery(message_id, "postponed")
    won = cast(CursorResult, db.session.execute(update(Message).where(Message.id == message_id, still)
                             .values(status="sending", claimed_at=now, attempts=Message.attempts + 1))).rowcount
    outgoing = _outgoing(message, store)
    db.session.commit()  # the claim is saved before anything leaves the building
    return outgoing if won == 1 else Delivery(message_id, "skipped")


def _outgoing(message: Message, store: Store) -> Outgoing:
    unsubscribe = callback = reply_to = None
    base = message.base_url or current_app.config.get("PUBLIC_URL") or "http://localhost/"
    with current_app.test_request_context(base_url=base):
        if message.channel == "email" and message.kind == "marketing":
            unsubscribe = url_for("messages.unsubscribe", token=unsubscribe_token(message.client_id, "email"),
                                  _external=True)
        if message.channel == "text":
            callback = url_for("messages.status_callback", _external=True)
    if message.channel == "email":
        reply_to = reply_address(current_app.config, message.store_id, message.id)
    return Outgoing(id=message.id, channel=message.channel, to=message.to_address, body=message.body,
                    subject=message.subject, sender_name=store.name, unsubscribe_url=unsubscribe,
                    postal_address=store.postal_address or "", status_callback=callback,
                    sms_from=store.sms_from if message.channel == "text" else None, reply_to=reply_to)


def _record(message_id: int, answer: Answer, transport: str) -> Delivery:
    now = utcnow()
    mine = (Message.id == message_id, Message.status == "sending")
    if answer.outcome == "sent":
        db.session.execute(update(Message).where(*mine).values(
            status="sent", sent_at=now, provider_id=(answer.provider_id or "")[:200] or None, transport=transport,
            reason=None))
        outcome = "sent"
    else:
        attempts = db.session.scalar(select(Message.attempts).where(Message.id == message_id)) or 0
        if answer.outcome == "retry" and attempts < MAX_ATTEMPTS:
            wait = retry_after_seconds(answer.retry_after, now)
            wait = backoff_seconds(attempts) if wait is None else min(max(wait, 1.0), 3600.0)
            db.session.execute(update(Message).where(*mine).values(
                status="queued", next_try_at=now + timedelta(seconds=wait), claimed_at=None, reason=answer.error,
                transport=transport))
            outcome = "retry"
        else:
            db.session.execute(update(Message).where(*mine).values(
                status="failed", reason=answer.error or "the provider refused the message", transport=transport))
            outcome = "failed"
    db.session.commit()
    return Delivery(message_id, outcome)
