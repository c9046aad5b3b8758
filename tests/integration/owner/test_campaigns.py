"""Campaigns: a segment becomes follow-ups through the contact gate, counted, idempotent, on Today on their day."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select

from jewelpwa.clock import store_today
from jewelpwa.extensions import db
from jewelpwa.models import Campaign, FollowUp, Outreach, Segment, User
from jewelpwa.services.engine.day_lists import call_list

from ..conftest import make_user
from ..factories import make_client

HX = {"HX-Request": "true"}


def _segment(owner, **filter_) -> Segment:
    row = Segment(store_id=owner.store_id, name="Spring list", filter=filter_, created_by_id=owner.id)
    db.session.add(row)
    db.session.commit()
    return row


def _campaign_form(today: date, **extra) -> dict:
    return {"name": "Sapphire week", "message": "New sapphire pieces are in", "channel": "text",
            "opens_on": today.isoformat(), "due_on": (today + timedelta(days=7)).isoformat(),
            "expires_on": (today + timedelta(days=21)).isoformat(), **extra}


def _follow_ups(store_id: int) -> list[FollowUp]:
    return list(db.session.scalars(select(FollowUp).where(FollowUp.store_id == store_id).order_by(FollowUp.id)))


def test_campaign_goes_through_the_gate_counts_who_is_left_out_and_runs_once(client, auth):
    owner = make_user(role="owner")
    maya = make_user(role="associate", name="Maya")
    dan = make_user(role="associate", name="Dan")
    today = store_today(owner.store)
    ava = make_client(maya, first_name="Ava", tags=["spring"])
    ben = make_client(dan, first_name="Ben", tags=["spring"])
    make_client(maya, first_name="Quiet", tags=["spring"], do_not_contact=True)
    make_client(maya, first_name="Nomsg", tags=["spring"], opted_out=["text"])
    make_client(dan, first_name="Ophelia", tags=["spring"], opted_out=["text", "email"])
    make_client(dan, first_name="Landline", tags=["spring"], phone=None)
    make_client(maya, first_name="Other")  # not in the segment
    segment = _segment(owner, tags="spring")
    auth.login(owner.email)
    form = client.get(f"/owner/segments/{segment.id}/campaign").get_data(as_text=True)
    assert "<strong>6</strong> clients match today" in form and "tagged spring" in form
    response = auth.post(f"/owner/segments/{segment.id}/campaign", _campaign_form(today))
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    summary = "2 follow-ups made; 4 left out: 2 opted out of texts, 1 do not contact, 1 no phone number."
    assert summary in page
    made = _follow_ups(owner.store_id)
    campaign = db.session.scalar(select(Campaign))
    assert {(f.client_id, f.assignee_id) for f in made} == {(ava.id, maya.id), (ben.id, dan.id)}
    assert all(f.kind == "store_event" and f.source == f"campaign:{campaign.id}" and f.detail["what"] == "Sapphire week"
               and f.detail["message"] == "New sapphire pieces are in" and f.show_on == today for f in made)
    # The latest campaigns list keeps the counts after the toast is gone.
    assert "4 left out: 2 opted out of texts, 1 do not contact, 1 no phone number" in \
        client.get("/owner/segments/").get_data(as_text=True)
    # On Maya's Today, with the campaign as the reason.
    cards = call_list(db.session.get(User, maya.id), today).cards
    assert [r.text for c in cards if c.client_id == ava.id for r in c.reasons][0].startswith("Sapphire week")
    # The same form again (a double tap, a resubmit): nothing new.
    again = auth.post(f"/owner/segments/{segment.id}/campaign", _campaign_form(today), headers=HX)
    assert again.status_code == 200 and again.headers["HX-Redirect"] == "/owner/segments/"
    assert len(_follow_ups(owner.store_id)) == 2
    assert db.session.scalar(select(func.count()).select_from(Campaign)) == 1
    assert "0 follow-ups made" in client.get("/owner/segments/").get_data(as_text=True)
    # A client who newly matches gets theirs on the next run; the others are not doubled.
    cleo = make_client(maya, first_name="Cleo", tags=["spring"])
    auth.post(f"/owner/segments/{segment.id}/campaign", _campaign_form(today))
    assert sorted(f.client_id for f in _follow_ups(owner.store_id)) == sorted([ava.id, ben.id, cleo.id])


def test_follow_ups_show_from_the_campaigns_first_day_and_keep_contact_limits(client, auth):
    owner = make_user(role="owner")
    maya = make_user(role="associate")
    today = store_today(owner.store)
    fresh = make_client(maya, first_name="Fresh")
    busy = make_client(maya, first_name="Busy")
    # Two touches in the last 30 days: a normal client allows no third until the older one is 30 days old.
    for days_ago in (1, 10):
        day = today - timedelta(days=days_ago)
        db.session.add(Outreach(store_id=owner.store_id, client_id=busy.id, user_id=maya.id, channel="call",
                                outcome="reached", occurred_at=datetime.now(UTC) - timedelta(days=days_ago),
                                occurred_on=day))
    db.session.commit()
    segment = _segment(owner)
    auth.login(owner.email)
    opens = today + timedelta(days=3)
    auth.post(f"/owner/segments/{segment.id}/campaign",
              _campaign_form(today, channel="", opens_on=opens.isoformat(), due_on=(today + timedelta(days=14)).isoformat(),
                             expires_on=(today + timedelta(days=28)).isoformat()))
    shows = {f.client_id: f.show_on for f in _follow_ups(owner.store_id)}
    assert shows == {fresh.id: opens, busy.id: today + timedelta(days=20)}
    user = db.session.get(User, maya.id)
    assert fresh.id not in {c.client_id for c in call_list(user, today).cards}
    assert fresh.id in {c.client_id for c in call_list(user, opens).cards}
    assert busy.id not in {c.client_id for c in call_list(user, opens).cards}


def test_bad_campaign_window_is_422_per_field_and_nothing_is_made(client, auth):
    owner = make_user(role="owner")
    make_client(make_user(role="associate"))
    today = store_today(owner.store)
    segment = _segment(owner)
    auth.login(owner.email)
    response = auth.post(f"/owner/segments/{segment.id}/campaign",
                         _campaign_form(today, name="", channel="pigeon", due_on=(today - timedelta(days=1)).isoformat()),
                         headers=HX)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "<html" not in html
    assert "Name the campaign" in html and "Choose a channel from the list." in html
    assert "Due on or after the first day." in html and 'value="New sapphire pieces are in"' not in html
    assert "New sapphire pieces are in" in html  # the message is kept
    late = auth.post(f"/owner/segments/{segment.id}/campaign",
                     _campaign_form(today, expires_on="2020-01-01", due_on="2020-01-01", opens_on="2020-01-01"))
    assert late.status_code == 422 and "The last day has passed" in late.get_data(as_text=True)
    assert _follow_ups(owner.store_id) == [] and db.session.scalar(select(func.count()).select_from(Campaign)) == 0
