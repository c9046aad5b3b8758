"""The one client filter behind Assign clients, New store event, Segments and the planner: the same filter picks
the same clients on every page and in the night's invitations, and bad input is a message, never a 500."""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from urllib.parse import urlencode

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from jewelpwa.clock import store_today
from jewelpwa.extensions import db
from jewelpwa.models import Client, FollowUp, Segment, StoreEvent
from jewelpwa.services.engine.client_filter import ClientFilter
from jewelpwa.services.engine.planner import plan_store_day
from jewelpwa.services.owner.segments import filter_of

from ..conftest import make_user
from ..factories import add_purchase, make_client

HX = {"HX-Request": "true"}


def _book(owner):
    """Ava and Fay (do not contact) match the filter below; each other client misses it by one field. Each
    client's spend is what their purchases add up to, so the planner's nightly tiers (by spend) agree. The
    purchases are 300 days old whatever the day: inside the 24 months tiers count, between any two cadence windows."""
    maya = make_user(role="associate", name="Maya")
    bought_on = store_today(owner.store) - timedelta(days=300)
    dan = make_user(role="associate", name="Dan")
    ring = {"category": "ring", "stone": "Sapphire"}
    people = {}
    for name, holder, tier, spend, item, extra in (
            ("Ava", maya, "A", "5000", ring, {}),
            ("Fay", maya, "A", "5000", ring, {"do_not_contact": True}),
            ("Bea", maya, "A", "5000", {"category": "necklace", "stone": "sapphire"}, {}),
            ("Cal", maya, "B", "1500", ring, {}),
            ("Dee", maya, "A", "500", ring, {}),
            ("Eve", dan, "A", "5000", ring, {}),
            ("Gone", maya, "A", "5000", ring, {"erased_at": datetime.now(UTC)}),
            ("Stranger", make_user(store="Other Store"), "A", "5000", ring, {})):
        people[name] = make_client(holder, first_name=name, tier=tier, spend_24m=Decimal(spend), **extra)
        add_purchase(people[name], bought_on, spend, **item)
    return maya, dan, people


def _filter(maya) -> list[tuple[str, str]]:
    return [("assigned_to_id", str(maya.id)), ("tier", "A"), ("stone", "sapphire"), ("category", "ring"),
            ("spend_min", "$1,000")]


def _invited(store_id: int) -> set[int]:
    return set(db.session.scalars(select(FollowUp.client_id).where(FollowUp.store_id == store_id,
                                                                   FollowUp.kind == "store_event")))


def test_the_same_filter_picks_the_same_clients_on_every_page_and_in_the_planner(client, auth):
    owner = make_user(role="owner")
    maya, dan, people = _book(owner)
    ava = people["Ava"]
    form = _filter(maya)
    query = urlencode(form)
    auth.login(owner.email)

    segments = client.get(f"/owner/segments/?count_only=1&{query}", headers=HX).get_data(as_text=True)
    assert "<strong>2</strong> clients match" in segments
    assert {m for m in re.findall(r">(\w+) Test</a>", segments)} == {"Ava", "Fay"}
    events = client.get(f"/owner/settings/events/new?count_only=1&{query}", headers=HX).get_data(as_text=True)
    assert "<strong>1</strong> client will be invited; 1 left out (do not contact)." in events
    assign = client.get(f"/owner/staff/assign?count_only=1&{query}", headers=HX).get_data(as_text=True)
    assert "<strong>2</strong> clients match." in assign

    # The planner reads the filter as the events page stored it, and invites the contactable clients it picks.
    today = store_today(owner.store)
    wanted = ClientFilter.parse(MultiDict(form))
    db.session.add(StoreEvent(store_id=owner.store_id, name="Sapphire evening", kind="gemstone_roundtable",
                              invite_on=today, event_on=today + timedelta(days=20), client_filter=wanted.to_dict()))
    db.session.commit()
    plan_store_day(owner.store, today)
    assert _invited(owner.store_id) == {ava.id}

    # A segment saved from the form keeps the same filter, and its campaign reaches the same clients.
    saved = auth.post("/owner/segments/", dict(form, name="Sapphire rings", tier=["A"]))
    assert saved.status_code == 303
    segment = db.session.scalar(select(Segment))
    assert filter_of(segment) == wanted and segment.filter["spend_min"] == "1000"
    window = {"name": "Sapphire week", "channel": "", "opens_on": today.isoformat(),
              "due_on": (today + timedelta(days=7)).isoformat(), "expires_on": (today + timedelta(days=14)).isoformat()}
    auth.post(f"/owner/segments/{segment.id}/campaign", window)
    campaign_clients = set(db.session.scalars(select(FollowUp.client_id).where(FollowUp.source.like("campaign:%"))))
    assert campaign_clients == {ava.id}

    # Assign clients moves exactly the clients it counted: the second form carries the whole filter.
    page = client.get(f"/owner/staff/assign?{query}").get_data(as_text=True)
    move = page[page.index('id="assign-move"'):]
    move = move[:move.index("</form>")]
    hidden = re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', move)
    assert sorted(k for k, _ in hidden if k != "csrf_token") == sorted(k for k, _ in form)
    fields = MultiDict([(k, v) for k, v in hidden if k != "csrf_token"])
    moved = auth.post("/owner/staff/assign", {**fields.to_dict(flat=False), "to": str(dan.id)}, headers=HX)
    assert moved.status_code == 200 and "Moved 2 clients to Dan" in moved.get_data(as_text=True)
    db.session.expire_all()
    assert {c.first_name for c in db.session.scalars(select(Client).where(Client.assigned_to_id == dan.id))} == \
        {"Ava", "Fay", "Eve"}


