"""The service desk at phone size in Chromium: book an appointment from a card and find it on Today; take in
a repair, move it to "ready" with one tap each, and find the pickup call on Today. Every screen passes
look(): no sideways scrolling, no serious axe violation, a screenshot artifact.

Each test has an associate and a client of its own (tests/browser/making.py). The booking test pins the live
app's clock to a morning: an appointment a few minutes ahead is then always today's, and always on Today."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from jewelpwa.clock import store_now
from jewelpwa.extensions import db
from jewelpwa.models import FollowUp, Store, User
from tests.integration.factories import make_client

from .axe import axe_page, look
from .conftest import PHONE, in_db, sign_in
from .making import desk

pytestmark = [pytest.mark.browser, pytest.mark.slow]
WIDTH = PHONE["width"]
BOOKING_DAY = date(2027, 3, 10)  # a Wednesday
BOOKING_AT = time(10, 2)  # the store's wall clock when the appointment is booked


def associate_and_client(live_app, tag: str) -> tuple[str, str, int, str, datetime]:
    """A new associate and a contactable client of hers: (email, password, client id, client name, the
    store's local time)."""
    made = desk(live_app, tag, calls=0)

    def make():
        client = make_client(db.session.get(User, made.user_id), first_name="Rosalind", last_name="Achterberg")
        return client.id, client.display_name, store_now(db.session.get(Store, made.store_id))

    return (made.email, made.password, *in_db(live_app, make))


def test_book_an_appointment_from_the_card_and_see_it_on_today(browser, live_app, live_server, live_clock):
    live_clock.set_day(BOOKING_DAY, at=BOOKING_AT)
    email, password, client_id, name, now = associate_and_client(live_app, "booking")
    # Ten minutes from now, on a five-minute mark: in the morning that is still today, so Today shows it.
    at = (now + timedelta(minutes=14)).replace(second=0, microsecond=0)
    at -= timedelta(minutes=at.minute % 5)
    assert at.date() == now.date()
    with axe_page(browser, PHONE) as page:
        sign_in(page, live_server, email, password)
        page.wait_for_url("**/today")
        page.goto(f"{live_server}/clients/{client_id}")
        page.get_by_role("link", name="Book appointment").click()
        page.wait_for_url(re.compile(rf"/clients/{client_id}/appointments/new$"))
        page.get_by_label("Cleaning").check()
        page.get_by_label("Day").fill(now.date().isoformat())
        page.get_by_label("Time").fill("00:00")
        page.get_by_label("How long").select_option("45")
        page.get_by_label("Note").fill("Engagement ring, prongs")
        page.get_by_role("button", name="Book appointment").click()
        expect(page.locator("#at-error")).to_contain_text("That time has passed")
        look(page, "phone-service-book-error", WIDTH)

        page.get_by_label("Day").fill(at.date().isoformat())
        page.get_by_label("Time").fill(at.strftime("%H:%M"))
        page.get_by_role("button", name="Book appointment").click()
        page.wait_for_url(re.compile(rf"/clients/{client_id}$"))
        when = f"{at.strftime('%a %-d %b')} {at.strftime('%-I:%M %p').lower()}"
        expect(page.locator("#card-service")).to_contain_text(f"Next: Cleaning, {when}")
        look(page, "phone-service-card-booked", WIDTH)

        page.get_by_role("navigation", name="Main").get_by_role("link", name="Today").click()
        page.wait_for_url("**/today")
        line = page.locator("#today-appointments li", has_text=name)
        expect(line).to_contain_text("Cleaning")
        expect(line).to_contain_text(at.strftime("%-I:%M %p").lower())
        look(page, "phone-service-today-appointments", WIDTH)
        line.get_by_role("link", name=name).click()
        page.wait_for_url(re.compile(rf"/clients/{client_id}$"))


def test_move_a_repair_to_ready_and_see_the_pickup_call_on_today(browser, live_app, live_server):
    email, password, client_id, name, _ = associate_and_client(live_app, "repair")
    with axe_page(browser, PHONE) as page:
        sign_in(page, live_server, email, password)
        page.wait_for_url("**/today")
        page.goto(f"{live_server}/clients/{client_id}")
        page.get_by_role("link", name="Take in a repair").click()
        page.wait_for_url(re.compile(rf"/repairs/intake/{client_id}$"))
        page.get_by_label("The piece").fill("Gold chain")
        page.get_by_label("Work to do").fill("Fix the clasp")
        page.get_by_label("Quote").fill("40")
        look(page, "phone-service-repair-intake", WIDTH)
        page.get_by_role("button", name="Take in repair").click()
        page.wait_for_url(re.compile(rf"/clients/{client_id}$"))

        row = page.locator("#card-service li.repair-row", has_text="Gold chain")
        expect(row).to_contain_text("Received")
        row.get_by_role("button", name="To the bench").click()
        expect(row).to_contain_text("At the bench")  # swapped in place by htmx: still on the card
        row.get_by_role("button", name="Mark ready").click()
        expect(row).to_contain_text("Ready for pickup")
        expect(row.get_by_role("button", name="Picked up")).to_be_visible()
        assert re.search(rf"/clients/{client_id}$", page.url)
        look(page, "phone-service-repair-ready", WIDTH)

        # The store's repair list, filtered to what is ready for pickup.
        page.get_by_role("link", name="All of the store's repairs").click()
        page.wait_for_url("**/repairs/")
        page.get_by_role("link", name="Ready for pickup").click()
        expect(page.locator("li.repair-row", has_text="Gold chain")).to_contain_text(name)
        look(page, "phone-service-repairs-ready", WIDTH)

        made = in_db(live_app, lambda: db.session.scalar(select(FollowUp.show_on).where(
            FollowUp.client_id == client_id, FollowUp.kind == "service")))
        assert made is not None
        # The whole list (its top rows and "More"): the pickup call is on it, with its reason.
        page.goto(f"{live_server}/today?more=500")
        today_row = page.locator(f"#row-{client_id}")
        expect(today_row).to_contain_text("Repair ready for pickup: Gold chain")
        today_row.scroll_into_view_if_needed()
        look(page, "phone-service-today-pickup", WIDTH)
