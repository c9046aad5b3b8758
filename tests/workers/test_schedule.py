"""The schedule: when each store's day is planned, digest wording, quiet hours, and two schedulers at once."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from rq.registry import FinishedJobRegistry

from jewelpwa.domain.vocab import Kind
from jewelpwa.extensions import db
from jewelpwa.models import FollowUp, Store
from jewelpwa.services.push import delivery, messages, outbox
from jewelpwa.tasks import queues
from jewelpwa.tasks.due import plan_target
from jewelpwa.tasks.schedule import PERIODIC_JOBS
from jewelpwa.tasks.scheduler import enqueue_due

from .factories import make_client, make_date, make_user, notifications, subscribe
from .support import wait_for

NY = ZoneInfo("America/New_York")


@pytest.mark.parametrize(("local", "expected"), [
    (datetime(2025, 3, 9, 7, 59, tzinfo=NY), date(2025, 3, 8)),   # before the morning hour: yesterday is due
    (datetime(2025, 3, 9, 8, 0, tzinfo=NY), date(2025, 3, 9)),    # DST day, at the morning hour: today
    (datetime(2025, 1, 1, 0, 30, tzinfo=NY), date(2024, 12, 31)),
])
def test_the_day_to_plan_turns_over_at_the_stores_morning_hour(local, expected):
    assert plan_target(local, morning_hour=8) == expected


@pytest.mark.parametrize(("now_local", "quiet", "until"), [
    ("22:30", ("21:00", "07:00"), "07:00+1"),  # across midnight, evening side
    ("06:15", ("21:00", "07:00"), "07:00"),    # across midnight, morning side
    ("12:00", ("21:00", "07:00"), None),
    ("13:10", ("13:00", "14:00"), "14:00"),
    ("14:00", ("13:00", "14:00"), None),       # the end is not quiet any more
])
def test_quiet_hours_hold_a_push_until_they_end_in_store_time(now_local, quiet, until):
    day = date(2025, 6, 10)
    now = datetime.combine(day, dtime.fromisoformat(now_local), NY).astimezone(UTC)
    start, end = (dtime.fromisoformat(q) for q in quiet)
    got = outbox.quiet_until(start, end, "America/New_York", now)
    if until is None:
        assert got is None
    else:
        hh, _, plus = until.partition("+")
        expected = datetime.combine(day + timedelta(days=int(plus or 0)), dtime.fromisoformat(hh), NY)
        assert got == expected.astimezone(UTC)


def test_digest_counts_reasons_by_kind_and_names_no_client():
    def card(*kinds):
        return SimpleNamespace(client_name="Anna Secret", reasons=[SimpleNamespace(kind=k) for k in kinds])

    cards = [card(Kind.ANNIVERSARY), card(Kind.ANNIVERSARY, Kind.CARE), card(Kind.CARE), card(Kind.ANNIVERSARY),
             card(Kind.BIRTHDAY)]
    title, body = messages.digest_text(cards)
    assert (title, body) == ("5 clients today", "3 anniversaries, 2 care checks, 1 birthday")
    assert messages.digest_text([]) is None
    assert messages.digest_text([card(Kind.CHECK_IN)]) == ("1 client today", "1 check-in")


def test_topic_is_at_most_32_url_safe_characters():
    assert delivery.topic_for("appt-12") == "appt-12"
    long = delivery.topic_for("followup-123456789-with a very long tag/and more")
    assert len(long) <= 32 and all(c.isalnum() or c in "-_" for c in long)
    assert long != delivery.topic_for("followup-123456789-with a very long tag/and less")


def test_retry_after_takes_seconds_or_an_http_date():
    now = datetime(2025, 6, 10, 12, 0, tzinfo=UTC)
    assert delivery.retry_after_seconds("2", now) == 2.0
    assert delivery.retry_after_seconds("Tue, 10 Jun 2025 12:00:30 GMT", now) == 30.0
    assert delivery.retry_after_seconds(None, now) is None and delivery.retry_after_seconds("soon", now) is None


def test_a_time_slot_is_enqueued_once_however_many_schedulers_tick(redis_conn):
    jobs = tuple(j for j in PERIODIC_JOBS if j.name in ("sweep_outbox", "plan_due_stores"))
    every = {j.name: 60.0 for j in jobs}
    now = 1_800_000_030.0
    first = enqueue_due(redis_conn, jobs, every, {}, now)
    second = enqueue_due(redis_conn, jobs, every, {}, now + 1)  # another scheduler, same slot
    assert len(first) == 2 and second == []
    assert len(enqueue_due(redis_conn, jobs, every, {}, now + 60)) == 2  # the next slot


def test_queuing_the_same_key_twice_makes_one_row_per_device(app, endpoint):
    user = make_user()
    subscribe(user, endpoint.device("a"), endpoint.device("b"))
    first = outbox.queue_notification(user.id, "digest:2025-06-10", "3 clients today", "…")
    again = outbox.queue_notification(user.id, "digest:2025-06-10", "3 clients today", "…")
    assert len(first) == 2 and again == []


@pytest.mark.slow
def test_two_schedulers_make_one_plan_and_one_digest(app, endpoint, procs, redis_conn):
    now = datetime.now(UTC)
    today = now.date()
    user = make_user(name="Dana Associate")
    store = db.session.get(Store, user.store_id)
    store.timezone, store.morning_hour = "UTC", now.hour  # the morning hour is now: today is due
    db.session.commit()
    store_id = store.id
    phone = endpoint.device("dana-phone")
    subscribe(user, phone)
    birthday = make_client(user, first_name="Beatrice", last_name="Secret")
    make_date(birthday, "birthday", today + timedelta(days=10))
    couple = make_client(user, first_name="Carl", last_name="Hidden")
    wedding = today + timedelta(days=42)  # an anniversary is due 42 days ahead: this one is due today
    make_date(couple, "anniversary", wedding, year=wedding.year - 25)

    procs.worker()
    first, second = procs.scheduler("--every", "1"), procs.scheduler("--every", "1")
    def arrived():
        tags = phone.accepted_tags()
        return f"digest-{today}" in tags and any(t.startswith("followup-") for t in tags)

    wait_for(arrived, timeout=40, what="the digest and the milestone push")
    db.session.rollback()
    follow_ups = db.session.scalar(db.select(db.func.count()).select_from(FollowUp))
    time.sleep(4)  # several more slots from both schedulers: nothing may be planned or sent twice

    tags = phone.accepted_tags()
    assert tags.count(f"digest-{today}") == 1
    assert len([t for t in tags if t.startswith("followup-")]) == 1
    digest = next(r.payload for r in phone.accepted if r.payload["tag"] == f"digest-{today}")
    assert digest["title"] == "2 clients today" and digest["url"] == "/today"
    assert {"1 anniversary", "1 birthday"} <= set(digest["body"].split(", "))  # (+ holiday calls in season)
    due = next(r.payload for r in phone.accepted if r.payload["tag"].startswith("followup-"))
    assert due["title"] == "Due today: 25th anniversary" and due["url"] == f"/clients/{couple.id}"
    assert "Secret" not in str(phone.accepted[0].payload) and "Hidden" not in str(due)

    plans = [j for j in FinishedJobRegistry(queues.DEFAULT, connection=redis_conn).get_job_ids()
             if j.startswith("plan-")]
    assert plans == [f"plan-{store_id}-{today}"]
    db.session.rollback()
    assert db.session.get(Store, store_id).last_planned_on == today
    assert db.session.scalar(db.select(db.func.count()).select_from(FollowUp)) == follow_ups
    owners = {redis_conn.get(k).decode() for k in redis_conn.scan_iter("jewelpwa:slot:periodic-plan_due_stores-*")}
    assert owners <= {str(first.pid), str(second.pid)}
    # One digest and one milestone push, each once. (Run near the evening hour, the evening nudge is sent
    # too: it is another kind of push, not a repeat of these, so it is left out of the count.)
    sent = [n.tag for n in notifications(status="sent") if not n.tag.startswith("nudge")]
    assert sorted(sent) == sorted(set(sent)) and len(sent) == 2, sent
    assert not endpoint.errors, endpoint.errors


def test_evening_nudge_goes_to_whoever_is_behind_target_and_names_no_client(app, endpoint):
    from jewelpwa.services.engine.planner import catch_up

    today = datetime.now(UTC).date()
    user = make_user()
    store = db.session.get(Store, user.store_id)
    store.timezone = "UTC"
    db.session.commit()
    subscribe(user, endpoint.device("evening-phone"))
    for n in range(3):
        make_date(make_client(user, first_name=f"Greta{n}"), "birthday", today + timedelta(days=10 + n))
    catch_up(store.id, today)

    ids = messages.queue_evening_nudges(store.id, today)
    row, = notifications()
    assert [row.id] == ids
    assert row.title == "Still time today" and row.body.startswith("0 of 10 done — ") and "Greta" not in row.body
    assert messages.queue_evening_nudges(store.id, today) == []  # once a day