def test_unassigned_clients_are_one_choice_of_the_associate_field_on_every_page(client, auth):
    owner = make_user(role="owner")
    maya = make_user(role="associate", name="Maya")
    make_client(maya, first_name="Held")
    make_client(maya, first_name="Loose", assigned_to_id=None)
    auth.login(owner.email)
    for path, found in (("/owner/segments/", "<strong>1</strong> client match"),
                        ("/owner/settings/events/new", "<strong>1</strong> client will be invited"),
                        ("/owner/staff/assign", "<strong>1</strong> client matches")):
        page = client.get(f"{path}?assigned_to_id=none").get_data(as_text=True)
        assert found in page, path
        assert '<option value="none" selected>Nobody (unassigned)</option>' in page, path


HOSTILE = [
    ({"spend_min": "1E+9999999"}, "spend_min", "is not an amount: write it like 1,250.00, or leave it empty."),
    ({"spend_max": "NaN"}, "spend_max", "is not an amount: write it like 1,250.00, or leave it empty."),
    ({"spend_min": "²"}, "spend_min", "is not an amount: write it like 1,250.00, or leave it empty."),
    ({"birthday_month": "²"}, "birthday_month", "Choose a month from the list."),
    ({"anniversary_month": "٣"}, "anniversary_month", "Choose a month from the list."),
    ({"assigned_to_id": "²"}, "assigned_to_id", "Choose an associate from the list."),
    ({"assigned_to_id": "99999999999999999999"}, "assigned_to_id", "Choose an associate from the list."),
    # Past an INTEGER column: PostgreSQL would answer "integer out of range" (a 500) if it were asked.
    ({"assigned_to_id": "2147483648"}, "assigned_to_id", "Choose an associate from the list."),
    ({"category": "gala"}, "category", "Choose a category from the list."),
]


@pytest.mark.parametrize(("path", "fields"), [
    ("/owner/segments/", ("spend_min", "spend_max", "birthday_month", "anniversary_month", "assigned_to_id",
                          "category")),
    ("/owner/settings/events/new", ("spend_min", "spend_max", "assigned_to_id", "category")),
    ("/owner/staff/assign", ("assigned_to_id",)),
])
def test_bad_or_hostile_filter_input_is_a_field_message_never_a_500(client, auth, path, fields):
    owner = make_user(role="owner")
    make_client(make_user(role="associate"))
    auth.login(owner.email)
    for params, field, message in HOSTILE:
        if field not in fields:
            continue
        response = client.get(f"{path}?{urlencode(params)}")
        html = response.get_data(as_text=True)
        assert response.status_code == 200 and message in html, params
        # The message sits under its field, which is marked for assistive technology.
        assert f'aria-describedby="{field}-error"' in html and f'id="{field}-error"' in html, params


