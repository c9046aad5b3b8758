"""The owner sees what the book asked of the team this month and which reasons were let go for lack of room."""

from __future__ import annotations

from datetime import date, timedelta

from jewelpwa.extensions import db
from jewelpwa.models import Store
from jewelpwa.services.engine.day_lists import build_day_lists
from jewelpwa.services.engine.planner import plan_store_day
from tests.integration.conftest import make_user
from tests.integration.factories import add_date, make_client

ON = date(2026, 3, 2)  # a Monday; the birthdays below are on Tuesday


def test_book_health_and_the_morning_huddle_say_how_much_was_let_go_and_why(auth, clock):
    owner = make_user(store="Busy Store", role="owner")
    maya = make_user(store="Busy Store", name="Maya")
    owner.daily_target = 0  # the owner plans no list of their own here: Maya's day holds two rows
    maya.daily_target = 1
    db.session.commit()
    for i in range(8):
        client = make_client(maya, first_name=f"Client{i}")
        add_date(client, "birthday", 3, 3)
    db.session.commit()
    store = db.session.get(Store, maya.store_id)
    for offset in range(3):  # nobody works the list: two a day were planned, the rest had no room
        clock.set_day(ON + timedelta(days=offset))
        plan_store_day(store, ON + timedelta(days=offset))

    auth.login(owner.email)
    for path in ("/owner/health", f"/owner/huddle?view=morning&date={(ON + timedelta(days=2)).isoformat()}"):
        html = auth.client.get(path).get_data(as_text=True)
        part = html[html.index('id="capacity"'):]
        part = part[:part.index("</section>")]
        assert "the team's lists hold\n    <strong>2</strong> a day" in part
        assert "<strong>6</strong> lower-value reasons were let go" in part
        assert "6 birthday" in part


def test_a_month_with_room_for_everything_says_nothing_was_let_go(auth, clock):
    owner = make_user(store="Quiet Store", role="owner")
    clock.set_day(ON)
    auth.login(owner.email)
    html = auth.client.get("/owner/health").get_data(as_text=True)
    assert "Nothing was let go" in html


def test_the_morning_huddle_counts_the_days_plan_not_the_backlog(auth, clock):
    owner = make_user(store="Full Store", role="owner")
    maya = make_user(store="Full Store", name="Maya")
    for i in range(30):
        add_date(make_client(maya, first_name=f"Client{i}"), "birthday", 3, 20)
    db.session.commit()
    store = db.session.get(Store, maya.store_id)
    plan_store_day(store, ON - timedelta(days=1))  # yesterday's plan made the follow-ups; today is not planned yet
    clock.set_day(ON)
    auth.login(owner.email)

    def on_the_list() -> str:
        html = auth.client.get(f"/owner/huddle?view=morning&date={ON.isoformat()}").get_data(as_text=True)
        part = html[html.index(f'id="huddle-{maya.id}"'):]
        return part.split('data-figure="list">', 1)[1].split("<", 1)[0]

    assert on_the_list() == "15"  # not planned yet: what Today would show, 1.5 x the target of 10, not 30
    plan_store_day(store, ON)
    assert on_the_list() == "12"  # the day's plan: the target and the store's 20 % margin
    build_day_lists(store.id, ON)  # the worker keeps each list, More's pulled-ahead rows included
    assert on_the_list() == "12"
