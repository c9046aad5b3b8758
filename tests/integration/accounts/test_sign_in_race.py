"""40 wrong passwords for one account at once, over real HTTP to the real app on a threaded server: at most
LOGIN_LIMIT (10) passwords are checked. Before, the limit was checked first and counted after the answer, and
the outside probe saw 17 passwords checked of 40 (web/limits.py)."""

from __future__ import annotations

import re
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import requests
from sqlalchemy import func, select
from werkzeug.serving import make_server

from jewelpwa.extensions import db
from jewelpwa.models import AuditEvent
from jewelpwa.web.limits import SignInLimit

from ..conftest import make_user

ATTEMPTS = 40


def test_forty_concurrent_wrong_passwords_check_at_most_ten(app):
    # scrypt, as in production: a check takes long enough for the attempts to overlap.
    app.config["PASSWORD_HASH_METHOD"] = "scrypt"
    # Every browser here comes from 127.0.0.1: counters of their own (in the same Redis), so the address's
    # count starts at nought whichever test ran before.
    kept = app.extensions["jewelpwa_sign_in_limit"]
    app.extensions["jewelpwa_sign_in_limit"] = SignInLimit(app.config["RATELIMIT_STORAGE_URI"], {},
                                                           app.config["LOGIN_LIMIT"], f"race-{uuid.uuid4().hex}")
    user = make_user()
    email, user_id = user.email, user.id
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    try:
        browsers = []
        for _ in range(ATTEMPTS):  # each its own session and token, fetched before the rush
            browser = requests.Session()
            page = browser.get(base + "/login", timeout=30).text
            browsers.append((browser, re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)))
        start = threading.Barrier(ATTEMPTS)

        def attempt(pair) -> int:
            browser, token = pair
            start.wait()
            answer = browser.post(base + "/login", timeout=60, allow_redirects=False,
                                  data={"email": email, "password": "wrong password!", "csrf_token": token})
            return answer.status_code

        with ThreadPoolExecutor(ATTEMPTS) as pool:
            codes = list(pool.map(attempt, browsers))
    finally:
        server.shutdown()
        thread.join()
        app.extensions["jewelpwa_sign_in_limit"] = kept
    db.session.rollback()
    checked = db.session.scalar(select(func.count()).select_from(AuditEvent)
                                .where(AuditEvent.user_id == user_id, AuditEvent.action == "sign_in_failed"))
    assert sorted(set(codes)) == [401, 429], codes
    assert codes.count(401) == checked  # every 401 is a password checked, and only those
    assert 1 <= checked <= 10, f"{checked} passwords checked of {ATTEMPTS}"
