"""Repairs: intake from the card, the one-tap status walk, the pickup call on Today, overdue pickups."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from jewelpwa.clock import store_today
from jewelpwa.extensions import db
from jewelpwa.models import FollowUp, Repair
from jewelpwa.services.book.repairs import move_repair, take_in_repair
from jewelpwa.services.engine.day_lists import call_list
from jewelpwa.services.errors import Invalid

from ..conftest import make_user
from ..factories import make_client

HX = {"HX-Request": "true"}


def take_in(auth, client, **fields):
    data = {"item": "Diamond solitaire ring", "work": "Resize from 6 to 7", "promised_on": "", "quote": "85", **fields}
    return auth.post(f"/repairs/intake/{client.id}", data)


def test_intake_from_the_card_and_its_field_messages(auth):
    user = make_user()
    client = make_client(user)
    auth.login(user.email)
    assert "Take in a repair" in auth.client.get(f"/clients/{client.id}").get_data(as_text=True)
    today = store_today(user.store)
    bad = take_in(auth, client, item="", work="", promised_on=(today - timedelta(days=1)).isoformat(), quote="a lot")
    page = bad.get_data(as_text=True)
    assert bad.status_code == 422
    for message in ("Say what the piece is", "Say what work to do", "That day has passed", "Quote &#34;a lot&#34; is not an amount"):
        assert message in page
    assert 'value="a lot"' in page
    assert db.session.scalar(select(func.count()).select_from(Repair)) == 0

    saved = take_in(auth, client, promised_on=(today + timedelta(days=5)).isoformat(), quote="$1,085.5")
    assert saved.status_code == 303
    repair = db.session.scalar(select(Repair))
    assert (repair.status, str(repair.quote), repair.taken_by_id) == ("received", "1085.50", user.id)
    card = auth.client.get(f"/clients/{client.id}").get_data(as_text=True)
    assert "Diamond solitaire ring" in card and "To the bench" in card


def test_ready_puts_a_pickup_call_on_today_and_picked_up_takes_it_off(auth):
    associate = make_user(name="Maya")
    counter = make_user(store=associate.store.name, name="Sam")
    client = make_client(associate, first_name="Ruth")  # Maya's client; Sam takes the repair in
    auth.login(counter.email)
    take_in(auth, client, item="Gold chain", work="Fix the clasp")
    repair = db.session.scalar(select(Repair))
    today = store_today(associate.store)

    bench = auth.post(f"/repairs/{repair.id}/status", {"status": "at_the_bench"}, headers=HX)
    fragment = bench.get_data(as_text=True)
    assert bench.status_code == 200 and "<html" not in fragment and "Mark ready" in fragment
    assert "At the bench" in bench.headers["HX-Trigger"]
    assert call_list(associate, today).cards == []

    auth.post(f"/repairs/{repair.id}/status", {"status": "ready"}, headers=HX)
    cards = call_list(associate, today).cards
    assert [c.client_id for c in cards] == [client.id]
    assert cards[0].reasons[0].text.startswith("Repair ready for pickup: Gold chain")
    assert call_list(counter, today).cards == []  # the call belongs to the client's associate

    # A plain form post (no JavaScript) goes back where it came from.
    done = auth.post(f"/repairs/{repair.id}/status", {"status": "picked_up", "back": "/repairs/?show=all"})
    assert done.status_code == 303 and done.headers["Location"].endswith("/repairs/?show=all")
    assert call_list(associate, today).cards == []
    follow_up = db.session.scalar(select(FollowUp).where(FollowUp.source == f"repair:{repair.id}"))
    assert (follow_up.status, follow_up.note) == ("done", "picked up")
    db.session.refresh(repair)
    assert repair.ready_at is not None and repair.picked_up_at is not None

    # No skipping steps back or forward.
    assert auth.post(f"/repairs/{repair.id}/status", {"status": "ready"}, headers=HX).status_code == 409
    assert db.session.get(Repair, repair.id).status == "picked_up"


def test_overdue_pickups_and_promises_show_on_the_list_and_the_card(auth):
    user = make_user()
    client = make_client(user)
    today = store_today(user.store)
    now = datetime.now(UTC)

    def repair(item, status, **fields):
        row = Repair(store_id=user.store_id, client_id=client.id, item=item, work="Polish", status=status, **fields)
        db.session.add(row)
        db.session.commit()
        return row

    repair("Pearl strand", "ready", ready_at=now - timedelta(days=9))
    repair("Signet ring", "at_the_bench", promised_on=today - timedelta(days=2))
    repair("Tennis bracelet", "ready", ready_at=now - timedelta(days=2))
    repair("Old watch", "picked_up", ready_at=now - timedelta(days=40), picked_up_at=now - timedelta(days=1))
    auth.login(user.email)

    overdue = auth.client.get("/repairs/?show=overdue").get_data(as_text=True)
    assert "Pearl strand" in overdue and "Ready 9 days, not picked up" in overdue
    assert "Signet ring" in overdue and "not ready" in overdue
    assert "Tennis bracelet" not in overdue and "Old watch" not in overdue
    open_list = auth.client.get("/repairs/").get_data(as_text=True)
    assert all(name in open_list for name in ("Pearl strand", "Signet ring", "Tennis bracelet"))
    assert "Old watch" not in open_list
    assert "Old watch" in auth.client.get("/repairs/?show=picked_up").get_data(as_text=True)
    fragment = auth.client.get("/repairs/?show=ready", headers=HX).get_data(as_text=True)
    assert "<html" not in fragment and "Signet ring" not in fragment and "Pearl strand" in fragment
    assert "Ready 9 days, not picked up" in auth.client.get(f"/clients/{client.id}").get_data(as_text=True)


def test_cancelling_a_ready_repair_takes_the_pickup_call_off_today():
    user = make_user()
    client = make_client(user)
    repair = take_in_repair(user, client.id, "Opal pendant", "New bail", "", "", store_today(user.store))
    move_repair(user, repair.id, "at_the_bench")
    move_repair(user, repair.id, "ready")
    assert [c.client_id for c in call_list(user, store_today(user.store)).cards] == [client.id]
    move_repair(user, repair.id, "cancelled")
    assert call_list(user, store_today(user.store)).cards == []
    assert db.session.scalar(select(FollowUp.status).where(FollowUp.client_id == client.id)) == "skipped"
    with pytest.raises(Invalid):
        move_repair(user, repair.id, "ready")
