"""The owner's pages answer the next question, in Chromium at 1024×1366 and 390×844: the team chart's labels are
at least 12 px and inside the chart, "and N more" on the calendar opens the whole day, and the evening huddle's
closed follow-ups open into the list of those clients. Every page passes axe and is saved as a screenshot under
test-artifacts/search-owner/ (looked at)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from jewelpwa.clock import store_today, utcnow
from jewelpwa.extensions import db
from jewelpwa.models import FollowUp, Store, User
from jewelpwa.services.book.outreach import log_outreach
from tests.integration.factories import add_date, make_client

from .axe import axe_page, look
from .conftest import PHONE, TABLET, in_db, sign_in
from .making import to_call_today

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


def closed_today(live_app, tag: str) -> tuple[int, str, str]:
    """For Priya today: a client who asked not to be contacted (her outcome closes the follow-up: skipped) and
    one whose follow-up the contact rules closed (not hers)."""
    def make():
        priya = db.session.scalar(select(User).where(User.email == "priya@harborvine.demo"))
        today = store_today(db.session.get(Store, priya.store_id))
        asked = to_call_today(priya, today, first_name="Asked", last_name=f"Stop{tag}")
        log_outreach(priya, asked.id, "call", "do_not_contact", now=utcnow())
        ruled = to_call_today(priya, today, first_name="Ruled", last_name=f"Out{tag}")
        for follow_up in db.session.scalars(select(FollowUp).where(FollowUp.client_id == ruled.id)):
            follow_up.status, follow_up.note, follow_up.closed_at = "skipped", "do not contact", utcnow()
        db.session.commit()
        return priya.id, asked.display_name, ruled.display_name
    return in_db(live_app, make)


@pytest.mark.parametrize(("size", "viewport"), VIEWPORTS)
def test_the_evening_huddle_opens_what_was_closed_into_the_clients(browser, live_app, live_server, size, viewport):
    priya_id, asked, ruled = closed_today(live_app, size.capitalize())
    with axe_page(browser, viewport) as page:
        sign_in(page, live_server, OWNER, live_app.demo.password)
        page.goto(live_server + "/owner/huddle?view=evening")
        card = page.locator(f"#huddle-{priya_id}")
        skipped = card.locator(f"#closed-skipped-{priya_id}")
        by_rules = card.locator(f"#closed-by-rules-{priya_id}")
        expect(skipped.locator(".closed-reasons")).to_contain_text("Asked not to be contacted")
        expect(by_rules.locator(".closed-reasons")).to_contain_text("Do not contact")
        expect(skipped.get_by_role("link", name=asked)).to_be_hidden()  # closed until asked: no script needed
        skipped.locator("summary").click()
        by_rules.locator("summary").click()
        expect(skipped.get_by_role("link", name=asked)).to_be_visible()
        expect(by_rules.get_by_role("link", name=ruled)).to_be_visible()
        expect(skipped.get_by_role("link", name=ruled)).to_have_count(0)
        card.scroll_into_view_if_needed()
        look(page, f"{SHOTS}/huddle-evening-{size}", viewport["width"])
