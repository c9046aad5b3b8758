"""Settings → Messages on the phone (390×844) and the owner's tablet (1024×1366): each automatic message with its
switch, the thank-you's delay, the wording, a preview that shows an unknown field as typed, and Save."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from jewelpwa.extensions import db
from jewelpwa.models import Message, User
from jewelpwa.services.accounts.users import create_user
from tests.integration.factories import make_client

from .conftest import in_db, sign_in
from .making import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SHOTS = "/work/notes/shots"


def owner(live_app) -> str:
    email = f"owner-{uuid.uuid4().hex[:8]}@messages.test"
    in_db(live_app, lambda: create_user(email, "Maya Ortiz", "owner", f"Messages Store {email[6:14]}", PASSWORD))
    return email


@pytest.mark.parametrize("size", [(390, 844), (1024, 1366)], ids=["phone", "tablet"])
def test_owner_turns_on_the_thank_you_previews_and_saves_it(live_app, live_server, browser, size):
    context = browser.new_context(viewport={"width": size[0], "height": size[1]}, device_scale_factor=1,
                                  is_mobile=size[0] < 500, has_touch=True)
    page = context.new_page()
    sign_in(page, live_server, owner(live_app), PASSWORD)
    page.wait_for_url("**/today")
    page.goto(live_server + "/owner/settings/messages")
    section = page.locator("#tpl-thank_you")
    expect(section.locator(".adm-state")).to_have_text("Off")  # folded to one line: name, off, marketing
    assert page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth + 1")  # no sideways scroll
    name = "phone-390" if size[0] < 500 else "tablet-1024"
    page.screenshot(path=f"{SHOTS}/auto-messages-settings-{name}.png", full_page=True)
    summary = section.locator("summary")
    assert summary.bounding_box()["height"] >= 44
    summary.click()
    switch = section.get_by_label("Send automatically")
    expect(switch).not_to_be_checked()
    switch.check()
    section.get_by_label("When").select_option("2")
    section.get_by_label("Message").fill("Hi {first_name}, thanks from {store}. {frist_name}")
    section.get_by_role("button", name="Preview").click()
    preview = page.locator("#tpl-thank_you .preview-text")
    expect(preview).to_contain_text("Hi Ana, thanks from Messages Store")
    expect(preview).to_contain_text("{frist_name}")  # an unknown field shows as typed
    save = page.locator("#tpl-thank_you").get_by_role("button", name="Save")
    assert save.bounding_box()["height"] >= 44
    save.click()
    expect(page.locator("#tpl-thank_you .adm-changed")).to_be_visible()
    expect(page.locator("#tpl-thank_you").get_by_label("Send automatically")).to_be_checked()
    expect(page.locator("#tpl-thank_you").get_by_label("When")).to_have_value("2")
    expect(page.locator("#tpl-thank_you .adm-state")).to_have_text("On · two days after")
    page.screenshot(path=f"{SHOTS}/auto-messages-settings-{name}-saved.png", full_page=True)
    context.close()


def test_the_card_labels_an_automatic_message_and_shows_a_refusals_reason(live_app, live_server, phone):
    email = owner(live_app)

    def make() -> int:
        user = db.session.scalar(select(User).where(User.email == email))
        client = make_client(user, first_name="Rosa", last_name="Lind")
        now = datetime.now(UTC)
        db.session.add_all([
            Message(store_id=user.store_id, client_id=client.id, user_id=user.id, channel="email", kind="marketing",
                    to_address="rosa@example.com", body="Hi Rosa, thank you for choosing us.", status="sent",
                    auto_key="auto:thank_you:purchase:1", created_at=now, next_try_at=now, attempts=1),
            Message(store_id=user.store_id, client_id=client.id, user_id=user.id, channel="text", kind="marketing",
                    to_address="", body="Happy birthday, Rosa!", status="refused", auto_key="auto:birthday:date:1:2026",
                    reason="Frequency limit (at most 2 touches in 30 days): nothing was sent.", created_at=now,
                    next_try_at=now, attempts=0)])
        db.session.commit()
        return client.id

    client_id = in_db(live_app, make)
    sign_in(phone, live_server, email, PASSWORD)
    phone.wait_for_url("**/today")
    phone.goto(f"{live_server}/clients/{client_id}#card-messages")
    section = phone.locator("#card-messages")
    expect(section.locator(".message-auto")).to_have_text(["Automatic · Birthday greeting", "Automatic · Thank you"])
    expect(section).to_contain_text("Frequency limit (at most 2 touches in 30 days): nothing was sent.")
    assert phone.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth + 1")
    section.screenshot(path=f"{SHOTS}/auto-card-messages-390.png")
