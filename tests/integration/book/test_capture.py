"""Capture what happened (issue 19): the channel used, Sold with its sale, Booked with its appointment.

Through the routes, as a phone posts them (htmx from a Today row) and as a browser without JavaScript does,
on a pinned day: the outcome is stored under the channel posted, and a Sold or Booked is stored with what it
captured in one commit, linked, or not at all.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from html import unescape
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from jewelpwa.extensions import db
from jewelpwa.models import Appointment, Client, Outreach, Purchase, Store
from jewelpwa.services.book.outreach import undo_outreach
from jewelpwa.services.engine.planner import plan_store_day
from jewelpwa.services.errors import Invalid
from jewelpwa.services.owner.huddle import huddle

from ..conftest import make_user
from ..factories import add_date, make_client

DAY = date(2027, 3, 10)  # a Wednesday outside every season
TZ = ZoneInfo("America/New_York")
ROW = {"HX-Request": "true", "HX-Target": "row-{}"}


@pytest.fixture
def desk(app, clock, auth):
    """An associate signed in on DAY with one client whose birthday is ten days away (on today's list)."""
    clock.set_day(DAY)
    user = make_user()
    client = make_client(user, first_name="Nora", last_name="Vance")
    birthday = DAY + timedelta(days=10)
    add_date(client, "birthday", birthday.month, birthday.day)
    plan_store_day(db.session.get(Store, user.store_id), DAY)
    auth.login(user.email)
    return user, client.id


def post(auth, path: str, client_id: int, htmx: bool = True, **form):
    headers = {k: v.format(client_id) for k, v in ROW.items()} if htmx else {}
    data = {"next": "/today", **({"view": "today"} if htmx else {}), **form}
    return auth.post(path, data, token_from="/today", headers=headers)


def counts() -> tuple[int, int, int]:
    return (db.session.scalar(select(func.count(Outreach.id))), db.session.scalar(select(func.count(Purchase.id))),
            db.session.scalar(select(func.count(Appointment.id))))


def sale_form(**overrides):
    return {"save": "1", "channel": "call", "items-0-category": "ring", "items-0-price": "1,250.00",
            "occasion": "birthday", **overrides}


def booking_form(**overrides):
    return {"save": "1", "channel": "text", "kind": "consultation", "on": (DAY + timedelta(days=1)).isoformat(),
            "at": "14:30", "duration_min": "30", **overrides}


# ------------------------------------------------------------------------------------------ the channel used

def test_outcome_is_stored_under_the_channel_posted_not_the_suggested_one(desk, auth):
    user, client_id = desk
    today = auth.client.get("/today").get_data(as_text=True)
    # The row suggests a call (primary button), yet its form checks no channel: nothing is guessed.
    assert re.search(r'class="btn btn-primary contact-call"', today)
    assert 'name="channel" value="call" required>' in today and 'value="call" required checked' not in today
    answer = post(auth, f"/clients/{client_id}/outreach", client_id, channel="text", outcome="voicemail")
    assert answer.status_code == 200
    assert db.session.scalar(select(Outreach.channel)) == "text"
    card = auth.client.get(f"/clients/{client_id}").get_data(as_text=True)
    assert "Text · voicemail" in card


def test_outcome_without_a_channel_asks_for_it_and_stores_nothing(desk, auth):
    _, client_id = desk
    for htmx in (True, False):
        answer = post(auth, f"/clients/{client_id}/outreach", client_id, htmx=htmx, outcome="reached")
        assert answer.status_code == 422
        assert "Choose how you contacted them" in answer.get_data(as_text=True)
    assert counts() == (0, 0, 0)


# ----------------------------------------------------------------------------------------- Sold → the sale

def test_sold_opens_the_sale_sheet_prefilled_and_stores_nothing_yet(desk, auth):
    _, client_id = desk
    answer = post(auth, f"/clients/{client_id}/outreach/sale", client_id, channel="text", outcome="sold",
                  note="loved the pendant")
    page = answer.get_data(as_text=True)
    assert answer.status_code == 200 and "<html" not in page  # the row, with the sheet in it
    assert 'id="row-' in page and "Sold: the sale" in page
    assert re.search(r'value="text" required checked', page)  # the channel tapped carries over
    assert re.search(r'<option value="birthday" selected>', page)  # the card's top reason: a birthday
    assert 'value="loved the pendant"' in page
    assert counts() == (0, 0, 0)
    # Without JavaScript the same POST is a page with the same form.
    plain = post(auth, f"/clients/{client_id}/outreach/sale", client_id, htmx=False, outcome="sold")
    assert plain.status_code == 200 and "<html" in plain.get_data(as_text=True)
    assert "Save sale · Sold" in plain.get_data(as_text=True)


def test_sold_with_its_sale_is_stored_linked_and_counted_from_outreach(desk, auth, app):
    user, client_id = desk
    answer = post(auth, f"/clients/{client_id}/outreach/sale", client_id, **sale_form(channel="text"))
    assert answer.status_code == 200
    toast = json.loads(answer.headers["HX-Trigger"])["showToast"]
    assert toast["message"].startswith("Sold · ") and toast["message"].endswith("sale $1,250.00 saved")
    assert "undo_url" not in toast  # a recorded sale is not undone from a toast
    outreach = db.session.scalars(select(Outreach)).one()
    purchase = db.session.scalars(select(Purchase)).one()
    assert (outreach.channel, outreach.outcome, outreach.purchase_id) == ("text", "sold", purchase.id)
    assert (purchase.total, purchase.associate_id, purchase.purchased_on, purchase.occasion) == (
        Decimal("1250.00"), user.id, DAY, "birthday")
    owner = make_user(store=user.store.name, role="owner")
    evening = huddle(owner, "evening", DAY.isoformat(), now=datetime.combine(DAY, time(19), TZ))
    mine = next(a for a in evening.associates if a.user_id == user.id)
    assert (mine.figures.sold, mine.figures.revenue) == (1, Decimal("1250.00"))
    with pytest.raises(Invalid):
        undo_outreach(user, outreach.id)


@pytest.mark.parametrize(("field", "value", "says"), [
    ("items-0-price", "twelve", "is not an amount"),
    ("items-0-price", "-5", "is negative"),
    ("items-0-category", "", "Choose what was sold"),
    ("recipient", "999999", "Choose one of this client's people"),
    ("channel", "pigeon", "Choose how you contacted them"),
])
def test_a_bad_sale_answers_422_with_the_message_and_writes_nothing(desk, auth, field, value, says):
    _, client_id = desk
    for htmx in (True, False):
        answer = post(auth, f"/clients/{client_id}/outreach/sale", client_id, htmx=htmx, **sale_form(**{field: value}))
        assert answer.status_code == 422
        assert says in unescape(answer.get_data(as_text=True))
    assert counts() == (0, 0, 0)


def test_the_sale_sheet_saved_twice_stores_one_sale(desk, auth):
    _, client_id = desk
    for _ in range(2):
        assert post(auth, f"/clients/{client_id}/outreach/sale", client_id,
                    **sale_form(idempotency_key="sheet-1")).status_code == 200
    assert counts() == (1, 1, 0)


def test_without_javascript_the_saved_sheet_goes_back_with_a_303(desk, auth):
    _, client_id = desk
    answer = post(auth, f"/clients/{client_id}/outreach/sale", client_id, htmx=False, **sale_form())
    assert answer.status_code == 303 and answer.headers["Location"].endswith("/today")
    assert counts() == (1, 1, 0)


def test_another_stores_client_is_a_404_for_both_sheets(desk, auth):
    other = make_client(make_user(store="Other Store"))
    for path, form in (("sale", sale_form()), ("booking", booking_form())):
        for data in ({"outcome": "sold"}, form):
            assert post(auth, f"/clients/{other.id}/outreach/{path}", other.id, **data).status_code == 404
    assert counts() == (0, 0, 0)


def test_the_sheets_need_a_csrf_token(desk, auth):
    _, client_id = desk
    for path, form in (("sale", sale_form()), ("booking", booking_form())):
        answer = auth.client.post(f"/clients/{client_id}/outreach/{path}", data=form)  # signed in, no token
        assert answer.status_code == 400
    assert counts() == (0, 0, 0)


# ----------------------------------------------------------------------------------- Booked → the appointment

def test_booked_with_its_appointment_is_stored_linked_and_shows_on_that_day(desk, auth, clock):
    user, client_id = desk
    sheet = post(auth, f"/clients/{client_id}/outreach/booking", client_id, channel="call", outcome="booked")
    page = sheet.get_data(as_text=True)
    assert sheet.status_code == 200 and "Booked: the appointment" in page
    assert f'value="{(DAY + timedelta(days=1)).isoformat()}"' in page  # tomorrow by default
    answer = post(auth, f"/clients/{client_id}/outreach/booking", client_id, **booking_form())
    assert answer.status_code == 200
    outreach = db.session.scalars(select(Outreach)).one()
    appt = db.session.scalars(select(Appointment)).one()
    assert (outreach.channel, outreach.outcome, outreach.appointment_id) == ("text", "booked", appt.id)
    assert appt.starts_at.astimezone(TZ) == datetime.combine(DAY + timedelta(days=1), time(14, 30), TZ)
    assert appt.user_id == user.id and appt.status == "booked"
    clock.set_day(DAY + timedelta(days=1), at=time(8))
    assert "2:30" in auth.client.get("/today").get_data(as_text=True)


@pytest.mark.parametrize(("field", "value", "says"), [
    ("at", "07:00", "That time has passed"),  # DAY at 07:00 is before the pinned noon
    ("on", "next week", "Pick the day"),
    ("kind", "séance", "Choose what the appointment is for"),
    ("user_id", "999999", "Choose someone on the store's staff"),
])
def test_a_bad_booking_answers_422_with_the_message_and_writes_nothing(desk, auth, field, value, says):
    _, client_id = desk
    form = booking_form(**{field: value}, **({"on": DAY.isoformat()} if field == "at" else {}))
    answer = post(auth, f"/clients/{client_id}/outreach/booking", client_id, **form)
    assert answer.status_code == 422 and says in unescape(answer.get_data(as_text=True))
    assert counts() == (0, 0, 0)


def test_without_javascript_a_saved_booking_goes_back_with_a_303(desk, auth):
    _, client_id = desk
    answer = post(auth, f"/clients/{client_id}/outreach/booking", client_id, htmx=False, **booking_form())
    assert answer.status_code == 303 and answer.headers["Location"].endswith("/today")
    assert counts() == (1, 0, 1)


def test_a_booking_with_someone_of_another_store_is_refused(desk, auth):
    _, client_id = desk
    stranger = make_user(store="Other Store", email="stranger@other.test")
    answer = post(auth, f"/clients/{client_id}/outreach/booking", client_id, **booking_form(user_id=str(stranger.id)))
    assert answer.status_code == 422
    assert counts() == (0, 0, 0)


def test_undoing_a_booked_cancels_its_appointment(desk, auth):
    user, client_id = desk
    post(auth, f"/clients/{client_id}/outreach/booking", client_id, **booking_form())
    outreach = db.session.scalars(select(Outreach)).one()
    undo_outreach(user, outreach.id)
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Outreach.id))) == 0
    assert db.session.scalars(select(Appointment)).one().status == "cancelled"
    assert db.session.get(Client, client_id) is not None


def test_undo_refused_for_a_sale_says_why_in_the_toast(desk, auth):
    _, client_id = desk
    post(auth, f"/clients/{client_id}/outreach/sale", client_id, **sale_form())
    outreach_id = db.session.scalar(select(Outreach.id))
    answer = auth.post(f"/outreach/{outreach_id}/undo", {"view": "today"}, token_from="/today",
                       headers={"HX-Request": "true", "HX-Target": f"row-{client_id}"})
    assert answer.status_code == 204
    assert "recorded sale" in json.loads(answer.headers["HX-Trigger"])["showToast"]["message"]
    assert counts()[:2] == (1, 1)
