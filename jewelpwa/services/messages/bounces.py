"""Bounces: an email the receiving server returned. Mailgun's signed event webhook ("failed" with severity
"permanent", "delivered") or a delivery status notification arriving at a reply address (services/messages/
inbound.py) marks the message `bounced` with the reason, shown on the card.

A hard (permanent) bounce condemns the address it went to: the client's `email_bounced_to`/`email_bounced_at`.
The next email to that same address is refused ("Email bounced on Jun 10, 2026: check the address.") until the
address on the card is edited; a temporary failure changes nothing (the provider tries again by itself).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select

from ...clock import utcnow
from ...extensions import db
from ...models import Client, Message

REASON_MAX = 500


def mark_bounced(message: Message, reason: str, *, permanent: bool, now: datetime) -> bool:
    """Mark one sent email bounced (staged, not committed); a permanent bounce condemns its address. False when
    the message is not one that could bounce (a refused or failed one, or one bounced already)."""
    if message.channel != "email" or message.direction != "out" or \
            message.status not in ("sending", "sent", "delivered"):
        return False
    message.status, message.reason = "bounced", reason[:REASON_MAX]
    client = db.session.get(Client, message.client_id)
    if permanent and client is not None and message.to_address:
        client.email_bounced_to, client.email_bounced_at = message.to_address.strip().lower(), now
    return True


def _part(data: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    """One object of the event, or an empty one when the provider sent something else."""
    value = data.get(name)
    return value if isinstance(value, dict) else {}


def _event_reason(data: Mapping[str, Any]) -> str:
    status = _part(data, "delivery-status")
    said = " ".join(str(status.get("description") or status.get("message") or "").split())
    code = status.get("code")
    return f"The address bounced{f' (SMTP {code})' if code else ''}: {said or data.get('reason') or 'no reason given'}"


def record_email_event(payload: Mapping[str, Any], now: datetime | None = None) -> int:
    """Apply one of Mailgun's events (the JSON body's `event-data`); commit once. Returns the messages changed:
    0 for an event about a message the app does not know, a temporary failure, or an event it does not use."""
    now = now or utcnow()
    data = payload.get("event-data")
    if not isinstance(data, dict):
        return 0
    headers = _part(_part(data, "message"), "headers")
    message_id = str(headers.get("message-id") or "").strip().strip("<>")
    event, severity = data.get("event"), data.get("severity")
    if not message_id or event not in ("delivered", "failed"):
        return 0
    # Stored as the Message-ID header was written (<id@domain>); Mailgun reports it without the brackets.
    message = db.session.scalar(select(Message).where(
        Message.provider_id.in_((f"<{message_id}>", message_id)), Message.channel == "email",
        Message.direction == "out").limit(1))
    changed = False
    if message is not None and event == "delivered" and message.status in ("sending", "sent"):
        message.status, changed = "delivered", True
    elif message is not None and event == "failed" and severity == "permanent":
        changed = mark_bounced(message, _event_reason(data), permanent=True, now=now)
    db.session.commit()
    return int(changed)
