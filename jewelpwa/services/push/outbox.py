"""Web push: staff devices, the notification outbox, and delivery with pywebpush.

The database is the source of truth. `queue_notification` writes one outbox row per device (unique on
key + subscription, so queuing twice is harmless); `deliver` claims a row, commits, and only then talks
to the push service, so a worker killed mid-send leaves a 'sending' row that the sweeper re-claims
once it is stale. Redis only carries hints ("deliver row 42 now"); losing it loses nothing.

The second half of the module decides what is worth a push: the morning digest, a high-priority
follow-up falling due, an appointment two hours ahead, the evening nudge. Lock-screen text never
holds a client's name, phone or email: a phone left on the counter must not leak the book.
"""

from __future__ import annotations

import json
import os
import re
import time
import urllib.request
from collections import Counter
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime
from email.utils import parsedate_to_datetime
from functools import lru_cache
from hashlib import sha1
from pathlib import Path
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

import requests
import requests.adapters
from flask import current_app
from py_vapid import Vapid
from pywebpush import WebPushException, webpush
from sqlalchemy import delete, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from ...clock import utcnow
from ...domain.vocab import KIND_LABEL, AppointmentStatus, Kind, Status, Tier
from ...extensions import db
from ...models import Appointment, Client, FollowUp, Notification, PushSubscription, Store, User
from ..engine.day_lists import call_list
from ..errors import Invalid, NotFound
from . import vapid

# --- settings -----------------------------------------------------------------------------------------

MAX_ATTEMPTS = 8
BACKOFF_BASE_S = 30
BACKOFF_CAP_S = 3600
SEND_TIMEOUT_S = 10
SEND_CONCURRENCY = 16  # sends in flight per worker process
DEFAULT_TTL_S = 4 * 3600
# A 'sending' claim older than this belongs to a worker that died mid-send (send timeout is 10 s).
CLAIM_STALE_S = 300
# After a long outage an hours-old "appointment in 2 hours" is noise: the sweeper drops what is older.
MAX_AGE_S = 24 * 3600
SWEEP_BATCH = 1000
TOPIC_MAX = 32


def setting(name: str, default: float) -> float:
    """App config first, then the environment (workers get theirs from env), then the default."""
    value = current_app.config.get(name) or os.environ.get(name)
    return float(value) if value not in (None, "") else default


# --- devices ------------------------------------------------------------------------------------------

_B64URL = re.compile(r"^[A-Za-z0-9_-]+={0,2}$")


def _label_from_agent(agent: str | None) -> str:
    agent = agent or ""
    browser = next((name for token, name in (("Edg/", "Edge"), ("SamsungBrowser", "Samsung Internet"),
                                             ("Firefox", "Firefox"), ("CriOS", "Chrome"), ("Chrome", "Chrome"),
                                             ("Safari", "Safari")) if token in agent), "Browser")
    system = next((name for token, name in (("iPhone", "iPhone"), ("iPad", "iPad"), ("Android", "Android"),
                                            ("Mac OS X", "Mac"), ("Windows", "Windows"), ("Linux", "Linux"))
                   if token in agent), "")
    return f"{browser} on {system}" if system else browser


def subscribe(user: User, subscription: dict, label: str | None = None, user_agent: str | None = None,
              application_server_key: str | None = None) -> PushSubscription:
    """Save this device's push subscription (the same endpoint again just refreshes its keys)."""
    endpoint = str((subscription or {}).get("endpoint") or "")
    keys = (subscription or {}).get("keys") or {}
    p256dh, auth = str(keys.get("p256dh") or ""), str(keys.get("auth") or "")
    parsed = urlparse(endpoint)
    allow_http = bool(current_app.config.get("PUSH_ALLOW_HTTP_ENDPOINTS") or current_app.testing)
    if parsed.scheme not in (("https", "http") if allow_http else ("https",)) or not parsed.netloc:
        raise Invalid("Not a push subscription", {"endpoint": "The browser sent no usable push address."})
    if not (_B64URL.match(p256dh) and _B64URL.match(auth)) or len(endpoint) > 1000:
        raise Invalid("Not a push subscription", {"keys": "The browser sent no usable encryption keys."})
    key_id = _key_id_for(application_server_key)
    row = db.session.scalar(select(PushSubscription).where(PushSubscription.endpoint == endpoint))
    if row is not None and row.user_id != user.id:
        # The phone changed hands: the old owner's device row (and its queued pushes) go with it.
        _drop_subscription(row.id, "device moved to another user")
        row = None
    if row is None:
        row = PushSubscription(store_id=user.store_id, user_id=user.id, endpoint=endpoint)
        db.session.add(row)
    row.p256dh, row.auth, row.vapid_key_id = p256dh, auth, key_id
    row.label = (label or "").strip()[:120] or row.label or _label_from_agent(user_agent)
    db.session.commit()
    return row


