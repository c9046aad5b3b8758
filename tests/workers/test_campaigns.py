"""A sending campaign through a real RQ worker on a real Redis to a real SMTP server in the test process: each
recipient gets exactly one email, also when the worker is killed with SIGKILL in the middle of the campaign."""

from __future__ import annotations

import time
from collections import Counter

import pytest
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from jewelpwa.extensions import db
from jewelpwa.models import Campaign, Message, Segment
from jewelpwa.services.messages.campaigns import draft_campaign, queue_campaign, start_sending
from tests.endpoints import SmtpServer

from .factories import make_client, make_user
from .support import wait_for

pytestmark = pytest.mark.slow

SWEEP_FAST = ("--only", "sweep_outbox", "--every", "0.5")
RECIPIENTS = 5


@pytest.fixture
def smtp(app, procs):
    server = SmtpServer()
    app.config["SMTP_URL"] = server.url
    procs.env["SMTP_URL"] = server.url
    yield server
    server.inbox.release.set()
    server.stop()


def rows() -> list[Message]:
    db.session.rollback()
    return list(db.session.scalars(select(Message).where(Message.campaign_id.is_not(None)).order_by(Message.id)))


def test_a_worker_killed_mid_campaign_sends_each_recipient_one_email_after_restart(app, procs, redis_conn, smtp):
    owner = make_user(role="owner", name="Maya Ortiz")
    owner.store.postal_address = "12 Jewel Row, Springfield"
    db.session.commit()
    for n in range(RECIPIENTS):
        make_client(owner, first_name=f"Client{n}", tags=["spring"])
    segment = Segment(store_id=owner.store_id, name="Spring", filter={"tags": "spring"}, created_by_id=owner.id)
    db.session.add(segment)
    db.session.commit()
    campaign = draft_campaign(owner, segment.id, MultiDict({"name": "Sapphire week", "send_channel": "email",
                                                            "subject": "For {first_name}",
                                                            "body": "Hi {first_name}, sapphires are in."}),
                              owner.store.created_at.date())
    start_sending(owner, campaign.id, str(RECIPIENTS), "600", base_url="http://jewel.test/")
    campaign_id = campaign.id

    # Two recipients a batch: the worker makes the first two rows, delivers the first (the push queue comes
    # before the next batch on the default queue) and hangs in the SMTP transaction; it dies there.
    procs.env["CAMPAIGN_SEND_BATCH"] = "2"
    smtp.inbox.hang_next = True
    worker = procs.worker()
    queue_campaign(campaign_id)
    wait_for(lambda: smtp.inbox.hanging.is_set() and any(m.status == "sending" for m in rows()),
             what="the worker to be mid-campaign, mid-send")
    made_before_kill = len(rows())
    procs.kill(worker)
    smtp.inbox.release.set()  # the hung transaction ends with a refusal: that copy was never accepted
    assert made_before_kill < RECIPIENTS, "the campaign was not interrupted in the middle"
    # And Redis loses its queues too (the database is the source of truth): the next batch's job is gone, so
    # only the sweeper can carry the campaign on.
    redis_conn.flushall()

    procs.worker()
    procs.scheduler(*SWEEP_FAST)
    wait_for(lambda: len(rows()) == RECIPIENTS and all(m.status == "sent" for m in rows()), timeout=40,
             what="every recipient's email sent after the restart")
    time.sleep(3)  # more sweeps than the marker and stale-claim windows: nothing may be made or sent twice
    assert len(rows()) == RECIPIENTS
    received = Counter(m["To"] for m in smtp.messages)
    assert sorted(received.values()) == [1] * RECIPIENTS
    assert set(received) == {m.to_address for m in rows()}
    db.session.rollback()
    assert db.session.get(Campaign, campaign_id).send_state == "sent"
