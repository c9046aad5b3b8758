"""A staff member's devices: subscribe, unsubscribe, list, and which VAPID key and label each one has.

A device is a browser's push subscription (endpoint and encryption keys). Removing one drops the pushes still
waiting for it: nothing may be sent to a device its owner took off the list.
"""

from __future__ import annotations

import re

from flask import current_app
from sqlalchemy import delete, select, update

from ...extensions import db
from ...models import Notification, PushSubscription, User
from .. import outbound
from ..errors import Invalid, NotFound
from . import vapid

_B64URL = re.compile(r"^[A-Za-z0-9_-]+={0,2}$")


def _label_from_agent(agent: str | None) -> str:
    agent = agent or ""
    browser = next((name for token, name in (("Edg/", "Edge"), ("SamsungBrowser", "Samsung Internet"),
                                             ("Firefox", "Firefox"), ("CriOS", "Chrome"), ("Chrome", "Chrome"),
                                             ("Safari", "Safari")) if token in agent), "Browser")
    system = next((name for token, name in (("iPhone", "iPhone"), ("iPad", "iPad"), ("Android", "Android"),
                                            ("Mac OS X", "Mac"), ("Windows", "Windows"), ("Linux", "Linux"))
                   if token in agent), "")
    return f"{browser} on {system}" if system else browser


def subscribe(user: User, subscription: dict, label: str | None = None, user_agent: str | None = None,
              application_server_key: str | None = None) -> PushSubscription:
    """Save this device's push subscription (the same endpoint again just refreshes its keys)."""
    subscription = subscription if isinstance(subscription, dict) else {}
    endpoint = str(subscription.get("endpoint") or "")
    keys = subscription.get("keys")
    keys = keys if isinstance(keys, dict) else {}
    p256dh, auth = str(keys.get("p256dh") or ""), str(keys.get("auth") or "")
    if len(endpoint) > 1000:
        raise Invalid("Not a push subscription", {"endpoint": "The browser sent no usable push address."})
    row = db.session.scalar(select(PushSubscription).where(PushSubscription.endpoint == endpoint))
    if row is not None and row.user_id != user.id:
        # A device belongs to the account that enabled it. Moving it on request would let anyone who learnt an
        # endpoint (another store's staff too) take a colleague's notifications; the phone's next user signs
        # the old account out and removes the device under Me first.
        raise Invalid("Device already in use", {"endpoint": "This browser gets another account's notifications. "
                                                "Remove it under that account's devices first."})
    try:
        outbound.check_url(endpoint, outbound.push_destinations(current_app.config))
    except outbound.Refused as e:
        raise Invalid("Not a push subscription", {"endpoint": f"That push address cannot be used: {e}."}) from None
    if not (_B64URL.match(p256dh) and _B64URL.match(auth)) or len(p256dh) > 200 or len(auth) > 100:
        raise Invalid("Not a push subscription", {"keys": "The browser sent no usable encryption keys."})
    key_id = _key_id_for(application_server_key)
    if row is None:
        row = PushSubscription(store_id=user.store_id, user_id=user.id, endpoint=endpoint)
        db.session.add(row)
    row.p256dh, row.auth, row.vapid_key_id = p256dh, auth, key_id
    row.label = (label if isinstance(label, str) else "").strip()[:120] or row.label or _label_from_agent(user_agent)
    db.session.commit()
    return row


def _key_id_for(application_server_key: str | None) -> str:
    """Which of our VAPID keys the browser subscribed with; the newest when it does not say."""
    found = vapid.keys(current_app.instance_path)
    if not found:
        raise Invalid("Push is not set up", {"vapid": "Run `flask --app wsgi vapid init` on the server."})
    if application_server_key:
        wanted = application_server_key.rstrip("=")
        for key in found:
            if key.application_server_key == wanted:
                return key.key_id
    return found[-1].key_id


def unsubscribe(user: User, subscription_id: int) -> None:
    """Remove one of my devices; its pending pushes are dropped with it."""
    row = db.session.get(PushSubscription, subscription_id)
    if row is None or row.user_id != user.id:
        raise NotFound("PushSubscription")
    drop_subscription(row.id, "device removed")
    db.session.commit()


def list_devices(user: User) -> list[PushSubscription]:
    """This user's devices, newest first."""
    return list(db.session.scalars(select(PushSubscription).where(PushSubscription.user_id == user.id)
                                   .order_by(PushSubscription.created_at.desc(), PushSubscription.id.desc())))


def drop_subscription(subscription_id: int, why: str) -> None:
    """Delete a device and drop what it still had waiting; the caller commits."""
    db.session.execute(update(Notification)
                       .where(Notification.subscription_id == subscription_id,
                              Notification.status.in_(("pending", "sending")))
                       .values(status="dropped", last_error=why))
    db.session.execute(delete(PushSubscription).where(PushSubscription.id == subscription_id))
