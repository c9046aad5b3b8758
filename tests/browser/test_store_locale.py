"""A German store on a phone: the sale sheet takes "1.250,00", the toast and the card say "1.250,00 €" and "10. Juni".

Screenshots under test-artifacts/locale/.
"""

from __future__ import annotations

from datetime import date, time

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from jewelpwa.extensions import db
from jewelpwa.models import Purchase, Store

from .axe import axe_page, look
from .conftest import ARTIFACTS, in_db, sign_in
from .making import desk

pytestmark = [pytest.mark.browser, pytest.mark.slow]
DAY = date(2026, 6, 10)
NBSP = "\u00a0"


def _german(live_app, store_id: int) -> None:
    def make() -> None:
        store = db.session.get_one(Store, store_id)
        store.country, store.timezone = "DE", "Europe/Berlin"
        db.session.commit()
    in_db(live_app, make)


def test_a_german_store_types_and_reads_money_and_dates_the_german_way(browser, live_app, live_server, live_clock):
    ARTIFACTS.joinpath("locale").mkdir(parents=True, exist_ok=True)
    live_clock.set_day(DAY, at=time(11))
    made = desk(live_app, "juwelier", calls=1, names=(("Greta", "Vogel"),))
    _german(live_app, made.store_id)
    client_id = made.client_ids[0]
    with axe_page(browser) as page:
        sign_in(page, live_server, made.email, made.password)
        page.wait_for_url("**/today")
        page.goto(f"{live_server}/clients/{client_id}")
        page.get_by_role("button", name="Sold…").first.click()
        sheet = page.locator("section.sheet-sale")
        expect(sheet).to_be_visible()
        sheet.locator("input[name=channel][value=visit]").check()
        sheet.get_by_label("What").first.select_option("ring")
        sheet.get_by_label("Price").first.fill("1.250,00")
        expect(sheet.get_by_label("Price").first).to_have_attribute("placeholder", "1.250,00")
        look(page, "locale/phone-de-sale-sheet", 390)
        sheet.get_by_role("button", name="Save sale · Sold").click()
        expect(page.locator("#toasts .toast")).to_contain_text(f"1.250,00{NBSP}€")
        page.goto(f"{live_server}/clients/{client_id}")
        timeline = page.locator("#card-timeline")
        expect(timeline.locator(".tl-purchase").first).to_contain_text(f"Purchase · 1.250{NBSP}€")
        expect(timeline.locator(".tl-purchase time").first).to_have_text("10. Juni")
        look(page, "locale/phone-de-card", 390)
    totals = sorted(_totals(live_app, client_id))
    assert totals[-1] == 1250


def _totals(live_app, client_id: int) -> list:
    return in_db(live_app, lambda: list(db.session.scalars(select(Purchase.total).where(Purchase.client_id == client_id))))
