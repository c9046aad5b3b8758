"""RQ job functions: each takes ids (or nothing), reloads what it needs, and calls one service.

A job runs in the worker's app (context.py). Every job is safe to run twice: the planner is idempotent and the
outbox is unique on (key, device), so a duplicate from two schedulers or a re-run after a crash changes nothing.
"""

from __future__ import annotations

import os
from collections import Counter
from datetime import date

from flask import current_app

from ..clock import utcnow
from ..services.engine.day_lists import build_day_lists
from ..services.engine.planner import catch_up
from ..services.messages.automatic import queue_due as queue_automatic
from ..services.messages.campaigns import campaigns_sending, send_batch
from ..services.messages.delivery import deliver_messages as send_messages
from ..services.messages.delivery import pending_due as messages_due
from ..services.push.appointment_reminders import queue_appointment_reminders
from ..services.push.delivery import deliver_many
from ..services.push.messages import queue_due_follow_ups, queue_evening_nudges, queue_morning_digests
from ..services.push.outbox import pending_due
from . import queues
from .context import app_context
from .due import store_ids, stores_for_digest, stores_for_evening, stores_to_plan


def _redis():  # noqa: ANN202 - a redis.Redis
    return queues.connect(current_app.config["REDIS_URL"])


def _dispatch(ids: list[int]) -> int:
    """Put freshly queued outbox rows on the push queue (the sweeper would find them anyway, later)."""
    return queues.enqueue_deliveries(_redis(), [(i, 0) for i in ids]) if ids else 0


# --- deliveries ---------------------------------------------------------------------------------------


def deliver_notifications(notification_ids: list[int]) -> dict[str, int]:
    """Send a batch of outbox rows, each to its own device. Returns outcome counts (kept as the job result)."""
    with app_context():
        return dict(Counter(d.outcome for d in deliver_many(notification_ids)))


def sweep_outbox() -> int:
    """Re-enqueue every row that is due (new, retry time reached) or whose sender died mid-send: pushes and
    messages to clients alike."""
    with app_context():
        redis = _redis()
        messages = queues.enqueue_deliveries(redis, messages_due(), queues.DELIVER_MESSAGES, "message")
        # A campaign still making its messages whose step was lost (a killed worker) goes on where it stopped.
        for campaign_id, rows in campaigns_sending():
            queues.enqueue_campaign(redis, campaign_id, rows)
        return queues.enqueue_deliveries(redis, pending_due()) + messages


def deliver_messages(message_ids: list[int]) -> dict[str, int]:
    """Send messages to clients, each claimed, sent and recorded on its own. Returns outcome counts."""
    with app_context():
        return dict(Counter(d.outcome for d in send_messages(message_ids)))


def send_campaign(campaign_id: int) -> dict[str, int]:
    """One batch of a campaign's messages (one commit), then the next batch on the queue until every
    recipient has theirs. Safe to run twice: a recipient's message is unique per campaign."""
    with app_context():
        batch = send_batch(campaign_id)
        if not batch.done and batch.made:
            queues.enqueue_campaign(_redis(), campaign_id, batch.rows)
        return {"made": batch.made, "going": batch.going, "rows": batch.rows, "done": int(batch.done)}
def automatic_messages() -> int:
    """Each store's automatic messages due today (thank-you, reminder, greetings), queued once and put on the
    delivery queue. Safe twice: each message is unique per store on its key, so a rerun or catch-up adds nothing."""
    with app_context():
        ids: list[int] = []
        for store_id in store_ids():
            ids += queue_automatic(store_id, utcnow())
        return queues.enqueue_deliveries(_redis(), [(i, 0) for i in ids], queues.DELIVER_MESSAGES, "message")


# --- planning and what follows it ---------------------------------------------------------------------


def plan_due_stores() -> int:
    """Enqueue a planning run for each store whose morning hour has passed and whose day is not planned."""
    with app_context():
        redis = _redis()
        return sum(queues.enqueue_once(redis, queues.DEFAULT, "jewelpwa.tasks.jobs.plan_store", f"plan-{sid}-{on}",
                                       sid, on.isoformat()) for sid, on in stores_to_plan(utcnow()))


def plan_store(store_id: int, on: str) -> int:
    """Plan every day the store has missed, up to and including `on` (catch-up after downtime)."""
    with app_context():
        days = len(catch_up(store_id, date.fromisoformat(on)))
        build_day_lists(store_id, date.fromisoformat(on))  # Today then reads its top rows, not the whole list
        return days


def morning_digests() -> int:
    """The morning digest for stores planned today, inside their digest hours."""
    with app_context():
        ids: list[int] = []
        for store_id, on in stores_for_digest(utcnow()):
            ids += queue_morning_digests(store_id, on)
            ids += queue_due_follow_ups(store_id, on)
        return _dispatch(ids)


def appointment_reminders() -> int:
    """Reminders for appointments starting within two hours."""
    with app_context():
        return _dispatch(queue_appointment_reminders())


def evening_nudges() -> int:
    """The evening nudge for whoever is behind target (only when PUSH_EVENING_NUDGE is not 0)."""
    with app_context():
        if str(current_app.config.get("PUSH_EVENING_NUDGE", os.environ.get("PUSH_EVENING_NUDGE", "1"))) == "0":
            return 0
        ids: list[int] = []
        for store_id, on in stores_for_evening(utcnow()):
            ids += queue_evening_nudges(store_id, on)
        return _dispatch(ids)
