"""A user's calendar feed: a secret ICS URL with their open follow-ups and booked appointments.

The token is 256 random bits shown once; only its SHA-256 is stored, so the link cannot be read back from
the database (a new link replaces the old one, which stops answering at once).
"""

from __future__ import annotations

import hashlib
import secrets
from collections import defaultdict
from datetime import date, datetime, timedelta

from sqlalchemy import select

from ...clock import store_today, utcnow
from ...domain import ics
from ...domain.client_columns import display_name
from ...domain.gate import suggest_channel
from ...domain.reasons import month_day, reason_text
from ...domain.vocab import AppointmentStatus, Channel, Kind
from ...extensions import db
from ...models import Appointment, AuditEvent, CalendarFeed, Client, FollowUp, User
from ..engine.gating import LIVE, prefs_of
from ..errors import NotFound

# A subscribed calendar re-reads the whole feed; keep it to what an associate plans with.
DAYS_AHEAD = 60
APPOINTMENT_DAYS_BACK = 14
MAX_FOLLOW_UPS = 1000
VERBS = {Channel.CALL: "Call", Channel.TEXT: "Text", Channel.EMAIL: "Email", Channel.MAIL: "Write to",
         Channel.VISIT: "See"}
APPOINTMENT_NAMES = {"consultation": "Consultation", "cleaning": "Cleaning", "repair_pickup": "Repair pickup",
                     "private_viewing": "Private viewing", "virtual": "Virtual appointment"}


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def feed_of(user: User) -> CalendarFeed | None:
    return db.session.scalar(select(CalendarFeed).where(CalendarFeed.user_id == user.id))


def make_feed(actor: User) -> str:
    """A new secret for the actor's feed (replacing any old one); returns the token, shown once."""
    token = secrets.token_urlsafe(32)
    feed = feed_of(actor)
    if feed is None:
        feed = CalendarFeed(store_id=actor.store_id, user_id=actor.id, token_hash=token_hash(token))
        db.session.add(feed)
        action = "calendar_feed_created"
    else:
        feed.token_hash = token_hash(token)
        feed.created_at = utcnow()
        action = "calendar_feed_rotated"
    db.session.add(AuditEvent(store_id=actor.store_id, user_id=actor.id, action=action, target=f"user:{actor.id}"))
    db.session.commit()
    return token


def turn_off(actor: User) -> bool:
    """Delete the actor's feed; its URL answers 404 from now on. False when there was none."""
    feed = feed_of(actor)
    if feed is None:
        return False
    db.session.delete(feed)
    db.session.add(AuditEvent(store_id=actor.store_id, user_id=actor.id, action="calendar_feed_off",
                              target=f"user:{actor.id}"))
    db.session.commit()
    return True


def user_for_token(token: str) -> User:
    """The active user whose feed this token opens; NotFound for a wrong, rotated or deactivated one."""
    if not token or len(token) > 100:
        raise NotFound("CalendarFeed")
    user = db.session.scalar(select(User).join(CalendarFeed, CalendarFeed.user_id == User.id)
                             .where(CalendarFeed.token_hash == token_hash(token)))
    if user is None or not user.active:
        raise NotFound("CalendarFeed")
    return user


def feed_text(token: str, now: datetime | None = None) -> str:
    """The ICS text of the feed this token opens."""
    now = now or utcnow()
    user = user_for_token(token)
    today = store_today(user.store, now)
    events: list[ics.AllDayEvent | ics.TimedEvent] = []
    events.extend(follow_up_events(user, today))
    events.extend(appointment_events(user, now))
    return ics.calendar(f"JewelPWA · {user.name}", events, now)


def follow_up_events(user: User, today: date) -> list[ics.AllDayEvent]:
    """One all-day event per client and day: the client's name and why, as on the Today card (no contact details)."""
    rows = db.session.execute(
        select(FollowUp.id, FollowUp.client_id, FollowUp.kind, FollowUp.show_on, FollowUp.due_on,
               FollowUp.expires_on, FollowUp.occasion_on, FollowUp.detail, Client.first_name, Client.last_name,
               Client.do_not_contact, Client.opted_out, Client.preferred_channel, Client.frequency, Client.phone,
               Client.email, Client.address_line1)
        .join(Client, Client.id == FollowUp.client_id)
        .where(FollowUp.store_id == user.store_id, FollowUp.assignee_id == user.id, FollowUp.status.in_(LIVE),
               FollowUp.expires_on >= today, FollowUp.show_on <= today + timedelta(days=DAYS_AHEAD),
               Client.erased_at.is_(None))
        .order_by(FollowUp.show_on, FollowUp.id).limit(MAX_FOLLOW_UPS)).all()
    by_card: dict[tuple[int, date], list] = defaultdict(list)
    for row in rows:
        # A follow-up left open past its show day is still to do: it sits on today, not in the past.
        by_card[(row.client_id, max(row.show_on, today))].append(row)
    events = []
    for (client_id, day), group in by_card.items():
        first = group[0]
        name = display_name(first.first_name, first.last_name)
        channel = suggest_channel(prefs_of(first))
        verb = VERBS.get(channel, "Contact") if channel else "Contact"
        lines = [reason_text(Kind(r.kind), r.occasion_on, day, r.detail or {}) for r in group]
        titles = [line.split(" · ")[0] for line in lines]
        description = list(lines)
        due = min(r.due_on for r in group)
        description.append(f"Due {month_day(due)} · last day {month_day(max(r.expires_on for r in group))}")
        description.extend(str(r.detail["message"]) for r in group if (r.detail or {}).get("message"))
        events.append(ics.AllDayEvent(
            uid=f"follow-up-{client_id}-{day:%Y%m%d}-{user.id}@jewelpwa", day=day,
            summary=f"{verb} {name} — {' + '.join(titles)}", description="\n".join(description)))
    return events


def appointment_events(user: User, now: datetime) -> list[ics.TimedEvent]:
    """The user's booked appointments from two weeks back: kind and client name, never the note."""
    rows = db.session.execute(
        select(Appointment.id, Appointment.kind, Appointment.starts_at, Appointment.duration_min,
               Client.first_name, Client.last_name)
        .join(Client, Client.id == Appointment.client_id)
        .where(Appointment.user_id == user.id, Appointment.store_id == user.store_id,
               Appointment.status == AppointmentStatus.BOOKED.value,
               Appointment.starts_at >= now - timedelta(days=APPOINTMENT_DAYS_BACK))
        .order_by(Appointment.starts_at).limit(MAX_FOLLOW_UPS))
    events = []
    for row in rows:
        starts = row.starts_at
        what = APPOINTMENT_NAMES.get(row.kind, row.kind.replace("_", " ").capitalize())
        events.append(ics.TimedEvent(
            uid=f"appointment-{row.id}@jewelpwa", starts_at=starts, ends_at=starts + timedelta(minutes=row.duration_min),
            summary=f"{what} — {display_name(row.first_name, row.last_name)}"))
    return events