def test_saving_with_hostile_numbers_is_422_and_nothing_is_written(client, auth):
    owner = make_user(role="owner")
    maya = make_user(role="associate")
    make_client(maya)
    today = store_today(owner.store)
    auth.login(owner.email)
    segment = auth.post("/owner/segments/", {"name": "Big spenders", "spend_min": "1E+9999999"})
    assert segment.status_code == 422 and "is not an amount: write it like 1,250.00" in segment.get_data(as_text=True)
    event = auth.post("/owner/settings/events/new", {
        "name": "Gala", "kind": "special_buy", "invite_on": today.isoformat(),
        "event_on": (today + timedelta(days=9)).isoformat(), "spend_max": "NaN", "birthday_month": "²"})
    assert event.status_code == 422 and "is not an amount: write it like 1,250.00" in event.get_data(as_text=True)
    moved = auth.post("/owner/staff/assign", {"assigned_to_id": str(maya.id), "to": "²"}, headers=HX)
    assert moved.status_code == 422 and "Choose the associate who takes these clients." in moved.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Segment)) == 0
    assert db.session.scalar(select(func.count()).select_from(StoreEvent)) == 0


def test_a_page_opened_before_the_upgrade_is_asked_to_reload_not_read_wider(client, auth):
    """The old events form's min_spend, ignored, would have invited every client instead of the big spenders."""
    owner = make_user(role="owner")
    make_client(make_user(role="associate"), spend_24m=Decimal("100"))
    today = store_today(owner.store)
    auth.login(owner.email)
    stale = auth.post("/owner/settings/events/new", {
        "name": "Big spenders' evening", "kind": "special_buy", "invite_on": today.isoformat(),
        "event_on": (today + timedelta(days=9)).isoformat(), "min_spend": "2500"})
    assert stale.status_code == 422 and "reload it and fill in the filter again" in stale.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(StoreEvent)) == 0 and _invited(owner.store_id) == set()


def test_an_old_assign_bookmark_still_opens_the_same_choice(client, auth):
    owner = make_user(role="owner")
    maya = make_user(role="associate", name="Maya")
    auth.login(owner.email)
    response = client.get(f"/owner/staff/assign?from={maya.id}&tier=A&tier=B")
    assert response.status_code == 301
    assert response.headers["Location"].endswith(f"/owner/staff/assign?tier=A&tier=B&assigned_to_id={maya.id}")


def test_the_planner_invites_nobody_for_an_event_whose_filter_it_cannot_read(app, caplog, monkeypatch):
    """A filter in words it does not know (here the old `tiers`) must not read as "every client", nor stop the
    store's plan: that event invites nobody, is logged, and the other events invite as they should."""
    # The session's migration ran Alembic's fileConfig, which disabled the loggers that existed then.
    monkeypatch.setattr(logging.getLogger("jewelpwa.services.engine.proposing"), "disabled", False)
    owner = make_user(role="owner")
    maya = make_user(role="associate")
    dan = make_user(role="associate")
    mayas = make_client(maya)
    make_client(dan)
    today = store_today(owner.store)
    unreadable = StoreEvent(store_id=owner.store_id, name="Old words", kind="trunk_show", invite_on=today,
                            event_on=today + timedelta(days=9), client_filter={"tiers": ["C"], "assigned_to_id": dan.id})
    readable = StoreEvent(store_id=owner.store_id, name="Maya's evening", kind="trunk_show", invite_on=today,
                          event_on=today + timedelta(days=9), client_filter={"assigned_to_id": maya.id})
    db.session.add_all([unreadable, readable])
    db.session.commit()
    plan_store_day(owner.store, today)
    invites = db.session.execute(select(FollowUp.source, FollowUp.client_id).where(
        FollowUp.kind == "store_event")).all()
    assert invites == [(f"event:{readable.id}", mayas.id)]
    assert f"store event {unreadable.id}: client filter not read" in caplog.text
