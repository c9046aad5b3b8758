"""The outbox: one row per notification and device, in the database (the truth), never only in Redis.

`queue_notification` writes one row per device of the user, unique on key + device, so two schedulers, a retried
job and a sweeper may all queue the same key and the device still gets one push. Quiet hours move a row's first
attempt to their end. `claimable` says which rows a worker may take now; `pending_due` is the sweeper's list of
them. Sending is delivery.py's job; deciding what is worth a push, messages.py's.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from datetime import time as dtime
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import ColumnElement, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from ...clock import utcnow
from ...extensions import db
from ...models import Notification, PushSubscription, User

DEFAULT_TTL_S = 4 * 3600
# A 'sending' claim older than this belongs to a worker that died mid-send (send timeout is 10 s).
CLAIM_STALE_S = 300
# After a long outage an hours-old "appointment in 2 hours" is noise: the sweeper drops what is older.
MAX_AGE_S = 24 * 3600
SWEEP_BATCH = 1000


def setting(name: str, default: float) -> float:
    """App config first, then the environment (workers get theirs from env), then the default."""
    value = current_app.config.get(name) or os.environ.get(name)
    return float(value) if value not in (None, "") else default


def quiet_until(start: dtime | None, end: dtime | None, timezone: str, now: datetime) -> datetime | None:
    """When quiet hours (store-local wall times) end, if `now` is inside them; None otherwise."""
    if start is None or end is None or start == end:
        return None
    local = now.astimezone(ZoneInfo(timezone))
    t = local.time().replace(tzinfo=None)
    inside = start <= t < end if start < end else (t >= start or t < end)
    if not inside:
        return None
    end_on = local.date() if t < end else local.date() + timedelta(days=1)
    wall = datetime.combine(end_on, end)
    return wall.replace(tzinfo=ZoneInfo(timezone)).astimezone(UTC)


def queue_notification(user_id: int, key: str, title: str, body: str, url: str = "/today",
                       tag: str | None = None, urgency: str = "normal", ttl: int = DEFAULT_TTL_S,
                       now: datetime | None = None, send_at: datetime | None = None,
                       commit: bool = True) -> list[int]:
    """One outbox row per device of the user; a key already queued for a device is left alone. Returns new ids.

    `send_at` queues a push ahead of its time (an appointment reminder made at booking): it waits until then,
    and its age for the sweeper's "too old" rule counts from then, not from the booking. With `commit=False`
    the caller queues more and commits once."""
    now = max(send_at, now or utcnow()) if send_at is not None else (now or utcnow())
    user = db.session.get(User, user_id)
    if user is None or not user.active:
        return []
    subs = list(db.session.scalars(select(PushSubscription.id).where(PushSubscription.user_id == user_id)))
    if not subs:
        return []
    later = quiet_until(user.quiet_start, user.quiet_end, user.store.timezone, now)
    rows = [{"store_id": user.store_id, "user_id": user_id, "subscription_id": sub_id, "key": key[:120],
             "title": title[:120], "body": body[:240], "url": url[:200], "tag": (tag or key)[:64],
             "urgency": urgency, "ttl": max(60, int(ttl)), "status": "pending", "attempts": 0,
             "next_attempt_at": later or now, "created_at": now} for sub_id in subs]
    dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
    # ON CONFLICT DO NOTHING: two schedulers, a retried job and a sweeper may all queue the same key.
    stmt = (dialect.insert(Notification).values(rows)
            .on_conflict_do_nothing(index_elements=["key", "subscription_id"]).returning(Notification.id))
    ids = list(db.session.scalars(stmt))
    if commit:
        db.session.commit()
    return ids


def claimable(now: datetime) -> ColumnElement[bool]:
    """Rows a worker may take now: pending and due, or 'sending' with a claim gone stale (its worker died)."""
    stale = now - timedelta(seconds=setting("PUSH_CLAIM_STALE_SECONDS", CLAIM_STALE_S))
    return or_((Notification.status == "pending") & (Notification.next_attempt_at <= now),
               (Notification.status == "sending") & (Notification.claimed_at < stale))


def pending_due(now: datetime | None = None, limit: int = SWEEP_BATCH) -> list[tuple[int, int]]:
    """The sweeper's work: (id, attempts) of claimable rows, after dropping those too old to be useful."""
    now = now or utcnow()
    too_old = now - timedelta(seconds=setting("PUSH_MAX_AGE_SECONDS", MAX_AGE_S))
    db.session.execute(update(Notification)
                       .where(Notification.status.in_(("pending", "sending")), Notification.created_at < too_old)
                       .values(status="dropped", last_error="too old to be useful"))
    db.session.commit()
    query = (select(Notification.id, Notification.attempts).where(claimable(now))
             .order_by(Notification.next_attempt_at, Notification.id).limit(limit))
    return [(row.id, row.attempts) for row in db.session.execute(query)]
