"""Push reminders for a booked appointment, queued in the outbox when it is booked or moved.

Two reminders to the appointment's associate: about two hours ahead, and on the morning of the day (the
store's morning hour) when the appointment is far enough into the day that the two would not crowd each
other. They are outbox rows with a future `next_attempt_at`, so the sweeper sends them on time and a worker
outage only delays them. The key names the appointment and its start, so moving it queues new rows and
`drop_reminders` removes the pending ones. The periodic `appointment_reminders` job
(`queue_appointment_reminders`) remains the safety net: it queues the two-hour reminder with the same key for a
device added after booking. Lock-screen text never names the client.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, cast
from zoneinfo import ZoneInfo

from sqlalchemy import CursorResult, delete, select, update

from ...clock import utcnow
from ...domain.vocab import AppointmentStatus
from ...extensions import db
from ...models import Appointment, Notification, Store
from .outbox import queue_notification

REMINDER_AHEAD = timedelta(hours=2)
# The morning reminder only when the appointment is at least this long after the store's morning hour.
MORNING_GAP = timedelta(hours=3)
KIND_WORDS = {"consultation": "Consultation", "cleaning": "Cleaning", "repair_pickup": "Repair pickup",
              "private_viewing": "Private viewing", "virtual": "Virtual appointment"}


def reminder_key(appt: Appointment) -> str:
    """The key the push job also uses for the two-hour reminder: one row per device, never two."""
    return f"appt:{appt.id}:{appt.starts_at.strftime('%Y%m%dT%H%M')}"


def reminder_times(starts_at: datetime, timezone: str, morning_hour: int) -> dict[str, datetime]:
    """When each reminder goes out (UTC): "ahead" two hours before, "morning" at the store's morning hour."""
    local = starts_at.astimezone(ZoneInfo(timezone))
    times = {"ahead": starts_at - REMINDER_AHEAD}
    morning = local.replace(hour=morning_hour, minute=0, second=0, microsecond=0)
    if local - morning >= MORNING_GAP:
        times["morning"] = morning.astimezone(UTC)
    return times


def _soon(minutes: int) -> str:
    return f"in {minutes // 60} h {minutes % 60:02d} min" if minutes >= 60 else f"in {minutes} min"


def queue_reminders(appt: Appointment, now: datetime | None = None) -> list[int]:
    """Queue the appointment's reminders that are still ahead of `now`; the caller commits (with the booking)."""
    now = now or utcnow()
    if appt.user_id is None or appt.status != "booked":
        return []
    store = db.session.get_one(Store, appt.store_id)
    starts = appt.starts_at
    local = starts.astimezone(ZoneInfo(store.timezone))
    what = KIND_WORDS.get(appt.kind, "Appointment")
    key = reminder_key(appt)
    ids: list[int] = []
    for name, send_at in reminder_times(starts, store.timezone, store.morning_hour).items():
        if send_at <= now and name == "morning":
            continue
        if starts <= now:
            break
        send_at = max(send_at, now)
        if name == "ahead":
            minutes = max(1, round((starts - send_at).total_seconds() / 60))
            title, body, row_key = f"Appointment at {local.strftime('%-I:%M %p')}", f"{what} {_soon(minutes)}.", key
        else:
            title, body, row_key = "Appointment today", f"{what} at {local.strftime('%-I:%M %p')}.", f"{key}:morning"
        ids += queue_notification(appt.user_id, row_key, title, body, f"/clients/{appt.client_id}",
                                  tag=f"appt-{appt.id}", urgency="high",
                                  ttl=int(max(60, (starts - send_at).total_seconds())), now=now, send_at=send_at,
                                  commit=False)
    return ids


def drop_reminders(appt: Appointment, why: str) -> int:
    """Drop the appointment's pending reminders (cancelled, moved, closed); the caller commits."""
    result = db.session.execute(
        update(Notification)
        .where(Notification.store_id == appt.store_id, Notification.key.like(f"appt:{appt.id}:%"),
               Notification.status == "pending")
        .values(status="dropped", last_error=why),
        execution_options={"synchronize_session": False})
    return cast(CursorResult[Any], result).rowcount or 0


def replace_reminders(appt: Appointment, old_key: str, now: datetime | None = None) -> list[int]:
    """After an edit, the reminders as the appointment now stands; the caller commits.

    A new start drops the old start's pending rows (kept, with why). At the same start the new rows take the same
    key on the same devices, where the dropped rows would block them for good (the outbox is unique on key and
    device), so the pending rows are deleted and queued again with the new text, associate or kind.
    """
    if reminder_key(appt) != old_key:
        drop_reminders(appt, "appointment moved")
    else:
        db.session.execute(delete(Notification).where(
            Notification.store_id == appt.store_id, Notification.key.like(f"appt:{appt.id}:%"),
            Notification.status == "pending"), execution_options={"synchronize_session": False})
    return queue_reminders(appt, now)


def queue_appointment_reminders(now: datetime | None = None) -> list[int]:
    """A reminder to the appointment's associate about two hours ahead (rescheduling makes a new one)."""
    now = now or utcnow()
    ids: list[int] = []
    rows = db.session.scalars(select(Appointment).where(
        Appointment.status == AppointmentStatus.BOOKED, Appointment.user_id.is_not(None),
        Appointment.starts_at > now, Appointment.starts_at <= now + REMINDER_AHEAD).order_by(Appointment.starts_at))
    for appt in list(rows):
        starts = appt.starts_at
        store = db.session.get_one(Store, appt.store_id)
        local = starts.astimezone(ZoneInfo(store.timezone))
        minutes = max(1, round((starts - now).total_seconds() / 60))
        kind = appt.kind.replace("_", " ")
        ids += queue_notification(
            cast(int, appt.user_id), reminder_key(appt),  # the query asks for appointments with an associate
            f"Appointment at {local.strftime('%-I:%M %p')}", f"{kind.capitalize()} {_soon(minutes)}.",
            f"/clients/{appt.client_id}", tag=f"appt-{appt.id}", urgency="high",
            ttl=int(max(60, (starts - now).total_seconds())), now=now, commit=False)
    db.session.commit()
    return ids
