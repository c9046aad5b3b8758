"""Delivery rules, in-process against the decrypting endpoint: backoff, giving up, quiet hours, key rotation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from datetime import time as dtime
from pathlib import Path

from sqlalchemy import delete

from jewelpwa.extensions import db
from jewelpwa.models import PushSubscription
from jewelpwa.services.push import delivery, outbox
from jewelpwa.services.push.vapid import init_keys, key_by_id

from .factories import make_user, notifications, subscribe


def test_a_5xx_is_retried_later_with_backoff_and_nothing_is_lost(app, endpoint):
    user = make_user()
    phone = endpoint.device("flaky")
    phone.script.append((503, {}))
    subscribe(user, phone)
    notification_id, = outbox.queue_notification(user.id, "k:503", "Test push", "Body", tag="t503")

    before = datetime.now(UTC)
    assert delivery.deliver(notification_id).outcome == "retry"
    row, = notifications()
    assert row.status == "pending" and row.attempts == 1 and "503" in row.last_error
    assert row.next_attempt_at >= before + timedelta(seconds=delivery.BACKOFF_BASE_S)
    assert delivery.deliver(notification_id).outcome == "skipped"  # not due yet: nobody may send it early

    assert delivery.deliver(notification_id, now=datetime.now(UTC) + timedelta(minutes=1)).outcome == "sent"
    assert [r.payload["tag"] for r in phone.accepted] == ["t503"]
    assert not endpoint.errors, endpoint.errors


def test_after_max_attempts_the_row_fails_and_stays_failed(app, endpoint):
    user = make_user()
    phone = endpoint.device("down")
    phone.script.extend([(500, {})] * delivery.MAX_ATTEMPTS)
    subscribe(user, phone)
    notification_id, = outbox.queue_notification(user.id, "k:down", "Test push", "Body")
    later = datetime.now(UTC)
    for _ in range(delivery.MAX_ATTEMPTS):
        later += timedelta(hours=2)
        outcome = delivery.deliver(notification_id, now=later).outcome
    assert outcome == "failed"
    assert [(r.status, r.attempts) for r in notifications()] == [("failed", delivery.MAX_ATTEMPTS)]
    assert outbox.pending_due(later + timedelta(hours=2)) == []


def test_quiet_hours_hold_the_push_until_they_end(app, endpoint):
    user = make_user(quiet_start=dtime(0, 0), quiet_end=dtime(23, 59))
    user.store.timezone = "UTC"
    db.session.commit()
    phone = endpoint.device("sleeping")
    subscribe(user, phone)
    now = datetime.now(UTC).replace(hour=12, minute=0)
    notification_id, = outbox.queue_notification(user.id, "k:quiet", "Test push", "Body", now=now)
    row, = notifications()
    assert row.next_attempt_at == now.replace(hour=23, minute=59, second=0, microsecond=0)
    assert delivery.deliver(notification_id, now=now + timedelta(hours=1)).outcome == "skipped"
    assert not phone.attempts


def test_after_rotation_old_devices_keep_their_key_and_new_ones_get_the_new_key(app, endpoint):
    user = make_user()
    old_phone, new_phone = endpoint.device("old"), endpoint.device("new")
    subscribe(user, old_phone)
    init_keys(app.instance_path, rotate=True)
    subscribe(user, new_phone)
    for notification_id in outbox.queue_notification(user.id, "k:rot", "Test push", "Body"):
        delivery.deliver(notification_id)
    assert old_phone.accepted[0].vapid_key == key_by_id(app.instance_path, "1").application_server_key
    assert new_phone.accepted[0].vapid_key == key_by_id(app.instance_path, "2").application_server_key
    assert not endpoint.errors, endpoint.errors


def test_a_row_whose_signing_key_is_gone_fails_at_its_claim_and_is_never_sent(app, endpoint):
    user = make_user()
    phone = endpoint.device("orphaned-key")
    subscribe(user, phone)
    notification_id, = outbox.queue_notification(user.id, "k:nokey", "Test push", "Body")
    (Path(app.instance_path) / "vapid" / "1.pem").unlink()

    assert delivery.deliver(notification_id).outcome == "failed"
    row, = notifications()
    assert (row.status, row.attempts) == ("failed", 1) and "VAPID key 1 is missing" in row.last_error
    assert not phone.attempts


def test_a_row_whose_device_row_vanished_is_dropped_at_its_claim(app, endpoint):
    user = make_user()
    phone = endpoint.device("vanished")
    device, = subscribe(user, phone)
    notification_id, = outbox.queue_notification(user.id, "k:gone", "Test push", "Body")
    db.session.execute(delete(PushSubscription).where(PushSubscription.id == device.id))  # not through devices.py
    db.session.commit()

    assert delivery.deliver(notification_id).outcome == "dropped"
    row, = notifications()
    assert (row.status, row.attempts, row.last_error) == ("dropped", 1, "device removed")
    assert not phone.attempts
