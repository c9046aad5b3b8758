"""Redis goes away: restarted mid-delivery, stopped while the shop is open, frozen. The database is the truth
(docs/workers.md), so nothing may be lost or sent twice, and the web must keep answering at once
(docs/deploy.md: sign-in limits fall back to each process's memory)."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from rq import Queue
from sqlalchemy import func, select

from jewelpwa.clock import store_now
from jewelpwa.database import read_only
from jewelpwa.extensions import db
from jewelpwa.models import Appointment, Notification, Outreach, Purchase, Store
from jewelpwa.services.push import outbox
from jewelpwa.tasks import queues

from ..workers.support import wait_for
from .support import PASSWORD, Staff, add_clients, seed_store, subscribe_device, timed

pytestmark = [pytest.mark.slow, pytest.mark.redis]

SWEEP = ("--only", "sweep_outbox", "--only", "plan_due_stores", "--every", "0.5")
QUICK_S = 5.0  # far below the 30 s a browser or a proxy gives up after; a healthy request here takes < 1 s


def rows(**where) -> list[Notification]:
    db.session.rollback()
    with read_only():
        found = list(db.session.scalars(select(Notification).filter_by(**where).order_by(Notification.id)))
        for row in found:
            db.session.expunge(row)
        db.session.rollback()
    return found


def scalar(statement):
    db.session.rollback()
    with read_only():
        value = db.session.scalar(statement)
        db.session.rollback()
    return value


def assert_exactly_once(devices, keys_per_device: int) -> None:
    for device in devices:
        titles = [r.payload["body"] for r in device.accepted]
        assert len(titles) == keys_per_device and len(set(titles)) == keys_per_device, \
            (device.name, len(titles), len(set(titles)))


def test_redis_restart_mid_day_loses_no_push_and_no_planned_day_and_sends_nothing_twice(
        app, endpoint, procs, redis_server):
    seeded = seed_store(staff=4, clients=200)
    store = db.session.get(Store, seeded.store_id)
    store.morning_hour = 0  # today is due for planning whatever time the test runs
    db.session.commit()
    devices = []
    for uid, _ in seeded.staff:
        for n in range(2):
            devices.append(device := endpoint.device(f"phone-{uid}-{n}"))
            # The first answers are "try again in 1 s", as a busy push service says: some rows are waiting
            # for a retry, not on any queue, when Redis goes.
            device.script.extend([(503, {"Retry-After": "1"})] * 4)
            subscribe_device(uid, device)
    ids = []
    for uid, _ in seeded.staff:
        for k in range(30):
            ids += outbox.queue_notification(uid, f"fault:{k}", "Follow-ups", f"Reminder {k}", "/today", tag=f"f{k}")
    total = len(ids)
    assert total == 4 * 2 * 30
    redis = redis_server.client
    queues.enqueue_deliveries(redis, [(i, 0) for i in ids])
    # The day's plan waits behind the pushes on the default queue: it is still queued when Redis goes.
    Queue(queues.DEFAULT, connection=redis).enqueue("jewelpwa.tasks.jobs.plan_store", seeded.store_id,
                                                    seeded.today.isoformat())

    workers = [procs.worker(), procs.worker()]
    scheduler = procs.scheduler(*SWEEP)
    wait_for(lambda: sum(len(d.accepted) for d in devices) >= 10, interval=0.01, what="the first pushes")
    redis_server.stop()  # SIGTERM; no persistence: it comes back empty
    at_stop = sum(len(d.accepted) for d in devices)
    assert at_stop < total, "every push went out before Redis stopped: nothing was tested"
    time.sleep(2)  # workers and scheduler meet a dead Redis for a while
    redis_server.start()  # same port, empty

    wait_for(lambda: sum(len(d.accepted) for d in devices) >= total, timeout=45,
             what=f"all {total} pushes after the restart ({at_stop} were out when Redis stopped)")
    wait_for(lambda: scalar(select(Store.last_planned_on).where(Store.id == seeded.store_id)) == seeded.today,
             timeout=30, what="today's plan, whose job Redis lost")
    time.sleep(3)  # longer than a stale claim plus several sweeps: nothing may arrive a second time
    print(f"\n{at_stop} of {total} pushes out when Redis stopped; the rest after it came back empty")

    assert_exactly_once(devices, 30)
    assert {r.status for r in rows()} == {"sent"} and not endpoint.errors, endpoint.errors[:3]
    assert all(p.poll() is None for p in [*workers, scheduler]), "a worker or the scheduler died with Redis"


def test_web_keeps_serving_while_redis_hangs_or_is_down_and_its_pushes_go_out_once_redis_is_back(
        app, endpoint, procs, web_server, redis_server):
    seeded = seed_store(staff=1, clients=50)
    uid, email = seeded.staff[0]
    phone = endpoint.device("phone")
    subscribe_device(uid, phone)
    client_id = add_clients(uid, 1, "down")[0]
    store = db.session.get(Store, seeded.store_id)
    soon = (store_now(store) + timedelta(minutes=70)).replace(second=0, microsecond=0)
    db.session.rollback()
    server = web_server(workers=1, threads=4)  # one process: its memory holds the whole sign-in limit
    staff = Staff(server.url, email, timeout=30)
    took = {}

    # Frozen (SIGSTOP): the kernel still accepts connections and nothing ever answers. Without socket
    # timeouts this is worse than a dead Redis: sign-in (the login limiter) and a test push waited for ever.
    redis_server.freeze()
    answer, took["sign in (frozen)"] = timed(staff.login)
    assert answer.status_code == 303
    answer, took["test push (frozen)"] = timed(staff.post, "/me/devices/test", {})
    assert answer.status_code == 303

    redis_server.stop()  # now REDIS_URL points at a port where nothing listens
    steps = {
        "today": lambda: staff.get("/today"),
        "card": lambda: staff.get(f"/clients/{client_id}"),
        "outcome": lambda: staff.post(f"/clients/{client_id}/outreach", {
            "channel": "call", "outcome": "reached", "note": "redis-down call", "next": f"/clients/{client_id}"}),
        "sale": lambda: staff.post(f"/clients/{client_id}/sales/new", {
            "purchased_on": seeded.today.isoformat(), "occasion": "self", "receipt_number": "REDIS-DOWN-1",
            "items-0-category": "ring", "items-0-price": "980.00"}),
        # Booked for 70 min from now: its two-hour reminder is due at once, an outbox row for the sweeper.
        "appointment": lambda: staff.post(f"/clients/{client_id}/appointments/new", {
            "kind": "consultation", "on": soon.date().isoformat(), "at": soon.strftime("%H:%M"),
            "duration_min": "30"}),
        "test push": lambda: staff.post("/me/devices/test", {}),  # enqueues straight away: Redis refuses
    }
    for name, call in steps.items():
        answer, took[name] = timed(call)
        assert answer.status_code in (200, 303), (name, answer.status_code, answer.text[:300])
    print("\nwith Redis frozen, then down: " + ", ".join(f"{k} {v * 1000:.0f} ms" for k, v in took.items()))
    assert max(took.values()) < QUICK_S, took

    assert scalar(select(func.count()).select_from(Outreach).where(Outreach.note == "redis-down call")) == 1
    assert scalar(select(func.count()).select_from(Purchase).where(Purchase.receipt_number == "REDIS-DOWN-1")) == 1
    assert scalar(select(func.count()).select_from(Appointment).where(Appointment.client_id == client_id)) == 1
    waiting = rows()
    assert len(waiting) == 3 and {r.status for r in waiting} == {"pending"}  # two test pushes, the reminder

    # Sign-in is still throttled, in this process's memory: ten wrong passwords, then even the right one waits.
    stranger = Staff(server.url, email, timeout=30)
    token = stranger.csrf("/login")
    for n in range(10):
        answer, seconds = timed(stranger.post, "/login", {"email": email, "password": "wrong"}, token=token)
        assert answer.status_code == 401 and seconds < QUICK_S, (n, answer.status_code, seconds)
    assert stranger.post("/login", {"email": email, "password": PASSWORD}, token=token).status_code == 429

    redis_server.start()  # back on the same port, empty: the outbox rows are all there is
    procs.worker()
    procs.scheduler(*SWEEP)
    wait_for(lambda: len(phone.accepted) >= 3, timeout=30, what="the reminder and the two test pushes")
    time.sleep(2)  # several sweeps more: nothing may come twice
    bodies = sorted(r.payload["body"] for r in phone.accepted)
    assert len(bodies) == 3 and bodies[0].startswith("Consultation in 1 h"), bodies
    assert all(b.startswith("Notifications work") for b in bodies[1:])
    assert {r.status for r in rows()} == {"sent"} and not endpoint.errors
