"""undo_outreach and its route: a mis-tap is taken back exactly, by its author, within 15 minutes."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from jewelpwa.extensions import db
from jewelpwa.models import Client, ConsentEvent, FollowUp, Outreach, Store
from jewelpwa.services.book.outreach import log_outreach, undo_outreach
from jewelpwa.services.engine.planner import plan_store_day
from jewelpwa.services.errors import Invalid, NotAllowed, NotFound

from ..conftest import make_user
from ..factories import add_date, make_client

ON = date(2026, 11, 22)
NOON = datetime(2026, 11, 22, 17, tzinfo=UTC)  # midday in New York


def planned_client(user, **overrides) -> Client:
    # First seen 340 days before ON: between two reconnect windows on the 90-day clock and on the 60-day
    # pace clock alike (days 300-330 and 360-390), so the planned follow-ups are the birthday and the
    # holiday list only.
    overrides.setdefault("first_seen_on", ON - timedelta(days=340))
    client = make_client(user, **overrides)
    add_date(client, "birthday", 12, 5)
    plan_store_day(db.session.get(Store, user.store_id), ON)
    return client


def states(client_id: int) -> set[tuple]:
    db.session.expire_all()
    return {(f.kind, f.status, f.show_on, f.tries, f.note, f.closed_at)
            for f in db.session.scalars(select(FollowUp).where(FollowUp.client_id == client_id))}


def outreach_count() -> int:
    return db.session.scalar(select(func.count(Outreach.id)))


def test_undo_restores_follow_ups_and_clocks_and_deletes_the_outreach():
    user = make_user()
    client = planned_client(user)
    earlier = log_outreach(user, client.id, "call", "reached", now=NOON - timedelta(days=40))
    before = states(client.id)
    logged = log_outreach(user, client.id, "call", "reached", now=NOON)
    assert db.session.get(Client, client.id).last_reached_on == ON
    undone = undo_outreach(user, logged.outreach.id, now=NOON + timedelta(minutes=5))
    assert undone.restored == 2
    assert states(client.id) == before
    client = db.session.get(Client, client.id)
    assert client.last_reached_on == client.last_touch_on == earlier.outreach.occurred_on
    assert outreach_count() == 1


def test_undo_of_the_only_touch_clears_the_clocks_and_restores_tries():
    user = make_user()
    client = planned_client(user)
    before = states(client.id)
    logged = log_outreach(user, client.id, "call", "voicemail", now=NOON)
    assert {s[3] for s in states(client.id)} == {1}
    undo_outreach(user, logged.outreach.id, now=NOON + timedelta(minutes=1))
    assert states(client.id) == before
    client = db.session.get(Client, client.id)
    assert client.last_touch_on is None and client.last_reached_on is None
    assert outreach_count() == 0


def test_undo_of_do_not_contact_reopens_contact_with_an_appended_consent_event():
    user = make_user()
    client = planned_client(user)
    before = states(client.id)
    logged = log_outreach(user, client.id, "call", "do_not_contact", now=NOON)
    undo_outreach(user, logged.outreach.id, now=NOON + timedelta(minutes=2))
    assert db.session.get(Client, client.id).do_not_contact is False
    assert states(client.id) == before
    events = [(e.what, e.value) for e in db.session.scalars(select(ConsentEvent).order_by(ConsentEvent.id))]
    assert events[0][0] == "do_not_contact" and events[1] == ("contact_ok", "undo")


def test_undo_does_not_lift_a_do_not_contact_the_client_already_had():
    user = make_user()
    client = planned_client(user)
    client.do_not_contact = True
    db.session.commit()
    logged = log_outreach(user, client.id, "visit", "do_not_contact", now=NOON)
    undo_outreach(user, logged.outreach.id, now=NOON + timedelta(minutes=2))
    assert db.session.get(Client, client.id).do_not_contact is True
    assert db.session.scalar(select(func.count(ConsentEvent.id))) == 0


def test_only_the_author_can_undo_and_another_store_cannot_see_it():
    author = make_user()
    colleague = make_user()
    stranger = make_user(store="Other Store")
    client = planned_client(author)
    logged = log_outreach(author, client.id, "call", "reached", now=NOON)
    with pytest.raises(NotAllowed):
        undo_outreach(colleague, logged.outreach.id, now=NOON)
    with pytest.raises(NotFound):
        undo_outreach(stranger, logged.outreach.id, now=NOON)
    assert outreach_count() == 1


def test_undo_after_fifteen_minutes_is_refused_with_a_message():
    user = make_user()
    client = planned_client(user)
    logged = log_outreach(user, client.id, "call", "reached", now=NOON)
    with pytest.raises(Invalid) as error:
        undo_outreach(user, logged.outreach.id, now=NOON + timedelta(minutes=16))
    assert "15 minutes" in error.value.message
    assert outreach_count() == 1


# Through the routes (real clock: the outreach is logged "now").

def _log(auth, client_id: int, outcome: str = "reached") -> int:
    response = auth.post(f"/clients/{client_id}/outreach", {"channel": "call", "outcome": outcome, "view": "today"},
                         token_from="/today", headers={"HX-Request": "true", "HX-Target": f"row-{client_id}"})
    assert response.status_code == 200
    return json.loads(response.headers["HX-Trigger"])["showToast"]["undo_url"]


def test_undo_from_today_answers_the_restored_row_and_progress(auth):
    from jewelpwa.clock import store_today
    user = make_user()
    auth.login(user.email)
    client = make_client(user)
    store = db.session.get(Store, user.store_id)
    day = store_today(store) + timedelta(days=10)
    add_date(client, "birthday", day.month, day.day)
    plan_store_day(store, store_today(store))
    undo_url = _log(auth, client.id)
    response = auth.post(undo_url, {}, token_from="/today",
                         headers={"HX-Request": "true", "HX-Target": f"row-{client.id}"})
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in body
    assert f'id="row-{client.id}"' in body and "Log outcome" in body and "0 of 10 contacted today" in body
    assert "Undone" in json.loads(response.headers["HX-Trigger"])["showToast"]["message"]
    assert outreach_count() == 0
    assert {s[1] for s in states(client.id)} == {"open"}


def test_plain_undo_redirects_to_next_and_a_colleagues_undo_is_403(auth, client, app):
    from ..conftest import new_client
    user, colleague = make_user(), make_user()
    auth.login(user.email)
    customer = make_client(user)
    undo_url = _log(auth, customer.id, "voicemail")
    other = type(auth)(new_client(app))
    other.login(colleague.email)
    assert other.post(undo_url, {}, token_from="/today").status_code == 403
    response = auth.post(undo_url, {}, token_from="/today")
    assert response.status_code == 303 and response.headers["Location"].endswith("/today")
    assert outreach_count() == 0


def test_plain_undo_too_late_is_refused_with_a_message(auth):
    user = make_user()
    auth.login(user.email)
    customer = make_client(user)
    undo_url = _log(auth, customer.id, "voicemail")
    row = db.session.scalar(select(Outreach))
    row.occurred_at = datetime.now(UTC) - timedelta(minutes=20)
    db.session.commit()
    response = auth.post(undo_url, {}, token_from="/today")
    assert response.status_code == 422 and "Too late to undo" in response.get_data(as_text=True)
    htmx = auth.post(undo_url, {}, token_from="/today", headers={"HX-Request": "true", "HX-Target": "row-1"})
    assert "Too late to undo" in json.loads(htmx.headers["HX-Trigger"])["showToast"]["message"]
    assert outreach_count() == 1


def test_undo_does_not_wind_the_clocks_back_past_a_sale():
    from ..factories import add_purchase
    user = make_user()
    client = planned_client(user)
    add_purchase(client, ON - timedelta(days=16))
    logged = log_outreach(user, client.id, "call", "reached", now=NOON)
    undo_outreach(user, logged.outreach.id, now=NOON + timedelta(minutes=1))
    client = db.session.get(Client, client.id)
    assert client.last_reached_on == client.last_touch_on == ON - timedelta(days=16)
