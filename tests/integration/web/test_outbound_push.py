"""Push endpoints reach only the browsers' push services (services/outbound.py), and a device stays its owner's.

Found by the outside probe: any signed-in staff member could register `https://127.0.0.1:5299/...` (201), and
the worker connected to it on a test push and kept retrying; a user of another store who knew a device's
endpoint could re-register it and take its notifications.
"""

from __future__ import annotations

import socket

import pytest
from sqlalchemy import select

from jewelpwa.extensions import db
from jewelpwa.models import Notification, PushSubscription
from jewelpwa.services.push.delivery import deliver
from jewelpwa.services.push.messages import queue_test_push
from jewelpwa.services.push.vapid import init_keys

from ..conftest import Auth, make_user, new_client

KEYS = {"p256dh": "BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM",
        "auth": "tBHItJI5svbpez7KI4CCXg"}


def device_post(app, user, endpoint: str):
    init_keys(app.instance_path)
    browser = new_client(app)
    auth = Auth(browser)
    assert auth.login(user.email).status_code == 303
    token = auth.csrf("/me/devices")
    return browser.post("/me/devices", json={"subscription": {"endpoint": endpoint, "keys": KEYS}},
                        headers={"X-CSRFToken": token})


@pytest.mark.parametrize("endpoint", [
    "https://127.0.0.1:5299/push/1",       # the probe's: loopback, any port
    "https://127.0.0.1/push/1",
    "https://10.0.0.8/push/1",
    "https://[::1]/push/1",
    "https://169.254.169.254/latest/meta-data/",
    "http://fcm.googleapis.com/fcm/send/x",
    "https://internal.example/push",
    "https://localhost/push",
])
def test_a_push_endpoint_outside_the_push_services_is_refused_and_nothing_saved(app, endpoint):
    user = make_user()
    answer = device_post(app, user, endpoint)
    assert answer.status_code == 422, answer.get_data(as_text=True)
    assert "cannot be used" in answer.get_json()["errors"]["endpoint"]
    assert db.session.scalar(select(PushSubscription.id)) is None


def test_another_users_device_is_refused_not_moved_even_across_stores(app):
    owner_a = make_user(store="Store A")
    stranger = make_user(store="Store B")
    colleague = make_user(store="Store A")
    endpoint = "https://fcm.googleapis.com/fcm/send/device-of-a"
    db.session.add(PushSubscription(store_id=owner_a.store_id, user_id=owner_a.id, endpoint=endpoint,
                                    p256dh=KEYS["p256dh"], auth=KEYS["auth"], vapid_key_id="1", label="A's phone"))
    db.session.commit()
    for other in (stranger, colleague):
        answer = device_post(app, other, endpoint)
        assert answer.status_code == 422
        assert "another account" in answer.get_json()["errors"]["endpoint"]
    row = db.session.scalar(select(PushSubscription).where(PushSubscription.endpoint == endpoint))
    assert (row.user_id, row.store_id, row.label) == (owner_a.id, owner_a.store_id, "A's phone")


def test_a_saved_endpoint_that_points_inside_is_never_called_at_delivery(app):
    """A row saved before the guard (or an allow-list changed since): delivery refuses it without connecting."""
    init_keys(app.instance_path)
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.settimeout(0.5)
    port = listener.getsockname()[1]
    user = make_user()
    db.session.add(PushSubscription(store_id=user.store_id, user_id=user.id, endpoint=f"https://127.0.0.1:{port}/x",
                                    p256dh=KEYS["p256dh"], auth=KEYS["auth"], vapid_key_id="1"))
    db.session.commit()
    try:
        [notification_id] = queue_test_push(user)
        result = deliver(notification_id)
        with pytest.raises(TimeoutError):
            listener.accept()  # nobody connected
    finally:
        listener.close()
    assert result.outcome == "failed"
    row = db.session.get(Notification, notification_id)
    assert row.status == "failed" and row.last_error.startswith("refused:")
