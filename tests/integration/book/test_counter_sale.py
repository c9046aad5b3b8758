"""Log a sale at the counter: items, cadence at once, errors per item row, the holiday gift-list step."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from jewelpwa.extensions import db
from jewelpwa.models import FollowUp, Person, Purchase
from jewelpwa.services.book.gift_list import GiftInput, add_gift_list
from jewelpwa.services.book.purchases import ItemInput
from jewelpwa.services.book.sales import log_sale
from jewelpwa.services.errors import Invalid

from ..conftest import make_user
from ..factories import add_person, make_client

SUMMER = date(2026, 6, 10)
SEASON = date(2026, 11, 20)


def at(clock, day: date) -> None:
    clock.set_day(day)


def setup(auth):
    user = make_user()
    auth.login(user.email)
    return user, make_client(user, first_name="Maya", last_name="Chen")


def post_sale(auth, client, **fields):
    path = f"/clients/{client.id}/sales/new"
    return auth.post(path, fields, token_from=path)


def kinds(client) -> set[str]:
    return set(db.session.scalars(select(FollowUp.kind).where(FollowUp.client_id == client.id)))


@pytest.mark.one_database
def test_sale_form_is_a_page_and_a_fragment_with_one_item_row(auth, clock):
    at(clock, SUMMER)
    _, client = setup(auth)
    page = auth.client.get(f"/clients/{client.id}/sales/new").get_data(as_text=True)
    assert "<html" in page and 'name="csrf_token"' in page and 'value="2026-06-10"' in page
    # One live row; two more only inside <noscript> for browsers without JavaScript.
    visible, _, hidden = page.partition("<noscript>")
    assert visible.count('name="items-0-price"') == 1 and 'name="items-1-price"' not in visible
    assert 'name="items-1-price"' in hidden and 'name="items-2-price"' in hidden
    assert f"/clients/{client.id}/sales/new?item=3" in page  # htmx rows continue after the no-JS ones
    fragment = auth.client.get(f"/clients/{client.id}/sales/new", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<html" not in fragment and 'name="items-0-category"' in fragment


def test_add_another_item_returns_one_row_and_moves_the_button_on(auth, clock):
    at(clock, SUMMER)
    _, client = setup(auth)
    html = auth.client.get(f"/clients/{client.id}/sales/new?item=3", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert 'name="items-3-price"' in html and "<html" not in html
    assert 'hx-swap-oob="true"' in html and "item=4" in html


def test_two_items_make_one_purchase_with_total_and_cadence(auth, clock):
    at(clock, SUMMER)
    user, client = setup(auth)
    response = post_sale(auth, client, **{
        "purchased_on": "2026-06-10", "occasion": "anniversary",
        "items-0-category": "ring", "items-0-price": "$1,250.00", "items-0-metal": "Platinum", "items-0-stone": "Diamond",
        "items-1-category": "earrings", "items-1-price": "300", "items-1-stone": "Pearl",
        "items-2-category": "", "items-2-price": "",  # a blank no-JS row is ignored
    })
    [purchase] = db.session.scalars(select(Purchase))
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/clients/{client.id}")
    assert purchase.total == Decimal("1550.00") and len(purchase.items) == 2 and purchase.occasion == "anniversary"
    assert purchase.associate_id == user.id
    assert {"check_in", "care", "new_arrivals", "purchase_anniversary"} <= kinds(client)
    card = auth.client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Sale saved · $1,550.00. Scheduled: Check-in Jun 24, care check Sep 8" in card


def test_htmx_sale_answers_hx_redirect_and_toast_lists_follow_ups(auth, clock):
    at(clock, SUMMER)
    _, client = setup(auth)
    path = f"/clients/{client.id}/sales/new"
    response = auth.post(path, {"items-0-category": "necklace", "items-0-price": "99"}, token_from=path,
                         headers={"HX-Request": "true"})
    assert response.headers["HX-Redirect"].endswith(f"/clients/{client.id}")


def test_bad_price_in_row_two_is_shown_at_that_row_and_nothing_saved(auth, clock):
    at(clock, SUMMER)
    _, client = setup(auth)
    response = post_sale(auth, client, **{
        "items-0-category": "ring", "items-0-price": "1200", "items-0-description": "Solitaire",
        "items-1-category": "bracelet", "items-1-price": "twelve hundred",
    })
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Sale not saved: check item 2." in html
    price_field = html[html.index('id="items-1-price"'):]
    assert 'aria-invalid="true"' in price_field[:400] and "is not an amount" in price_field[:900]
    assert 'value="twelve hundred"' in html and 'value="Solitaire"' in html  # input kept
    assert db.session.scalar(select(func.count(Purchase.id))) == 0
    assert db.session.scalar(select(func.count(FollowUp.id))) == 0


def test_a_sale_with_no_items_asks_for_one(auth, clock):
    at(clock, SUMMER)
    _, client = setup(auth)
    response = post_sale(auth, client, **{"items-0-category": "", "items-0-price": ""})
    assert response.status_code == 422 and "Add at least one item." in response.get_data(as_text=True)


def test_sale_for_a_new_person_adds_them_to_the_client(auth, clock):
    at(clock, SUMMER)
    _, client = setup(auth)
    post_sale(auth, client, **{"items-0-category": "pendant", "items-0-price": "450", "recipient": "new",
                               "new_recipient_name": "Anna", "new_recipient_relation": "partner"})
    [purchase] = db.session.scalars(select(Purchase))
    assert purchase.recipient.name == "Anna" and purchase.recipient.relation == "partner"


def test_a_refused_sale_does_not_keep_its_new_person(auth, clock):
    at(clock, SUMMER)
    _, client = setup(auth)
    response = post_sale(auth, client, **{"items-0-category": "pendant", "items-0-price": "-5", "recipient": "new",
                                          "new_recipient_name": "Anna"})
    assert response.status_code == 422
    assert db.session.scalar(select(func.count(Person.id))) == 0


def test_sale_for_one_of_their_people(auth, clock):
    at(clock, SUMMER)
    _, client = setup(auth)
    anna = add_person(client, "Anna")
    post_sale(auth, client, **{"items-0-category": "ring", "items-0-price": "900", "recipient": str(anna.id)})
    assert db.session.scalar(select(Purchase.recipient_person_id)) == anna.id


def test_in_holiday_season_the_sale_goes_on_to_the_gift_list(auth, clock):
    at(clock, SEASON)
    _, client = setup(auth)
    response = post_sale(auth, client, **{"items-0-category": "watch", "items-0-price": "2400"})
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/clients/{client.id}/gift-list")
    page = auth.client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Who else is on Maya’s list?" in page and "Sale saved" in page and "by Dec 24" in page
    assert f'href="/clients/{client.id}">Skip</a>' in page


def test_outside_the_season_the_sale_goes_to_the_card(auth, clock):
    at(clock, SUMMER)
    _, client = setup(auth)
    response = post_sale(auth, client, **{"items-0-category": "watch", "items-0-price": "2400"})
    assert response.headers["Location"].endswith(f"/clients/{client.id}")
    page = auth.client.get(f"/clients/{client.id}/gift-list").get_data(as_text=True)
    assert "opens with the holiday season" in page and 'name="gifts-0-name"' not in page


def test_gift_list_adds_people_each_with_a_holiday_follow_up(auth, clock):
    at(clock, SEASON)
    user, client = setup(auth)
    path = f"/clients/{client.id}/gift-list"
    assert 'name="gifts-2-name"' in auth.client.get(path).get_data(as_text=True)
    response = auth.post(path, {"gifts-0-name": "Anna", "gifts-0-relation": "partner", "gifts-1-name": "Leo",
                                "gifts-1-relation": "child", "gifts-2-name": ""}, token_from=path)
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/clients/{client.id}")
    people = {p.name: p for p in db.session.scalars(select(Person).where(Person.client_id == client.id))}
    assert set(people) == {"Anna", "Leo"} and people["Leo"].relation == "child"
    gifts = list(db.session.scalars(select(FollowUp).where(FollowUp.kind == "holiday_list").order_by(FollowUp.id)))
    assert [(g.source, g.opens_on, g.due_on, g.expires_on) for g in gifts] == [
        (f"person:{people['Anna'].id}", SEASON, date(2026, 11, 27), date(2026, 12, 24)),
        (f"person:{people['Leo'].id}", SEASON, date(2026, 11, 27), date(2026, 12, 24)),
    ]
    assert {g.assignee_id for g in gifts} == {user.id} and gifts[0].detail["name"] == "Anna"
    card = auth.client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Gift follow-ups by Dec 24: Anna, Leo" in card


@pytest.mark.one_database
def test_gift_list_add_row_fragment(auth, clock):
    at(clock, SEASON)
    _, client = setup(auth)
    html = auth.client.get(f"/clients/{client.id}/gift-list?row=3", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert 'name="gifts-3-name"' in html and "row=4" in html
    fragment = auth.client.get(f"/clients/{client.id}/gift-list", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<html" not in fragment and "Who else is on" in fragment


def test_gift_list_with_no_names_asks_for_one(auth, clock):
    at(clock, SEASON)
    _, client = setup(auth)
    path = f"/clients/{client.id}/gift-list"
    response = auth.post(path, {"gifts-0-name": " "}, token_from=path)
    assert response.status_code == 422 and "Enter at least one name, or choose Skip." in response.get_data(as_text=True)


def test_same_person_twice_gets_one_gift_follow_up():
    user = make_user()
    client = make_client(user)
    add_gift_list(user, client.id, [GiftInput("Anna", "partner")], SEASON)
    add_gift_list(user, client.id, [GiftInput("anna", "partner")], date(2026, 11, 21))
    assert db.session.scalar(select(func.count(Person.id))) == 1
    assert db.session.scalar(select(func.count(FollowUp.id)).where(FollowUp.kind == "holiday_list")) == 1


def test_log_sale_reports_the_season_from_its_today():
    user = make_user()
    client = make_client(user)
    item = [ItemInput(category="ring", price="500")]
    assert log_sale(user, client.id, "", item, None, "", "", "", "", SEASON).gift_list_open
    assert not log_sale(user, client.id, "", item, None, "", "", "", "", SUMMER).gift_list_open


def test_gift_list_out_of_season_is_refused():
    user = make_user()
    client = make_client(user)
    with pytest.raises(Invalid):
        add_gift_list(user, client.id, [GiftInput("Anna")], SUMMER)
