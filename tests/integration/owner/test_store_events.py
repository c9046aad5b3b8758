"""Store events: a client filter with a live count turns into one invitation per contactable client."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import func, select

from jewelpwa.clock import store_today
from jewelpwa.extensions import db
from jewelpwa.models import FollowUp, StoreEvent, User
from jewelpwa.services.engine.day_lists import call_list

from ..conftest import make_user
from ..factories import add_purchase, make_client

HX = {"HX-Request": "true"}


def _event(today: date, **extra) -> dict:
    return {"name": "Spring trunk show", "kind": "trunk_show", "invite_on": today.isoformat(),
            "event_on": (today + timedelta(days=20)).isoformat(), "description": "Designer pieces", **extra}


def _invites(store_id: int) -> list[FollowUp]:
    return list(db.session.scalars(select(FollowUp).where(FollowUp.store_id == store_id,
                                                          FollowUp.kind == "store_event")))


def test_event_invites_matching_contactable_clients_once(client, auth):
    owner = make_user(role="owner")
    maya = make_user(role="associate", name="Maya")
    dan = make_user(role="associate", name="Daniel")
    today = store_today(owner.store)
    wanted = [make_client(maya, tier="A"), make_client(dan, tier="A")]
    quiet = make_client(maya, tier="A", do_not_contact=True)
    make_client(maya, tier="C")
    auth.login(owner.email)
    response = auth.post("/owner/settings/events/new", _event(today, tier="A"))
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Invites for 2 clients; 1 left out (do not contact)." in page and "Spring trunk show" in page
    invites = _invites(owner.store_id)
    assert {(f.client_id, f.assignee_id) for f in invites} == {(wanted[0].id, maya.id), (wanted[1].id, dan.id)}
    assert quiet.id not in {f.client_id for f in invites}
    assert all(f.detail == {"what": "Spring trunk show"} and f.show_on == today for f in invites)
    # On Maya's Today list, with the event named.
    cards = call_list(db.session.get(User, maya.id), today).cards
    assert [r.text for c in cards for r in c.reasons if c.client_id == wanted[0].id][0].startswith("Spring trunk show")
    # Resubmitting the same form: the same event, no second invitation.
    again = auth.post("/owner/settings/events/new", _event(today, tier="A"), headers=HX)
    assert again.status_code == 200 and again.headers["HX-Redirect"] == "/owner/settings/events"
    assert len(_invites(owner.store_id)) == 2
    assert db.session.scalar(select(func.count()).select_from(StoreEvent)) == 1
    assert "Invites for 0 clients; 1 left out (do not contact). 2 already invited." in \
        client.get("/owner/settings/events").get_data(as_text=True)


def test_later_invite_day_makes_invitations_that_show_from_that_day(client, auth):
    owner = make_user(role="owner")
    maya = make_user(role="associate")
    guest = make_client(maya)
    today = store_today(owner.store)
    auth.login(owner.email)
    invite_on = today + timedelta(days=5)
    auth.post("/owner/settings/events/new", _event(today, invite_on=invite_on.isoformat()))
    (invite,) = _invites(owner.store_id)
    assert (invite.client_id, invite.opens_on, invite.show_on) == (guest.id, invite_on, invite_on)
    assert invite.expires_on == today + timedelta(days=20)


def test_filter_by_category_stone_associate_and_spend_with_live_count(client, auth):
    owner = make_user(role="owner")
    maya = make_user(role="associate")
    dan = make_user(role="associate")
    sapphire = make_client(maya, spend_24m=Decimal("5000"))
    add_purchase(sapphire, date(2026, 3, 1), category="ring", stone="Sapphire")
    cheap = make_client(maya, spend_24m=Decimal("100"))
    add_purchase(cheap, date(2026, 3, 1), category="ring", stone="sapphire")
    other = make_client(dan, spend_24m=Decimal("9000"))
    add_purchase(other, date(2026, 3, 1), category="ring", stone="sapphire")
    make_client(maya, spend_24m=Decimal("9000"))
    auth.login(owner.email)
    query = f"count_only=1&category=ring&stone=sapphire&assigned_to_id={maya.id}"
    fragment = client.get(f"/owner/settings/events/new?{query}", headers=HX)
    html = fragment.get_data(as_text=True)
    assert "<html" not in html and "<strong>2</strong> clients will be invited" in html
    html = client.get(f"/owner/settings/events/new?{query}&spend_min=2500", headers=HX).get_data(as_text=True)
    assert "<strong>1</strong> client will be invited" in html
    bad = client.get("/owner/settings/events/new?count_only=1&spend_min=lots", headers=HX).get_data(as_text=True)
    assert "Fix the filter" in bad
    page = client.get("/owner/settings/events/new").get_data(as_text=True)
    assert "<html" in page and "<strong>4</strong> clients will be invited" in page
    auth.post("/owner/settings/events/new", _event(store_today(owner.store), name="Sapphire evening",
                                                   kind="gemstone_roundtable", category="ring", stone="sapphire",
                                                   assigned_to_id=str(maya.id), spend_min="2500"))
    assert [f.client_id for f in _invites(owner.store_id)] == [sapphire.id]


def test_bad_dates_are_422_and_nothing_is_created(client, auth):
    owner = make_user(role="owner")
    make_client(make_user(role="associate"))
    today = store_today(owner.store)
    auth.login(owner.email)
    response = auth.post("/owner/settings/events/new",
                         _event(today, invite_on=(today + timedelta(days=30)).isoformat(), name="", kind="gala"),
                         headers=HX)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "<html" not in html
    assert "Invite on or before the event day." in html and "Give the event a name" in html
    assert "Choose trunk show, gemstone roundtable or special buy." in html
    past = auth.post("/owner/settings/events/new", _event(today, event_on=(today - timedelta(days=1)).isoformat()))
    assert past.status_code == 422 and "The event day has passed" in past.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(StoreEvent)) == 0
    assert _invites(owner.store_id) == []


def test_another_stores_clients_are_never_invited(client, auth):
    owner = make_user(role="owner")
    mine = make_client(make_user(role="associate"))
    stranger = make_user(store="Other Store", role="associate")
    theirs = make_client(stranger)
    auth.login(owner.email)
    # Naming another store's associate in the filter is refused, not silently widened.
    refused = auth.post("/owner/settings/events/new", _event(store_today(owner.store), assigned_to_id=str(stranger.id)))
    assert refused.status_code == 422 and "Choose an associate from the list." in refused.get_data(as_text=True)
    auth.post("/owner/settings/events/new", _event(store_today(owner.store)))
    assert [f.client_id for f in _invites(owner.store_id)] == [mine.id]
    assert _invites(stranger.store_id) == [] and theirs.id not in {f.client_id for f in _invites(owner.store_id)}


def test_events_page_lists_events_and_invite_counts(client, auth):
    owner = make_user(role="owner")
    for _ in range(3):
        make_client(make_user(role="associate"))
    auth.login(owner.email)
    empty = client.get("/owner/settings/events").get_data(as_text=True)
    assert "No store events yet" in empty
    auth.post("/owner/settings/events/new", _event(store_today(owner.store), name="<b>Special</b> buy",
                                                   kind="special_buy"))
    html = client.get("/owner/settings/events").get_data(as_text=True)
    assert "&lt;b&gt;Special&lt;/b&gt; buy" in html and "<strong>3</strong> invited" in html
    assert "Special buy</span>" in html
    fragment = client.get("/owner/settings/events", headers=HX).get_data(as_text=True)
    assert "<html" not in fragment and 'id="events"' in fragment


def test_the_nightly_plan_invites_only_the_clients_the_owners_filter_chose(client, auth):
    """The planner reads the whole filter (stone, category, spend), not just tier and associate."""
    from jewelpwa.services.engine.planner import plan_store_day

    owner = make_user(role="owner")
    maya = make_user(role="associate")
    chosen = make_client(maya, spend_24m=Decimal("5000"))
    add_purchase(chosen, date(2026, 3, 1), category="ring", stone="sapphire")
    make_client(maya, spend_24m=Decimal("9000"))  # no sapphire: not invited, tonight either
    auth.login(owner.email)
    today = store_today(owner.store)
    auth.post("/owner/settings/events/new", _event(today, name="Sapphire evening", stone="sapphire"))
    plan_store_day(owner.store, today + timedelta(days=1))
    assert [f.client_id for f in _invites(owner.store_id)] == [chosen.id]
