"""Segments: every filter of the builder selects the right clients, the live count, save / edit / delete."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from jewelpwa.extensions import db
from jewelpwa.models import Segment
from jewelpwa.services.engine.client_filter import ClientFilter
from jewelpwa.services.owner.segments import preview

from ..conftest import make_user, new_client
from ..factories import add_date, add_person, add_purchase, make_client

HX = {"HX-Request": "true"}


def _book(owner):
    """Three clients built so each filter tells them apart, plus rows no filter may ever return."""
    maya = make_user(role="associate", name="Maya")
    dan = make_user(role="associate", name="Dan")
    ava = make_client(maya, first_name="Ava", tier="A", spend_24m=Decimal("6000"), tags=["bridal", "vip"],
                      last_touch_on=date(2026, 1, 10))
    add_purchase(ava, date(2025, 5, 1), category="ring", stone="Sapphire")
    add_date(ava, "anniversary", 3, 14, 2001)
    add_person(ava, "Noah", "partner")
    ben = make_client(dan, first_name="Ben", tier="B", spend_24m=Decimal("1500"), tags=["vip"])
    add_purchase(ben, date(2025, 6, 1), category="earrings", stone="diamond")
    add_date(ben, "birthday", 3, 2)
    # A child's birthday in June is not Ben's birthday.
    add_date(ben, "birthday", 6, 3, person=add_person(ben, "Lily", "child"))
    cleo = make_client(maya, first_name="Cleo", tier="C", spend_24m=Decimal("200"), tags=["vip-gold"],
                       last_touch_on=date(2026, 6, 1))
    add_purchase(cleo, date(2025, 7, 1), category="necklace", stone="sapphire")
    add_date(cleo, "anniversary", 6, 20)
    add_date(cleo, "birthday", 3, 5, person=add_person(cleo, "Sam", "child"))
    # Never matched: an erased client and another store's sapphire buyer.
    gone = make_client(maya, first_name="Gone", tier="A", spend_24m=Decimal("9000"), erased_at=datetime.now(UTC))
    add_purchase(gone, date(2025, 5, 1), category="ring", stone="sapphire")
    add_purchase(make_client(make_user(store="Other Store"), first_name="Stranger", tier="A"), date(2025, 5, 1),
                 category="ring", stone="sapphire")
    return maya, dan, {"Ava": ava, "Ben": ben, "Cleo": cleo}


def test_each_filter_selects_exactly_its_clients(app):
    owner = make_user(role="owner")
    maya, dan, _ = _book(owner)
    cases = [
        ({"stone": "sapphire"}, {"Ava", "Cleo"}),
        ({"category": "earrings"}, {"Ben"}),
        # Stone and category on the same piece: Cleo's sapphire is a necklace.
        ({"stone": "sapphire", "category": "ring"}, {"Ava"}),
        ({"spend_min": "1000"}, {"Ava", "Ben"}),
        ({"spend_min": "$1,000", "spend_max": "2000"}, {"Ben"}),
        ({"spend_max": "1500"}, {"Ben", "Cleo"}),
        ({"tier": ["A", "C"]}, {"Ava", "Cleo"}),
        # Never touched counts as "no touch since".
        ({"touched_before": "2026-03-01"}, {"Ava", "Ben"}),
        ({"anniversary_month": "3"}, {"Ava"}),
        ({"anniversary_month": "6"}, {"Cleo"}),
        ({"birthday_month": "3"}, {"Ben"}),
        ({"birthday_month": "6"}, set()),
        ({"has_partner": "yes"}, {"Ava"}),
        ({"has_partner": "no"}, {"Ben", "Cleo"}),
        ({"assigned_to_id": str(maya.id)}, {"Ava", "Cleo"}),
        ({"assigned_to_id": str(dan.id)}, {"Ben"}),
        # "vip" is not "vip-gold"; tags ignore case; several tags must all be there.
        ({"tags": "VIP"}, {"Ava", "Ben"}),
        ({"tags": "vip, bridal"}, {"Ava"}),
        ({"stone": "sapphire", "tier": ["A"], "assigned_to_id": str(maya.id), "birthday_month": ""}, {"Ava"}),
        ({}, {"Ava", "Ben", "Cleo"}),
    ]
    for form, expected in cases:
        found = preview(owner, ClientFilter.parse(MultiDict(form)))
        names = {name.split()[0] for _, name in found.sample}
        assert (found.count, names) == (len(expected), expected), form
        # A saved filter reads back to the same clients.
        again = ClientFilter.from_dict(ClientFilter.parse(MultiDict(form)).to_dict())
        assert preview(owner, again).count == len(expected), form


def test_live_count_fragment_changes_with_the_filter_and_the_page_renders(client, auth):
    owner = make_user(role="owner")
    _book(owner)
    auth.login(owner.email)
    page = client.get("/owner/segments/").get_data(as_text=True)
    assert "<html" in page and 'hx-trigger="change, input delay:300ms"' in page
    assert "<strong>3</strong> clients match" in page
    fragment = client.get("/owner/segments/?count_only=1&stone=sapphire", headers=HX).get_data(as_text=True)
    assert "<html" not in fragment and "<strong>2</strong> clients match" in fragment
    assert "Ava Test" in fragment and "Cleo Test" in fragment and "Ben Test" not in fragment
    one = client.get("/owner/segments/?count_only=1&stone=sapphire&tier=C", headers=HX).get_data(as_text=True)
    assert "<strong>1</strong> client match" in one and "Cleo Test" in one
    bad = client.get("/owner/segments/?count_only=1&spend_min=900&spend_max=100", headers=HX).get_data(as_text=True)
    assert "Fix the filter" in bad and "The most must be at least the least" in bad


def test_sample_is_the_first_twenty_names(app):
    owner = make_user(role="owner")
    for n in range(23):
        make_client(owner, first_name=f"N{n:02d}")
    found = preview(owner, ClientFilter())
    assert found.count == 23 and [name for _, name in found.sample][:2] == ["N00 Test", "N01 Test"]
    assert len(found.sample) == 20


def test_bad_input_is_422_with_a_message_per_field_and_nothing_saved(client, auth):
    owner = make_user(role="owner")
    stranger = make_user(store="Other Store", role="associate")
    auth.login(owner.email)
    response = auth.post("/owner/segments/", {"name": "", "spend_min": "5000", "spend_max": "100",
                                              "touched_before": "31/02/2026", "birthday_month": "13",
                                              "assigned_to_id": str(stranger.id), "stone": "opal"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    for message in ("Name the segment", "The most must be at least the least", "Enter a date like 2026-01-31",
                    "Choose a month from the list.", "Choose an associate from the list."):
        assert message in html, message
    # The input is kept.
    assert 'value="opal"' in html and 'value="31/02/2026"' in html
    assert db.session.scalar(select(func.count()).select_from(Segment)) == 0


def test_save_edit_and_delete_a_segment(client, auth):
    owner = make_user(role="owner")
    _book(owner)
    auth.login(owner.email)
    saved = auth.post("/owner/segments/", {"name": "Sapphire buyers", "stone": "sapphire"})
    assert saved.status_code == 303
    segment = db.session.scalar(select(Segment))
    assert segment.filter == {"stone": "sapphire"} and saved.headers["Location"] == f"/owner/segments/{segment.id}"
    page = client.get(saved.headers["Location"]).get_data(as_text=True)
    assert 'value="sapphire"' in page and "<strong>2</strong> clients match" in page
    listing = client.get("/owner/segments/").get_data(as_text=True)
    assert "Sapphire buyers" in listing and "bought sapphire" in listing
    # Same name twice is refused.
    twice = auth.post("/owner/segments/", {"name": "Sapphire buyers"})
    assert twice.status_code == 422 and "Another segment has this name" in twice.get_data(as_text=True)
    changed = auth.post(f"/owner/segments/{segment.id}", {"name": "Sapphire rings", "stone": "sapphire",
                                                          "category": "ring"})
    assert changed.status_code == 303
    db.session.refresh(segment)
    assert segment.name == "Sapphire rings" and segment.filter == {"stone": "sapphire", "category": "ring"}
    assert "<strong>1</strong> client match" in client.get(f"/owner/segments/{segment.id}").get_data(as_text=True)
    segment_id = segment.id
    gone = auth.post(f"/owner/segments/{segment_id}/delete")
    assert gone.status_code == 303 and db.session.scalar(select(func.count()).select_from(Segment)) == 0
    assert client.get(f"/owner/segments/{segment_id}").status_code == 404


def test_associates_get_403_on_segments(app, client, auth):
    associate = make_user(role="associate")
    auth.login(associate.email)
    assert client.get("/owner/segments/").status_code == 403
    manager_client = new_client(app)
    type(auth)(manager_client).login(make_user(role="manager").email)
    assert manager_client.get("/owner/segments/").status_code == 200
