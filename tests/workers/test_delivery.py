"""Delivery end to end: outbox rows in SQLite, jobs in a real Redis, a real worker process, and a push
endpoint that decrypts what it receives and verifies the VAPID signature."""

from __future__ import annotations

import time

import pytest
from rq import Queue

from jewelpwa.services.push import appointment_reminders, outbox
from jewelpwa.tasks import queues

from .factories import make_appointment, make_client, make_user, notifications, subscribe, subscription_count
from .support import wait_for

pytestmark = pytest.mark.slow

SWEEP_FAST = ("--only", "sweep_outbox", "--every", "0.5")


def test_gone_device_is_removed_and_the_other_device_still_gets_the_push(app, endpoint, procs, redis_conn):
    user = make_user()
    old, new = endpoint.device("old-phone"), endpoint.device("new-phone")
    old.script.append((410, {}))
    subscribe(user, old, new)

    ids = outbox.queue_notification(user.id, "test:gone", "Test push", "Notifications work.", "/today", tag="t-gone")
    queues.enqueue_deliveries(redis_conn, [(i, 0) for i in ids])
    procs.worker()

    wait_for(lambda: new.accepted, what="the new phone to receive the push")
    wait_for(lambda: subscription_count(user.id) == 1, what="the gone subscription to be removed")
    assert new.accepted[0].payload == {"title": "Test push", "body": "Notifications work.", "url": "/today",
                                       "tag": "t-gone"}
    assert [a[1] for a in old.attempts] == [(410, {})] and not old.accepted
    assert {r.subscription_id is None and r.status for r in notifications(status="dropped")} == {"dropped"}
    # Each row's answer is its own commit: the new phone's may land after the drop.
    wait_for(lambda: len(notifications(status="sent")) == 1, what="the new phone's push recorded as sent")
    assert not endpoint.errors, endpoint.errors


def test_429_is_retried_no_sooner_than_retry_after(app, endpoint, procs, redis_conn):
    user = make_user()
    phone = endpoint.device("busy-phone")
    phone.script.append((429, {"Retry-After": "2"}))
    subscribe(user, phone)

    ids = outbox.queue_notification(user.id, "test:busy", "Test push", "Second try.", tag="t-busy")
    queues.enqueue_deliveries(redis_conn, [(i, 0) for i in ids])
    procs.worker()
    procs.scheduler(*SWEEP_FAST)  # the sweeper is what picks the retry up when its time comes

    wait_for(lambda: phone.accepted, timeout=20, what="the retried push")
    (first, _), (second, _) = phone.attempts
    assert second - first >= 2.0, f"retried after {second - first:.2f} s"
    assert second - first < 15.0  # and not much later (the sweeper runs every 0.5 s here)
    # The phone accepts before the worker records it: wait for the worker's commit, not for the phone.
    wait_for(lambda: [r.status for r in notifications()] == ["sent"], what="the worker to record the push as sent")
    row, = notifications()
    assert (row.status, row.attempts) == ("sent", 2)
    assert not endpoint.errors, endpoint.errors


def test_reminder_killed_mid_send_is_delivered_once_per_device_after_restart(app, endpoint, procs, redis_conn):
    user = make_user()
    stuck, other = endpoint.device("stuck-phone"), endpoint.device("other-phone")
    stuck.script.append("hang")  # the push service takes the request and never answers
    subscribe(user, stuck, other)
    client_id = make_appointment(user, make_client(user), in_minutes=115).client_id

    worker = procs.worker()
    Queue(queues.PUSH, connection=redis_conn).enqueue("jewelpwa.tasks.jobs.appointment_reminders")
    # Sends run side by side: the other phone's push completes while the stuck one hangs. Kill only once
    # it is recorded, so what this test sees is the stuck send alone being cut off.
    wait_for(lambda: stuck.attempts and [r.status for r in notifications()] == ["sending", "sent"],
             what="the worker to be mid-send to the stuck phone, the other phone done")
    procs.kill(worker)
    endpoint.release.set()  # the hung request ends without an answer: it was never accepted

    procs.worker()
    procs.scheduler(*SWEEP_FAST)
    wait_for(lambda: stuck.accepted and other.accepted, timeout=30, what="both devices to get the reminder")
    time.sleep(3)  # more sweeps than the stale-claim window: nothing may arrive a second time

    assert len(stuck.accepted) == 1 and len(other.accepted) == 1
    assert len(stuck.attempts) == 2  # the killed send, and the one after the restart
    payload = stuck.accepted[0].payload
    assert payload == other.accepted[0].payload
    assert payload["title"].startswith("Appointment at ") and payload["url"] == f"/clients/{client_id}"
    assert payload["body"].startswith("Consultation in 1 h")
    assert "Ava" not in str(payload) and "555 0100" not in str(payload) and "@" not in str(payload)
    assert [r.status for r in notifications()] == ["sent", "sent"]
    assert not endpoint.errors, endpoint.errors


def test_after_flushall_the_sweeper_delivers_every_pending_reminder(app, endpoint, procs, redis_conn):
    phones = []
    for n in range(3):
        user = make_user(name=f"Associate {n}")
        phones.append(phone := endpoint.device(f"phone-{n}"))
        subscribe(user, phone)
        for minutes in (30, 60, 90, 110):
            make_appointment(user, make_client(user), in_minutes=minutes + n)
    ids = appointment_reminders.queue_appointment_reminders()
    assert len(ids) == 12
    queues.enqueue_deliveries(redis_conn, [(i, 0) for i in ids])
    assert Queue(queues.PUSH, connection=redis_conn).count == 1  # one batch job

    redis_conn.flushall()  # every queued job is gone; the outbox rows are not
    assert Queue(queues.PUSH, connection=redis_conn).count == 0

    procs.worker()
    procs.scheduler(*SWEEP_FAST)
    wait_for(lambda: sum(len(p.accepted) for p in phones) == 12, timeout=30, what="all 12 reminders")
    time.sleep(1.5)
    for phone in phones:
        tags = phone.accepted_tags()
        assert len(tags) == 4 and len(set(tags)) == 4, tags
    assert {r.status for r in notifications()} == {"sent"}
    assert not endpoint.errors, endpoint.errors
