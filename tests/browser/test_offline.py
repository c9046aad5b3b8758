"""No signal at the back of the store: outcomes logged offline wait on the phone and reach the server once.

What is real here: Chromium's network emulation (`context.set_offline`, which in this Playwright/Chromium
also cuts the service worker's own fetches: the offline page below is served from its cache), htmx's
sendError, IndexedDB, the `online` event, the service worker's precache and navigation fallback, and the
app's real database read back through `live_app.app_context()`.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from jewelpwa.extensions import db
from jewelpwa.models import Outreach

from .axe import assert_no_serious_violations, axe_page
from .conftest import ARTIFACTS, screenshot, sign_in
from .making import Desk, desk
from .waits import until

pytestmark = [pytest.mark.browser, pytest.mark.slow]

QUEUED = "Saved on this phone — will send when online"
OUTCOMES = [("Voicemail", "voicemail"), ("No answer", "no_answer"), ("Reached", "reached")]
CHANNELS = ["text", "call", "email"]
ENTRIES = "() => window.jewelOutbox.entries()"
EMPTY = "async () => window.jewelOutbox !== undefined && (await window.jewelOutbox.count()) === 0"
# The offline page reloads on `online`, and asks the server itself every 10 s (outbox.js PROBE_MS) in case that
# event was missed. Chromium lifts the emulated offline state from the page before the service worker, so the
# reload `online` starts can meet the offline page once more; the next probe then loads the real page. A wait
# for the real page allows one probe, a page load and a busy machine.
BACK_FROM_OFFLINE_PAGE_MS = 30_000
PUT_BACK = """async (entries) => {
  const db = await new Promise((ok, fail) => { const r = indexedDB.open('jewelpwa', 1); r.onsuccess = () => ok(r.result); r.onerror = fail; });
  await new Promise((ok, fail) => {
    const tx = db.transaction('outbox', 'readwrite');
    for (const e of entries) tx.objectStore('outbox').put(e);
    tx.oncomplete = ok; tx.onerror = fail;
  });
  db.close();
}"""



def outreach_rows(live_app, since_id: int) -> list[tuple[int, str, str | None]]:
    with live_app.app_context():
        rows = db.session.execute(select(Outreach.client_id, Outreach.outcome, Outreach.idempotency_key)
                                  .where(Outreach.id > since_id).order_by(Outreach.id)).all()
        db.session.remove()  # no transaction may stay open: it would hold SQLite's write lock
    return [tuple(r) for r in rows]


def last_outreach_id(live_app) -> int:
    with live_app.app_context():
        value = db.session.scalar(select(func.max(Outreach.id))) or 0
        db.session.remove()
    return value


def signed_in_today(page, live_server, made: Desk) -> None:
    sign_in(page, live_server, made.email, made.password)
    page.wait_for_url("**/today")
    # The worker installs (precaching the shell) and claims the page. If it activated too late to claim this
    # document, the next load is controlled, as for a person opening the app a second time.
    until(page, "async () => Boolean(await navigator.serviceWorker.ready)", timeout=30_000)
    if not page.evaluate("() => navigator.serviceWorker.controller !== null"):
        page.reload()
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=15_000)


def log_offline(page, row, label: str, channel: str = "call") -> None:
    row.locator("summary", has_text="Log outcome").click()
    row.locator(f"input[name=channel][value={channel}]").check()
    row.get_by_role("button", name=label, exact=True).click()
    said = label.removesuffix("…")  # "Booked…" and "Sold…" open a sheet when there is a signal
    if said == label:
        expect(row.locator(".outbox-note")).to_have_text(f"{label}: {QUEUED}")
    else:  # the outcome waits alone, and the row says what it cannot keep
        needs = "sale" if said == "Sold" else "booking"
        expect(row.locator(".outbox-note")).to_have_text(re.compile(f"^{said}: {QUEUED}. The {needs} needs a signal"))


def channels_since(live_app, since_id: int) -> dict[int, str]:
    with live_app.app_context():
        rows = db.session.execute(select(Outreach.client_id, Outreach.channel).where(Outreach.id > since_id)).all()
        db.session.remove()
    return dict(rows)


def test_three_outcomes_logged_with_no_signal_are_stored_exactly_once(phone, live_app, live_server):
    made = desk(live_app, "outbox", calls=3)
    signed_in_today(phone, live_server, made)
    rows = phone.locator("li.today-row:has(form[data-outbox])")
    expect(rows).to_have_count(3)  # the three clients this test put on today's list
    picked = [rows.nth(i) for i in range(3)]
    client_ids = [int(re.sub(r"\D", "", row.get_attribute("id"))) for row in picked]
    assert sorted(client_ids) == sorted(made.client_ids)
    before = last_outreach_id(live_app)

    phone.context.set_offline(True)
    for row, (label, _), channel in zip(picked, OUTCOMES, CHANNELS, strict=True):
        log_offline(phone, row, label, channel)
    status = phone.locator("#outbox-status")
    expect(status).to_be_visible()
    expect(status).to_contain_text("3 waiting")
    expect(phone.locator(".outbox-queued.today-row")).to_have_count(3)
    expect(phone.get_by_text("nothing was sent")).to_have_count(0)  # app.js left these to the outbox
    assert outreach_rows(live_app, before) == []
    entries = phone.evaluate(ENTRIES)
    assert len(entries) == 3 and len({e["key"] for e in entries}) == 3
    assert {e["client_name"] for e in entries} == {row.locator(".row-name").inner_text() for row in picked}
    screenshot(phone, "offline-outbox-waiting")
    picked[0].scroll_into_view_if_needed()
    phone.screenshot(path=str(ARTIFACTS / "offline-outbox-waiting-viewport.png"))

    phone.context.set_offline(False)  # Chromium fires `online`: the outbox replays on its own
    expect(phone.get_by_text("3 outcomes sent")).to_be_visible(timeout=15_000)
    expect(status).to_be_hidden()
    stored = outreach_rows(live_app, before)
    assert sorted((c, o) for c, o, _ in stored) == sorted(zip(client_ids, [o for _, o in OUTCOMES], strict=True))
    assert {k for _, _, k in stored} == {e["key"] for e in entries}
    # The channel each was logged under travelled with it, as every other field did.
    assert channels_since(live_app, before) == dict(zip(client_ids, CHANNELS, strict=True))
    assert phone.evaluate(ENTRIES) == []

    # The answers were lost on the way back (or a second tab had the same entries): replaying the same
    # keys again, from two tabs at once, stores nothing new.
    phone.reload()
    other = phone.context.new_page()
    other.goto(live_server + "/today")
    # Each tab replays as it loads, and replay() hands back a replay already running, which read the outbox
    # before the keys went back: let both finish, so the two replays below are the ones that meet the keys.
    for tab in (phone, other):
        tab.evaluate("() => window.jewelOutbox.replay()")
    phone.evaluate(PUT_BACK, entries)
    phone.evaluate("() => { window.replaying = window.jewelOutbox.replay(); }")  # not awaited: both at once
    other.evaluate("() => window.jewelOutbox.replay()")
    phone.evaluate("() => window.replaying")
    assert phone.evaluate(ENTRIES) == [] and other.evaluate(ENTRIES) == []
    assert len(outreach_rows(live_app, before)) == 3
    other.close()


def test_offline_navigation_shows_the_offline_page_with_the_waiting_count(phone, live_app, live_server):
    signed_in_today(phone, live_server, desk(live_app, "navigate"))
    row = phone.locator("li.today-row:has(form[data-outbox])").first
    before = last_outreach_id(live_app)

    phone.context.set_offline(True)
    log_offline(phone, row, "Voicemail")
    # A boosted tap on the nav cannot load: the service worker answers the navigation with the offline page.
    phone.get_by_role("navigation").get_by_role("link", name="Clients").click()
    expect(phone.get_by_role("heading", name="No signal right now")).to_be_visible()
    assert phone.url.endswith("/clients")
    expect(phone.locator("#offline-waiting")).to_have_text("1")
    assert "You're offline. Outcomes you log are kept on this phone" in phone.locator("main").inner_text()
    screenshot(phone, "offline-page")

    phone.goto(live_server + "/upcoming")  # a typed address or a reload: the same offline page
    expect(phone.get_by_role("heading", name="No signal right now")).to_be_visible()
    phone.wait_for_function("() => window.jewelOutbox !== undefined")

    phone.context.set_offline(False)  # the offline page reloads itself into the real page, which replays
    expect(phone.get_by_role("heading", name="No signal right now")).to_have_count(
        0, timeout=BACK_FROM_OFFLINE_PAGE_MS)
    until(phone, EMPTY, timeout=BACK_FROM_OFFLINE_PAGE_MS)
    # An entry leaves the phone only once the server answered 200, after its commit: it is there to read.
    assert [o for _, o, _ in outreach_rows(live_app, before)] == ["voicemail"]


def test_outcomes_wait_for_a_new_sign_in_when_the_session_ended(phone, live_app, live_server):
    made = desk(live_app, "session")
    signed_in_today(phone, live_server, made)
    row = phone.locator("li.today-row:has(form[data-outbox])").first
    client_id = int(re.sub(r"\D", "", row.get_attribute("id")))
    before = last_outreach_id(live_app)

    phone.context.set_offline(True)
    log_offline(phone, row, "No answer")
    phone.context.clear_cookies()  # the session ended while there was no signal
    phone.context.set_offline(False)
    phone.goto(live_server + "/today")
    phone.wait_for_url("**/login**")
    expect(phone.locator("#outbox-status")).to_contain_text("Sign in to send 1 waiting")
    assert outreach_rows(live_app, before) == []

    phone.get_by_label("Email").fill(made.email)
    phone.get_by_label("Password").fill(made.password)
    phone.get_by_role("button", name="Sign in").click()
    phone.wait_for_url("**/today")
    expect(phone.get_by_text("1 outcome sent")).to_be_visible(timeout=15_000)
    assert [(c, o) for c, o, _ in outreach_rows(live_app, before)] == [(client_id, "no_answer")]


def test_a_refused_outcome_is_dropped_with_a_message_and_does_not_block_the_rest(phone, live_app, live_server):
    signed_in_today(phone, live_server, desk(live_app, "refused"))
    client_id = int(re.sub(r"\D", "", phone.locator("li.today-row").first.get_attribute("id")))
    before = last_outreach_id(live_app)
    fields = [["channel", "call"], ["next", "/today"], ["csrf_token", "stale"]]
    entries = [
        {"key": "gone-1", "url": "/clients/999999/outreach", "client_name": "Gone Client",
         "fields": [*fields, ["outcome", "voicemail"], ["idempotency_key", "gone-1"]], "queued_at": "2026-01-01T10:00:00Z"},
        {"key": "bad-2", "url": f"/clients/{client_id}/outreach", "client_name": "Bad Outcome",
         "fields": [*fields, ["outcome", "maybe"], ["idempotency_key", "bad-2"]], "queued_at": "2026-01-01T10:01:00Z"},
        {"key": "good-3", "url": f"/clients/{client_id}/outreach", "client_name": "Fine Client",
         "fields": [*fields, ["outcome", "reached"], ["idempotency_key", "good-3"]], "queued_at": "2026-01-01T10:02:00Z"},
    ]
    phone.evaluate(PUT_BACK, entries)
    phone.evaluate("() => window.jewelOutbox.replay()")
    expect(phone.get_by_text("Not saved: voicemail for Gone Client — that client is no longer in your book.")).to_be_visible()
    expect(phone.get_by_text("Not saved: maybe for Bad Outcome — the details were refused.")).to_be_visible()
    expect(phone.get_by_text("1 outcome sent")).to_be_visible()
    assert phone.evaluate(ENTRIES) == []
    assert outreach_rows(live_app, before) == [(client_id, "reached", "good-3")]


def test_the_cache_holds_the_shell_and_no_page_with_client_data(phone, live_app, live_server):
    signed_in_today(phone, live_server, desk(live_app, "cache"))
    phone.get_by_role("navigation").get_by_role("link", name="Clients").click()
    phone.wait_for_url("**/clients")
    phone.goto(live_server + "/today")
    urls = phone.evaluate("""async () => {
      const urls = [];
      for (const name of await caches.keys()) {
        for (const req of await (await caches.open(name)).keys()) urls.push(new URL(req.url).pathname);
      }
      return urls;
    }""")
    assert "/static/css/app.css" in urls and "/offline" in urls
    assert [u for u in urls if not u.startswith("/static/") and u != "/offline"] == []


def test_an_expired_form_token_keeps_the_outcome_until_a_fresh_page_sends_it(phone, live_app, live_server):
    signed_in_today(phone, live_server, desk(live_app, "token"))
    client_id = int(re.sub(r"\D", "", phone.locator("li.today-row").first.get_attribute("id")))
    before = last_outreach_id(live_app)
    entry = {"key": "csrf-1", "url": f"/clients/{client_id}/outreach", "client_name": "Token Client",
             "fields": [["channel", "text"], ["next", "/today"], ["outcome", "voicemail"], ["idempotency_key", "csrf-1"]],
             "queued_at": "2026-01-01T10:00:00Z"}
    phone.evaluate(PUT_BACK, [entry])
    phone.evaluate("() => { document.querySelector('meta[name=csrf-token]').content = 'expired'; }")
    phone.evaluate("() => window.jewelOutbox.replay()")
    expect(phone.locator("#outbox-status")).to_contain_text("1 waiting")  # kept, not dropped as refused
    assert outreach_rows(live_app, before) == []

    phone.reload()  # a fresh page, a fresh token
    expect(phone.get_by_text("1 outcome sent")).to_be_visible()
    assert outreach_rows(live_app, before) == [(client_id, "voicemail", "csrf-1")]


def test_the_waiting_state_has_no_serious_accessibility_violations(browser, live_app, live_server):
    with axe_page(browser) as page:
        signed_in_today(page, live_server, desk(live_app, "access"))
        page.context.set_offline(True)
        log_offline(page, page.locator("li.today-row:has(form[data-outbox])").first, "No answer")
        expect(page.locator("#outbox-status")).to_contain_text("1 waiting")
        assert_no_serious_violations(page, "Today with an outcome waiting on the phone")
        page.goto(live_server + "/clients")
        expect(page.get_by_role("heading", name="No signal right now")).to_be_visible()
        assert_no_serious_violations(page, "offline page with an outcome waiting")
        page.context.set_offline(False)
        until(page, EMPTY, timeout=BACK_FROM_OFFLINE_PAGE_MS)


def test_a_server_error_keeps_the_outcome_and_a_fresh_page_still_shows_the_row_waiting(phone, live_app, live_server):
    signed_in_today(phone, live_server, desk(live_app, "busy"))
    row = phone.locator("li.today-row:has(form[data-outbox])").first
    row_id = row.get_attribute("id")
    before = last_outreach_id(live_app)
    phone.context.set_offline(True)
    log_offline(phone, row, "Booked…")
    ARTIFACTS.joinpath("capture").mkdir(parents=True, exist_ok=True)
    row.scroll_into_view_if_needed()
    phone.screenshot(path=str(ARTIFACTS / "capture" / "phone-offline-booked-waits.png"))
    # The signal is back but the server answers 503 (a deploy, an overloaded box): nothing is lost.
    phone.route("**/clients/*/outreach", lambda route: route.fulfill(status=503, body="busy"))
    phone.context.set_offline(False)
    phone.reload()
    waiting = phone.locator(f"#{row_id}")
    expect(waiting.locator(".outbox-note")).to_contain_text(f"Booked: {QUEUED}")  # no second log by mistake
    expect(phone.locator("#outbox-status")).to_contain_text("1 waiting")
    assert outreach_rows(live_app, before) == []

    phone.unroute("**/clients/*/outreach")
    phone.locator("#outbox-status").get_by_role("button").click()  # tap "1 waiting" to send now
    expect(phone.get_by_text("1 outcome sent")).to_be_visible()
    # Booked posts to its sheet with a signal; kept, it replays to the outcome route and is stored alone.
    assert [o for _, o, _ in outreach_rows(live_app, before)] == ["booked"]


def test_an_outcome_stuck_on_one_bar_of_signal_is_kept_after_a_timeout(phone, live_app, live_server):
    signed_in_today(phone, live_server, desk(live_app, "onebar"))
    row = phone.locator("li.today-row:has(form[data-outbox])").first
    before = last_outreach_id(live_app)
    phone.evaluate("() => { window.jewelOutbox.timeoutMs = 1500; }")  # 15 s on a phone
    stuck = []
    # The request leaves and no answer ever comes.
    phone.route("**/clients/*/outreach", lambda route: stuck.append(route))
    log_offline(phone, row, "Reached")
    assert len(stuck) == 1
    expect(phone.locator("#outbox-status")).to_contain_text("1 waiting")
    expect(phone.get_by_text("nothing was sent")).to_have_count(0)

    phone.unroute("**/clients/*/outreach")
    phone.locator("#outbox-status").get_by_role("button").click()
    expect(phone.get_by_text("1 outcome sent")).to_be_visible()
    assert [o for _, o, _ in outreach_rows(live_app, before)] == ["reached"]


def test_on_a_shared_phone_another_associates_outcomes_wait_for_them(phone, live_app, live_server):
    """Sent under whoever is signed in, they would be stored under the wrong name: they wait for their owner."""
    signed_in_today(phone, live_server, desk(live_app, "shared"))
    client_id = int(re.sub(r"\D", "", phone.locator("li.today-row").first.get_attribute("id")))
    before = last_outreach_id(live_app)
    entry = {"key": "shared-1", "url": f"/clients/{client_id}/outreach", "client_name": "Shared Client",
             "fields": [["channel", "call"], ["next", "/today"], ["outcome", "voicemail"],
                        ["idempotency_key", "shared-1"]],
             "queued_at": "2026-01-01T10:00:00Z", "user": "another-associate"}
    phone.evaluate(PUT_BACK, [entry])
    phone.evaluate("() => window.jewelOutbox.replay()")
    assert phone.evaluate(ENTRIES) == []  # not this associate's to see or send
    expect(phone.locator("#outbox-status")).to_be_hidden()
    assert outreach_rows(live_app, before) == []
    raw = phone.evaluate("""async () => {
      const db = await new Promise((ok) => { const r = indexedDB.open('jewelpwa', 1); r.onsuccess = () => ok(r.result); });
      const all = await new Promise((ok) => { const r = db.transaction('outbox').objectStore('outbox').getAll(); r.onsuccess = () => ok(r.result); });
      db.close(); return all.map((e) => e.key);
    }""")
    assert raw == ["shared-1"]  # still on the phone for its owner
