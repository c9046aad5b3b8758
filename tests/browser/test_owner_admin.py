"""The owner's tablet in Chromium, portrait and landscape: staff, client assignment, store settings, events.

As the demo owner: add a staff member (the one-time password is shown once), change their target in place,
move a few clients with a live count, change the morning hour, create a store event with a live count, and
deactivate the new account. Only rows this test makes are moved or invited, and the morning hour is put
back, so the demo store's "today" is the same for every other browser test.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from jewelpwa.clock import store_today
from jewelpwa.extensions import db
from jewelpwa.models import FollowUp, Store, User
from jewelpwa.services.accounts.users import create_user

from .axe import axe_page, look
from .conftest import PHONE, TABLET, in_db, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]

LANDSCAPE = {"width": 1366, "height": 1024}
OWNER = "owner@harborvine.demo"




def _colleague_with_clients(live_app, tag: str) -> tuple[int, list[int]]:
    """A second new associate holding three fresh clients, so moving them changes nobody else's day."""
    from tests.integration.factories import make_client

    def make():
        store = db.session.get(Store, live_app.demo.store_id)
        user = create_user(f"taylor-{tag}@harborvine.demo", f"Taylor {tag}", "associate", store.name,
                           "correct horse battery")
        return user.id, [make_client(user, tier="B", first_name=f"Moved{tag}{i}").id for i in range(3)]

    return in_db(live_app, make)


@pytest.mark.parametrize("viewport", [TABLET, LANDSCAPE], ids=["portrait", "landscape"])
def test_owner_runs_staff_assignment_settings_and_events(browser, live_app, live_server, viewport):
    tag = f"{viewport['width']}"
    width = viewport["width"]
    taylor_id, client_ids = _colleague_with_clients(live_app, tag)
    with axe_page(browser, viewport) as page:
        page.on("dialog", lambda dialog: dialog.accept())
        sign_in(page, live_server, OWNER, live_app.demo.password)
        page.goto(live_server + "/owner/staff")
        expect(page.get_by_role("heading", name=re.compile("Team"))).to_be_visible()
        look(page, f"admin-staff-{tag}", width)

        # Add a staff member: the password appears once.
        page.get_by_role("link", name="Add a staff member").click()
        page.get_by_label("Name").fill(f"Sam {tag}")
        page.get_by_label("Email").fill(f"sam-{tag}@harborvine.demo")
        page.get_by_label("Daily target").fill("12")
        page.get_by_role("button", name="Add staff member").click()
        expect(page.get_by_role("heading", name=f"Sam {tag} can sign in")).to_be_visible()
        password = page.locator(".adm-password").inner_text()
        assert len(password) >= 16
        look(page, f"admin-staff-added-{tag}", width)
        sam_id = in_db(live_app, lambda: db.session.scalar(
            select(User.id).where(User.email == f"sam-{tag}@harborvine.demo")))

        # Change the new member's target in place.
        page.get_by_role("link", name="Done").click()
        row = page.locator(f"#staff-{sam_id}")
        expect(row).to_contain_text("Target 12 a day")
        row.get_by_label("Daily target").fill("15")
        row.get_by_role("button", name="Save").click()
        expect(page.locator(f"#staff-{sam_id}")).to_contain_text("Target 15 a day")
        assert in_db(live_app, lambda: db.session.get(User, sam_id).daily_target) == 15

        # Move Taylor's three clients to Sam, with the live count.
        page.get_by_role("link", name="Assign clients").click()
        page.wait_for_url("**/owner/staff/assign")
        # Pick once htmx has wired the live count to the form (a person cannot pick sooner than that).
        page.wait_for_function("() => { const f = document.querySelector('form[hx-get*=\"count_only\"]');"
                               " return Boolean(f && f['htmx-internal-data']); }")
        page.get_by_label("Now with").select_option(str(taylor_id))
        expect(page.locator("#assign-move .adm-count")).to_contain_text("3 clients match")
        page.get_by_label("Move to").select_option(str(sam_id))
        look(page, f"admin-assign-{tag}", width)
        page.get_by_role("button", name="Move 3 clients").click()
        expect(page.locator(".adm-done")).to_contain_text(f"Moved 3 clients to Sam {tag}")
        moved = in_db(live_app, lambda: db.session.scalars(select(FollowUp).where(
            FollowUp.client_id.in_(client_ids), FollowUp.source.like("handoff:%"))).all())
        assert {(f.assignee_id, f.detail["handoff_from"]) for f in moved} == {(sam_id, f"Taylor {tag}")}

        # Store settings: change the morning hour (and put it back at the end).
        page.get_by_role("link", name="Store settings").click()
        page.get_by_label("Morning hour").select_option("9")
        page.get_by_role("button", name="Save store").click()
        expect(page.locator(".toast", has_text="Store details saved.")).to_be_visible()
        assert in_db(live_app, lambda: db.session.get(Store, live_app.demo.store_id).morning_hour) == 9
        look(page, f"admin-settings-{tag}", width)

        # A store event for Sam's clients only (nobody else's day changes), with its live count.
        page.get_by_role("link", name="Store events").first.click()
        page.get_by_role("link", name="New event").first.click()
        page.get_by_label("Name").fill(f"Trunk show {tag}")
        today = in_db(live_app, lambda: store_today(db.session.get(Store, live_app.demo.store_id)))
        page.get_by_label("Event day").fill((today + timedelta(days=21)).isoformat())
        page.get_by_label("Associate").select_option(str(sam_id))
        expect(page.locator("#event-count")).to_contain_text("3 clients will be invited")
        # Typing narrows the count as well, without leaving the field: nobody has spent that much.
        spend = page.get_by_label("Spent at least ($, 24 months)")
        spend.fill("9,999,999")
        expect(page.locator("#event-count")).to_contain_text("0 clients will be invited")
        spend.fill("")
        expect(page.locator("#event-count")).to_contain_text("3 clients will be invited")
        look(page, f"admin-event-new-{tag}", width)
        page.get_by_role("button", name="Create event and invite").click()
        expect(page.locator(".toast", has_text="Invites for 3 clients; 0 left out (do not contact).")).to_be_visible()
        expect(page.locator("#events")).to_contain_text(f"Trunk show {tag}")
        look(page, f"admin-events-{tag}", width)

        # Deactivate Sam (a confirm dialog first); restore the morning hour.
        page.goto(live_server + "/owner/staff")
        page.locator(f"#staff-{sam_id}").get_by_role("button", name="Deactivate").click()
        expect(page.locator(f"#staff-{sam_id}")).to_contain_text("Deactivated")
        page.goto(live_server + "/owner/settings")
        page.get_by_label("Morning hour").select_option("8")
        page.get_by_role("button", name="Save store").click()
        expect(page.locator(".toast", has_text="Store details saved.")).to_be_visible()
    assert in_db(live_app, lambda: db.session.get(Store, live_app.demo.store_id).morning_hour) == 8
    # Taylor now has no clients; off the huddles of later tests, like Sam.
    in_db(live_app, lambda: (setattr(db.session.get(User, taylor_id), "active", False), db.session.commit()))


def test_owner_pages_fit_a_phone(browser, live_app, live_server):
    with axe_page(browser, PHONE) as page:
        sign_in(page, live_server, OWNER, live_app.demo.password)
        for path, name in (("/owner/staff", "staff"), ("/owner/staff/assign", "assign"),
                           ("/owner/settings", "settings"), ("/owner/settings/events/new", "event-new"),
                           ("/owner/segments/", "segments")):
            page.goto(live_server + path)
            look(page, f"admin-phone-{name}", PHONE["width"])
