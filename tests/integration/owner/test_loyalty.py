"""Loyalty tiers: the owner names them by lifetime spend; every client's tier shows on the card, Today and search."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta

from jewelpwa.clock import store_today
from jewelpwa.extensions import db
from jewelpwa.models import Client, LoyaltyTier, Store
from jewelpwa.services.book.purchases import ItemInput, record_purchase
from jewelpwa.services.engine.planner import plan_store_day

from ..conftest import make_user, new_client
from ..factories import add_date, add_purchase, make_client

TIERS = {"tiers-0-name": "Silver", "tiers-0-min_spend": "0", "tiers-0-perks": "",
         "tiers-1-name": "Gold", "tiers-1-min_spend": "2,500", "tiers-1-perks": "Free cleaning every visit",
         "tiers-2-name": "Platinum", "tiers-2-min_spend": "10000", "tiers-2-perks": "Private viewings"}


def words(page: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def owner_with_tiers(auth):
    owner = make_user(role="owner")
    auth.login(owner.email)
    response = auth.post("/owner/loyalty/tiers", TIERS, token_from="/owner/loyalty/")
    assert response.status_code == 303
    return owner


def test_loyalty_page_is_for_owners_and_answers_page_and_fragment(app, auth):
    associate = make_user(role="associate", store="Gem Store")
    auth.login(associate.email)
    assert auth.client.get("/owner/loyalty/").status_code == 403
    owner_client = new_client(app)
    owner = make_user(role="owner")
    type(auth)(owner_client).login(owner.email)
    page = owner_client.get("/owner/loyalty/").get_data(as_text=True)
    assert "<html" in page and "Loyalty tiers" in page and "Trade-up credit" in page and "Top referrers" in page
    assert 'placeholder="Silver"' in page


def test_tiers_must_rise_and_bad_input_is_kept_with_nothing_saved(auth):
    owner = make_user(role="owner")
    auth.login(owner.email)
    bad = {**TIERS, "tiers-2-min_spend": "2000", "tiers-1-name": "silver"}
    response = auth.post("/owner/loyalty/tiers", bad, token_from="/owner/loyalty/", headers={"HX-Request": "true"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "<html" not in page
    assert "Minimums must go up from tier to tier: more than $2,500." in html.unescape(page)
    assert "is already the name of another tier" in page
    assert 'value="2000"' in page and 'value="silver"' in page
    assert db.session.query(LoyaltyTier).count() == 0


def test_saving_tiers_re_tiers_every_client_and_the_card_shows_perks_and_what_is_next(auth):
    owner = make_user(role="owner")
    gold = make_client(owner, first_name="Goldie")
    add_purchase(gold, date(2020, 5, 1), "3000")  # older than 24 months: lifetime spend still counts
    nobody = make_client(owner, first_name="Newbie")
    plan_store_day(db.session.get(Store, owner.store_id), store_today(db.session.get(Store, owner.store_id)))
    owner_with_tiers(auth)
    db.session.expire_all()
    assert (db.session.get(Client, gold.id).loyalty_tier, db.session.get(Client, nobody.id).loyalty_tier) == (
        "Gold", "Silver")
    card = words(auth.client.get(f"/clients/{gold.id}").get_data(as_text=True))
    assert "Gold Lifetime spend $3,000" in card and "Perks: Free cleaning every visit" in card
    assert "$7,000 more to Platinum" in card


def test_a_sale_moves_the_tier_at_once_and_the_nightly_plan_counts_imported_sales(auth):
    owner = owner_with_tiers(auth)
    client = make_client(owner, first_name="Rising")
    today = store_today(db.session.get(Store, owner.store_id))
    record_purchase(owner, client.id, today, [ItemInput("ring", "2600")], today=today)
    db.session.expire_all()
    assert db.session.get(Client, client.id).loyalty_tier == "Gold"
    add_purchase(client, today - timedelta(days=1), "8000")  # as an import writes it: no service
    plan_store_day(db.session.get(Store, owner.store_id), today)
    db.session.expire_all()
    row = db.session.get(Client, client.id)
    assert (row.loyalty_tier, row.lifetime_spend) == ("Platinum", 10600)


def test_search_results_show_the_loyalty_tier_without_a_query_per_row(auth, clock):
    from sqlalchemy import event

    # The sales below are dated: on a day of its own the 12,000 ones stay inside the 24 months that make
    # tier A (from 2028-01-02 on the real clock they fell out of it and every row read "Tier C").
    clock.set_day(date(2026, 6, 10))
    owner = owner_with_tiers(auth)
    for n in range(6):
        c = make_client(owner, first_name=f"Searchme{n}")
        add_purchase(c, date(2026, 1, 2), "12000" if n % 2 else "10")
    plan_store_day(db.session.get(Store, owner.store_id), store_today(db.session.get(Store, owner.store_id)))
    seen = []

    def count(*_args):
        seen.append(1)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        page = auth.client.get("/clients?q=searchme").get_data(as_text=True)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    text = words(page)
    assert "Searchme1 Test Loyalty tier Platinum" in text and "Searchme0 Test Loyalty tier Silver" in text
    few = len(seen)
    for n in range(6, 12):
        make_client(owner, first_name=f"Searchme{n}")
    seen.clear()
    event.listen(db.engine, "before_cursor_execute", count)
    try:
        auth.client.get("/clients?q=searchme")
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert len(seen) == few  # twice the rows, the same statements


def gold_client_on_today(auth):
    owner = owner_with_tiers(auth)
    store = db.session.get(Store, owner.store_id)
    today = store_today(store)
    client = make_client(owner, first_name="Birthday")
    add_purchase(client, today - timedelta(days=400), "3000")
    soon = today + timedelta(days=14)
    add_date(client, "birthday", soon.month, soon.day)
    plan_store_day(store, today)
    return client


def test_a_today_row_logged_as_reached_keeps_the_loyalty_tier(auth):
    client = gold_client_on_today(auth)
    response = auth.post(f"/clients/{client.id}/outreach", {"channel": "call", "outcome": "reached", "view": "today"},
                         token_from="/today", headers={"HX-Request": "true", "HX-Target": f"row-{client.id}"})
    row = words(response.get_data(as_text=True))
    assert "Birthday Test" in row and "Loyalty tier Gold" in row


def test_today_rows_show_the_loyalty_tier(auth):
    gold_client_on_today(auth)
    page = words(auth.client.get("/today").get_data(as_text=True))
    assert "Birthday Test" in page and "Loyalty tier Gold" in page


def test_every_screen_shows_one_tier_the_stores_loyalty_tier(auth):
    """The engine's value band (A/B/C) is not a second tier beside "Gold": it is named in spending words, and only
    where it explains the ranking (Today's "why")."""
    client = gold_client_on_today(auth)
    assert db.session.get(Client, client.id).tier == "A"  # the book's top spender: the band the engine ranks by
    pages = {path: auth.client.get(path).get_data(as_text=True)
             for path in ("/today", f"/clients/{client.id}", "/clients?q=birthday", "/upcoming")}
    for path, page in pages.items():
        text = words(page)
        assert "Loyalty tier Gold" in text or "Gold" in text, path
        assert 'class="tier ' not in page and not re.search(r"\btier [ABC]\b", text, re.I), path
    assert "top spender" in words(pages["/today"])
    assert "Spending" in words(pages["/clients?q=birthday"]) and "Top spenders" in words(pages["/upcoming"])