def _key_id_for(application_server_key: str | None) -> str:
    """Which of our VAPID keys the browser subscribed with; the newest when it does not say."""
    found = vapid.keys(current_app.instance_path)
    if not found:
        raise Invalid("Push is not set up", {"vapid": "Run `flask --app wsgi vapid init` on the server."})
    if application_server_key:
        wanted = application_server_key.rstrip("=")
        for key in found:
            if key.application_server_key == wanted:
                return key.key_id
    return found[-1].key_id


def unsubscribe(user: User, subscription_id: int) -> None:
    """Remove one of my devices; its pending pushes are dropped with it."""
    row = db.session.get(PushSubscription, subscription_id)
    if row is None or row.user_id != user.id:
        raise NotFound("PushSubscription")
    _drop_subscription(row.id, "device removed")
    db.session.commit()


def list_devices(user: User) -> list[PushSubscription]:
    """This user's devices, newest first."""
    return list(db.session.scalars(select(PushSubscription).where(PushSubscription.user_id == user.id)
                                   .order_by(PushSubscription.created_at.desc(), PushSubscription.id.desc())))


def _drop_subscription(subscription_id: int, why: str) -> None:
    db.session.execute(update(Notification)
                       .where(Notification.subscription_id == subscription_id,
                              Notification.status.in_(("pending", "sending")))
                       .values(status="dropped", last_error=why))
    db.session.execute(delete(PushSubscription).where(PushSubscription.id == subscription_id))


# --- the outbox ---------------------------------------------------------------------------------------


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


def topic_for(tag: str) -> str:
    """The Topic header: at most 32 URL-safe characters; a repeat with the same topic replaces the undelivered one."""
    clean = re.sub(r"[^A-Za-z0-9_-]", "-", tag)
    if len(clean) <= TOPIC_MAX:
        return clean
    return clean[:TOPIC_MAX - 11] + "-" + sha1(tag.encode()).hexdigest()[:10]


def queue_notification(user_id: int, key: str, title: str, body: str, url: str = "/today",
                       tag: str | None = None, urgency: str = "normal", ttl: int = DEFAULT_TTL_S,
                       now: datetime | None = None, send_at: datetime | None = None) -> list[int]:
    """One outbox row per device of the user; a key already queued for a device is left alone. Returns new ids.

    `send_at` queues a push ahead of its time (an appointment reminder made at booking): it waits until then,
    and its age for the sweeper's "too old" rule counts from then, not from the booking."""
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
    db.session.commit()
    return ids


def pending_due(now: datetime | None = None, limit: int = SWEEP_BATCH) -> list[tuple[int, int]]:
    """The sweeper's work: (id, attempts) of rows due now, and of 'sending' rows whose claim went stale."""
    now = now or utcnow()
    stale = now - timedelta(seconds=setting("PUSH_CLAIM_STALE_SECONDS", CLAIM_STALE_S))
    too_old = now - timedelta(seconds=setting("PUSH_MAX_AGE_SECONDS", MAX_AGE_S))
    db.session.execute(update(Notification)
                       .where(Notification.status.in_(("pending", "sending")), Notification.created_at < too_old)
                       .values(status="dropped", last_error="too old to be useful"))
    db.session.commit()
    query = (select(Notification.id, Notification.attempts)
             .where(or_((Notification.status == "pending") & (Notification.next_attempt_at <= now),
                        (Notification.status == "sending") & (Notification.claimed_at < stale)))
             .order_by(Notification.next_attempt_at, Notification.id).limit(limit))
    return [(row.id, row.attempts) for row in db.session.execute(query)]


# --- delivery -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Delivery:
    notification_id: int
    outcome: str  # sent, retry, failed, gone, dropped, skipped, postponed
    status_code: int | None = None


@dataclass(frozen=True)
class _Claimed:
    """What one send needs, read with the claim: the row, its device, and the key that signs for it."""

    id: int
    attempts: int
    title: str
    body: str
    url: str
    tag: str
    urgency: str
    ttl: int
    subscription_id: int | None
    endpoint: str | None
    p256dh: str | None
    auth: str | None
    vapid_key_id: str | None
    last_success_at: datetime | None


_session: requests.Session | None = None


