"""The owner's tablet in Chromium, portrait (1024×1366) and landscape (1366×1024): huddles, team, health, calendar.

Every page is checked for sideways scrolling and with axe-core, and saved as a screenshot. The evening huddle's
figures are checked against outreach and a sale this test logs itself through the app's services (other
browser modules share the demo store and only add rows, so the test compares before and after). What the
pages must show is made here too: two new clients of Priya's whose check-in opens today (on the morning
huddle's list; the ones she then calls) and a birthday today (on the calendar's month), whatever the day.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from jewelpwa.clock import store_today, utcnow
from jewelpwa.extensions import db
from jewelpwa.models import Client, Outreach, Purchase, Store, User
from jewelpwa.services.book.outreach import log_outreach
from tests.integration.factories import add_date

from .axe import axe_page, look
from .conftest import TABLET, in_db, sign_in
from .making import to_call_today

pytestmark = [pytest.mark.browser, pytest.mark.slow]

LANDSCAPE = {"width": 1366, "height": 1024}
OWNER = "owner@harborvine.demo"
PRIYA = "priya@harborvine.demo"





def evening_figures(page, user_id: int) -> dict[str, str]:
    card = page.locator(f"#huddle-{user_id}")
    expect(card).to_be_visible()
    return {name: card.locator(f'[data-figure="{name}"]').first.inner_text().strip()
            for name in ("contacted", "reached", "booked", "revenue")}


def money(text: str) -> Decimal:
    return Decimal(re.sub(r"[^0-9.]", "", text))


def priyas_new_clients(live_app) -> list[int]:
    """Two new clients of Priya's whose check-in opens today, the first with a birthday today."""
    def make():
        priya = db.session.scalar(select(User).where(User.email == PRIYA))
        today = store_today(priya.store)
        clients = [to_call_today(priya, today, first_name=f"Huddle{n}", last_name="Reports") for n in (1, 2)]
        add_date(clients[0], "birthday", today.month, today.day)
        return [c.id for c in clients]
    return in_db(live_app, make)


def log_priyas_day(live_app, client_ids: list[int]) -> tuple[int, Decimal]:
    """Two conversations and a booking by Priya with clients she has not touched today, and a sale from one."""
    def work():
        priya = db.session.scalar(select(User).where(User.email == PRIYA))
        today = store_today(priya.store)
        touched = set(db.session.scalars(select(Outreach.client_id).where(
            Outreach.user_id == priya.id, Outreach.occurred_on == today)))
        clients = [c for c in db.session.scalars(select(Client).where(
            Client.id.in_(client_ids), Client.assigned_to_id == priya.id, Client.do_not_contact.is_(False),
            Client.erased_at.is_(None)).order_by(Client.id)) if c.id not in touched]
        assert len(clients) == 2
        now = utcnow()
        log_outreach(priya, clients[0].id, "call", "reached", now=now)
        log_outreach(priya, clients[1].id, "call", "booked", now=now)
        total = Decimal("1234")
        db.session.add(Purchase(store_id=priya.store_id, client_id=clients[0].id, associate_id=priya.id,
                                purchased_on=today, total=total))
        db.session.commit()
        return priya.id, total
    return in_db(live_app, work)


@pytest.mark.parametrize(("size", "viewport"), [("portrait", TABLET), ("landscape", LANDSCAPE)])
def test_owner_pages_on_a_tablet(browser, live_app, live_server, size, viewport):
    width = viewport["width"]
    client_ids = priyas_new_clients(live_app)
    with axe_page(browser, viewport) as page:
        sign_in(page, live_server, OWNER, live_app.demo.password)
        page.wait_for_url("**/today")
        # The side rail carries the owner links from 900 px.
        page.get_by_role("link", name="Huddle").click()
        page.wait_for_url("**/owner/huddle")

        page.goto(live_server + "/owner/huddle?view=morning")
        expect(page.get_by_role("heading", name=re.compile("Morning huddle"))).to_be_visible()
        expect(page.locator("section.associate")).to_have_count(3)
        lists = page.locator('[data-figure="list"]').all_inner_texts()
        assert any(int(n) > 0 for n in lists), "Priya's two new clients are on today's list"
        priya_id = in_db(live_app, lambda: db.session.scalar(select(User.id).where(User.email == PRIYA)))
        assert int(page.locator(f'#list-{priya_id} [data-figure="list"]').inner_text()) >= 2
        look(page, f"{size}-owner-huddle-morning", width)

        page.goto(live_server + "/owner/huddle?view=evening")
        before = evening_figures(page, priya_id)
        priya_id, total = log_priyas_day(live_app, client_ids)
        page.reload()
        after = evening_figures(page, priya_id)
        assert int(after["contacted"]) == int(before["contacted"]) + 2
        assert int(after["reached"]) == int(before["reached"]) + 2  # reached and booked are conversations
        assert int(after["booked"]) == int(before["booked"]) + 1
        assert money(after["revenue"]) == money(before["revenue"]) + total
        look(page, f"{size}-owner-huddle-evening", width)

        page.get_by_role("link", name="Team").click()
        page.wait_for_url("**/owner/team")
        expect(page.locator("svg.chart")).to_be_visible()
        assert int(page.locator('[data-figure="store-contacts"]').inner_text().replace(",", "")) > 0
        look(page, f"{size}-owner-team", width)
        page.get_by_role("link", name="90 days").click()
        expect(page.get_by_role("heading", name="Contacts per week")).to_be_visible()
        look(page, f"{size}-owner-team-90", width)

        page.get_by_role("link", name="Health").click()
        page.wait_for_url("**/owner/health")
        expect(page.locator('[data-figure="repeat-rate"]')).to_contain_text("%")
        look(page, f"{size}-owner-health", width)

        page.get_by_role("link", name="Calendar").click()
        page.wait_for_url("**/owner/calendar")
        expect(page.locator("table.month-grid td.day").first).to_be_visible()
        assert page.locator("table.month-grid td.has").count() > 0
        look(page, f"{size}-owner-calendar", width)
        page.get_by_role("link", name=re.compile("→")).click()
        expect(page.locator("#month-title")).not_to_have_text(re.compile(store_month(live_app)))


def store_month(live_app) -> str:
    return in_db(live_app, lambda: store_today(db.session.get(Store, live_app.demo.store_id)).strftime("%B %Y"))


def test_owner_pages_still_work_on_a_phone(browser, live_app, live_server):
    phone = {"width": 390, "height": 844}
    with axe_page(browser, phone) as page:
        sign_in(page, live_server, OWNER, live_app.demo.password)
        page.wait_for_url("**/today")
        for path, name in (("/owner/huddle?view=evening", "huddle"), ("/owner/team", "team"),
                           ("/owner/health", "health"), ("/owner/calendar", "calendar")):
            page.goto(live_server + path)
            look(page, f"phone-owner-{name}", phone["width"])
