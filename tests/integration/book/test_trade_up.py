"""Trade-up credit: the owner's policy, credit earned by sales under it, the card's ledger, and 'mark used'."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from jewelpwa.extensions import db
from jewelpwa.models import Store, TradeUpCredit
from jewelpwa.services.book.purchases import ItemInput, record_purchase

from ..conftest import make_user
from ..factories import add_date, make_client

TODAY = date(2026, 6, 10)
POLICY = {"enabled": "1", "percent": "100", "multiple": "2", "categories": ["earrings", "ring"]}


@pytest.fixture(autouse=True)
def store_clock(clock):
    clock.set_day(TODAY)


def words(page: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def set_policy(auth, **changes):
    return auth.post("/owner/loyalty/trade-up", {**POLICY, **changes}, token_from="/owner/loyalty/")


def studs_and_watch(owner, client, on=TODAY):
    return record_purchase(owner, client.id, on, [ItemInput("earrings", "1200", description="Diamond studs"),
                                                  ItemInput("watch", "500")], today=TODAY)


def test_bad_policy_input_says_what_to_fix_and_keeps_it(auth):
    owner = make_user(role="owner")
    auth.login(owner.email)
    response = set_policy(auth, percent="0", multiple="twice", categories=[])
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "whole percent from 1 to 100" in page and "multiple from 1 to 10" in page
    assert "at least one category" in page and 'value="twice"' in page


def test_sales_under_the_policy_earn_credit_on_its_terms_and_the_card_shows_the_ledger(auth):
    owner = make_user(role="owner")
    auth.login(owner.email)
    client = make_client(owner, first_name="Dana")
    studs_and_watch(owner, client, TODAY - timedelta(days=30))  # before the policy: no credit
    assert set_policy(auth).status_code == 303
    studs_and_watch(owner, client, TODAY - timedelta(days=2))
    assert set_policy(auth, percent="50", multiple="1.5").status_code == 303
    record_purchase(owner, client.id, TODAY, [ItemInput("ring", "999.99", stone="sapphire")], today=TODAY)

    credits = db.session.scalars(select(TradeUpCredit).order_by(TradeUpCredit.id)).all()
    # The studs keep the terms they were sold under; the watch's category is not eligible.
    assert [(c.amount, c.min_price, c.status) for c in credits] == [
        (Decimal("1200.00"), Decimal("2400.00"), "available"), (Decimal("500.00"), Decimal("1499.99"), "available")]
    card = words(auth.client.get(f"/clients/{client.id}").get_data(as_text=True))
    ledger = card.split("Loyalty and trade-up", 1)[1]
    assert "Trade-up credit · $1,700 available" in ledger
    assert ledger.index("Sapphire ring $1,000 → $500 toward a piece of $1,500+") < ledger.index(
        "Diamond studs $1,200 → $1,200 toward a piece of $2,400+")


def test_mark_used_at_the_counter_and_undo(auth):
    owner = make_user(role="owner")
    auth.login(owner.email)
    set_policy(auth)
    client = make_client(owner, first_name="Dana")
    studs_and_watch(owner, client)
    credit = db.session.scalar(select(TradeUpCredit))
    used = auth.post(f"/trade-up/{credit.id}/status", {"status": "used"}, token_from=f"/clients/{client.id}")
    assert used.status_code == 303
    db.session.expire_all()
    assert (credit.status, credit.used_on) == ("used", TODAY)
    card = words(auth.client.get(f"/clients/{client.id}").get_data(as_text=True))
    assert "used Jun 10, 2026" in card and "$1,200 available" not in card and "Undo used" in card
    auth.post(f"/trade-up/{credit.id}/status", {"status": "available"}, token_from=f"/clients/{client.id}")
    db.session.expire_all()
    assert (credit.status, credit.used_on) == ("available", None)


def test_credit_is_a_talking_point_when_the_anniversary_is_near(auth):
    owner = make_user(role="owner")
    auth.login(owner.email)
    set_policy(auth)
    near, far = make_client(owner, first_name="Near"), make_client(owner, first_name="Far")
    for client, days in ((near, 40), (far, 90)):
        anniversary = TODAY + timedelta(days=days)
        add_date(client, "anniversary", anniversary.month, anniversary.day, year=2010)
        studs_and_watch(owner, client)
    point = "Anniversary Jul 20: $1,200 trade-up credit toward a new piece"
    assert point in words(auth.client.get(f"/clients/{near.id}").get_data(as_text=True))
    assert "trade-up credit toward" not in words(auth.client.get(f"/clients/{far.id}").get_data(as_text=True))
    # A store whose anniversary follow-ups open 30 days before mentions the credit from then, not at 40 days.
    store = db.session.get(Store, owner.store_id)
    store.settings = {"windows": {"anniversary": [-30, -20, 0]}}
    db.session.commit()
    assert "trade-up credit toward" not in words(auth.client.get(f"/clients/{near.id}").get_data(as_text=True))
