"""Delivery: claim outbox rows, commit, send each with pywebpush, record what the push service answered.

Claim, commit, then send: a worker killed mid-send leaves a 'sending' row that the sweeper re-claims once the claim
is stale, and a row leaves the outbox only when a push service answered. Sends go out side by side on a thread
pool; each row's answer is committed on its own, so one device's failure, slowness or bad key never holds up
another's. Every request carries TTL, Urgency, a Topic, a fresh VAPID JWT and a 10 s timeout (docs/workers.md).
"""

from __future__ import annotations

import json
import os
import re
import time
import urllib.request
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from functools import lru_cache
from hashlib import sha1
from pathlib import Path
from urllib.parse import urlparse

import requests
import requests.adapters
from flask import current_app
from py_vapid import Vapid
from pywebpush import WebPushException, webpush
from sqlalchemy import select, update

from ...clock import utcnow
from ...extensions import db
from ...models import Notification, PushSubscription, Store, User
from .. import outbound
from .devices import drop_subscription
from .outbox import claimable, quiet_until

MAX_ATTEMPTS = 8
BACKOFF_BASE_S = 30
BACKOFF_CAP_S = 3600
SEND_TIMEOUT_S = 10
SEND_CONCURRENCY = 16  # sends in flight per worker process
TOPIC_MAX = 32


@dataclass(frozen=True)
class Delivery:
    notification_id: int
    outcome: str  # sent, retry, failed, gone, dropped, skipped, postponed
    status_code: int | None = None


@dataclass(frozen=True)
class _Claimed:
    """What one send needs, read with the claim: the row, its device, and the key that signs for it (a row whose
    device or key is gone ends in the claim and never becomes one)."""

    id: int
    attempts: int
    title: str
    body: str
    url: str
    tag: str
    urgency: str
    ttl: int
    subscription_id: int
    endpoint: str
    p256dh: str
    auth: str
    vapid_key_id: str | None
    last_success_at: datetime | None


@dataclass(frozen=True)
class _Sent:
    code: int | None  # None: no answer (timeout, refused, reset)
    retry_after: str | None = None
    error: str | None = None


# --- what goes on the wire -----------------------------------------------------------------------------


def topic_for(tag: str) -> str:
    """The Topic header: at most 32 URL-safe characters; a repeat with the same topic replaces the undelivered one."""
    clean = re.sub(r"[^A-Za-z0-9_-]", "-", tag)
    if len(clean) <= TOPIC_MAX:
        return clean
    return clean[:TOPIC_MAX - 11] + "-" + sha1(tag.encode()).hexdigest()[:10]


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


# --- the HTTP session, the signers and the pool, one of each per worker process ------------------------

_session: requests.Session | None = None
_pool: ThreadPoolExecutor | None = None


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


def _executor() -> ThreadPoolExecutor:
    # Sends wait on the network (a real push service is 50-200 ms away), so a worker keeps several in flight.
    global _pool
    if _pool is None:
        _pool = ThreadPoolExecutor(max_workers=SEND_CONCURRENCY, thread_name_prefix="push-send")
    return _pool


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


# --- claim, send, record --------------------------------------------------------------------------------


def deliver(notification_id: int, now: datetime | None = None) -> Delivery:
    """Claim one outbox row, commit, send it to the device's push service, record what happened."""
    return deliver_many([notification_id], now)[0]


def deliver_many(notification_ids: Iterable[int], now: datetime | None = None) -> list[Delivery]:
    """Claim each row (committed), send the claimed ones concurrently, record each result as it comes.

    Every row stands alone: one device's failure, slowness or bad key never holds up another's.
    """
    now = now or utcnow()
    ids = list(dict.fromkeys(notification_ids))
    try:
        ready, results = _claim_all(ids, now)
    except Exception as e:  # noqa: BLE001 - logged; the sweeper comes back for these rows
        db.session.rollback()
        current_app.logger.exception("push: could not claim %s", ids)
        return [Delivery(i, f"error: {type(e).__name__}") for i in ids]
    subject = current_app.config.get("VAPID_SUBJECT") or "mailto:owner@jewelpwa.invalid"
    _http()  # made here, once, not raced for by the pool threads
    destinations = outbound.push_destinations(current_app.config)
    futures = {_executor().submit(_send, row, signer, subject, destinations): row for row, signer in ready}
    for future in as_completed(futures):
        results.append(_record(futures[future], future.result()))
    return results


def _run(statement):
    """Core execution on the session's connection: the send path skips the ORM's bookkeeping (it held one
    worker well under 200 pushes a second); the transaction is still the session's."""
    return db.session.connection().execute(statement)


_CLAIM_COLUMNS = (Notification.id, Notification.attempts, Notification.title, Notification.body, Notification.url,
                  Notification.tag, Notification.urgency, Notification.ttl, Notification.subscription_id,
                  PushSubscription.endpoint, PushSubscription.p256dh, PushSubscription.auth,
                  PushSubscription.vapid_key_id, PushSubscription.last_success_at)


