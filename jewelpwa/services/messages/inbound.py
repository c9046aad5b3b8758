"""Replies from clients, by text and by email. A reply is kept on the client's card, answers the message it replies
to (an outreach "replied") and pushes the client's associate: `attach_reply`, the one place that knows what a reply
does, whichever channel brought it. The SMS keywords change the text channel's consent, in the ledger.

Which client, by text. A store with a number of its own (`stores.sms_from`) is named by the reply's `To`: the
sender's number is looked up in that store's book only, and a keyword changes that book only (the provider stops
texts from that number alone). The other stores send from the one number the app is configured with
(`TWILIO_FROM`, or the messaging service's pool), so a `To` that is no store's names none: the sender's number
(`From`, E.164) is looked up in the book of every store without a number of its own (`clients.phone_digits`, the
E.164 digits). A keyword applies to every client with that number, in every
store: the provider itself stops texts from our number to theirs after STOP, so every book must say so. A reply is
attached to one of them: the one the app texted most recently, else the only client with that number. Otherwise
(no client has the number, or several do and none was ever texted) it is logged and not stored: a message row
belongs to a store, and there is none to give it.

Which client, by email. The email was sent with a Reply-To naming its store and the message itself
(services/messages/reply_to.py): a reply to that address attaches to that message's client. Without one (the
address was retyped, or the client wrote to the sending address), the sender's address is looked up as a number is.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from email.utils import getaddresses, parseaddr

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ...clock import utcnow
from ...domain.client_columns import phone_digits, phone_e164
from ...domain.email_replies import dsn_severity, reply_text
from ...domain.inputs import storable
from ...domain.messages import BODY_MAX, SUBJECT_MAX, keyword
from ...extensions import db
from ...models import Client, ConsentEvent, Message, Outreach, Store, User
from ..book.outreach import stage_outreach
from ..push.outbox import queue_notification
from .bounces import mark_bounced
from .reply_to import replied_to

SNIPPET = 60  # how much of the reply the associate's push shows
@dataclass(frozen=True)
class Received:
    """What one inbound text did: the row kept (None when unattached or a repeat), the keyword it was, the
    replied outreach recorded, and the push outbox rows to deliver."""

    message: Message | None
    keyword: str | None
    outreach: Outreach | None
    notifications: list[int]


def receive(form: Mapping[str, str], now: datetime | None = None) -> Received:
    """Take one inbound text (the provider's form: From, To, Body, MessageSid); commit once."""
    now = now or utcnow()
    sid = (form.get("MessageSid") or "")[:200]
    body = (form.get("Body") or "")[:BODY_MAX]
    sender = form.get("From") or ""
    if _seen("text", sid):
        return Received(None, None, None, [])  # the provider retried a webhook already taken
    clients = _clients_with(sender, _store_numbered(form.get("To") or ""))
    word = keyword(body)
    if word in ("stop", "start"):
        for each in clients:
            _consent(each, word, now)
    latest = _latest_sent(clients, "text")
    client = _one_of(clients, latest)
    if client is None:
        current_app.logger.warning("inbound text %s from a number matching %d clients: not attached", sid or "-",
                                   len(clients))
        db.session.commit()
        return Received(None, word, None, [])
    # A keyword is a consent change, not a conversation: kept on the card, but no touch and no push.
    return attach_reply(client, "text", body, sender, sid, latest, transport="twilio", conversation=word is None,
                        keyword_=word, now=now)


def receive_email(form: Mapping[str, str], now: datetime | None = None) -> Received:
    """Take one inbound email (Mailgun's parsed form: recipient, from, subject, body-plain, stripped-text,
    message-headers); commit once. A delivery status notification sent to a reply address is a bounce, not a reply."""
    now = now or utcnow()
    # Only the fields read here, cleaned of what cannot be stored (the edge's 422 does not apply to a provider).
    form = {k: storable(form.get(k) or "") for k in ("recipient", "sender", "from", "subject", "body-plain",
                                                     "stripped-text", "message-headers", "Message-Id", "token")}
    headers = _headers(form.get("message-headers"))
    message_id = (headers.get("message-id") or form.get("Message-Id") or form.get("token") or "").strip()[:200]
    if _seen("email", message_id):
        return Received(None, None, None, [])
    sender = parseaddr(form.get("from") or form.get("sender") or "")[1].strip().lower()[:254]
    recipients = ", ".join(a for _, a in getaddresses([form.get("recipient") or "", headers.get("to") or "",
                                                        headers.get("cc") or ""]))
    named = replied_to(current_app.config, recipients)
    answered = _sent_email(*named) if named else None
    plain = form.get("body-plain") or ""
    severity = dsn_severity(form.get("sender") or "", headers.get("content-type") or "", plain)
    if severity is not None:
        if severity == "permanent" and answered is not None:
            first = next((line.strip() for line in plain.splitlines() if line.strip()), "")
            mark_bounced(answered, f"Returned by the receiving server: {first or form.get('subject') or 'no reason'}",
                         permanent=True, now=now)
        db.session.commit()
        return Received(None, None, None, [])
    if answered is not None:
        client = db.session.get(Client, answered.client_id)
        client = client if client is not None and client.erased_at is None else None
    else:
        clients = _clients_with_email(sender)
        answered = _latest_sent(clients, "email")
        client = _one_of(clients, answered)
    if client is None:
        current_app.logger.warning("inbound email %s not attached: no client or message it answers", message_id or "-")
        return Received(None, None, None, [])
    body = reply_text(form.get("stripped-text") or plain, BODY_MAX) or "(an empty email)"
    subject = (form.get("subject") or "").strip()[:SUBJECT_MAX] or None
    return attach_reply(client, "email", body, sender, message_id, answered, transport="mailgun", subject=subject,
                        now=now)


def attach_reply(client: Client, channel: str, body: str, from_address: str, provider_id: str | None,
                 answered: Message | None, *, transport: str, now: datetime, subject: str | None = None,
                 conversation: bool = True, keyword_: str | None = None) -> Received:
    """Keep a client's reply on their card (one commit): it answers `answered` (the message it replies to: an
    outreach "replied", the first time) and pushes the client's associate. A second copy of the same provider
    message (two webhook deliveries racing) is refused by the unique index and changes nothing."""
    message = Message(store_id=client.store_id, client_id=client.id, user_id=None, channel=channel, direction="in",
                      kind="transactional", to_address=from_address[:254], subject=subject, body=body,
                      status="received", transport=transport, provider_id=provider_id or None, attempts=0,
                      next_try_at=now, created_at=now, sent_at=now)
    if answered is not None and answered.client_id != client.id:
        answered = None  # the latest message went to someone else with the number: this reply answers none of ours
    outreach, pushes = None, []
    try:
        if conversation:
            outreach = _mark_replied(client, channel, answered, now)
            message.outreach_id = outreach.id if outreach else None
        db.session.add(message)
        db.session.flush()
        if conversation:
            pushes = _push(client, message, answered, now)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return Received(None, keyword_, None, [])
    return Received(message, keyword_, outreach, pushes)


def _seen(channel: str, provider_id: str) -> bool:
    return bool(provider_id) and db.session.scalar(select(Message.id).where(
        Message.channel == channel, Message.provider_id == provider_id, Message.direction == "in")) is not None


def _headers(raw: str | None) -> dict[str, str]:
    """Mailgun's `message-headers`: a JSON list of [name, value] pairs, in order; the first of each name, by its
    lower-case name. Anything else reads as no headers."""
    try:
        pairs = json.loads(raw or "[]")
    except ValueError:
        return {}
    found: dict[str, str] = {}
    for pair in pairs if isinstance(pairs, list) else []:
        if isinstance(pair, list) and len(pair) == 2 and all(isinstance(v, str) for v in pair):
            found.setdefault(pair[0].lower(), pair[1])
    return found


def _sent_email(store_id: int, message_id: int) -> Message | None:
    return db.session.scalar(select(Message).where(Message.store_id == store_id, Message.id == message_id,
                                                   Message.channel == "email", Message.direction == "out"))


def _one_of(clients: list[Client], latest: Message | None) -> Client | None:
    """The client the store wrote to most recently, else the only one; None when that leaves it ambiguous."""
    chosen = next((c for c in clients if latest and c.id == latest.client_id), None)
    return chosen or (clients[0] if len(clients) == 1 else None)


def _store_numbered(to: str) -> int | None:
    """The store whose own sending number the text was sent to, if any."""
    number = phone_e164(to) if to else None
    return db.session.scalar(select(Store.id).where(Store.sms_from == number)) if number else None


def _clients_with(number: str, store_id: int | None = None) -> list[Client]:
    digits = phone_digits(number)
    if not digits:
        return []
    # That store's book, else the book of every store that sends from the shared number (a store with its own never
    # does): the composite (store_id, phone_digits) index serves an IN list of the stores.
    stores = [store_id] if store_id is not None else \
        list(db.session.scalars(select(Store.id).where(Store.sms_from.is_(None))))
    return list(db.session.scalars(select(Client).where(Client.store_id.in_(stores), Client.phone_digits == digits,
                                                        Client.erased_at.is_(None)).order_by(Client.id)))


def _clients_with_email(address: str) -> list[Client]:
    if "@" not in address:
        return []
    # Addresses are kept lower case (services/book/clients.py): the (store_id, email) index, every store.
    stores = list(db.session.scalars(select(Store.id)))
    return list(db.session.scalars(select(Client).where(Client.store_id.in_(stores), Client.email == address,
                                                        Client.erased_at.is_(None)).order_by(Client.id)))


def _latest_sent(clients: list[Client], channel: str) -> Message | None:
    """The newest message on `channel` the app sent (or is sending) to any of these clients."""
    if not clients:
        return None
    return db.session.scalar(select(Message).where(
        Message.store_id.in_({c.store_id for c in clients}), Message.client_id.in_([c.id for c in clients]),
        Message.channel == channel, Message.direction == "out", Message.status != "refused")
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


def _mark_replied(client: Client, channel: str, answered: Message | None, now: datetime) -> Outreach | None:
    """The first reply to a message from the app records an outreach "replied" on its channel: the engine's
    conversation outcome, so the client's follow-ups are completed and the reconnect clock restarts. The message's
    own outreach stays "voicemail" (a message left): rewriting it would not re-run the engine. Later replies to the
    same message add no touch. Logged for the associate who sent it, else the client's own associate."""
    if answered is None:
        return None
    replied = db.session.scalar(select(Message.id).where(
        Message.store_id == client.store_id, Message.client_id == client.id, Message.direction == "in",
        Message.channel == channel, Message.outreach_id.is_not(None),
        Message.created_at >= answered.created_at).limit(1))
    actor = _active(answered.user_id) or _active(client.assigned_to_id)
    if replied is not None or actor is None:
        return None
    what = "a text" if channel == "text" else "an email"
    return stage_outreach(actor, client.id, channel, "replied", note=f"Replied to {what} from the app",
                          now=now).outreach


def _push(client: Client, message: Message, latest: Message | None, now: datetime) -> list[int]:
    """Through the push outbox (its quiet hours, retries and one row per device), to the client's associate, or the
    one who sent the message answered when the client has none."""
    user_id = client.assigned_to_id or (latest.user_id if latest else None)
    if user_id is None:
        return []
    snippet = " ".join(message.body.split())[:SNIPPET]
    return queue_notification(user_id, f"reply:{message.id}", "New reply",
                              f"Reply from {client.first_name}: {snippet}",
                              url=f"/clients/{client.id}#card-messages", tag=f"reply-{client.id}", now=now,
                              commit=False)
