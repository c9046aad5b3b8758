"""Twenty members of staff writing at once through a real gunicorn, two RQ workers planning days and sending
pushes, one SQLite file: nothing is locked out, nothing is lost, nothing is doubled.

Every write carries a marker of its own (a note, an email, a receipt number), so afterwards the database can be
asked, write by write, whether what the server acknowledged is there exactly once. Throughput and p95 are
printed (run with -s to see them), never asserted: the machine is shared.
"""

from __future__ import annotations

import itertools
import os
import threading
import time
import uuid
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import pytest
from rq import Queue
from rq.registry import FailedJobRegistry, StartedJobRegistry
from sqlalchemy import func, select

from jewelpwa.database import read_only
from jewelpwa.extensions import db
from jewelpwa.models import Client, Notification, Outreach, Purchase, PurchaseItem, Store
from jewelpwa.tasks import queues

from ..workers.support import wait_for
from .support import Staff, add_clients, percentile, seed_store, subscribe_device, timed

pytestmark = [pytest.mark.slow, pytest.mark.redis]

WRITERS = 20
SECONDS = float(os.environ.get("JEWELPWA_FAULT_SECONDS", "60"))
# What one associate does at the counter and on the phone, in turn; each writer starts at a different step.
STEPS = ("outreach", "client", "sale", "notes", "outreach", "push", "sale", "outreach")
ACK = {"outreach": 303, "client": 303, "sale": 303, "notes": 303, "push": 303}


class Writer(threading.Thread):
    """One signed-in associate writing as fast as the server answers until the deadline."""

    def __init__(self, n: int, staff: Staff, clients: list[int], notes_client: int, today: str, deadline: float):
        super().__init__(name=f"writer-{n}", daemon=True)
        self.n, self.staff, self.clients, self.notes_client = n, staff, clients, notes_client
        self.today, self.deadline = today, deadline
        self.done: list[tuple[str, str, int, float]] = []  # (step, marker, status, seconds)
        self.reads: list[tuple[str, int]] = []
        self.errors: list[str] = []

    def run(self) -> None:
        steps = itertools.islice(itertools.cycle(STEPS), self.n, None)
        for i in itertools.count():
            if time.monotonic() >= self.deadline:
                return
            step = next(steps)
            marker = f"w{self.n}-{i}-{uuid.uuid4().hex[:8]}"
            client = self.clients[i % len(self.clients)]
            try:
                answer, seconds = timed(self.write, step, marker, client)
                self.done.append((step, marker, answer.status_code, seconds))
                if i % 4 == 3:  # staff also read between writes: a card, as after a save
                    self.reads.append((f"/clients/{client}", self.staff.get(f"/clients/{client}").status_code))
            except Exception as e:  # noqa: BLE001 - a timeout or a dropped connection is a finding, kept
                self.errors.append(f"{step} {marker}: {type(e).__name__}: {e}")

    def write(self, step: str, marker: str, client: int):
        s = self.staff
        if step == "outreach":
            return s.post(f"/clients/{client}/outreach", {
                "channel": "call", "outcome": ("reached", "voicemail", "no_answer")[len(self.done) % 3],
                "note": f"fault {marker}", "idempotency_key": marker, "next": f"/clients/{client}"})
        if step == "client":
            return s.post("/clients/new", {"first_name": "Walk-in", "last_name": marker,
                                           "email": f"{marker}@walkins.test", "phone": ""})
        if step == "sale":
            return s.post(f"/clients/{client}/sales/new", {
                "purchased_on": self.today, "occasion": "self", "receipt_number": marker,
                "items-0-category": "ring", "items-0-price": "240.00", "items-0-description": marker})
        if step == "notes":
            return s.post(f"/clients/{self.notes_client}/notes", {"notes": f"Prefers rose gold. {marker}"})
        return s.post("/me/devices/test", {})


def count_by(column, markers: list[str], transform=lambda m: m) -> Counter:
    wanted = {transform(m): m for m in markers}
    found: Counter = Counter()
    for start in range(0, len(markers), 500):
        chunk = list(wanted)[start:start + 500]
        for value in db.session.scalars(select(column).where(column.in_(chunk))):
            found[wanted[value]] += 1
    return found


def fresh(statement):
    db.session.rollback()
    with read_only():
        return db.session.execute(statement).all()


