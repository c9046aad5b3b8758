"""Messages through a real RQ worker on a real Redis to a real SMTP server in the test process: each message is
sent once, also when the worker is killed with SIGKILL in the middle of a send."""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from rq import Queue
from sqlalchemy import select

from jewelpwa.domain.messages import AUTOMATIC_BY_KEY
from jewelpwa.extensions import db
from jewelpwa.models import Message, Purchase, PurchaseItem
from jewelpwa.services.messages.compose import send_message
from jewelpwa.services.messages.templates import update_template
from jewelpwa.tasks import queues
from tests.endpoints import SmtpServer

from .factories import make_client, make_user
from .support import wait_for

pytestmark = pytest.mark.slow

SWEEP_FAST = ("--only", "sweep_outbox", "--every", "0.5")


@pytest.fixture
def smtp(app, procs):
    server = SmtpServer()
    app.config["SMTP_URL"] = server.url
    procs.env["SMTP_URL"] = server.url
    yield server
    server.inbox.release.set()
    server.stop()


def store_user():
    user = make_user()
    user.store.postal_address = "12 Jewel Row, Springfield"
    db.session.commit()
    return user


def statuses() -> list[str]:
    db.session.rollback()
    return [m.status for m in db.session.scalars(select(Message).order_by(Message.id))]


def test_a_queued_email_is_sent_once_even_when_its_job_runs_twice(app, procs, redis_conn, smtp):
    user = store_user()
    client = make_client(user, first_name="Ava")
    message = send_message(user, client.id, "email", "Hi {first_name}, your ring is ready.", "Ready")
    # A second job for the same message (a sweeper racing the web's enqueue): the claim lets one send.
    Queue(queues.PUSH, connection=redis_conn).enqueue("jewelpwa.tasks.jobs.deliver_messages", [message.id])
    procs.worker()
    wait_for(lambda: statuses() == ["sent"], what="the email to be recorded as sent")
    time.sleep(1.5)
    assert len(smtp.messages) == 1
    assert smtp.messages[0].get_content().startswith("Hi Ava, your ring is ready.")


def test_a_worker_killed_mid_send_sends_the_email_once_after_restart(app, procs, redis_conn, smtp):
    user = store_user()
    client = make_client(user, first_name="Ava")
    smtp.inbox.hang_next = True  # the server takes the message and never answers
    worker = procs.worker()
    send_message(user, client.id, "email", "Hi {first_name}, see you Saturday.", "Saturday")
    wait_for(lambda: smtp.inbox.hanging.is_set() and statuses() == ["sending"], what="the worker to be mid-send")
    procs.kill(worker)
    smtp.inbox.release.set()  # the hung transaction ends with a refusal: that copy was never accepted

    procs.worker()
    procs.scheduler(*SWEEP_FAST)
    wait_for(lambda: smtp.messages and statuses() == ["sent"], timeout=30, what="the email sent after the restart")
    time.sleep(3)  # more sweeps than the stale-claim window: nothing may arrive a second time
    assert len(smtp.messages) == 1
    assert smtp.messages[0]["Subject"] == "Saturday"
    assert db.session.scalar(select(Message.attempts)) == 2


def test_automatic_thank_you_goes_once_with_two_schedulers_two_workers_and_a_duplicate_job(app, procs, redis_conn,
                                                                                            smtp):
    owner = make_user(role="owner", name="Maya Ortiz")
    owner.store.postal_address = "12 Jewel Row, Springfield"
    owner.store.morning_hour = 0  # due whatever the hour this test runs at
    db.session.commit()
    default = AUTOMATIC_BY_KEY["thank_you"].template
    update_template(owner, "thank_you", {"label": default.label, "body": default.body, "subject": default.subject,
                                         "enabled": "1", "delay_days": "1"})
    client = make_client(owner, first_name="Ava", preferred_channel="email")
    yesterday = datetime.now(ZoneInfo(owner.store.timezone)).date() - timedelta(days=1)
    purchase = Purchase(store_id=owner.store_id, client_id=client.id, associate_id=owner.id, purchased_on=yesterday,
                        total=Decimal("900"))
    purchase.items.append(PurchaseItem(store_id=owner.store_id, price=Decimal("900"), category="ring",
                                       description="emerald ring"))
    db.session.add(purchase)
    db.session.commit()
    # The same periodic job three ways at once: enqueued twice by hand, and by two schedulers.
    queue = Queue(queues.DEFAULT, connection=redis_conn)
    for _ in range(2):
        queue.enqueue("jewelpwa.tasks.jobs.automatic_messages")
    procs.worker()
    procs.worker()
    for _ in range(2):
        procs.scheduler("--only", "automatic_messages", "--only", "sweep_outbox", "--every", "0.5")
    wait_for(lambda: smtp.messages and statuses() == ["sent"], timeout=30, what="the thank-you to be sent")
    time.sleep(3)  # several more runs of the job: nothing may be queued or sent a second time
    assert statuses() == ["sent"] and len(smtp.messages) == 1
    assert smtp.messages[0].get_content().startswith("Hi Ava, thank you for choosing Gem Store. I hope you love your "
                                                     "emerald ring.")
    assert db.session.scalar(select(Message.auto_key)) == f"auto:thank_you:purchase:{purchase.id}"
