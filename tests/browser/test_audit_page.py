"""The owner's audit trail in Chromium on a phone (390×844) and a tablet (1024×1366): readable sentences, no
sideways scrolling, 44 px targets, the filter working through htmx, and a screenshot of each in test-artifacts/."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from jewelpwa.extensions import db
from jewelpwa.models import Client

from .axe import axe_page, look
from .conftest import PHONE, TABLET, in_db, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]

OWNER = "owner@harborvine.demo"


def _a_client(live_app) -> tuple[int, str]:
    def first():
        client = db.session.scalar(select(Client).where(Client.store_id == live_app.demo.store_id,
                                                        Client.erased_at.is_(None)).order_by(Client.id))
        return client.id, f"{client.first_name} {client.last_name}"
    return in_db(live_app, first)


@pytest.mark.parametrize(("size", "viewport"), [("phone", PHONE), ("tablet", TABLET)])
def test_owner_reads_and_filters_the_audit_trail(browser, live_app, live_server, size, viewport):
    client_id, client_name = _a_client(live_app)
    with axe_page(browser, viewport) as page:
        sign_in(page, live_server, OWNER, live_app.demo.password)
        page.wait_for_url("**/today")
        page.goto(f"{live_server}/clients/{client_id}")
        page.goto(f"{live_server}/owner/audit")
        rows = page.locator(".audit-row")
        expect(rows.first).to_be_visible()
        expect(page.locator(".audit-text", has_text=f"opened {client_name}'s card").first).to_be_visible()
        expect(page.locator(".audit-text", has_text=re.compile(r"signed in$")).first).to_be_visible()
        expect(page.locator(".audit-where").first).to_have_text("from 127.0.0.1")
        look(page, f"audit-{size}", viewport["width"])

        # Every control on the page is a comfortable tap target.
        small = page.evaluate("""() => [...document.querySelectorAll(
              '#audit-body select, #audit-body input, #audit-body button, #audit-body a.btn')]
            .map((el) => [el.id || el.textContent.trim(), el.getBoundingClientRect().height])
            .filter(([, h]) => h < 44)""")
        assert small == []

        # Filtering swaps the list in place (htmx) and the URL follows, so Back and reload keep the filter.
        page.get_by_label("What").select_option("client_viewed")
        page.get_by_role("button", name="Show").click()
        page.wait_for_url("**/owner/audit?action=client_viewed*")
        expect(page.locator(".audit-row[data-action='sign_in']")).to_have_count(0)
        expect(page.locator(".audit-row[data-action='client_viewed']").first).to_be_visible()
