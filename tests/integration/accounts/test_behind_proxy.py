"""Behind a reverse proxy (TRUSTED_PROXY_HOPS, applied by create_app through web/proxy.py): the sign-in limit's
per-address counter and the audit trail see each client's address. Before, every request came from the proxy's
address, so ten failed sign-ins anywhere locked everyone out."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from jewelpwa.extensions import db
from jewelpwa.models import AuditEvent
from jewelpwa.web.limits import SignInLimit
from jewelpwa.web.proxy import trust_proxies

from ..conftest import Auth, make_user, new_client

PROXY = "10.0.0.2"


def from_client(app, client_address: str):
    """A browser whose requests reach the app through the proxy, which says who sent them."""
    browser = new_client(app, PROXY)
    browser.environ_base["HTTP_X_FORWARDED_FOR"] = client_address
    return Auth(browser)


def fresh_counters(app) -> None:
    app.extensions["jewelpwa_sign_in_limit"] = SignInLimit(app.config["RATELIMIT_STORAGE_URI"], {},
                                                           app.config["LOGIN_LIMIT"], f"proxy-{uuid.uuid4().hex}")


@pytest.mark.fresh_app
def test_behind_one_proxy_a_guesser_is_throttled_and_a_colleague_still_signs_in(app):
    app.config["TRUSTED_PROXY_HOPS"] = 1
    trust_proxies(app)
    fresh_counters(app)
    colleague = make_user()
    guesser = from_client(app, "203.0.113.5")
    answers = [guesser.login(f"nobody{n}@example.org", "wrong password").status_code for n in range(11)]
    assert answers == [401] * 10 + [429]
    assert from_client(app, "198.51.100.7").login(colleague.email).status_code == 303
    signed_in = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "sign_in"))
    assert signed_in.address == "198.51.100.7"


def test_without_a_proxy_setting_a_forwarded_header_is_ignored(app):
    """TRUSTED_PROXY_HOPS = 0: a client cannot pick its own address (and dodge its counter) by sending the header."""
    trust_proxies(app)  # the default: nothing wrapped
    fresh_counters(app)
    user = make_user()
    assert from_client(app, "198.51.100.7").login(user.email).status_code == 303
    signed_in = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "sign_in"))
    assert signed_in.address == PROXY
    changing = [from_client(app, f"192.0.2.{n}").login(f"nobody{n}@example.org", "x").status_code for n in range(11)]
    assert changing[-1] == 429
