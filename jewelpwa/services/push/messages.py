"""What is worth a push: the morning digest, a high-priority follow-up falling due, the evening nudge, a test.

Each verb queues its rows in the outbox and commits once. Lock-screen text never holds a client's name, phone or
email: a phone left on the counter must not leak the book. The digest counts by kind, a due follow-up says
"A top-spending client", and a tap opens the card. Appointment reminders are appointment_reminders.py's.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date

from sqlalchemy import select

from ...clock import utcnow
from ...domain.locales import DEFAULT_LOCALE, StoreLocale
from ...domain.vocab import KIND_LABEL, Kind, Status, Tier
from ...extensions import db
from ...models import Client, FollowUp, PushSubscription, Store, User
from ..engine.day_lists import call_list
from .outbox import queue_notification

DIGEST_TTL_S = 4 * 3600  # a morning digest still undelivered by lunchtime is noise
NUDGE_TTL_S = 2 * 3600
DUE_PUSHES_PER_DAY = 3  # more than this is what the digest is for

_PLURAL = {
    Kind.ANNIVERSARY: ("anniversary", "anniversaries"), Kind.BIRTHDAY: ("birthday", "birthdays"),
    Kind.PARTNER_BIRTHDAY: ("partner's birthday", "partner birthdays"),
    Kind.FAMILY_DATE: ("family date", "family dates"), Kind.VALENTINES: ("Valentine's", "Valentine's"),
    Kind.MOTHERS_DAY: ("Mother's Day", "Mother's Day"), Kind.HOLIDAY_LIST: ("holiday call", "holiday calls"),
    Kind.STORE_EVENT: ("event invite", "event invites"), Kind.CHECK_IN: ("check-in", "check-ins"),
    Kind.CARE: ("care check", "care checks"), Kind.NEW_ARRIVALS: ("new-arrivals note", "new-arrivals notes"),
    Kind.PURCHASE_ANNIVERSARY: ("purchase anniversary", "purchase anniversaries"),
    Kind.RECONNECT: ("reconnect", "reconnects"), Kind.REFERRAL_THANKS: ("referral thanks", "referral thanks"),
    Kind.SERVICE: ("service call", "service calls"), Kind.CLEANING: ("cleaning offer", "cleaning offers"),
}


def subscribed_users(store_id: int) -> list[User]:
    ids = select(PushSubscription.user_id).where(PushSubscription.store_id == store_id)
    return list(db.session.scalars(select(User).where(User.store_id == store_id, User.active.is_(True),
                                                      User.id.in_(ids)).order_by(User.id)))


def digest_text(cards: Iterable) -> tuple[str, str] | None:
    """("12 clients today", "3 anniversaries, 2 care checks") — counts by kind, never a client's name."""
    cards = list(cards)
    if not cards:
        return None
    kinds = Counter(Kind(reason.kind) for card in cards for reason in card.reasons)
    parts = [f"{n} {_PLURAL[kind][0 if n == 1 else 1]}" for kind, n in kinds.most_common(3)]
    title = f"{len(cards)} client{'s' if len(cards) != 1 else ''} today"
    return title, ", ".join(parts) or "Open Today to start"


def queue_morning_digests(store_id: int, on: date) -> list[int]:
    """The morning digest for every subscribed staff member with a list today."""
    ids: list[int] = []
    for user in subscribed_users(store_id):
        text = digest_text(call_list(user, on).today)
        if text:
            ids += queue_notification(user.id, f"digest:{on.isoformat()}", text[0], text[1], "/today",
                                      tag=f"digest-{on.isoformat()}", ttl=DIGEST_TTL_S, commit=False)
    db.session.commit()
    return ids


def high_priority_due(store_id: int, on: date) -> list[tuple[FollowUp, str]]:
    """Open follow-ups due today that a jeweler would not want to miss: a milestone anniversary or a tier A
    client. Milestones first; the query stays small because due_on == today is a narrow slice."""
    picked = []
    for follow_up, tier in db.session.execute(
            select(FollowUp, Client.tier).join(Client, Client.id == FollowUp.client_id)
            .where(FollowUp.store_id == store_id, FollowUp.status == Status.OPEN, FollowUp.due_on == on,
                   FollowUp.assignee_id.is_not(None)).order_by(FollowUp.id)):
        milestone = bool((follow_up.detail or {}).get("milestone"))
        if milestone or tier == Tier.A:
            picked.append((0 if milestone else 1, follow_up, tier))
    return [(f, tier) for _, f, tier in sorted(picked, key=lambda p: p[0])]


def due_text(follow_up: FollowUp, tier: str | None = None, locale: StoreLocale = DEFAULT_LOCALE) -> tuple[str, str]:
    kind = Kind(follow_up.kind)
    detail = follow_up.detail or {}
    what = KIND_LABEL[kind]
    if kind is Kind.ANNIVERSARY and detail.get("years"):
        years = int(detail["years"])
        suffix = "th" if 10 <= years % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(years % 10, "th")
        what = f"{years}{suffix} anniversary"
    occasion = locale.day(follow_up.occasion_on, "month_day")
    who = "A top-spending client" if tier == Tier.A else "A client"
    return f"Due today: {what}", f"{who} · {what} {occasion}. Tap to open the card."


def queue_due_follow_ups(store_id: int, on: date) -> list[int]:
    """A push per high-priority follow-up falling due today, a few per person at most."""
    ids: list[int] = []
    subscribed = {u.id for u in subscribed_users(store_id)}
    sent: Counter[int] = Counter()
    locale = db.session.get_one(Store, store_id).locale_rules
    for follow_up, tier in high_priority_due(store_id, on):
        user_id = follow_up.assignee_id
        if user_id not in subscribed or sent[user_id] >= DUE_PUSHES_PER_DAY:
            continue
        sent[user_id] += 1
        title, body = due_text(follow_up, tier, locale)
        ids += queue_notification(user_id, f"due:{follow_up.id}:{on.isoformat()}", title, body,
                                  f"/clients/{follow_up.client_id}", tag=f"followup-{follow_up.id}",
                                  urgency="normal", ttl=8 * 3600, commit=False)
    db.session.commit()
    return ids


def queue_evening_nudges(store_id: int, on: date) -> list[int]:
    """Late afternoon, a nudge to whoever is behind their daily target and still has clients on Today."""
    ids: list[int] = []
    for user in subscribed_users(store_id):
        found = call_list(user, on)
        target, left = found.target, len(found.today)
        if target and found.done_count < target and left:
            ids += queue_notification(user.id, f"nudge:{on.isoformat()}", "Still time today",
                                      f"{found.done_count} of {target} done — {left} more on Today.", "/today",
                                      tag=f"nudge-{on.isoformat()}", urgency="low", ttl=NUDGE_TTL_S, commit=False)
    db.session.commit()
    return ids


def queue_test_push(user: User) -> list[int]:
    """A test notification to every device of mine (a new key each time, so each press sends one)."""
    stamp = utcnow().strftime("%H:%M:%S")
    return queue_notification(user.id, f"test:{utcnow().timestamp():.6f}", "JewelPWA test",
                              f"Notifications work on this device ({stamp}).", "/me/devices",
                              tag="test", urgency="normal", ttl=600)
