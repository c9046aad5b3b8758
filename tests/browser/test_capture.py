"""Capture what happened (issue 19), with a thumb at 390×844 and the owner at 1024×1366, on a pinned day.

The channel tapped is the channel stored; Sold captures the sale and Booked the appointment in the same flow;
four quick outcomes leave the next row's "Not now" date and its Save uncovered, and a used Undo disables the
other Undo for the same outreach. Each new sheet passes axe (no serious or critical violation) and is saved as
a screenshot under test-artifacts/capture/.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, time, timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from jewelpwa.extensions import db
from jewelpwa.models import Appointment, Outreach, Purchase, Store
from jewelpwa.services.accounts.users import create_user

from .axe import axe_page, look
from .conftest import ARTIFACTS, PHONE, TABLET, in_db, sign_in
from .making import PASSWORD, Desk, desk

pytestmark = [pytest.mark.browser, pytest.mark.slow]

DAY = date(2027, 3, 10)  # a Wednesday, no season open
SHOTS = "capture"
# The phone's dialer or messages app takes over a tel:/sms:/mailto: tap; here the page stays, as it does on a
# phone, and the app's own click handler still runs (this listener only stops the navigation).
NO_HANDOFF = """window.addEventListener('click', (e) => {
  if (e.target.closest && e.target.closest('a[href^="tel:"], a[href^="sms:"], a[href^="mailto:"]')) e.preventDefault();
}, true);"""


@pytest.fixture
def day(live_clock):
    ARTIFACTS.joinpath(SHOTS).mkdir(parents=True, exist_ok=True)
    live_clock.set_day(DAY, at=time(11))
    return live_clock


def phone_at_today(page, live_server, made: Desk) -> None:
    page.add_init_script(NO_HANDOFF)
    sign_in(page, live_server, made.email, made.password)
    page.wait_for_url("**/today")


def owner_of(live_app, made: Desk) -> str:
    """An owner in the desk's store (users create adds to a store by its name)."""
    def make() -> str:
        store = db.session.get(Store, made.store_id)
        return create_user(f"owner-{made.user_id}@desk.test", "Olive Owner", "owner", store.name, PASSWORD).email
    return in_db(live_app, make)


@contextmanager
def owners_huddle(browser, live_app, live_server, made: Desk, view: str, on: date) -> Iterator:
    """The store owner's huddle on a tablet (1024×1366): the page and the desk's associate card on it."""
    owner = owner_of(live_app, made)
    with axe_page(browser, TABLET) as tablet:
        sign_in(tablet, live_server, owner, PASSWORD)
        tablet.wait_for_url(re.compile(r"/(today|owner).*"))
        tablet.goto(f"{live_server}/owner/huddle?view={view}&date={on.isoformat()}")
        yield tablet, tablet.locator(f"#huddle-{made.user_id}")


def shot(page, name: str) -> None:
    look(page, f"{SHOTS}/{name}", page.viewport_size["width"])


def test_the_channel_tapped_is_the_channel_stored(browser, live_app, live_server, day):
    made = desk(live_app, "channel", calls=2)
    with axe_page(browser) as page:
        phone_at_today(page, live_server, made)
        row = page.locator(f"#row-{made.client_ids[0]}")
        # The row suggests a call; the associate texts instead.
        expect(row.locator("a.contact-call")).to_have_class(re.compile("btn-primary"))
        row.locator("a.contact-text").click()
        expect(row.locator("details.log-outcome")).to_have_attribute("open", "")
        expect(row.locator("input[name=channel][value=text]")).to_be_checked()
        shot(page, "phone-channel-tapped")
        row.get_by_role("button", name="Voicemail", exact=True).click()
        expect(row).to_contain_text("Voicemail · back on")
        page.goto(f"{live_server}/clients/{made.client_ids[0]}")
        expect(page.locator("#card-timeline .tl-outreach").first).to_contain_text("Text · voicemail")
        shot(page, "phone-card-text-voicemail")

        # Logged without a tap: the card's form offers the last channel used on this phone, ready to change.
        expect(page.locator("#card-reach input[name=channel][value=text]")).to_be_checked()
        # From the card, Booked opens the picker as a page (a boosted form); nothing is stored until it is saved.
        page.locator("#card-reach").get_by_role("button", name="Booked…").click()
        expect(page.get_by_role("heading", name=re.compile("Booked: the appointment"))).to_be_visible()
        expect(page.locator(".sheet-booking input[name=channel][value=text]")).to_be_checked()
        shot(page, "phone-card-booking-sheet-page")
        page.get_by_role("link", name="Back without saving").click()
        page.wait_for_url(f"**/clients/{made.client_ids[0]}")
    stored = in_db(live_app, lambda: db.session.scalars(select(Outreach.channel).where(
        Outreach.client_id == made.client_ids[0])).all())
    assert stored == ["text"]


