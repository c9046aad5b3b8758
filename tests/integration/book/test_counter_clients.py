"""Add a client at the counter: saved searchable, duplicates offered before saving, a date's follow-up at once."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from jewelpwa.extensions import db
from jewelpwa.models import Client, FollowUp, ImportantDate
from jewelpwa.services.book.clients import create_client
from jewelpwa.services.book.people import DateInput

from ..conftest import make_user
from ..factories import make_client

TODAY = date(2026, 6, 10)


@pytest.fixture(autouse=True)
def store_clock(clock):
    """The store's today, fixed so date windows do not depend on when the suite runs."""
    clock.set_day(TODAY)


def signed_in(auth, **kwargs):
    user = make_user(**kwargs)
    auth.login(user.email)
    return user


def post_client(auth, **fields):
    data = {"first_name": "Maya", "last_name": "Chen", "phone": "(415) 555-0101", "email": "", **fields}
    return auth.post("/clients/new", data, token_from="/clients/new")


def clients_named(first: str) -> list[Client]:
    return list(db.session.scalars(select(Client).where(Client.first_name == first)))


@pytest.mark.one_database
def test_new_client_form_is_a_page_and_a_fragment(auth):
    signed_in(auth)
    page = auth.client.get("/clients/new")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "<html" in html
    assert 'name="csrf_token"' in html and 'inputmode="tel"' in html and 'type="email"' in html and "autofocus" in html
    fragment = auth.client.get("/clients/new", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<html" not in fragment and 'name="first_name"' in fragment


def test_saved_client_is_searchable_assigned_to_me_and_lands_on_the_card(auth):
    user = signed_in(auth)
    response = post_client(auth, first_name="  Maya ", last_name="Chen", phone="+1 (415) 555-0101",
                           email="Maya@Example.com")
    [client] = clients_named("Maya")
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/clients/{client.id}")
    assert (client.search_name, client.phone_digits, client.email) == ("maya chen", "14155550101", "maya@example.com")
    assert client.assigned_to_id == user.id and client.first_seen_on == TODAY and client.store_id == user.store_id


def test_plain_htmx_post_is_sent_to_the_card_with_hx_redirect(auth):
    signed_in(auth)
    response = auth.post("/clients/new", {"first_name": "Ana", "phone": "555 010 7777"}, token_from="/clients/new",
                         headers={"HX-Request": "true"})
    [client] = clients_named("Ana")
    assert response.headers["HX-Redirect"].endswith(f"/clients/{client.id}")


def test_same_phone_written_differently_is_offered_and_nothing_saved(auth):
    user = signed_in(auth)
    maya = make_client(user, first_name="Maya", last_name="Chen", phone="415-555-0101")
    response = post_client(auth, first_name="May", last_name="Chen", phone="(415) 555 0101")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Maya Chen already has this phone number" in html
    assert f'<a class="btn btn-primary btn-block" href="/clients/{maya.id}">Open Maya\'s card</a>' in html
    assert 'name="confirm_duplicate" value="1"' in html
    assert clients_named("May") == []


def test_same_email_in_other_case_is_offered(auth):
    user = signed_in(auth)
    make_client(user, first_name="Maya", last_name="Chen", email="maya@example.com", phone=None)
    response = post_client(auth, phone="", email="MAYA@example.com ")
    assert response.status_code == 422
    assert "Maya Chen already has this email" in response.get_data(as_text=True)
    assert len(clients_named("Maya")) == 1


def test_save_anyway_creates_the_second_client(auth):
    user = signed_in(auth)
    make_client(user, first_name="Maya", last_name="Chen", phone="415-555-0101")
    response = post_client(auth, confirm_duplicate="1")
    assert response.status_code == 303
    assert len(clients_named("Maya")) == 2


def test_save_anyway_does_not_cover_a_phone_changed_after_the_warning(auth):
    user = signed_in(auth)
    make_client(user, first_name="Maya", last_name="Chen", phone="415-555-0101")
    make_client(user, first_name="Lee", last_name="Wong", phone="415-555-0202")
    response = post_client(auth, phone="415 555 0202", confirm_duplicate="1", confirm_for="4155550101|")
    assert response.status_code == 422 and "Lee Wong already has this phone number" in response.get_data(as_text=True)


def test_another_store_with_the_same_phone_is_not_a_duplicate(auth):
    signed_in(auth)
    make_client(make_user(store="Other Store"), first_name="Maya", phone="415-555-0101")
    assert post_client(auth).status_code == 303


@pytest.mark.parametrize(("fields", "field_message"), [
    ({"first_name": ""}, "Enter the client’s first name."),
    ({"phone": "call me"}, "is not a phone number"),
    ({"phone": "12"}, "is not a phone number"),
    ({"phone": "", "email": "maya-at-example"}, "is not an email address"),
    ({"date_month": "4", "date_day": "31"}, "April has only 30 days"),
    ({"date_month": "2", "date_day": "29", "date_year": "2023"}, "2023 was not a leap year"),
    ({"date_month": "", "date_day": "12"}, "Choose the month."),
])
def test_bad_input_is_refused_with_what_to_fix_and_nothing_saved(auth, fields, field_message):
    signed_in(auth)
    response = post_client(auth, **fields)
    html = response.get_data(as_text=True).replace("&#39;", "’").replace("&#34;", '"')
    assert response.status_code == 422
    assert field_message in html
    assert 'value="(415) 555-0101"' in html or fields.get("phone") is not None  # input kept
    assert db.session.scalar(select(func.count(Client.id))) == 0


def test_feb_29_without_a_year_is_a_date(auth):
    signed_in(auth)
    assert post_client(auth, date_month="2", date_day="29").status_code == 303
    [row] = db.session.scalars(select(ImportantDate))
    assert (row.month, row.day, row.year, row.kind) == (2, 29, None, "birthday")


def test_birthday_ten_days_ahead_has_its_follow_up_at_once(auth):
    signed_in(auth)
    ahead = TODAY + timedelta(days=10)
    post_client(auth, date_kind="birthday", date_month=str(ahead.month), date_day=str(ahead.day), date_year="1990")
    [client] = clients_named("Maya")
    [follow_up] = db.session.scalars(select(FollowUp).where(FollowUp.client_id == client.id))
    assert (follow_up.kind, follow_up.occasion_on, follow_up.status) == ("birthday", ahead, "open")
    assert follow_up.assignee_id == client.assigned_to_id


def test_anniversary_months_away_waits_for_the_planner(auth):
    signed_in(auth)
    post_client(auth, date_kind="anniversary", date_on="2001-12-01")
    [row] = db.session.scalars(select(ImportantDate))
    assert (row.kind, row.month, row.day, row.year) == ("anniversary", 12, 1, 2001)
    assert db.session.scalar(select(func.count(FollowUp.id))) == 0


def test_assigning_to_someone_of_another_store_is_refused(auth):
    signed_in(auth)
    stranger = make_user(store="Other Store")
    response = post_client(auth, assigned_to_id=str(stranger.id))
    assert response.status_code == 422 and "Choose someone on this store’s team" in response.get_data(as_text=True).replace("&#39;", "’")


def test_service_assigns_to_a_teammate():
    boss = make_user(role="manager")
    teammate = make_user(store="Gem Store")
    client = create_client(boss, "Ravi", "Patel", "415 555 0303", "", "birthday", DateInput(), teammate.id, today=TODAY)
    assert client.assigned_to_id == teammate.id and client.source == "counter"