def _claim_all(notification_ids: list[int], now: datetime) -> tuple[list[tuple[_Claimed, Vapid]], list[Delivery]]:
    """pending (or stale sending) → sending for each row, committed before anything leaves the building.

    One transaction for the batch; each row's UPDATE re-checks that it is still claimable, so of two
    workers racing for a row exactly one sees rowcount 1 (SQLite serialises writers; PostgreSQL re-checks
    the WHERE after the other's commit). Rows inside their user's quiet hours move to its end instead, and
    rows that cannot be sent end here: 'dropped' when the device is gone, 'failed' when its key is missing.
    Returns the rows to send, each with its signer, and what became of the others.
    """
    found = _run(
        select(*_CLAIM_COLUMNS, User.quiet_start, User.quiet_end, Store.timezone)
        .join(User, User.id == Notification.user_id).join(Store, Store.id == Notification.store_id)
        .outerjoin(PushSubscription, PushSubscription.id == Notification.subscription_id)
        .where(Notification.id.in_(notification_ids), claimable(now))).all()
    by_id = {row.id: row for row in found}
    ready: list[tuple[_Claimed, Vapid]] = []
    others: list[Delivery] = []
    for notification_id in notification_ids:
        row = by_id.pop(notification_id, None)
        if row is None:  # sent already, claimed by a live worker, not due yet, or gone
            others.append(Delivery(notification_id, "skipped"))
            continue
        later = quiet_until(row.quiet_start, row.quiet_end, row.timezone, now)
        if later is not None:
            _run(update(Notification).where(Notification.id == notification_id, claimable(now))
                 .values(status="pending", next_attempt_at=later, claimed_at=None))
            others.append(Delivery(notification_id, "postponed"))
            continue
        status, error, signer = "sending", None, None
        if row.endpoint is None:
            status, error = "dropped", "device removed"
        elif (signer := _signer_for(row.vapid_key_id)) is None:
            status, error = "failed", f"VAPID key {row.vapid_key_id} is missing from instance/vapid/"
        won = _run(update(Notification).where(Notification.id == notification_id, claimable(now))
                   .values(status=status, claimed_at=now, attempts=Notification.attempts + 1,
                           **({"last_error": error} if error else {}))).rowcount
        if won != 1:  # another worker got there between our read and our write
            others.append(Delivery(notification_id, "skipped"))
        elif status != "sending":
            others.append(Delivery(notification_id, status))
        else:
            fields = {name: getattr(row, name) for name in _Claimed.__dataclass_fields__}
            ready.append((_Claimed(**{**fields, "attempts": row.attempts + 1}), signer))
    db.session.commit()
    return ready, others


def _send(row: _Claimed, signer: Vapid, subject: str, destinations: outbound.Destinations) -> _Sent:
    """Encrypt, sign and POST one push. Runs on a pool thread: HTTP and crypto only, no database."""
    try:
        # Again at delivery: rows saved before the guard existed, a changed allow-list, DNS that moved inside.
        outbound.check_url(row.endpoint, destinations)
    except outbound.Refused as e:
        return _Sent(0, error=f"refused: {e}")
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


def _record(row: _Claimed, sent: _Sent) -> Delivery:
    """Write what the push service answered for one row, and commit it: each row's answer stands alone."""
    code = sent.code
    if code in (200, 201, 202):
        sent_at = utcnow()
        _run(update(Notification).where(Notification.id == row.id)
             .values(status="sent", sent_at=sent_at, last_error=None))
        if row.last_success_at is None or row.last_success_at < sent_at - timedelta(minutes=10):
            _run(update(PushSubscription).where(PushSubscription.id == row.subscription_id)
                 .values(last_success_at=sent_at))
        delivery = Delivery(row.id, "sent", code)
    elif code in (404, 410):
        # The browser unsubscribed or the subscription expired: the device is gone for good.
        drop_subscription(row.subscription_id, f"{code}: subscription gone")
        delivery = Delivery(row.id, "gone", code)
    elif code is None or code == 429 or code >= 500:
        delivery = _retry(row, retry_after_seconds(sent.retry_after, utcnow()), sent.error or "", code)
    else:
        delivery = _fail(row, sent.error or f"HTTP {code}", code)
    db.session.commit()
    return delivery


def _retry(row: _Claimed, wait: float | None, error: str, code: int | None) -> Delivery:
    """Back to pending for a later attempt (Retry-After when given, else backoff), or failed after the last."""
    if row.attempts >= MAX_ATTEMPTS:
        return _fail(row, f"gave up after {row.attempts} attempts: {error}", code)
    later = utcnow() + timedelta(seconds=wait if wait is not None else backoff_seconds(row.attempts))
    _run(update(Notification).where(Notification.id == row.id)
         .values(status="pending", claimed_at=None, next_attempt_at=later, last_error=error[:500]))
    return Delivery(row.id, "retry", code)


def _fail(row: _Claimed, error: str, code: int | None) -> Delivery:
    _run(update(Notification).where(Notification.id == row.id).values(status="failed", last_error=error[:500]))
    return Delivery(row.id, "failed", code)
