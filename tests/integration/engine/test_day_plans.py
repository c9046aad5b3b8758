"""The planner lays the open follow-ups onto the associates' days: a list is a day's work, not a backlog."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select

from jewelpwa.extensions import db
from jewelpwa.models import FollowUp, Store
from jewelpwa.services.book.outreach import log_outreach
from jewelpwa.services.engine.agenda import agenda
from jewelpwa.services.engine.day_lists import call_list
from jewelpwa.services.engine.planner import LET_GO, plan_store_day

from ..conftest import make_user
from ..factories import add_date, make_client

ON = date(2026, 3, 2)  # a Monday, far from the holiday list and Valentine's


def associate(target: int):
    user = make_user()
    user.daily_target = target
    db.session.commit()
    return user


def noon(day: date) -> datetime:
    return datetime.combine(day, time(17, 0), tzinfo=UTC)  # midday in the store's New York


def birthdays(user, count: int, first_in: int = 15, spread: int = 5) -> list[int]:
    """`count` clients whose birthday windows (21 days before the day) are all open on ON."""
    ids = []
    for i in range(count):
        client = make_client(user, tier="ABC"[i % 3])
        day = ON + timedelta(days=first_in + i % spread)
        add_date(client, "birthday", day.month, day.day)
        ids.append(client.id)
    db.session.commit()
    return ids


def planned_per_day(user) -> dict[date, int]:
    """Clients (one card each, whatever their reasons) on each planned day."""
    return dict(db.session.execute(select(FollowUp.planned_on, func.count(func.distinct(FollowUp.client_id))).where(
        FollowUp.assignee_id == user.id, FollowUp.planned_on.is_not(None)).group_by(FollowUp.planned_on)).all())


def test_a_day_holds_the_target_and_the_margin_the_rest_waits_for_its_day():
    user = associate(10)
    birthdays(user, 30)
    store = db.session.get(Store, user.store_id)
    result = plan_store_day(store, ON)
    assert planned_per_day(user) == {ON: 12, ON + timedelta(days=1): 12, ON + timedelta(days=2): 6}
    assert result.list_sizes == {user.id: 12}
    listing = call_list(user, ON)
    assert len(listing.today) == 10 and len(listing.cards) == 15  # More pulls three ahead from tomorrow
    lines = agenda(store, ON)
    today = {line["client_number"] for line in lines if line["planned_on"] == ON.isoformat()}
    assert len({line["client_number"] for line in lines}) == 30 and len(today) == 12


def test_a_row_nobody_reached_moves_to_the_next_day_instead_of_piling_up():
    user = associate(10)
    birthdays(user, 30)
    store = db.session.get(Store, user.store_id)
    plan_store_day(store, ON)
    worked = call_list(user, ON).today[:4]
    for card in worked:
        log_outreach(user, card.client_id, "call", "reached", now=noon(ON))
    plan_store_day(store, ON + timedelta(days=1))
    # 26 left: 12 a day again, nothing doubled up on the first day.
    assert planned_per_day(user) == {ON + timedelta(days=1): 12, ON + timedelta(days=2): 12,
                                     ON + timedelta(days=3): 2}
    assert len(call_list(user, ON + timedelta(days=1)).cards) == 15


def test_a_voicemail_is_tried_again_while_the_window_has_room():
    user = associate(10)
    [client_id] = birthdays(user, 1)
    store = db.session.get(Store, user.store_id)
    day = ON
    for _ in range(4):  # more than the three tries a store used to get
        plan_store_day(store, day)
        [card] = call_list(user, day).today
        assert card.client_id == client_id
        log_outreach(user, client_id, "call", "no_answer", now=noon(day))
        day += timedelta(days=1)
    plan_store_day(store, day)
    assert [c.client_id for c in call_list(user, day).today] == [client_id]


def test_reasons_the_days_had_no_room_for_are_let_go_and_say_so():
    user = associate(1)
    ids = birthdays(user, 8, first_in=1, spread=1)  # 8 birthdays tomorrow; a day holds two rows
    store = db.session.get(Store, user.store_id)
    let_go = 0
    for offset in range(3):
        let_go += plan_store_day(store, ON + timedelta(days=offset)).let_go
    closed = db.session.execute(select(FollowUp.note, func.count()).where(
        FollowUp.client_id.in_(ids), FollowUp.kind == "birthday", FollowUp.status == "expired")
        .group_by(FollowUp.note)).all()
    # Nobody worked the lists: on the last day the plan held two (not reached), the other six were let go.
    assert dict(closed) == {LET_GO: 6, "window closed before anyone reached the client": 2}
    assert let_go == 6


def test_a_store_closed_on_sundays_gets_no_plan_for_sunday():
    user = associate(10)
    birthdays(user, 30)
    store = db.session.get(Store, user.store_id)
    store.settings = {"closed_weekdays": [6]}
    db.session.commit()
    saturday = ON + timedelta(days=5)
    plan_store_day(store, saturday)
    assert planned_per_day(user) == {saturday: 12, saturday + timedelta(days=2): 12, saturday + timedelta(days=3): 6}


def test_a_store_that_switches_after_two_unanswered_calls_suggests_a_text_next():
    user = associate(10)
    [client_id] = birthdays(user, 1)
    store = db.session.get(Store, user.store_id)
    store.settings = {"switch_channel_after": 2}
    db.session.commit()
    day = ON
    suggested = []
    for _ in range(3):
        plan_store_day(store, day)
        [card] = call_list(user, day).today
        suggested.append(card.channel.value)
        log_outreach(user, client_id, "call", "no_answer", now=noon(day))
        day += timedelta(days=1)
    assert suggested == ["call", "call", "text"]
