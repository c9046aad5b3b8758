"""Today rows are actionable: contact links with an opening line, one-tap outcomes through the route, paging."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, timedelta
from urllib.parse import unquote

import pytest
from sqlalchemy import func, select

from jewelpwa.clock import store_today, utcnow
from jewelpwa.extensions import db
from jewelpwa.models import Client, ConsentEvent, FollowUp, Outreach, Store
from jewelpwa.services.engine.planner import plan_store_day

from ..conftest import make_user
from ..factories import add_date, make_client

HX_ROW = "row-{}"


def today_of(user):
    return store_today(db.session.get(Store, user.store_id))


def planned(user, days: int = 10, **overrides) -> Client:
    """A client whose birthday is `days` away: on today's list with a birthday reason.

    Today is the real day, so the calendar may add reasons of its own to the card (a holiday list from
    Nov 15, a reconnect every few weeks). Tests assert the birthday and let the rest follow their windows.
    """
    client = make_client(user, **overrides)
    birthday = today_of(user) + timedelta(days=days)
    add_date(client, "birthday", birthday.month, birthday.day)
    plan_store_day(db.session.get(Store, user.store_id), today_of(user))
    return client


def follow_ups(client_id: int) -> list[FollowUp]:
    db.session.expire_all()
    return list(db.session.scalars(select(FollowUp).where(FollowUp.client_id == client_id)))


def outreach_count() -> int:
    return db.session.scalar(select(func.count(Outreach.id)))


def row_of(page: str, client_id: int) -> str:
    start = page.find(f'id="row-{client_id}"')
    assert start >= 0, f"no row for client {client_id}"
    end = page.find('<li class="row today-row', start)
    return page[start:end if end > 0 else None]


def log(auth, client_id: int, outcome: str, htmx: bool = True, **data):
    headers = {"HX-Request": "true", "HX-Target": HX_ROW.format(client_id)} if htmx else {}
    form = {"channel": "call", "outcome": outcome, "next": "/today", "view": "today" if htmx else "", **data}
    return auth.post(f"/clients/{client_id}/outreach", form, token_from="/today", headers=headers)


@pytest.fixture
def user(auth):
    user = make_user()
    auth.login(user.email)
    return user


def test_row_offers_call_text_and_email_with_the_opening_line_and_hides_an_opted_out_channel(client, user):
    # Three days out the birthday leads the card on any day of the year, so its line opens the message: it
    # scores 2.0 x 2.68 = 5.4, more than a holiday list on its last day (1.5 x 3.0).
    texter = planned(user, days=3, first_name="Maria", opted_out=["email"])
    emailer = planned(user, days=3, first_name="Omar")
    page = client.get("/today").get_data(as_text=True)
    maria, omar = row_of(page, texter.id), row_of(page, emailer.id)
    assert 'href="tel:' in maria and 'href="sms:' in maria and "mailto:" not in maria
    sms = unquote(re.search(r'href="(sms:[^"]+)"', maria).group(1))
    assert "Hi Maria, it's Associate at Gem Store. Your birthday is coming up" in sms
    assert "Say:" in maria and "Hi Maria, it&#39;s Associate at Gem Store." in maria
    assert 'href="mailto:' in omar and "Hi%20Omar" in omar
    assert f'href="/clients/{texter.id}"' in maria


def test_do_not_contact_client_row_shows_no_contact_links(client, user):
    quiet = planned(user)
    quiet.do_not_contact = True  # asked after today's list was planned
    db.session.commit()
    row = row_of(client.get("/today").get_data(as_text=True), quiet.id)
    assert "tel:" not in row and "sms:" not in row and "mailto:" not in row
    assert "No way to contact" in row


def test_every_outcome_button_posts_to_the_log_route_with_the_outbox_contract(client, user):
    person = planned(user)
    row = row_of(client.get("/today").get_data(as_text=True), person.id)
    assert f'action="/clients/{person.id}/outreach"' in row and "data-outbox" in row
    assert f'hx-target="#row-{person.id}"' in row
    for outcome in ("reached", "voicemail", "no_answer", "booked", "sold", "not_now", "do_not_contact"):
        assert f'name="outcome" value="{outcome}"' in row
    week = (today_of(user) + timedelta(days=7)).isoformat()
    assert f'name="snooze_until" type="date" value="{week}"' in row
    assert 'name="csrf_token"' in row and 'name="channel" value="call"' in row


@pytest.mark.one_database
def test_today_page_is_a_full_page_and_an_htmx_request_gets_the_list_fragment(client, user):
    planned(user)
    assert "<html" in client.get("/today").get_data(as_text=True)
    fragment = client.get("/today", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<html" not in fragment and 'id="today-list"' in fragment


def test_reached_completes_follow_ups_and_htmx_gets_the_row_progress_and_an_undo_toast(auth, user):
    person = planned(user)
    response = log(auth, person.id, "reached")
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in body
    assert {f.status for f in follow_ups(person.id)} == {"done"}
    assert f'id="row-{person.id}"' in body and "Reached · " in body and "completed" in body
    assert 'id="today-progress" class="today-progress" hx-swap-oob="true"' in body
    assert "1 of 10 contacted today" in body
    toast = json.loads(response.headers["HX-Trigger"])["showToast"]
    outreach_id = db.session.scalar(select(Outreach.id))
    assert toast["undo_url"].startswith(f"/outreach/{outreach_id}/undo") and toast["undo_target"] == f"#row-{person.id}"


@pytest.mark.parametrize("outcome", ["booked", "sold"])
def test_booked_and_sold_complete_follow_ups_too(auth, user, outcome):
    person = planned(user)
    assert log(auth, person.id, outcome).status_code == 200
    assert {f.status for f in follow_ups(person.id)} == {"done"}
    assert db.session.get(Client, person.id).last_reached_on == today_of(user)


def test_voicemail_moves_follow_up_two_days_and_the_row_says_when_it_is_back(auth, user):
    person = planned(user)
    body = log(auth, person.id, "voicemail").get_data(as_text=True)
    back = today_of(user) + timedelta(days=2)
    after = follow_ups(person.id)
    assert [(f.status, f.show_on) for f in after if f.kind == "birthday"] == [("open", back)]
    # Anything else on the card moves with it, or expires when its window closes before the next try.
    assert all((f.status, f.show_on) == ("open", back) for f in after if f.expires_on >= back)
    assert all(f.status == "expired" for f in after if f.expires_on < back)
    assert f"Voicemail · back on {back.strftime('%b')} {back.day}" in body
    assert "Undo" in body


def test_not_now_snoozes_to_the_picked_day(auth, user):
    person = planned(user)
    later = today_of(user) + timedelta(days=5)
    log(auth, person.id, "not_now", snooze_until=later.isoformat())
    after = follow_ups(person.id)
    # The birthday is still ahead on the picked day, so it comes back then. What else the calendar put on
    # the card (a reconnect, a holiday list) depends on today's date: those follow the picked day while their
    # window lasts and expire, with their reason, when it closes first (tests/unit/test_outcomes.py).
    assert [(f.status, f.show_on) for f in after if f.kind == "birthday"] == [("snoozed", later)]
    assert all((f.status, f.show_on) == ("snoozed", later) for f in after if f.expires_on >= later)
    assert all(f.status == "expired" for f in after if f.expires_on < later)


def test_not_now_without_a_day_is_422_with_the_message_in_the_row_and_nothing_stored(auth, user):
    person = planned(user)
    response = log(auth, person.id, "not_now", snooze_until="")
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and "<html" not in body
    assert "Pick a day after today" in body and f'id="row-{person.id}"' in body
    assert outreach_count() == 0 and {f.status for f in follow_ups(person.id)} == {"open"}


def test_not_now_without_a_day_and_without_javascript_is_a_422_page(auth, user):
    person = planned(user)
    response = log(auth, person.id, "not_now", htmx=False)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "<html" in page and "Pick a day after today" in page and outreach_count() == 0


def test_do_not_contact_sets_the_flag_and_records_consent(auth, user):
    person = planned(user)
    body = log(auth, person.id, "do_not_contact").get_data(as_text=True)
    assert db.session.get(Client, person.id).do_not_contact is True
    assert db.session.scalar(select(func.count(ConsentEvent.id)).where(ConsentEvent.what == "do_not_contact")) == 1
    assert "Do not contact · " in body


def test_plain_post_redirects_303_to_a_local_next_and_an_absolute_next_goes_to_today(auth, user):
    person = planned(user)
    response = log(auth, person.id, "voicemail", htmx=False, next=f"/clients/{person.id}")
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/clients/{person.id}")
    for evil in ("https://evil.example", "//evil.example/x"):
        response = log(auth, person.id, "no_answer", htmx=False, next=evil)
        assert response.status_code == 303 and response.headers["Location"].endswith("/today")


def test_replaying_the_same_idempotency_key_stores_one_outreach(auth, user):
    person = planned(user)
    first = log(auth, person.id, "reached", htmx=False, idempotency_key="outbox-7f3a")
    again = log(auth, person.id, "reached", htmx=False, idempotency_key="outbox-7f3a")
    assert first.status_code == again.status_code == 303
    assert outreach_count() == 1


def test_an_associate_cannot_log_for_another_stores_client(auth, user):
    stranger = planned(make_user(store="Other Store"))
    assert log(auth, stranger.id, "reached").status_code == 404
    assert log(auth, stranger.id, "reached", htmx=False).status_code == 404
    assert outreach_count() == 0


def test_the_list_is_the_days_plan_not_the_backlog(client, user, clock):
    # 53 new clients all want a reconnect; an associate with a target of 4 gets a day of 5 (the store's 20 %
    # margin) with one more pulled ahead from tomorrow, not a list of 53 (issue 18).
    clock.set_day(date(2026, 12, 10))
    user.daily_target = 4
    db.session.commit()
    for _ in range(53):
        make_client(user, tier="C")
    on = today_of(user)
    plan_store_day(db.session.get(Store, user.store_id), on)
    page = client.get("/today").get_data(as_text=True)
    today, more = page.split('class="card today-more"', 1)
    assert today.count('class="row today-row"') == 4
    assert "More (2)" in more


def test_an_htmx_outcome_form_elsewhere_gets_a_logged_note_with_undo_in_its_target(auth, user):
    person = planned(user)
    headers = {"HX-Request": "true", "HX-Target": "card-outcome"}
    response = auth.post(f"/clients/{person.id}/outreach", {"channel": "call", "outcome": "reached"},
                         token_from="/today", headers=headers)
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in body and 'id="card-outcome"' in body
    assert "Reached · " in body and "/undo" in body
    refused = auth.post(f"/clients/{person.id}/outreach", {"channel": "call", "outcome": "not_now"},
                        token_from="/today", headers=headers)
    assert refused.status_code == 422 and "Pick a day after today" in refused.get_data(as_text=True)
    assert 'hx-target="#card-outcome"' in refused.get_data(as_text=True)


def test_an_outcome_sent_late_by_the_outbox_counts_on_the_day_it_was_tapped(auth, user, clock):
    """No signal in the evening, sent the next morning: the touch belongs to yesterday's list and clocks."""
    # A day on which nothing opens: what was on yesterday's list is all the client has. On 2027-11-15 the
    # holiday list opened that morning, was on no list when the call was tapped, and rightly stayed put.
    clock.set_day(date(2026, 6, 10))
    client = planned(user)
    tapped = utcnow() - timedelta(hours=26)
    tapped_on = store_today(db.session.get(Store, user.store_id), tapped)
    response = log(auth, client.id, "voicemail", htmx=False, occurred_at=tapped.isoformat().replace("+00:00", "Z"))
    assert response.status_code == 303
    row = db.session.scalars(select(Outreach).where(Outreach.client_id == client.id)).one()
    assert row.occurred_on == tapped_on
    assert all(f.show_on == tapped_on + timedelta(days=2) for f in follow_ups(client.id) if f.status == "open")


@pytest.mark.parametrize("offset", [timedelta(days=5), timedelta(hours=-2)], ids=["too-old", "future"])
def test_an_implausible_tap_time_is_ignored_and_the_touch_is_stored_now(auth, user, offset):
    client = planned(user)
    response = log(auth, client.id, "reached", htmx=False,
                   occurred_at=(datetime.now(UTC) - offset).isoformat())
    assert response.status_code == 303
    row = db.session.scalars(select(Outreach).where(Outreach.client_id == client.id)).one()
    assert row.occurred_on == today_of(user)