def _http() -> requests.Session:
    # One keep-alive session per worker process: a push service is one TLS handshake, not one per push.
    # Proxies are read from the environment once, not on every request (that lookup cost more than the push).
    global _session
    if _session is None:
        _session = requests.Session()
        adapter = requests.adapters.HTTPAdapter(pool_connections=64, pool_maxsize=SEND_CONCURRENCY)
        _session.mount("https://", adapter)
        _session.mount("http://", adapter)
        _session.trust_env = False
        _session.proxies = urllib.request.getproxies()
        _session.verify = os.environ.get("REQUESTS_CA_BUNDLE") or True
    return _session


@lru_cache(maxsize=32)
def _signer(pem_path: str, _mtime: float) -> Vapid:
    """A parsed VAPID key per PEM file (a key file never changes under its number; rotation adds a file)."""
    return Vapid.from_file(pem_path)


def _signer_for(key_id: str) -> Vapid | None:
    path = Path(current_app.instance_path) / "vapid" / f"{int(key_id)}.pem"
    try:
        return _signer(str(path), path.stat().st_mtime)
    except FileNotFoundError:
        return None


def _run(statement):
    """Core execution on the session's connection: the send path skips the ORM's bookkeeping (it held one
    worker well under 200 pushes a second); the transaction is still the session's."""
    return db.session.connection().execute(statement)


_CLAIM_COLUMNS = (Notification.id, Notification.attempts, Notification.title, Notification.body, Notification.url,
                  Notification.tag, Notification.urgency, Notification.ttl, Notification.subscription_id,
                  PushSubscription.endpoint, PushSubscription.p256dh, PushSubscription.auth,
                  PushSubscription.vapid_key_id, PushSubscription.last_success_at)


def _claimable(now: datetime):
    stale = now - timedelta(seconds=setting("PUSH_CLAIM_STALE_SECONDS", CLAIM_STALE_S))
    return or_((Notification.status == "pending") & (Notification.next_attempt_at <= now),
               (Notification.status == "sending") & (Notification.claimed_at < stale))


def _claim_all(notification_ids: list[int], now: datetime) -> tuple[list[_Claimed], list[Delivery]]:
    """pending (or stale sending) → sending for each row, committed before anything leaves the building.

    One transaction for the batch; each row's UPDATE re-checks that it is still claimable, so of two
    workers racing for a row exactly one sees rowcount 1 (SQLite serialises writers; PostgreSQL re-checks
    the WHERE after the other's commit). Rows inside their user's quiet hours move to its end instead.
    """
    found = _run(
        select(*_CLAIM_COLUMNS, User.quiet_start, User.quiet_end, Store.timezone)
        .join(User, User.id == Notification.user_id).join(Store, Store.id == Notification.store_id)
        .outerjoin(PushSubscription, PushSubscription.id == Notification.subscription_id)
        .where(Notification.id.in_(notification_ids), _claimable(now))).all()
    by_id = {row.id: row for row in found}
    claimed: list[_Claimed] = []
    others: list[Delivery] = []
    for notification_id in notification_ids:
        row = by_id.pop(notification_id, None)
        if row is None:  # sent already, claimed by a live worker, not due yet, or gone
            others.append(Delivery(notification_id, "skipped"))
            continue
        later = quiet_until(row.quiet_start, row.quiet_end, row.timezone, now)
        if later is not None:
            _run(update(Notification).where(Notification.id == notification_id, _claimable(now))
                 .values(status="pending", next_attempt_at=later, claimed_at=None))
            others.append(Delivery(notification_id, "postponed"))
            continue
        won = _run(update(Notification).where(Notification.id == notification_id, _claimable(now))
                   .values(status="sending", claimed_at=now, attempts=Notification.attempts + 1)).rowcount
        if won != 1:  # another worker got there between our read and our write
            others.append(Delivery(notification_id, "skipped"))
            continue
        values = {name: getattr(row, name) for name in _Claimed.__dataclass_fields__}
        claimed.append(_Claimed(**{**values, "attempts": row.attempts + 1}))
    db.session.commit()
    return claimed, others


def payload_for(row) -> str:
    """What the service worker gets: small, and nothing a lock screen should not show."""
    return json.dumps({"title": row.title, "body": row.body, "url": row.url, "tag": row.tag},
                      separators=(",", ":"))


def retry_after_seconds(value: str | None, now: datetime) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:  # an HTTP date in "-0000" (UTC, the zone unknown to the sender) parses naive
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


def backoff_seconds(attempts: int) -> float:
    return float(min(BACKOFF_CAP_S, BACKOFF_BASE_S * 2 ** max(0, attempts - 1)))


def deliver(notification_id: int, now: datetime | None = None) -> Delivery:
    """Claim one outbox row, commit, send it to the device's push service, record what happened."""
    return deliver_many([notification_id], now)[0]