def test_twenty_writers_and_two_workers_on_one_sqlite_file_lose_nothing_and_never_lock(
        app, endpoint, procs, web_server, redis_server):
    # Processes first: they import the app while the test seeds the store (the schema is already there).
    server = web_server(workers=4, threads=4, wait=False)  # docs/deploy.md's one-machine line
    procs.worker()
    procs.worker()
    seeded = seed_store(staff=WRITERS)
    own: dict[int, list[int]] = {}
    devices = {}
    for uid, _email in seeded.staff:
        own[uid] = add_clients(uid, 4, tag=f"u{uid}")
        devices[uid] = endpoint.device(f"phone-{uid}")
        subscribe_device(uid, devices[uid])
    db.session.rollback()

    server.wait()
    staff = {uid: Staff(server.url, email) for uid, email in seeded.staff}
    with ThreadPoolExecutor(8) as pool:  # the morning's sign-ins, side by side (each is a scrypt check)
        assert set(pool.map(lambda s: s.login().status_code, staff.values())) == {303}

    # The workers' share of the day: a planning run every 1.5 s (each plans two new days of the 400-client
    # book and rebuilds every associate's day list), and the test pushes the writers send.
    redis = redis_server.client
    planned: list[str] = []
    stop_planning = threading.Event()

    def plan() -> None:
        for k in itertools.count(1):
            on = (seeded.today + timedelta(days=2 * k)).isoformat()
            Queue(queues.DEFAULT, connection=redis).enqueue("jewelpwa.tasks.jobs.plan_store", seeded.store_id, on,
                                                            job_timeout=300)
            planned.append(on)
            if stop_planning.wait(1.5):
                return

    planner = threading.Thread(target=plan, daemon=True)
    deadline = time.monotonic() + SECONDS
    writers = [Writer(n, staff[uid], own[uid][1:], own[uid][0], seeded.today.isoformat(), deadline)
               for n, (uid, _) in enumerate(seeded.staff)]
    started = time.monotonic()
    planner.start()
    for w in writers:
        w.start()
    for w in writers:
        w.join(SECONDS + 120)
    elapsed = time.monotonic() - started
    stop_planning.set()
    planner.join(5)

    done = [d for w in writers for d in w.done]
    statuses = Counter(status for _, _, status, _ in done) + Counter(status for w in writers for _, status in w.reads)
    latencies = [seconds for _, _, _, seconds in done]
    acked = [(step, marker) for step, marker, status, _ in done if status == ACK[step]]
    print(f"\n{len(done)} writes by {WRITERS} writers in {elapsed:.1f} s: {len(acked) / elapsed:.1f} writes/s, "
          f"p50 {percentile(latencies, 50) * 1000:.0f} ms, p95 {percentile(latencies, 95) * 1000:.0f} ms, "
          f"max {max(latencies) * 1000:.0f} ms; by kind {dict(Counter(s for s, _, _, _ in done))}; "
          f"statuses {dict(statuses)}; {len(planned)} planning runs; "
          f"{sum(w.staff.resent for w in writers)} sent again after a kept-alive connection was closed unread")

    assert not [e for w in writers for e in w.errors], [e for w in writers for e in w.errors][:5]
    assert 500 not in statuses
    wrong = [(step, marker, status) for step, marker, status, _ in done if status != ACK[step]]
    assert not wrong, wrong[:5]  # every write was acknowledged as saved: no 422, no 400, no 5xx
    assert all(status == 200 for w in writers for _, status in w.reads)
    assert len(acked) >= WRITERS  # every writer got work done

    # The workers catch up: every test push accepted, every planning run finished.
    pushes = Counter(w.staff.email for w in writers for step, marker, status, _ in w.done if step == "push")
    by_email = {email: uid for uid, email in seeded.staff}
    expected = {by_email[email]: n for email, n in pushes.items()}
    wait_for(lambda: all(len(devices[uid].accepted) >= n for uid, n in expected.items()), timeout=60,
             what=f"{sum(expected.values())} test pushes to reach their phones")
    wait_for(lambda: Queue(queues.DEFAULT, connection=redis).count == 0
             and StartedJobRegistry(queues.DEFAULT, connection=redis).count == 0, timeout=60,
             what="the planning runs to finish")
    time.sleep(1)

    # Every acknowledged write is in the database exactly once.
    by_step = defaultdict(list)
    for step, marker in acked:
        by_step[step].append(marker)
    db.session.rollback()
    with read_only():
        outreach = count_by(Outreach.note, by_step["outreach"], lambda m: f"fault {m}")
        clients = count_by(Client.email, by_step["client"], lambda m: f"{m}@walkins.test")
        sales = count_by(Purchase.receipt_number, by_step["sale"])
        items = count_by(PurchaseItem.description, by_step["sale"])
        notes = {c.id: c.notes for c in db.session.scalars(select(Client).where(
            Client.id.in_([w.notes_client for w in writers])))}
        sent = dict(db.session.execute(select(Notification.user_id, func.count()).where(
            Notification.key.like("test:%"), Notification.status == "sent").group_by(Notification.user_id)).all())
        unsent = db.session.scalar(select(func.count()).select_from(Notification).where(Notification.status != "sent"))
        last_planned = db.session.scalar(select(Store.last_planned_on).where(Store.id == seeded.store_id))
    db.session.rollback()
    for step, found in (("outreach", outreach), ("client", clients), ("sale", sales), ("sale item", items)):
        markers = by_step["sale" if step == "sale item" else step]
        lost = [m for m in markers if found[m] == 0]
        doubled = [m for m in markers if found[m] > 1]
        assert not lost and not doubled, f"{step}: {len(lost)} lost {lost[:3]}, {len(doubled)} doubled {doubled[:3]}"
        assert sum(found.values()) == len(markers)
    for w in writers:  # notes replace the field: the last note a writer saw saved is the one kept
        last = [marker for step, marker, status, _ in w.done if step == "notes" and status == ACK["notes"]]
        if last:
            assert notes[w.notes_client] == f"Prefers rose gold. {last[-1]}"
    for uid, n in expected.items():  # once per press, once per phone
        assert len(devices[uid].accepted) == n and sent.get(uid) == n, (uid, n, len(devices[uid].accepted))
    assert unsent == 0 and not endpoint.errors, endpoint.errors[:3]
    assert last_planned is not None and last_planned.isoformat() == planned[-1]
    for name in queues.ALL:
        assert FailedJobRegistry(name, connection=redis).count == 0, f"a job failed on {name}"

    for s in staff.values():
        s.http.close()  # no idle keep-alive connection holds gunicorn's graceful stop
    logs = server.log() + "".join(Path(p.log_path).read_text(errors="replace") for p in procs.running)
    assert "database is locked" not in logs
    assert "unhandled error" not in logs and "Traceback" not in logs, logs[-3000:]
