"""A demo associate signs in on a phone, lands on Today, and can sign out."""

from __future__ import annotations

import pytest

from .conftest import TABLET, screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_demo_associate_signs_in_on_a_phone_and_sees_today(phone, live_app, live_server):
    demo = live_app.demo
    associate = next(email for email, role in demo.logins if role == "associate")
    phone.goto(live_server + "/login")
    assert demo.password not in phone.content()  # logins are printed by the CLI, never shown on the page
    screenshot(phone, "phone-login")
    sign_in(phone, live_server, associate, demo.password)
    phone.wait_for_url("**/today")
    assert phone.get_by_role("navigation").get_by_role("link", name="Today").is_visible()
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"page scrolls sideways: {width}px wide"
    screenshot(phone, "phone-today")

    phone.get_by_role("navigation").get_by_role("link", name="Me").click()
    phone.wait_for_url("**/me")
    phone.get_by_role("button", name="Sign out of this device").click()
    phone.wait_for_url("**/login**")
    phone.goto(live_server + "/today")
    assert "/login" in phone.url


def test_wrong_password_shows_a_clear_message(phone, live_app, live_server):
    associate = next(email for email, role in live_app.demo.logins if role == "associate")
    sign_in(phone, live_server, associate, "not the password")
    alert = phone.get_by_role("alert")
    assert "do not match" in alert.inner_text()


def test_owner_on_a_tablet_sees_owner_pages_in_the_rail(browser, live_app, live_server):
    context = browser.new_context(viewport=TABLET)
    page = context.new_page()
    owner = next(email for email, role in live_app.demo.logins if role == "owner")
    sign_in(page, live_server, owner, live_app.demo.password)
    page.wait_for_url("**/today")
    page.get_by_role("link", name="Huddle").click()
    page.wait_for_url("**/owner/huddle")
    assert page.get_by_role("heading", name="Huddle").first.is_visible()
    screenshot(page, "tablet-owner-huddle")
    context.close()
