"""Browser fixtures: the real app served on a free port, driven by Debian's Chromium through Playwright."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from flask_migrate import upgrade
from werkzeug.serving import make_server

from jewelpwa import create_app
from tests.conftest import missing

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PHONE = {"width": 390, "height": 844}
TABLET = {"width": 1024, "height": 1366}
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync"]


@pytest.fixture(scope="session")
def live_app(tmp_path_factory, redis_url):
    """A migrated SQLite app with the demo store, for pages to be clicked through."""
    instance = tmp_path_factory.mktemp("instance")
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance / 'jewelpwa.db'}",
                                 "REDIS_URL": redis_url})
    app.instance_path = str(instance)
    with app.app_context():
        upgrade()
        from jewelpwa.clock import store_today
        from jewelpwa.demo.seed import seed_demo_store
        from jewelpwa.extensions import db
        from jewelpwa.models import Store
        from jewelpwa.services.engine.planner import plan_store_day

        # Two months of the engine's work (not the default year: it would hold up the session's start) give the
        # owner's pages real figures; the tests make the data they assert on.
        app.demo = seed_demo_store(clients=150, past_days=60)
        # The worker plans the day in production; the pages under test need today's lists.
        store = db.session.get(Store, app.demo.store_id)
        plan_store_day(store, store_today(store))
        db.session.remove()
    return app


def in_db(live_app, fn):
    """Run fn against the live app's database and close the session: an open transaction would hold
    SQLite's write lock against the server under test."""
    from jewelpwa.extensions import db

    with live_app.app_context():
        try:
            return fn()
        finally:
            db.session.remove()


@pytest.fixture(scope="session")
def live_server(live_app):
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        missing("browser", f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    page = context.new_page()
    yield page
    context.close()


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def sign_in(page, base: str, email: str, password: str) -> None:
    page.goto(base + "/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


@pytest.fixture
def live_clock(live_app):
    """The live app's clock (tests/clock.py) for a test that needs a known day or hour, unpinned after it:
    every browser test shares the live app, so it is never pinned outside this fixture."""
    from tests.clock import Clock

    clock = Clock(live_app)
    yield clock
    clock.unpin()
