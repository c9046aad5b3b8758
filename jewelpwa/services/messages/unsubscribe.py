"""Unsubscribe links: a signed per-client token, and the opt-out it records in the consent ledger.

The token names the client and the channel and is signed with the app's secret (itsdangerous), so a link cannot be
made for someone else by changing a number; it does not expire (an email read a year later must still work).
"""

from __future__ import annotations

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from ...extensions import db
from ...models import Client, ConsentEvent

_SALT = "jewelpwa.unsubscribe"


def _signer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def unsubscribe_token(client_id: int, channel: str) -> str:
    return _signer().dumps([client_id, channel])


def read_token(token: str) -> tuple[Client, str] | None:
    """The client and channel a token names, or None when it is forged, mangled or the client is gone."""
    try:
        client_id, channel = _signer().loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    client = db.session.get(Client, int(client_id))
    if client is None or client.erased_at is not None or channel not in ("email", "text"):
        return None
    return client, channel


def unsubscribe(token: str) -> tuple[Client, str] | None:
    """Record the opt-out (once: a second click changes nothing) with source "link" in the consent ledger."""
    found = read_token(token)
    if found is None:
        return None
    client, channel = found
    if channel not in (client.opted_out or []):
        client.opted_out = [*(client.opted_out or []), channel]
        db.session.add(ConsentEvent(store_id=client.store_id, client_id=client.id, user_id=None, channel=channel,
                                    what="opt_out", value="link"))
    db.session.commit()
    return client, channel
