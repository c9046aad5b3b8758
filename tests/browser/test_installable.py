"""Chromium would install JewelPWA: manifest, icons and a service worker with a fetch handler, checked over CDP."""

from __future__ import annotations

import io
import json

import pytest
from PIL import Image

from .axe import assert_no_serious_violations, axe_page
from .conftest import CHROMIUM, CHROMIUM_ARGS, PHONE
from .waits import until

pytestmark = [pytest.mark.browser]

CONTROLLED = "() => navigator.serviceWorker.controller !== null"


def wait_for_service_worker(page) -> None:
    """The worker is installed (shell precached), active and controlling the page."""
    until(page, "() => navigator.serviceWorker.ready.then(() => true)", timeout=30_000)
    page.wait_for_function(CONTROLLED, timeout=15_000)


@pytest.fixture
def profile_phone(browser, tmp_path):
    """A phone with a real profile on disk: Chromium never offers to install from an incognito context,
    and every `browser.new_context()` is one."""
    context = browser.browser_type.launch_persistent_context(
        str(tmp_path / "profile"), executable_path=CHROMIUM, args=CHROMIUM_ARGS, viewport=PHONE,
        device_scale_factor=2, is_mobile=True, has_touch=True)
    yield context.pages[0] if context.pages else context.new_page()
    context.close()


def test_chromium_reports_no_installability_errors(profile_phone, live_server):
    phone = profile_phone
    phone.goto(live_server + "/login")
    wait_for_service_worker(phone)
    cdp = phone.context.new_cdp_session(phone)
    errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
    assert errors == [], errors
    manifest = cdp.send("Page.getAppManifest")
    assert manifest["errors"] == [], manifest["errors"]
    parsed = json.loads(manifest["data"])
    assert parsed["display"] == "standalone" and parsed["start_url"] == "/today"
    assert manifest["url"] == live_server + "/static/manifest.webmanifest"


def test_manifest_icons_are_served_and_the_maskable_one_is_512(phone, live_server):
    manifest = phone.request.get(live_server + "/static/manifest.webmanifest").json()
    sizes = {}
    for icon in manifest["icons"]:
        response = phone.request.get(live_server + "/static/" + icon["src"])
        assert response.ok, icon["src"]
        assert response.headers["content-type"] == "image/png"
        with Image.open(io.BytesIO(response.body())) as image:
            assert f"{image.width}x{image.height}" == icon["sizes"], icon["src"]
            sizes[(icon["purpose"], image.size)] = image.mode
    assert ("maskable", (512, 512)) in sizes
    assert ("any", (192, 192)) in sizes and ("any", (512, 512)) in sizes


def test_service_worker_precaches_the_shell_and_no_page(phone, live_server, live_app):
    phone.goto(live_server + "/login")
    wait_for_service_worker(phone)
    cached = phone.evaluate("""async () => {
      const names = await caches.keys();
      const urls = [];
      for (const name of names) {
        for (const req of await (await caches.open(name)).keys()) urls.push(new URL(req.url).pathname);
      }
      return {names, urls};
    }""")
    assert len(cached["names"]) == 1 and cached["names"][0].startswith("jewelpwa-shell-")
    assert "/offline" in cached["urls"] and "/static/vendor/htmx.min.js" in cached["urls"]
    # Privacy: a lost phone must not hold pages (client data), nor the login page, nor the worker itself.
    pages = [u for u in cached["urls"] if not u.startswith("/static/") and u != "/offline"]
    assert pages == []


def test_offline_and_login_pages_have_no_serious_accessibility_violations(browser, live_server):
    with axe_page(browser) as page:
        page.goto(live_server + "/offline")
        assert_no_serious_violations(page, "offline page")
        page.goto(live_server + "/login")
        assert_no_serious_violations(page, "login page")


def test_axe_harness_names_rule_impact_and_target_of_a_serious_violation(browser, live_server):
    with axe_page(browser) as page:
        page.goto(live_server + "/offline")
        page.evaluate("""() => {
          const b = document.createElement('button');
          b.id = 'nameless';
          document.querySelector('main').append(b);
        }""")
        with pytest.raises(AssertionError) as failed:
            assert_no_serious_violations(page, "offline page with a nameless button")
    message = str(failed.value)
    assert "button-name (critical)" in message and "#nameless" in message
