"""A store in the US, Britain, Germany, France or Spain types prices and reads money and dates its own way."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from jewelpwa.extensions import db
from jewelpwa.models import LoyaltyTier, Purchase, Repair, Segment, Store

from ..conftest import make_user
from ..factories import make_client

NNBSP, NBSP = "\u202f", "\u00a0"
HX = {"HX-Request": "true"}
SUMMER = date(2026, 6, 10)

# country, locale, the price as typed at the counter, the toast's amount, the card's whole amount, the card's day
# (this year: month and day), "client since" (month and year).
LOCAL = [
    ("US", "en_US", "1,250.00", "$1,250.00", "$1,250", "Jun 10", "Jan 2026"),
    ("GB", "en_GB", "1,250.00", "£1,250.00", "£1,250", "10 Jun", "Jan 2026"),
    ("DE", "de_DE", "1.250,00", f"1.250,00{NBSP}€", f"1.250{NBSP}€", "10. Juni", "Jan. 2026"),
    ("FR", "fr_FR", "1 250,00", f"1{NNBSP}250,00{NBSP}€", f"1{NNBSP}250{NBSP}€", "10 juin", "janv. 2026"),
    ("ES", "es_ES", "1250,00", f"1.250,00{NBSP}€", f"1.250{NBSP}€", "10 jun", "ene 2026"),
]


def _in_country(user, country: str, locale: str | None = None, currency: str | None = None) -> None:
    store = db.session.get_one(Store, user.store_id)
    store.country, store.locale, store.currency = country, locale, currency
    db.session.commit()


def _sale(auth, client, price: str, **headers):
    path = f"/clients/{client.id}/sales/new"
    return auth.post(path, {"purchased_on": SUMMER.isoformat(), "items-0-category": "ring", "items-0-price": price},
                     token_from=path, **headers)


@pytest.mark.parametrize(("country", "locale", "typed", "toast", "whole", "day", "since"), LOCAL)
def test_a_counter_sale_typed_the_local_way_is_stored_right_and_shown_the_local_way(
        auth, clock, country, locale, typed, toast, whole, day, since):
    clock.set_day(SUMMER)
    user = make_user()
    _in_country(user, country)
    client = make_client(user, first_name="Maya", first_seen_on=date(2026, 1, 5))
    auth.login(user.email)
    answer = _sale(auth, client, typed)
    assert answer.status_code == 303, answer.get_data(as_text=True)[:2000]
    assert db.session.scalar(select(Purchase.total).where(Purchase.client_id == client.id)) == Decimal("1250.00")
    card = auth.client.get(answer.headers["Location"]).get_data(as_text=True)
    assert f"Sale saved · {toast}" in card  # the toast, flashed onto the card
    assert f"Purchase · {whole}" in card and f"Spent {whole}" in card
    assert f'<time datetime="2026-06-10">{day}</time>' in card
    assert f"Client since {since}" in card
    assert "$" not in card.replace("$1,250", "") or country == "US"


def test_an_amount_that_reads_two_ways_is_a_422_that_says_both_and_saves_nothing(auth, clock):
    clock.set_day(SUMMER)
    user = make_user()
    client = make_client(user)
    auth.login(user.email)
    answer = _sale(auth, client, "1.250", headers=HX)
    html = answer.get_data(as_text=True)
    assert answer.status_code == 422 and "could be 1,250 or 1.25: write it like 1,250.00" in html
    for hostile in ("NaN", "1E+9999999", "inf", "-5", "10000000.01"):
        assert _sale(auth, client, hostile, headers=HX).status_code == 422, hostile
    assert db.session.scalar(select(func.count()).select_from(Purchase)) == 0


def test_german_store_repair_quote_wish_and_tier_minimum_read_the_german_way(auth, clock):
    clock.set_day(SUMMER)
    owner = make_user(role="owner")
    _in_country(owner, "DE")
    client = make_client(owner)
    auth.login(owner.email)
    assert auth.post(f"/repairs/intake/{client.id}", {"item": "Ring", "work": "Weiten", "promised_on": "",
                                                      "quote": "85,50 €"}).status_code == 303
    assert db.session.scalar(select(Repair.quote)) == Decimal("85.50")
    tiers = {"tiers-0-name": "Silber", "tiers-0-min_spend": "0", "tiers-0-perks": "",
             "tiers-1-name": "Gold", "tiers-1-min_spend": "2.500", "tiers-1-perks": ""}
    assert auth.post("/owner/loyalty/tiers", tiers, token_from="/owner/loyalty/").status_code in (200, 303)
    assert sorted(db.session.scalars(select(LoyaltyTier.min_spend))) == [Decimal("0.00"), Decimal("2500.00")]
    lower = auth.post("/owner/loyalty/tiers", {**tiers, "tiers-1-min_spend": "0,00"}, token_from="/owner/loyalty/",
                      headers=HX)
    assert lower.status_code == 422 and f"more than 0{NBSP}€" in lower.get_data(as_text=True)


def test_a_hostile_spend_filter_is_a_short_page_with_a_message_not_a_huge_one(auth, client):
    owner = make_user(role="owner")
    _in_country(owner, "DE")
    make_client(owner)
    auth.login(owner.email)
    page = client.get("/owner/segments/?spend_min=1E%2B9999999")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "is not an amount: write it like 1.250,00, or leave it empty." in html
    assert len(html) < 200_000
    saved = auth.post("/owner/segments/", {"name": "Big", "spend_min": "1E+9999999"})
    assert saved.status_code == 422 and db.session.scalar(select(func.count()).select_from(Segment)) == 0
    german = auth.post("/owner/segments/", {"name": "Big", "spend_min": "2.500,00"})
    assert german.status_code in (200, 303)
    assert db.session.scalar(select(Segment.filter))["spend_min"] == "2500"
    listing = client.get("/owner/segments/").get_data(as_text=True)
    assert f"spent 2.500{NBSP}€+ in 24 months" in listing


def test_the_owner_chooses_locale_and_currency_or_leaves_them_to_the_country(auth, client):
    owner = make_user(role="owner")
    auth.login(owner.email)
    store = {"name": "Gem Store", "timezone": "Europe/Zurich", "country": "CH", "morning_hour": "8"}
    page = client.get("/owner/settings").get_data(as_text=True)
    assert ">Switzerland</option>" in page and ">The country’s (USD)</option>" in page
    assert auth.post("/owner/settings", {**store, "locale": "", "currency": ""}, headers=HX).status_code == 200
    db.session.expire_all()
    saved = db.session.get_one(Store, owner.store_id)
    assert (saved.locale, saved.currency) == (None, None)
    assert saved.locale_rules.money(Decimal("1250")) == f"CHF{NBSP}1'250.00"
    assert auth.post("/owner/settings", {**store, "locale": "fr_CH", "currency": "EUR"}, headers=HX).status_code == 200
    db.session.expire_all()
    saved = db.session.get_one(Store, owner.store_id)
    assert (saved.locale, saved.currency) == ("fr_CH", "EUR")
    bad = auth.post("/owner/settings", {**store, "locale": "xx_YY", "currency": "BTC"}, headers=HX)
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "Choose a currency from the list." in html
    assert "Choose a way of writing money and dates from the list." in html
    db.session.expire_all()
    assert db.session.get_one(Store, owner.store_id).currency == "EUR"
