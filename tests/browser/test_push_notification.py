"""In Chromium: a push delivered through the DevTools protocol shows a tagged notification from our service
worker, a repeat with the same tag replaces it, and the click handler opens the client card.

What is exercised for real: sw.js registered by app.js, its `push` handler run by Chromium on
`ServiceWorker.deliverPushMessage`, `showNotification` (read back with `registration.getNotifications()`).
What is not: a trusted click on the notification itself — headless Chromium draws no notification to click
and DevTools has no command for it — so the test calls the same `openTarget(data)` the `notificationclick`
listener calls, inside the service worker, and checks the window goes to the card.
"""

from __future__ import annotations

import json
import time

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from jewelpwa.extensions import db
from jewelpwa.models import Client
from jewelpwa.services.accounts.users import create_user
from jewelpwa.services.push.vapid import init_keys

from .conftest import PHONE, screenshot, sign_in
from .waits import until

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PASSWORD = "correct horse battery"


@pytest.fixture
def associate(live_app):
    with live_app.app_context():
        init_keys(live_app.instance_path)
        user = create_user(f"push{time.time_ns()}@pushstore.test", "Pat Push", "associate", "Push Store", PASSWORD)
        client = Client(store_id=user.store_id, first_name="Anna", last_name="Lindqvist", assigned_to_id=user.id,
                        search_name="anna lindqvist", first_seen_on=user.created_at.date())
        db.session.add(client)
        db.session.flush()
        ids = user.email, client.id
        db.session.commit()
        db.session.remove()  # no transaction may stay open: it would hold SQLite's write lock
    return ids


def registration_id(page, cdp, base: str) -> str:
    found: dict[str, str] = {}

    def seen(event):
        for reg in event.get("registrations", []):
            if reg["scopeURL"].startswith(base) and not reg.get("isDeleted"):
                found["id"] = reg["registrationId"]

    cdp.on("ServiceWorker.workerRegistrationUpdated", seen)
    cdp.send("ServiceWorker.enable")
    # Chromium answers the enable before it sends the registrations; a CDP session has no wait for an event,
    # and Playwright dispatches them only inside one of its calls: wait_for_timeout(50) is that call.
    deadline = time.monotonic() + 30
    while "id" not in found and time.monotonic() < deadline:
        page.wait_for_timeout(50)
    assert "id" in found, "the service worker registration never showed up over CDP"
    return found["id"]


NOTIFICATIONS = """async () => {
  const reg = await navigator.serviceWorker.ready;
  const shown = await reg.getNotifications();
  return shown.map((n) => ({title: n.title, body: n.body, tag: n.tag, data: n.data}));
}"""


SHOWN_ONCE = """async ({count, body}) => {
  const reg = await navigator.serviceWorker.ready;
  const shown = (await reg.getNotifications()).map((n) => ({title: n.title, body: n.body, tag: n.tag, data: n.data}));
  return shown.length >= count && (body === null || shown.some((n) => n.body === body)) ? shown : null;
}"""


def shown(page, count: int, body: str | None = None) -> list[dict]:
    """The notifications showing once there are `count` (one of them reading `body`, when given); if that never
    comes, what shows instead, for the assertion to print. On a loaded machine Chromium took over 10 s to wake
    the worker for a push."""
    try:
        return until(page, SHOWN_ONCE, arg={"count": count, "body": body}, timeout=30_000)
    except PlaywrightTimeout:
        return page.evaluate(NOTIFICATIONS)


def test_push_shows_a_tagged_notification_and_a_click_opens_the_client_card(browser, live_server, associate):
    email, client_id = associate
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    context.grant_permissions(["notifications"], origin=live_server)
    page = context.new_page()
    try:
        sign_in(page, live_server, email, PASSWORD)
        page.wait_for_url("**/today")
        page.goto(live_server + "/me/devices")
        # app.js registers /sw.js on load; clients.claim() makes this page controlled without a reload.
        page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=15000)
        assert page.get_by_role("button", name="Enable notifications").is_visible()
        screenshot(page, "phone-notifications-devices")

        cdp = context.new_cdp_session(page)
        reg_id = registration_id(page, cdp, live_server)
        payload = {"title": "Appointment at 3:30 PM", "body": "Consultation in 1 h 55 min.",
                   "url": f"/clients/{client_id}", "tag": "appt-7"}
        cdp.send("ServiceWorker.deliverPushMessage",
                 {"origin": live_server + "/", "registrationId": reg_id, "data": json.dumps(payload)})
        first = shown(page, 1)
        assert first == [{"title": payload["title"], "body": payload["body"], "tag": "appt-7",
                          "data": {"url": f"/clients/{client_id}"}}]

        # The same tag again (a rescheduled reminder): it replaces the first, it does not stack.
        cdp.send("ServiceWorker.deliverPushMessage",
                 {"origin": live_server + "/", "registrationId": reg_id,
                  "data": json.dumps({**payload, "body": "Consultation in 30 min."})})
        again = shown(page, 1, body="Consultation in 30 min.")
        assert [n["body"] for n in again] == ["Consultation in 30 min."]

        # A push from another sender's URL never leaves the app's origin.
        cdp.send("ServiceWorker.deliverPushMessage",
                 {"origin": live_server + "/", "registrationId": reg_id,
                  "data": json.dumps({"title": "Digest", "body": "3 clients today", "url": "https://evil.test/x",
                                      "tag": "digest-x"})})
        digest = next(n for n in shown(page, 2) if n["tag"] == "digest-x")
        assert digest["data"] == {"url": "/today"}

        worker = context.service_workers[0] if context.service_workers else context.wait_for_event("serviceworker")
        with page.expect_navigation(url=f"**/clients/{client_id}", timeout=15000):
            worker.evaluate("""async () => {
              const [n] = await self.registration.getNotifications({tag: 'appt-7'});
              n.close();
              await openTarget(n.data);
            }""")
        assert page.url == f"{live_server}/clients/{client_id}"
        assert [n["tag"] for n in shown(page, 1)] == ["digest-x"]  # the clicked one is gone
        screenshot(page, "phone-notification-opened-card")
    finally:
        context.close()