def test_sold_enters_the_sale_and_the_evening_huddle_counts_it(browser, live_app, live_server, day):
    made = desk(live_app, "sold", calls=2)
    client_id = made.client_ids[0]
    with axe_page(browser) as page:
        phone_at_today(page, live_server, made)
        row = page.locator(f"#row-{client_id}")
        row.locator("a.contact-call").click()
        row.get_by_role("button", name="Sold…").click()
        sheet = row.locator("section.sheet-sale")
        expect(sheet).to_be_visible()
        expect(sheet.locator("input[name=channel][value=call]")).to_be_checked()
        sheet.get_by_label("What").first.select_option("ring")
        sheet.get_by_label("Price").first.fill("1250")
        sheet.get_by_label("Description").first.fill("Sapphire halo ring")
        shot(page, "phone-sale-sheet")
        sheet.get_by_role("button", name="Save sale · Sold").click()
        expect(row).to_contain_text("sale $1,250.00 saved")
        expect(page.locator("#toasts .toast")).to_contain_text("$1,250.00")
        page.goto(f"{live_server}/clients/{client_id}")
        timeline = page.locator("#card-timeline")
        expect(timeline.locator(".tl-purchase").first).to_contain_text("Purchase · $1,250")
        expect(timeline).to_contain_text("Sapphire halo ring")
        expect(timeline).to_contain_text("Call · sold")
        shot(page, "phone-card-sold")

    linked = in_db(live_app, lambda: db.session.execute(
        select(Outreach.purchase_id, Purchase.id, Purchase.total).join(Purchase, Purchase.client_id == Outreach.client_id)
        .where(Outreach.client_id == client_id, Purchase.purchased_on == DAY)).one())
    assert linked[0] == linked[1] and linked[2] == 1250

    with owners_huddle(browser, live_app, live_server, made, "evening", DAY) as (tablet, card):
        expect(card.locator("[data-figure=sold]")).to_have_text("1")
        expect(card.locator("[data-figure=revenue]")).to_contain_text("$1,250")
        shot(tablet, "tablet-evening-huddle-sold")


def test_booked_picks_the_slot_and_it_shows_on_that_days_today_and_huddle(browser, live_app, live_server, day):
    made = desk(live_app, "booked", calls=2)
    client_id = made.client_ids[0]
    tomorrow = DAY + timedelta(days=1)
    with axe_page(browser) as page:
        phone_at_today(page, live_server, made)
        row = page.locator(f"#row-{client_id}")
        name = row.locator(".row-name").inner_text()
        row.locator("a.contact-call").click()
        row.get_by_role("button", name="Booked…").click()
        sheet = row.locator("section.sheet-booking")
        expect(sheet.get_by_label("Consultation")).to_be_checked()
        expect(sheet.get_by_label("Day")).to_have_value(tomorrow.isoformat())
        sheet.get_by_label("Time").fill("14:30")
        shot(page, "phone-booking-sheet")
        sheet.get_by_role("button", name="Book · Booked").click()
        expect(row).to_contain_text("consultation")
        expect(row).to_contain_text("2:30 pm")

        day.set_day(tomorrow, at=time(8))
        page.goto(f"{live_server}/today")
        appointments = page.locator(".appt-day")
        expect(appointments).to_contain_text(name)
        expect(appointments).to_contain_text("2:30")
        shot(page, "phone-today-tomorrow-appointment")

    booked = in_db(live_app, lambda: db.session.execute(
        select(Outreach.appointment_id, Appointment.id).join(Appointment, Appointment.client_id == Outreach.client_id)
        .where(Outreach.client_id == client_id)).one())
    assert booked[0] == booked[1]

    with owners_huddle(browser, live_app, live_server, made, "morning", tomorrow) as (tablet, card):
        expect(card.locator(".appointments")).to_contain_text(name)
        expect(card.locator(".appointments")).to_contain_text("2:30 PM")
        shot(tablet, "tablet-morning-huddle-booked")


UNCOVERED = """([selector, where]) => {
  const el = document.querySelector(selector);
  const header = document.querySelector('.app-header').getBoundingClientRect();
  const nav = document.querySelector('.app-nav').getBoundingClientRect();
  const box = el.getBoundingClientRect();
  const top = where === 'below-header' ? header.bottom + 4
    : where === 'above-nav' ? nav.top - 4 - box.height : (innerHeight - box.height) / 2;
  window.scrollBy(0, box.top - top);
  const r = el.getBoundingClientRect();
  const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
  return {where, top: Math.round(r.top), ok: hit === el || el.contains(hit),
          hit: hit ? hit.outerHTML.slice(0, 80) : null};
}"""


