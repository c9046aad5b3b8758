"""Campaigns that send, on the owner's phone (390×844) and tablet (1024×1366): write the message for a segment, see
the preview with its counts, confirm, and read each recipient's status. The job's batches run in the test (the
worker's part is tests/workers/test_campaigns.py); the app's development transport keeps what is sent.

The campaign runs in a store of its own: every browser test shares the live app, and the demo store's team and
book stay as the other tests expect them.
"""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import expect

from jewelpwa.extensions import db
from jewelpwa.models import Segment, Store
from jewelpwa.services.accounts.users import create_user

from .axe import axe_page, look
from .conftest import PHONE, TABLET, in_db, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PASSWORD = "correct horse battery"


def _segment(live_app, tag: str) -> tuple[int, str]:
    """A store of its own (every browser test shares the live app: the demo store's team and book stay as other
    tests expect them), its owner, and an associate with three tagged clients (one opted out of email) and a
    tagged do-not-contact one. Returns the segment's id and the owner's email."""
    from tests.integration.factories import make_client

    unique = uuid.uuid4().hex[:8]
    owner_email = f"owner-{tag}-{unique}@campaigns.test"

    def make():
        owner = create_user(owner_email, "Olive Owner", "owner", f"Campaign Store {unique}", PASSWORD)
        store = db.session.get(Store, owner.store_id)
        store.postal_address = "12 Harbor Street, Portland, ME 04101"
        user = create_user(f"robin-{tag}-{unique}@campaigns.test", "Robin Sender", "associate", store.name, PASSWORD)
        for i, name in enumerate(("Alma Reyes", "Bea Novak", "Cora Lindqvist")):
            first, last = name.split()
            make_client(user, first_name=first, last_name=last, email=f"{tag}{i}@example.com", tags=[tag],
                        opted_out=["email"] if i == 1 else [])
        make_client(user, first_name="Quiet", last_name="Client", tags=[tag], do_not_contact=True)
        segment = Segment(store_id=store.id, name=f"Sapphire buyers {tag}", filter={"tags": tag})
        db.session.add(segment)
        db.session.commit()
        return segment.id, owner_email

    return in_db(live_app, make)


@pytest.mark.parametrize("viewport", [PHONE, TABLET], ids=["phone", "tablet"])
def test_owner_writes_previews_sends_and_reads_each_recipient(browser, live_app, live_server, viewport):
    from jewelpwa.services.messages.campaigns import send_batch

    size = "phone" if viewport == PHONE else "tablet"
    segment_id, owner = _segment(live_app, f"camp{size}")
    with axe_page(browser, viewport) as page:
        sign_in(page, live_server, owner, PASSWORD)
        page.goto(f"{live_server}/owner/segments/{segment_id}")
        page.get_by_role("link", name="Send an email or text").click()
        page.get_by_label("Campaign name").fill("Sapphire week")
        page.get_by_label("Email subject").fill("New sapphires for you, {first_name}")
        page.get_by_label("Message", exact=True).fill(
            "Hi {first_name}, {associate} at {store} here. Our new sapphires arrived this week; "
            "I put a few aside that would suit your {piece}. Come by any time.")
        page.get_by_role("button", name="Save and preview").click()
        preview = page.locator("#campaign-preview")
        expect(preview).to_contain_text("2 will get it; 2 left out")
        expect(preview).to_contain_text("1 do not contact")
        expect(preview).to_contain_text("Hi Alma, Robin at")
        look(page, f"campaigns-draft-{size}", viewport["width"])

        page.get_by_role("link", name="Send to 2 clients…").click()
        expect(page.get_by_role("button", name="Send to 2 clients")).to_be_visible()
        look(page, f"campaigns-confirm-{size}", viewport["width"])
        page.get_by_role("button", name="Send to 2 clients").click()
        expect(page.get_by_text("Sending. Each recipient")).to_be_visible()

        campaign_id = int(page.url.rstrip("/").rsplit("/", 1)[1])
        in_db(live_app, lambda: send_batch(campaign_id))
        page.reload()
        expect(page.get_by_role("heading", name="4 recipients")).to_be_visible()
        expect(page.locator(".camp-recipient[data-status='refused']")).to_have_count(2)
        look(page, f"campaigns-sent-{size}", viewport["width"])
