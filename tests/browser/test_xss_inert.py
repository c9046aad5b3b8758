"""Issue 9: with the XSS corpus stored in every text field, the main screens run none of it in Chromium.

The server-side suite (tests/integration/web/test_xss.py) parses every page; this one asks the browser itself:
no payload ran (window.__xss stays undefined), no dialog opened, htmx fired no request the corpus asked for
(hx-get=/__xss ... hx-trigger=load needs no script at all, so CSP would not stop it), and no CSP violation was
reported (a violation means markup from the corpus reached the page and only the policy stopped it).

The corpus gets a store of its own in its own database: the demo store of the other browser tests stays clean.
"""

from __future__ import annotations

import threading
from urllib.parse import quote, urlsplit

import pytest
from flask_migrate import upgrade
from werkzeug.serving import make_server

from jewelpwa import create_app
from tests.integration import xss_corpus as X

from .conftest import PHONE, TABLET, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]
PASSWORD = "corpus store password"
# Recorded before any page script runs; a violation event carries the directive and what was blocked.
WATCH = """
window.__csp = [];
document.addEventListener('securitypolicyviolation',
  (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sample || ''}`));
"""
# Hover handlers need a pointer: give every element a mouseover, as a hand moving over the list would.
HOVER_ALL = "document.querySelectorAll('body *').forEach((el) => el.dispatchEvent(new MouseEvent('mouseover', "\
            "{bubbles: true})))"
# A request of the test's own after the hover, answered in the page and seen by Playwright: the violation
# reports and any request the hover started were queued before it, so they are in by the time it is.
AFTER_HOVER = "/healthz?after-hover"


@pytest.fixture(scope="module")
def corpus_server(tmp_path_factory, redis_url):
    """A live server over a store holding the corpus; yields (base URL, seeded ids)."""
    instance = tmp_path_factory.mktemp("xss-instance")
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance / 'xss.db'}",
                                 "REDIS_URL": redis_url})
    app.instance_path = str(instance)
    with app.app_context():
        from jewelpwa.clock import store_today
        from jewelpwa.extensions import db
        from jewelpwa.models import Store
        from jewelpwa.services.accounts.users import create_user

        upgrade()
        owner = create_user("owner@corpus.test", "Owner", "owner", "Corpus Store", PASSWORD)
        associate = create_user("ana@corpus.test", "Ana", "associate", "Corpus Store", PASSWORD)
        seeded = X.seed(owner, associate, store_today(db.session.get(Store, owner.store_id)))
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", seeded
    server.shutdown()


class Watched:
    """One signed-in browser context with every way a payload could show itself recorded."""

    def __init__(self, browser, viewport) -> None:
        self.context = browser.new_context(viewport=viewport)
        self.context.add_init_script(WATCH)
        self.page = self.context.new_page()
        self.dialogs: list[str] = []
        self.requests: list[str] = []
        self.page.on("dialog", self._dialog)
        # The corpus's htmx payloads ask for /__xss; the search query only carries the mark in its query string.
        self.page.on("request", lambda r: self.requests.append(r.url) if X.MARK in urlsplit(r.url).path else None)

    def _dialog(self, dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def visit(self, url: str) -> list[str]:
        """Open a screen, let htmx settle and every hover fire, and say what the corpus managed to do there."""
        self.page.goto(url)
        self.page.wait_for_load_state("networkidle")
        self.page.evaluate(HOVER_ALL)
        with self.page.expect_request(lambda r: r.url.endswith(AFTER_HOVER)):
            assert self.page.evaluate(f"() => fetch({AFTER_HOVER!r}).then((r) => r.ok)")
        ran = self.page.evaluate("typeof window.__xss !== 'undefined'")
        csp = self.page.evaluate("window.__csp")
        shown = X.MARK in self.page.inner_text("body")
        problems = [f"{url}: window.__xss was set"] if ran else []
        problems += [f"{url}: CSP violation {v}" for v in csp]
        problems += [f"{url}: dialog {d}" for d in self.dialogs] + [f"{url}: request {r}" for r in self.requests]
        problems += [] if shown else [f"{url}: the corpus is not on this screen, so it proves nothing"]
        self.dialogs.clear()
        self.requests.clear()
        return problems


def test_main_screens_with_the_corpus_stored_run_none_of_it(browser, corpus_server):
    base, seeded = corpus_server
    problems: list[str] = []

    phone = Watched(browser, PHONE)
    sign_in(phone.page, base, "ana@corpus.test", PASSWORD)
    phone.page.wait_for_url("**/today")
    cards = [f"/clients/{seeded.client_ids[X.NAMES.index(name)]}" for name in ("hx_get", "data_hx", "img_breakout")]
    for path in ["/today", *cards, "/clients?q=" + quote(X.MARK), "/upcoming", "/repairs/"]:
        problems += phone.visit(base + path)
    phone.context.close()

    # The share page is public: a gift-giver opens it with no sign-in.
    giver = Watched(browser, PHONE)
    problems += giver.visit(f"{base}/w/{seeded.share_token}")
    giver.context.close()

    tablet = Watched(browser, TABLET)
    sign_in(tablet.page, base, "owner@corpus.test", PASSWORD)
    tablet.page.wait_for_url("**/today")
    for path in ["/owner/huddle", "/owner/health", "/owner/segments/", "/owner/staff", "/owner/loyalty/"]:
        problems += tablet.visit(base + path)
    tablet.context.close()

    assert not problems, "\n".join(problems)