def test_four_quick_outcomes_leave_not_now_usable_and_one_undo_state(phone, live_app, live_server, day):
    made = desk(live_app, "toasts", calls=9, target=9)
    phone_at_today(phone, live_server, made)
    ids = [int(i.removeprefix("row-")) for i in phone.locator("li.today-row").evaluate_all(
        "els => els.map(e => e.id)")]
    for client_id, outcome in zip(ids[:4], ("Reached", "Voicemail", "No answer", "Reached"), strict=True):
        row = phone.locator(f"#row-{client_id}")
        row.locator("a.contact-call").click()
        row.get_by_role("button", name=outcome, exact=True).click()
        expect(row.locator(".row-logged-text")).to_contain_text(outcome)
    toasts = phone.locator("#toasts .toast")
    expect(toasts).to_have_count(1)  # the newest replaced the others

    row = phone.locator(f"#row-{ids[6]}")
    row.locator("summary", has_text="Log outcome").click()
    row.locator("summary", has_text="Not now").click()
    field = f"#o{ids[6]}-snooze"
    save = f"#row-{ids[6]} button[value=not_now]"
    for where in ("below-header", "middle", "above-nav"):
        for selector in (field, save):
            seen = phone.evaluate(UNCOVERED, [selector, where])
            assert seen["ok"], f"{selector} is covered {where}: {seen}"
    phone.locator(field).scroll_into_view_if_needed()
    phone.screenshot(path=str(ARTIFACTS / SHOTS / "phone-four-outcomes-not-now.png"))
    expect(toasts).to_have_count(1)

    # One undo state per outreach. The row's Undo, held in flight: the toast's Undo is disabled at once.
    held = []
    phone.route("**/outreach/*/undo**", lambda route: held.append(route))
    last = phone.locator(f"#row-{ids[3]}")
    last.scroll_into_view_if_needed()
    toast_undo = toasts.locator(".btn-undo")
    expect(toast_undo).to_be_enabled()
    last.locator("form.row-undo button").click()
    expect(toast_undo).to_be_disabled()
    for _ in range(50):  # the route handler runs while Playwright waits
        if held:
            break
        phone.wait_for_timeout(100)
    held[0].continue_()
    phone.unroute("**/outreach/*/undo**")
    expect(toasts).to_contain_text("Undone")
    expect(phone.get_by_text("Could not save")).to_have_count(0)

    # And the other way: the toast's Undo disables the row's.
    row = phone.locator(f"#row-{ids[7]}")
    row.locator("a.contact-call").click()
    row.get_by_role("button", name="No answer", exact=True).click()
    expect(row.locator(".row-logged-text")).to_contain_text("No answer")
    toasts.locator(".btn-undo").click()
    expect(row.locator("form.row-undo")).to_have_count(0)  # the row came back as before
    expect(phone.get_by_text("Could not save")).to_have_count(0)
    counted = in_db(live_app, lambda: db.session.scalars(select(Outreach.client_id).where(
        Outreach.client_id.in_(ids))).all())
    assert sorted(counted) == sorted(ids[:3])


def test_without_javascript_sold_and_its_sale_are_plain_forms(browser, live_app, live_server, day):
    made = desk(live_app, "nojs", calls=1)
    client_id = made.client_ids[0]
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    try:
        page = context.new_page()
        sign_in(page, live_server, made.email, made.password)
        page.wait_for_url("**/today")
        row = page.locator(f"#row-{client_id}")
        row.locator("summary", has_text="Log outcome").click()
        row.get_by_role("button", name="Sold…").click()  # a real POST: the sheet comes back as a page
        page.wait_for_url(f"**/clients/{client_id}/outreach/sale")
        sheet = page.locator("section.sheet-sale")
        sheet.get_by_text("Text", exact=True).click()
        sheet.locator("select[name='items-0-category']").select_option("necklace")
        sheet.locator("input[name='items-0-price']").fill("12.50.00")
        sheet.get_by_role("button", name="Save sale · Sold").click()
        expect(page.locator(".sheet-sale")).to_contain_text("is not an amount")  # 422, the same page again
        sheet.locator("input[name='items-0-price']").fill("480")
        sheet.get_by_role("button", name="Save sale · Sold").click()
        page.wait_for_url("**/today")
        expect(page.locator("#toasts")).to_contain_text("sale $480.00 saved")
        page.screenshot(path=str(ARTIFACTS / SHOTS / "phone-nojs-sold-saved.png"))
    finally:
        context.close()
    stored = in_db(live_app, lambda: db.session.execute(select(Outreach.channel, Outreach.outcome, Purchase.total).join(
        Purchase, Purchase.id == Outreach.purchase_id).where(Outreach.client_id == client_id)).all())
    assert [tuple(r) for r in stored] == [("text", "sold", 480)]
