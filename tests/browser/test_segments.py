"""The owner's tablet (1024×1366): build a segment with a live count, save it, start a campaign from it.

Only clients this test makes (tagged with a word no demo client has) are matched, so nobody else's day changes.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from jewelpwa.extensions import db
from jewelpwa.models import FollowUp, Store
from jewelpwa.services.accounts.users import create_user

from .axe import axe_page, look
from .conftest import TABLET, in_db, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]

OWNER = "owner@harborvine.demo"
TAG = "browsersegment"


def _tagged_clients(live_app) -> tuple[int, list[int]]:
    """A new associate with three tagged clients and a tagged do-not-contact one."""
    from tests.integration.factories import make_client

    def make():
        store = db.session.get(Store, live_app.demo.store_id)
        user = create_user("robin-segments@harborvine.demo", "Robin Segments", "associate", store.name,
                           "correct horse battery")
        ids = [make_client(user, first_name=f"Seg{i}", tags=[TAG]).id for i in range(3)]
        make_client(user, first_name="SegQuiet", tags=[TAG], do_not_contact=True)
        return user.id, ids

    return in_db(live_app, make)


def test_owner_builds_a_segment_sees_the_count_change_and_starts_a_campaign(browser, live_app, live_server):
    robin_id, client_ids = _tagged_clients(live_app)
    width = TABLET["width"]
    with axe_page(browser, TABLET) as page:
        sign_in(page, live_server, OWNER, live_app.demo.password)
        page.goto(live_server + "/owner/segments/")
        count = page.locator("#segment-count")
        whole_book = count.locator(".seg-total strong").inner_text()
        assert int(whole_book.replace(",", "")) > 100
        page.get_by_label("Tags").fill(TAG)
        expect(count).to_contain_text("4 clients match")
        expect(count).to_contain_text("SegQuiet Test")
        page.get_by_label("Partner on file").select_option("yes")
        expect(count).to_contain_text("0 clients match")
        page.get_by_label("Partner on file").select_option("")
        expect(count).to_contain_text("4 clients match")
        look(page, "segments-builder-tablet", width)

        page.get_by_label("Segment name").fill("Browser segment")
        page.get_by_role("button", name="Save segment").click()
        expect(page.get_by_role("heading", name="Browser segment")).to_be_visible()
        expect(page.locator("#segment-count")).to_contain_text("4 clients match")
        look(page, "segments-saved-tablet", width)

        page.get_by_role("link", name="Start a campaign").click()
        page.get_by_label("Name (the reason associates read on Today)").fill("Browser week")
        page.get_by_label("Channel").select_option("call")
        look(page, "segments-campaign-tablet", width)
        page.get_by_role("button", name="Start campaign").click()
        expect(page.locator(".toast", has_text="3 follow-ups made; 1 left out: 1 do not contact.")).to_be_visible()
        expect(page.get_by_role("region", name="Latest campaigns")).to_contain_text("Browser week")
        made = in_db(live_app, lambda: sorted(db.session.scalars(
            select(FollowUp.client_id).where(FollowUp.assignee_id == robin_id, FollowUp.kind == "store_event"))))
        assert made == sorted(client_ids)


def test_associate_makes_a_calendar_link_on_the_phone_and_the_feed_answers(browser, live_app, live_server):
    from .conftest import PHONE

    in_db(live_app, lambda: create_user("kim-feed@harborvine.demo", "Kim Feed", "associate",
                                        db.session.get(Store, live_app.demo.store_id).name, "correct horse battery"))
    with axe_page(browser, PHONE) as page:
        sign_in(page, live_server, "kim-feed@harborvine.demo", "correct horse battery")
        page.goto(live_server + "/me")
        page.get_by_role("button", name="Create my calendar link").click()
        link = page.get_by_label("Calendar link (https://, for Google Calendar “From URL”)")
        expect(link).to_have_value(live_server + "/feeds/" + link.input_value().rsplit("/", 1)[1])
        expect(page.get_by_role("link", name="Subscribe on this device")).to_have_attribute(
            "href", "webcal://" + link.input_value().split("://", 1)[1])
        look(page, "me-calendar-feed-phone", PHONE["width"])
        feed = page.request.get(link.input_value())
        assert feed.status == 200 and feed.text().startswith("BEGIN:VCALENDAR\r\n")
