"""Heartbeats end to end: a real worker and scheduler beat in a real Redis; when the worker dies, /readyz names it
and the owner's morning huddle says since when (on the store's clock); the push queued meanwhile goes out when a
worker is back, and both say all is well again."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from jewelpwa import create_app
from jewelpwa.extensions import db
from jewelpwa.services.push import outbox
from jewelpwa.tasks import heartbeats
from tests.integration.conftest import PASSWORD, Auth, IsolatedClient

from .factories import make_user, notifications, subscribe
from .support import wait_for

pytestmark = pytest.mark.slow

STALE_S = 2


@pytest.fixture
def fast_beats(procs, monkeypatch):
    """Beats every 0.3 s, stale after 2 s, in the processes and in this test's app alike."""
    procs.env.update({"HEARTBEAT_SECONDS": "0.3", "HEARTBEAT_STALE_SECONDS": str(STALE_S)})
    monkeypatch.setenv("HEARTBEAT_STALE_SECONDS", str(STALE_S))
    return procs


def huddle_note(web) -> str | None:
    page = web.get("/owner/huddle?view=morning").get_data(as_text=True)
    found = re.search(r'<p class="error" role="alert" id="background-stopped"><span>(.*?)</span></p>', page, re.S)
    return re.sub(r"<[^>]+>", "", found.group(1)) if found else None


def test_a_dead_worker_shows_in_readyz_and_the_huddle_and_pushes_catch_up_when_it_returns(
        app, endpoint, fast_beats, redis_conn):
    procs = fast_beats
    owner = make_user(role="owner", name="Olive Owner")
    owner.store.timezone = "Asia/Tokyo"  # far from the machine's clock: the huddle must use the store's
    db.session.commit()
    phone = endpoint.device("owner-phone")
    subscribe(owner, phone)
    app.test_client_class = IsolatedClient
    web = app.test_client()
    web.environ_base["REMOTE_ADDR"] = "10.9.8.6"
    assert Auth(web).login(owner.email, PASSWORD).status_code in (302, 303)

    worker = procs.worker()
    procs.scheduler("--only", "sweep_outbox", "--every", "0.5")
    wait_for(lambda: web.get("/readyz").status_code == 200, 30, what="/readyz to say 200")
    assert web.get("/readyz").get_json()["checks"] == {"database": "ok", "redis": "ok", "worker": "ok",
                                                        "scheduler": "ok"}
    assert huddle_note(web) is None

    procs.kill(worker)  # a crash: no goodbye
    wait_for(lambda: web.get("/readyz").status_code == 503, 15, what="/readyz to notice the dead worker")
    answer = web.get("/readyz").get_json()
    assert answer["failed"] == ["worker"] and answer["checks"]["worker"].startswith("no heartbeat for "), answer
    last = heartbeats.last_beats(redis_conn)[heartbeats.WORKER]
    tokyo = datetime.fromtimestamp(last, UTC).astimezone(ZoneInfo("Asia/Tokyo")).strftime("%H:%M")
    assert huddle_note(web) == f"Background work stopped at {tokyo} — reminders and the day's plan are waiting."

    # Meanwhile a push is queued: the scheduler's sweeper puts it on the queue, nobody runs it.
    outbox.queue_notification(owner.id, "test:while-down", "Test push", "Sent once a worker is back.", tag="t-down")
    wait_for(lambda: redis_conn.llen("rq:queue:push") > 0, 10, what="the sweeper to enqueue the push")
    assert not phone.accepted and [r.status for r in notifications()] == ["pending"]

    procs.worker()
    wait_for(lambda: phone.accepted, 30, what="the push to go out once a worker is back")
    assert phone.accepted[0].payload["body"] == "Sent once a worker is back."
    wait_for(lambda: web.get("/readyz").status_code == 200, 15, what="/readyz to say 200 again")
    assert huddle_note(web) is None
    assert not endpoint.errors, endpoint.errors


def test_readyz_names_a_schema_behind_the_migrations(app, tmp_path):
    """A database nobody migrated answers, but the store cannot run on it: 503, and what to do."""
    fresh = create_app("testing", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'new.db'}",
                                   "REDIS_URL": app.config["REDIS_URL"]})
    answer = fresh.test_client().get("/readyz")
    assert answer.status_code == 503
    body = answer.get_json()
    assert "database" in body["failed"]
    assert body["checks"]["database"] == "migrations not at head (at none; run `jewelpwa db upgrade`)"
