"""Lines that fit (issue 18) at phone size in Chromium: Today and a card on a December day, each row's line
naming the associate and the store and fitting its client (a gift, a saved holiday list, a "no pitch" note)."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from jewelpwa.extensions import db
from jewelpwa.models import Store
from jewelpwa.services.accounts.users import create_user
from jewelpwa.services.book.gift_list import GiftInput, add_gift_list
from jewelpwa.services.book.purchases import ItemInput, record_purchase
from jewelpwa.services.engine.planner import plan_store_day
from tests.integration.factories import add_person, make_client

from .axe import axe_page, look
from .conftest import ARTIFACTS, PHONE, in_db, sign_in
from .making import CHECK_IN_AFTER, PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.slow]
DAY = date(2026, 12, 7)
SHOTS = "lines"  # test-artifacts/lines/


def book(live_app) -> tuple[str, dict[str, int]]:
    """Maya at "Harbor & Vine" (a store of this test's own) and three clients on her list for DAY."""
    def make():
        email = f"maya-{uuid.uuid4().hex[:8]}@lines.test"
        maya = create_user(email, "Maya Chen", "associate", "Harbor & Vine", PASSWORD)  # not the demo's store
        quiet = dict(first_seen_on=date(2019, 3, 1), last_reached_on=DAY - timedelta(days=21),
                     last_touch_on=DAY - timedelta(days=21))
        grace = make_client(maya, first_name="Grace", last_name="Lee", **quiet)
        kenji = add_person(grace, "Kenji Lee", "partner")
        # Near the end of its check-in window, so the check-in outranks the holiday list on her card.
        record_purchase(maya, grace.id, DAY - CHECK_IN_AFTER - timedelta(days=18),
                        [ItemInput("bracelet", "4200", stone="diamond")], recipient_person_id=kenji.id, today=DAY)
        ruth = make_client(maya, first_name="Ruth", last_name="Ames", tier="A", **quiet)
        add_gift_list(maya, ruth.id, [GiftInput("Leo Ames", "child"), GiftInput("Aiko Sato", "friend")], DAY)
        iris = make_client(maya, first_name="Iris", last_name="Vale", tags=["no-pitch"],
                           notes="Not shopping this season (new baby). Happy to hear about repairs.", **quiet)
        record_purchase(maya, iris.id, DAY - timedelta(days=200), [ItemInput("pendant", "600", metal="yellow gold")],
                        today=DAY - timedelta(days=200))
        plan_store_day(db.session.get(Store, maya.store_id), DAY)
        return email, {"grace": grace.id, "ruth": ruth.id, "iris": iris.id}

    return in_db(live_app, make)


def test_today_and_a_card_show_lines_that_fit(browser, live_app, live_server, live_clock):
    live_clock.set_day(DAY)
    email, ids = book(live_app)
    (ARTIFACTS / SHOTS).mkdir(parents=True, exist_ok=True)
    with axe_page(browser, PHONE) as page:
        sign_in(page, live_server, email, PASSWORD)
        page.wait_for_url("**/today")
        for name, words in (("grace", "Kenji love the diamond bracelet?"), ("ruth", "Leo"),
                            ("iris", "Wishing you a wonderful holiday season from all of us!")):
            row = page.locator(f"#row-{ids[name]}")
            expect(row.locator(".opening")).to_contain_text(f"Hi {name.capitalize()}, it's Maya at Harbor & Vine")
            expect(row.locator(".opening")).to_contain_text(words)
        expect(page.locator(f"#row-{ids['ruth']} .opening")).not_to_contain_text("Who's on yours")
        look(page, f"{SHOTS}/phone-today-lines", PHONE["width"])

        page.goto(f"{live_server}/clients/{ids['iris']}")
        expect(page.locator("#card-talk")).to_contain_text("No sales pitch: see the notes")
        expect(page.locator("#card-notes")).to_contain_text("No sales pitch")
        expect(page.locator("#card-reach .opening")).to_contain_text("Wishing you a wonderful holiday season")
        look(page, f"{SHOTS}/phone-card-no-pitch", PHONE["width"])

        page.locator("#card-notes").get_by_role("link", name="Edit notes").click()
        expect(page.get_by_label("No sales pitch")).to_be_checked()
        look(page, f"{SHOTS}/phone-card-notes-form", PHONE["width"])