@dataclass(frozen=True)
class _Sent:
    code: int | None  # None: no answer (timeout, refused, reset)
    retry_after: str | None = None
    error: str | None = None


def _send(row: _Claimed, signer: Vapid, subject: str) -> _Sent:
    """Encrypt, sign and POST one push. Runs on a pool thread: HTTP and crypto only, no database."""
    origin = "{0.scheme}://{0.netloc}".format(urlparse(row.endpoint))
    claims = {"sub": subject, "aud": origin, "exp": int(time.time()) + 12 * 3600}  # a fresh dict per send
    try:
        response = webpush({"endpoint": row.endpoint, "keys": {"p256dh": row.p256dh, "auth": row.auth}},
                           data=payload_for(row), vapid_private_key=signer, vapid_claims=claims, ttl=row.ttl,
                           timeout=SEND_TIMEOUT_S, requests_session=_http(),
                           headers={"Urgency": row.urgency, "Topic": topic_for(row.tag)})
    except WebPushException as e:
        response = e.response
        if response is None:
            return _Sent(None, error=str(e))
        return _Sent(response.status_code, response.headers.get("Retry-After"), f"{response.status_code}: {e}")
    except requests.RequestException as e:  # timeout, refused, reset: the push service may be fine later
        return _Sent(None, error=f"{type(e).__name__}: {e}")
    except Exception as e:  # noqa: BLE001 - a bad key on one device must not sink the batch
        return _Sent(0, error=f"{type(e).__name__}: {e}")
    return _Sent(response.status_code)


_pool: ThreadPoolExecutor | None = None


def _executor() -> ThreadPoolExecutor:
    # Sends wait on the network (a real push service is 50-200 ms away), so a worker keeps several in flight.
    global _pool
    if _pool is None:
        _pool = ThreadPoolExecutor(max_workers=SEND_CONCURRENCY, thread_name_prefix="push-send")
    return _pool


def deliver_many(notification_ids: Iterable[int], now: datetime | None = None) -> list[Delivery]:
    """Claim each row (committed), send the claimed ones concurrently, record each result as it comes.

    Every row stands alone: one device's failure, slowness or bad key never holds up another's.
    """
    now = now or utcnow()
    ids = list(dict.fromkeys(notification_ids))
    try:
        claimed, results = _claim_all(ids, now)
    except Exception as e:  # noqa: BLE001 - logged; the sweeper comes back for these rows
        db.session.rollback()
        current_app.logger.exception("push: could not claim %s", ids)
        return [Delivery(i, f"error: {type(e).__name__}") for i in ids]
    ready: list[tuple[_Claimed, Vapid]] = []
    for row in claimed:
        if row.endpoint is None:
            results.append(_finish(row, "dropped", "device removed"))
        elif (signer := _signer_for(row.vapid_key_id)) is None:
            results.append(_finish(row, "failed", f"VAPID key {row.vapid_key_id} is missing from instance/vapid/"))
        else:
            ready.append((row, signer))
    subject = current_app.config.get("VAPID_SUBJECT") or "mailto:owner@jewelpwa.invalid"
    _http()  # made here, once, not raced for by the pool threads
    futures = {_executor().submit(_send, row, signer, subject): row for row, signer in ready}
    for future in as_completed(futures):
        results.append(_record(futures[future], future.result()))
    return results


def _record(row: _Claimed, sent: _Sent) -> Delivery:
    code = sent.code
    if code in (200, 201, 202):
        sent_at = utcnow()
        _run(update(Notification).where(Notification.id == row.id)
             .values(status="sent", sent_at=sent_at, last_error=None))
        if row.last_success_at is None or row.last_success_at < sent_at - timedelta(minutes=10):
            _run(update(PushSubscription).where(PushSubscription.id == row.subscription_id)
                 .values(last_success_at=sent_at))
        db.session.commit()
        return Delivery(row.id, "sent", code)
    if code in (404, 410):
        # The browser unsubscribed or the subscription expired: the device is gone for good.
        _drop_subscription(row.subscription_id, f"{code}: subscription gone")
        db.session.commit()
        return Delivery(row.id, "gone", code)
    if code is None or code == 429 or code >= 500:
        return _retry(row, retry_after_seconds(sent.retry_after, utcnow()), sent.error or "", code)
    return _finish(row, "failed", sent.error or f"HTTP {code}", code)


