"""The providers' signed webhooks: the SMS provider's status callbacks (delivered or failed, for a message it
took), and the one check of the email provider's signature (its inbound email and its events).

Only a request signed with the account's auth token counts (Twilio's X-Twilio-Signature: HMAC-SHA1 of the URL it
called and its form fields; the `twilio` package's RequestValidator checks it). Mailgun signs inside the body: a
hex HMAC-SHA256 of `timestamp + token` with the domain's HTTP webhook signing key. A status only moves forward: a
late "sent" never turns a delivered message back.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from typing import cast

from sqlalchemy import CursorResult, update
from twilio.request_validator import RequestValidator

from ...extensions import db
from ...models import Message

_FINAL = {"delivered": "delivered", "undelivered": "failed", "failed": "failed"}


def valid_signature(auth_token: str | None, url: str, form: Mapping[str, str], signature: str | None) -> bool:
    if not auth_token or not signature:
        return False
    return bool(RequestValidator(auth_token).validate(url, dict(form), signature))


def valid_mailgun_signature(signing_key: str | None, timestamp: object, token: object, signature: object) -> bool:
    """Mailgun's webhook signature: hex HMAC-SHA256 of the timestamp followed by the token, with the signing key."""
    if not signing_key or not all(isinstance(v, str | int) and str(v) for v in (timestamp, token, signature)):
        return False
    expected = hmac.new(signing_key.encode(), f"{timestamp}{token}".encode(), hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, str(signature).lower())


def record_status(form: Mapping[str, str]) -> int:
    """Apply one callback; returns how many messages it changed (0 for an unknown id or a non-final status)."""
    status = _FINAL.get((form.get("MessageStatus") or "").lower())
    sid = form.get("MessageSid") or ""
    if status is None or not sid:
        return 0
    reason = None
    if status == "failed":
        code = form.get("ErrorCode") or ""
        reason = f"The provider could not deliver it{f' (error {code})' if code else ''}."
    changed = cast(CursorResult, db.session.execute(update(Message).where(
        Message.provider_id == sid[:200], Message.channel == "text",
        Message.status.in_(("sending", "sent"))).values(status=status, reason=reason))).rowcount
    db.session.commit()
    return int(changed or 0)
