"""Add a person, a date or a wish item from the card: saved, shown on the card, follow-ups made when due."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from jewelpwa.extensions import db
from jewelpwa.models import FollowUp, ImportantDate, Person, WishItem

from ..conftest import make_user
from ..factories import add_person, make_client

TODAY = date(2026, 6, 10)


@pytest.fixture(autouse=True)
def store_clock(clock):
    clock.set_day(TODAY)


def setup(auth):
    user = make_user()
    auth.login(user.email)
    return user, make_client(user, first_name="Maya", last_name="Chen")


def post(auth, path, **fields):
    return auth.post(path, fields, token_from=path)


@pytest.mark.one_database
@pytest.mark.parametrize("form", ["people/new", "dates/new", "wishes/new"])
def test_each_form_is_a_page_and_a_fragment_with_cancel_to_the_card(auth, form):
    _, client = setup(auth)
    path = f"/clients/{client.id}/{form}"
    page = auth.client.get(path).get_data(as_text=True)
    assert "<html" in page and 'name="csrf_token"' in page and f'href="/clients/{client.id}">Cancel</a>' in page
    fragment = auth.client.get(path, headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<html" not in fragment and f'action="{path}"' in fragment


def test_partner_with_birthday_in_window_gets_a_partner_birthday_follow_up(auth):
    _, client = setup(auth)
    soon = TODAY + timedelta(days=20)
    response = post(auth, f"/clients/{client.id}/people/new", name="Anna", relation="partner",
                    birthday_month=str(soon.month), birthday_day=str(soon.day))
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/clients/{client.id}")
    [anna] = db.session.scalars(select(Person).where(Person.client_id == client.id))
    assert (anna.name, anna.relation) == ("Anna", "partner")
    [follow_up] = db.session.scalars(select(FollowUp))
    assert (follow_up.kind, follow_up.occasion_on, follow_up.detail["name"]) == ("partner_birthday", soon, "Anna")
    card = auth.client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Anna added to Maya’s people" in card.replace("&#39;", "’")


def test_person_without_birthday_is_saved_without_a_date(auth):
    _, client = setup(auth)
    post(auth, f"/clients/{client.id}/people/new", name="Leo", relation="child")
    assert db.session.scalar(select(func.count(Person.id))) == 1
    assert db.session.scalar(select(func.count(ImportantDate.id))) == 0


def test_person_needs_a_name(auth):
    _, client = setup(auth)
    response = post(auth, f"/clients/{client.id}/people/new", name=" ", relation="partner")
    assert response.status_code == 422 and "Enter their name" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Person.id))) == 0


def test_a_date_for_one_of_their_people(auth):
    _, client = setup(auth)
    leo = add_person(client, "Leo", "child")
    response = post(auth, f"/clients/{client.id}/dates/new", person_id=str(leo.id), kind="custom", label="Graduation",
                    date_month="6", date_day="20", date_year="")
    assert response.status_code == 303
    [row] = db.session.scalars(select(ImportantDate))
    assert (row.person_id, row.kind, row.label, row.month, row.day, row.year) == (leo.id, "custom", "Graduation", 6, 20, None)
    [follow_up] = db.session.scalars(select(FollowUp))
    assert follow_up.kind == "family_date" and follow_up.detail == {"name": "Leo", "label": "Graduation"}
    card = auth.client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Date saved: Graduation Jun 20" in card


def test_feb_29_is_a_date_and_april_31_is_not(auth):
    _, client = setup(auth)
    path = f"/clients/{client.id}/dates/new"
    assert post(auth, path, kind="anniversary", date_month="2", date_day="29").status_code == 303
    response = post(auth, path, kind="birthday", date_month="4", date_day="31", date_year="1980")
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "April has only 30 days: check the day." in html
    assert 'value="31"' in html and 'value="1980"' in html
    assert db.session.scalar(select(func.count(ImportantDate.id))) == 1


def test_custom_date_needs_a_label(auth):
    _, client = setup(auth)
    response = post(auth, f"/clients/{client.id}/dates/new", kind="custom", date_month="3", date_day="3")
    assert response.status_code == 422 and "Say what the date is" in response.get_data(as_text=True)


def test_another_clients_person_cannot_be_chosen(auth):
    user, client = setup(auth)
    stranger = add_person(make_client(user), "Zoe")
    response = post(auth, f"/clients/{client.id}/dates/new", person_id=str(stranger.id), kind="birthday",
                    date_month="3", date_day="3")
    assert response.status_code == 422
    assert db.session.scalar(select(func.count(ImportantDate.id))) == 0


def test_wish_item_is_saved_for_a_person(auth):
    _, client = setup(auth)
    anna = add_person(client, "Anna")
    response = post(auth, f"/clients/{client.id}/wishes/new", description="Sapphire studs", person_id=str(anna.id),
                    category="earrings", metal="White gold", stone="Sapphire", price_hint="$1,200")
    assert response.status_code == 303
    [wish] = db.session.scalars(select(WishItem))
    assert (wish.description, wish.person_id, wish.category, wish.stone, wish.price_hint, wish.status) == (
        "Sapphire studs", anna.id, "earrings", "Sapphire", Decimal("1200.00"), "open")
    assert "Wish saved: Sapphire studs" in auth.client.get(response.headers["Location"]).get_data(as_text=True)


def test_wish_needs_a_description_and_a_real_price(auth):
    _, client = setup(auth)
    response = post(auth, f"/clients/{client.id}/wishes/new", description="", price_hint="lots")
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "Describe the piece" in html and "is not an amount" in html
    assert db.session.scalar(select(func.count(WishItem.id))) == 0


@pytest.mark.parametrize("form", ["sales/new", "people/new", "dates/new", "wishes/new", "referral", "gift-list"])
def test_another_stores_client_is_404_on_every_form(auth, form):
    setup(auth)
    other = make_client(make_user(store="Other Store"))
    path = f"/clients/{other.id}/{form}"
    assert auth.client.get(path).status_code == 404
    assert auth.post(path, {"name": "X", "description": "X", "items-0-category": "ring", "items-0-price": "1"},
                     token_from="/clients/new").status_code == 404