def _retry(row: _Claimed, wait: float | None, error: str, code: int | None = None) -> Delivery:
    if row.attempts >= MAX_ATTEMPTS:
        return _finish(row, "failed", f"gave up after {row.attempts} attempts: {error}", code)
    later = utcnow() + timedelta(seconds=wait if wait is not None else backoff_seconds(row.attempts))
    _run(update(Notification).where(Notification.id == row.id)
                       .values(status="pending", claimed_at=None, next_attempt_at=later, last_error=error[:500]))
    db.session.commit()
    return Delivery(row.id, "retry", code)


def _finish(row: _Claimed, status: str, error: str, code: int | None = None) -> Delivery:
    _run(update(Notification).where(Notification.id == row.id)
                       .values(status=status, last_error=error[:500]))
    db.session.commit()
    return Delivery(row.id, status, code)


# --- what is worth a push -----------------------------------------------------------------------------

DIGEST_TTL_S = 4 * 3600  # a morning digest still undelivered by lunchtime is noise
NUDGE_TTL_S = 2 * 3600
DUE_PUSHES_PER_DAY = 3  # more than this is what the digest is for
REMINDER_AHEAD = timedelta(hours=2)

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


def store_local(store: Store, now: datetime) -> datetime:
    return now.astimezone(ZoneInfo(store.timezone))


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
                                      tag=f"digest-{on.isoformat()}", ttl=DIGEST_TTL_S)
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


def due_text(follow_up: FollowUp, tier: str | None = None) -> tuple[str, str]:
    kind = Kind(follow_up.kind)
    detail = follow_up.detail or {}
    what = KIND_LABEL[kind]
    if kind is Kind.ANNIVERSARY and detail.get("years"):
        years = int(detail["years"])
        suffix = "th" if 10 <= years % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(years % 10, "th")
        what = f"{years}{suffix} anniversary"
    occasion = follow_up.occasion_on.strftime("%b %-d")
    who = "A tier A client" if tier == Tier.A else "A client"
    return f"Due today: {what}", f"{who} · {what} {occasion}. Tap to open the card."


def queue_due_follow_ups(store_id: int, on: date) -> list[int]:
    """A push per high-priority follow-up falling due today, a few per person at most."""
    ids: list[int] = []
    subscribed = {u.id for u in subscribed_users(store_id)}
    sent: Counter[int] = Counter()
    for follow_up, tier in high_priority_due(store_id, on):
        user_id = follow_up.assignee_id
        if user_id not in subscribed or sent[user_id] >= DUE_PUSHES_PER_DAY:
            continue
        sent[user_id] += 1
        title, body = due_text(follow_up, tier)
        ids += queue_notification(user_id, f"due:{follow_up.id}:{on.isoformat()}", title, body,
                                  f"/clients/{follow_up.client_id}", tag=f"followup-{follow_up.id}",
                                  urgency="normal", ttl=8 * 3600)
    return ids


def queue_appointment_reminders(now: datetime | None = None) -> list[int]:
    """A reminder to the appointment's associate about two hours ahead (rescheduling makes a new one)."""
    now = now or utcnow()
    ids: list[int] = []
    rows = db.session.scalars(select(Appointment).where(
        Appointment.status == AppointmentStatus.BOOKED, Appointment.user_id.is_not(None),
        Appointment.starts_at > now, Appointment.starts_at <= now + REMINDER_AHEAD).order_by(Appointment.starts_at))
    for appt in list(rows):
        starts = appt.starts_at
        store = db.session.get(Store, appt.store_id)
        local = store_local(store, starts)
        minutes = max(1, round((starts - now).total_seconds() / 60))
        soon = f"in {minutes // 60} h {minutes % 60:02d} min" if minutes >= 60 else f"in {minutes} min"
        kind = appt.kind.replace("_", " ")
        ids += queue_notification(
            appt.user_id, f"appt:{appt.id}:{starts.strftime('%Y%m%dT%H%M')}",
            f"Appointment at {local.strftime('%-I:%M %p')}", f"{kind.capitalize()} {soon}.",
            f"/clients/{appt.client_id}", tag=f"appt-{appt.id}", urgency="high",
            ttl=int(max(60, (starts - now).total_seconds())), now=now)
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
                                      tag=f"nudge-{on.isoformat()}", urgency="low", ttl=NUDGE_TTL_S)
    return ids


def queue_test_push(user: User) -> list[int]:
    """A test notification to every device of mine (a new key each time, so each press sends one)."""
    stamp = utcnow().strftime("%H:%M:%S")
    return queue_notification(user.id, f"test:{utcnow().timestamp():.6f}", "JewelPWA test",
                              f"Notifications work on this device ({stamp}).", "/me/devices",
                              tag="test", urgency="normal", ttl=600)
