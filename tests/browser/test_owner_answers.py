"""The owner's pages answer the next question, in Chromium at 1024×1366 and 390×844: the team chart's labels are
at least 12 px and inside the chart, "and N more" on the calendar opens the whole day, and the evening huddle's
closed follow-ups open into the list of those clients. Every page passes axe and is saved as a screenshot under
test-artifacts/search-owner/ (looked at)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from jewelpwa.clock import store_today
from jewelpwa.extensions import db
from jewelpwa.models import Store, User
from tests.integration.factories import add_date, make_client

from .axe import axe_page, look
from .conftest import PHONE, TABLET, in_db, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]
OWNER = "owner@harborvine.demo"
SHOTS = "search-owner"
VIEWPORTS = [("tablet", TABLET), ("phone", PHONE)]

# Each x and y label of the chart: its drawn size in CSS px (font size × the SVG's scale) and whether its box
# lies inside the SVG's box (a label cut at the edge is not).
LABELS = """() => {
  const svg = document.querySelector('svg.chart'), frame = svg.getBoundingClientRect();
  return [...svg.querySelectorAll('text.axis')].filter((t) => getComputedStyle(t).display !== 'none').map((t) => {
    const box = t.getBoundingClientRect();
    return {text: t.textContent, px: parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a,
            inside: box.left >= frame.left - 0.5 && box.right <= frame.right + 0.5 && box.bottom <= frame.bottom + 0.5};
  });
}"""


@pytest.mark.parametrize(("size", "viewport"), VIEWPORTS)
def test_the_team_chart_labels_are_readable_and_inside_the_chart(browser, live_app, live_server, size, viewport):
    with axe_page(browser, viewport) as page:
        sign_in(page, live_server, OWNER, live_app.demo.password)
        for days in (7, 30, 90):
            page.goto(f"{live_server}/owner/team?days={days}")
            expect(page.locator("svg.chart")).to_be_visible()
            labels = page.evaluate(LABELS)
            assert len(labels) >= 4, labels
            small = [label for label in labels if label["px"] < 12]
            cut = [label for label in labels if not label["inside"]]
            assert small == [] and cut == [], (days, small, cut)
            page.locator(".chart-card summary").click()  # the data table is still behind the chart
            expect(page.locator(".chart-card table")).to_be_visible()
            look(page, f"{SHOTS}/team-{days}-{size}", viewport["width"])


def busy_day(live_app, tag: str) -> tuple[str, list[str]]:
    """Six clients of Priya's with a birthday on a day of this month: more than a calendar cell shows."""
    def make():
        priya = db.session.scalar(select(User).where(User.email == "priya@harborvine.demo"))
        today = store_today(db.session.get(Store, priya.store_id))
        busy = 27 if today.day != 27 else 26  # not today: the cell of today is drawn apart
        names = [f"Busy{n} {tag}" for n in range(6)]
        for name in names:
            first, last = name.split()
            add_date(make_client(priya, first_name=first, last_name=last), "birthday", today.month, busy)
        return today.replace(day=busy).isoformat(), names
    return in_db(live_app, make)


@pytest.mark.parametrize(("size", "viewport"), VIEWPORTS)
def test_and_n_more_opens_the_whole_day(browser, live_app, live_server, size, viewport):
    day, names = busy_day(live_app, size.capitalize())
    with axe_page(browser, viewport) as page:
        sign_in(page, live_server, OWNER, live_app.demo.password)
        page.goto(live_server + "/owner/calendar")
        cell = page.locator(f"#day-{day}")
        more = cell.locator(".day-more a")
        expect(more).to_be_visible()
        look(page, f"{SHOTS}/calendar-{size}", viewport["width"])
        more.click()
        detail = page.locator("#day-detail")
        expect(detail).to_be_visible()
        for name in names:
            expect(detail.get_by_role("link", name=name)).to_be_visible()
        look(page, f"{SHOTS}/calendar-day-{size}", viewport["width"])


@pytest.mark.parametrize(("size", "viewport"), VIEWPORTS)
def test_the_evening_huddle_opens_what_was_closed_into_the_clients(browser, live_app, live_server, size, viewport):
    with axe_page(browser, viewport) as page:
        sign_in(page, live_server, OWNER, live_app.demo.password)
        page.goto(live_server + "/owner/huddle?view=evening")
        expect(page.locator("section.associate").first).to_be_visible()
        closed = page.locator("details.closed")
        if closed.count():
            closed.first.locator("summary").click()
            expect(closed.first.locator(".closed-list a").first).to_be_visible()
        look(page, f"{SHOTS}/huddle-evening-{size}", viewport["width"])
