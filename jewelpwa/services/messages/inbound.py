"""Texts from clients: the SMS provider's inbound webhook. A reply is kept on the client's card, answers the text
it replies to (an outreach "replied") and pushes the client's associate; the SMS keywords change the text channel's
consent, in the ledger.

Which client. Every store sends from the one number the app is configured with (`TWILIO_FROM`, or the messaging
service's pool), so the `To` names no store: the sender's number (`From`, E.164) is looked up in every store's book
(`clients.phone_digits`, the E.164 digits). A keyword applies to every client with that number, in every store: the
provider itself stops texts from our number to theirs after STOP, so every book must say so. A reply is attached to
one of them: the one the app texted most recently, else the only client with that number. Otherwise (no client has
the number, or several do and none was ever texted) it is logged and not stored: a message row belongs to a store,
and there is none to give it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import select

from ...clock import utcnow
from ...domain.client_columns import phone_digits
from ...domain.messages import BODY_MAX, keyword
from ...extensions import db
from ...models import Client, ConsentEvent, Message, Outreach, Store, User
from ..book.outreach import stage_outreach
from ..push.outbox import queue_notification

SNIPPET = 60  # how much of the reply the associate's push shows


@dataclass(frozen=True)
class Received:
    """What one inbound text did: the row kept (None when unattached or a repeat), the keyword it was, the
    replied outreach recorded, and the push outbox rows to deliver."""

    message: Message | None
    keyword: str | None
    outreach: Outreach | None
    notifications: list[int]


def receive(form: dict[str, str], now: datetime | None = None) -> Received:
    """Take one inbound text (the provider's form: From, To, Body, MessageSid); commit once."""
    now = now or utcnow()
    sid = (form.get("MessageSid") or "")[:200]
    body = (form.get("Body") or "")[:BODY_MAX]
    sender = form.get("From") or ""
    if sid and db.session.scalar(select(Message.id).where(Message.provider_id == sid, Message.direction == "in")):
        return Received(None, None, None, [])  # the provider retried a webhook already taken
    clients = _clients_with(sender)
    word = keyword(body)
    if word in ("stop", "start"):
        for each in clients:
            _consent(each, word, now)
    latest = _latest_text(clients)
    client = next((c for c in clients if latest and c.id == latest.client_id), None) or \
        (clients[0] if len(clients) == 1 else None)
    if client is None:
        current_app.logger.warning("inbound text %s from a number matching %d clients: not attached", sid or "-",
                                   len(clients))
        db.session.commit()
        return Received(None, word, None, [])
    message = Message(store_id=client.store_id, client_id=client.id, user_id=None, channel="text", direction="in",
                      kind="transactional", to_address=sender[:254], body=body, status="received",
                      transport="twilio", provider_id=sid or None, attempts=0, next_try_at=now, created_at=now,
                      sent_at=now)
    outreach, pushes = None, []
    if word is None:  # a keyword is a consent change, not a conversation: no touch, no push
        outreach = _mark_replied(client, latest, now)
        message.outreach_id = outreach.id if outreach else None
    db.session.add(message)
    db.session.flush()
    if word is None:
        pushes = _push(client, message, latest, now)
    db.session.commit()
    return Received(message, word, outreach, pushes)


def _clients_with(number: str) -> list[Client]:
    digits = phone_digits(number)
    if not digits:
        return []
    # Every store's book: the composite (store_id, phone_digits) index serves an IN list of the stores.
    stores = list(db.session.scalars(select(Store.id)))
    return list(db.session.scalars(select(Client).where(Client.store_id.in_(stores), Client.phone_digits == digits,
                                                        Client.erased_at.is_(None)).order_by(Client.id)))


def _latest_text(clients: list[Client]) -> Message | None:
    """The newest text the app sent (or is sending) to any of these clients."""
    if not clients:
        return None
    return db.session.scalar(select(Message).where(
        Message.store_id.in_({c.store_id for c in clients}), Message.client_id.in_([c.id for c in clients]),
        Message.channel == "text", Message.direction == "out", Message.status != "refused")
        .order_by(Message.created_at.desc(), Message.id.desc()).limit(1))


def _consent(client: Client, word: str, now: datetime) -> None:
    """STOP closes the text channel, START re-opens it; a keyword that changes nothing records nothing."""
    out = list(client.opted_out or [])
    if word == "stop" and "text" not in out:
        client.opted_out, what = [*out, "text"], "opt_out"
    elif word == "start" and "text" in out:
        client.opted_out, what = [c for c in out if c != "text"], "opt_in"
    else:
        return
    db.session.add(ConsentEvent(store_id=client.store_id, client_id=client.id, user_id=None, channel="text",
                                what=what, value="keyword", created_at=now))


def _active(user_id: int | None) -> User | None:
    user = db.session.get(User, user_id) if user_id else None
    return user if user is not None and user.active else None


def _mark_replied(client: Client, latest: Message | None, now: datetime) -> Outreach | None:
    """The first reply to the app's latest text records an outreach "replied" on the text channel: the engine's
    conversation outcome, so the client's follow-ups are completed and the reconnect clock restarts. The text's own
    outreach stays "voicemail" (a message left): rewriting it would not re-run the engine. Later replies to the
    same text add no touch. Logged for the associate who sent the text, else the client's own associate."""
    if latest is None or latest.client_id != client.id:
        return None
    answered = db.session.scalar(select(Message.id).where(
        Message.store_id == client.store_id, Message.client_id == client.id, Message.direction == "in",
        Message.outreach_id.is_not(None), Message.created_at >= latest.created_at).limit(1))
    actor = _active(latest.user_id) or _active(client.assigned_to_id)
    if answered is not None or actor is None:
        return None
    return stage_outreach(actor, client.id, "text", "replied", note="Replied to a text from the app", now=now).outreach


def _push(client: Client, message: Message, latest: Message | None, now: datetime) -> list[int]:
    """Through the push outbox (its quiet hours, retries and one row per device), to the client's associate, or the
    one who sent the text when the client has none."""
    user_id = client.assigned_to_id or (latest.user_id if latest else None)
    if user_id is None:
        return []
    snippet = " ".join(message.body.split())[:SNIPPET]
    return queue_notification(user_id, f"reply:{message.id}", "New reply",
                              f"Reply from {client.first_name}: {snippet}",
                              url=f"/clients/{client.id}#card-messages", tag=f"reply-{client.id}", now=now,
                              commit=False)
