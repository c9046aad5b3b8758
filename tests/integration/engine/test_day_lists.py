"""Today reads the top of the list the worker kept, and still shows what changed since it was built."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from jewelpwa.clock import store_today
from jewelpwa.extensions import db
from jewelpwa.models import DayList, Store
from jewelpwa.services.book.outreach import log_outreach
from jewelpwa.services.engine.day_lists import build_day_list, call_list
from jewelpwa.services.engine.planner import plan_store_day

from ..conftest import make_user
from ..factories import add_date, make_client


def book(user, count: int):
    """`count` clients with birthdays 2..count+1 days away: different urgencies, so a strict order."""
    store = db.session.get(Store, user.store_id)
    on = store_today(store)
    clients = []
    for i in range(count):
        client = make_client(user, tier="ABC"[i % 3])
        day = on + timedelta(days=2 + i)
        add_date(client, "birthday", day.month, day.day)
        clients.append(client)
    plan_store_day(store, on)
    return store, on, clients


def order(listing) -> list[int]:
    return [card.client_id for card in listing.cards]


def test_the_top_rows_read_from_the_kept_list_match_ranking_the_whole_list():
    user = make_user()
    _, on, _ = book(user, 18)
    build_day_list(user, on)
    exact = call_list(user, on)
    fast = call_list(user, on, rows=12)
    assert order(fast) == order(exact)[:12]
    # The day holds the target and the store's margin (12), More pulls 3 ahead: 15, not the 18 that show.
    assert fast.total == len(exact.cards) == 15
    assert fast.more_count == 15 - 10


def test_clients_logged_today_leave_and_the_next_ones_move_up():
    user = make_user()
    _, on, clients = book(user, 15)
    build_day_list(user, on)
    first = order(call_list(user, on, rows=10))
    for client_id in first[:3]:
        log_outreach(user, client_id, "call", "reached")
    after = call_list(user, on, rows=10)
    assert not set(first[:3]) & set(order(after))
    assert order(after)[:7] == first[3:10]
    assert len(after.today) == 7  # three done of a target of ten
    assert after.total == 12


def test_a_follow_up_made_after_the_list_was_kept_is_ranked_in_at_once():
    user = make_user()
    store, on, _ = book(user, 5)
    build_day_list(user, on)
    newcomer = make_client(user, tier="A")
    tomorrow = on + timedelta(days=1)
    add_date(newcomer, "birthday", tomorrow.month, tomorrow.day)  # the most urgent of all
    plan_store_day(store, on)
    listing = call_list(user, on, rows=10)
    assert order(listing)[0] == newcomer.id
    assert listing.total == 6


def test_the_first_today_of_an_unplanned_day_builds_the_list_itself():
    user = make_user()
    _, on, _ = book(user, 4)
    assert db.session.scalar(select(DayList).where(DayList.user_id == user.id)) is None
    assert len(call_list(user, on, rows=10).cards) == 4
    assert db.session.scalar(select(DayList.cards).where(DayList.user_id == user.id, DayList.listed_on == on)) == 4


def test_another_associates_list_is_not_mine():
    maya, daniel = make_user(), make_user()
    _, on, _ = book(maya, 3)
    assert call_list(daniel, on, rows=10).cards == []
