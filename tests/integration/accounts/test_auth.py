"""Sign-in, sign-out, sessions that die server-side, password change, deactivation, login throttling."""

from __future__ import annotations

from http.cookies import SimpleCookie

import pytest

from jewelpwa.extensions import db
from jewelpwa.models import AuditEvent, User
from jewelpwa.services.accounts.users import deactivate_user

from ..conftest import PASSWORD, make_user, new_client


def session_cookie(client) -> str:
    cookie = client.get_cookie("jewelpwa")
    assert cookie is not None, "no session cookie was set"
    return cookie.value


def test_login_with_right_password_opens_today(client, auth):
    user = make_user()
    response = auth.login(user.email)
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/today")
    page = client.get("/today")
    assert page.status_code == 200
    assert "Today" in page.get_data(as_text=True)


def test_wrong_password_says_so_and_stays_signed_out(client, auth):
    user = make_user()
    response = auth.login(user.email, "wrong password!!")
    assert response.status_code == 401
    assert "do not match" in response.get_data(as_text=True)
    assert client.get("/today").status_code == 302
    assert db.session.query(AuditEvent).filter_by(action="sign_in_failed", user_id=user.id).count() == 1


@pytest.mark.one_database
def test_pages_redirect_anonymous_visitors_to_login(client):
    response = client.get("/clients")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


@pytest.mark.one_database
def test_expired_session_during_htmx_request_redirects_whole_window(client):
    response = client.get("/today", headers={"HX-Request": "true"})
    assert response.status_code == 401
    assert response.headers["HX-Redirect"].startswith("/login")


def test_cookie_copied_before_logout_no_longer_works(app, client, auth):
    user = make_user()
    auth.login(user.email)
    stolen = session_cookie(client)
    auth.post("/logout")
    thief = new_client(app)
    thief.set_cookie("jewelpwa", stolen)
    response = thief.get("/today")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_password_change_ends_other_sessions_but_keeps_this_one(app, client, auth):
    user = make_user()
    auth.login(user.email)
    other_device = new_client(app, "10.9.9.9")
    other_auth = type(auth)(other_device)
    other_auth.login(user.email)
    assert other_device.get("/today").status_code == 200

    response = auth.post("/me/password", {"current_password": PASSWORD, "new_password": "a much newer secret",
                                          "confirm_password": "a much newer secret"})
    assert response.status_code == 303
    assert client.get("/today").status_code == 200
    assert other_device.get("/today").status_code == 302
    assert type(auth)(new_client(app)).login(user.email, "a much newer secret").status_code == 303


def test_password_change_with_mismatch_explains_what_to_fix(client, auth):
    user = make_user()
    auth.login(user.email)
    response = auth.post("/me/password", {"current_password": PASSWORD, "new_password": "a much newer secret",
                                          "confirm_password": "something else entirely"},
                         headers={"HX-Request": "true"})
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "do not match" in body
    assert "<html" not in body  # the htmx answer is the form fragment, not a page


def test_deactivated_user_is_signed_out_everywhere_at_once(app, client, auth):
    owner = make_user(role="owner")
    associate = make_user()
    auth.login(associate.email)
    assert client.get("/today").status_code == 200
    deactivate_user(db.session.get(User, owner.id), associate.id)
    assert client.get("/today").status_code == 302
    assert auth.login(associate.email).status_code == 401


def test_eleventh_wrong_password_in_a_minute_is_refused(client, auth):
    user = make_user()
    for attempt in range(10):
        assert auth.login(user.email, f"wrong-{attempt}").status_code == 401
    response = auth.login(user.email, PASSWORD)  # even the right password: the account is cooling down
    assert response.status_code == 429
    assert "Too many attempts" in response.get_data(as_text=True)


def test_account_limit_holds_across_addresses(app, auth):
    user = make_user()
    for attempt in range(10):
        fresh = new_client(app, f"10.77.0.{attempt + 1}")
        assert type(auth)(fresh).login(user.email, "nope-nope-nope").status_code == 401
    last = new_client(app, "10.77.1.1")
    assert type(auth)(last).login(user.email, PASSWORD).status_code == 429


def test_next_parameter_cannot_send_users_to_another_site(client, auth):
    user = make_user()
    token = auth.csrf("/login")
    response = client.post("/login?next=//evil.example/x", data={"email": user.email, "password": PASSWORD,
                                                                 "csrf_token": token})
    assert response.headers["Location"].endswith("/today")


@pytest.mark.one_database
def test_session_cookie_is_httponly_and_samesite(client, auth):
    user = make_user()
    response = auth.login(user.email)
    cookie = SimpleCookie(response.headers["Set-Cookie"])
    morsel = cookie["jewelpwa"]
    assert morsel["httponly"]
    assert morsel["samesite"] == "Lax"


def test_cli_deactivation_signs_the_user_out(app, client, auth):
    owner = make_user(role="owner")
    associate = make_user()
    auth.login(associate.email)
    result = app.test_cli_runner().invoke(args=["users", "deactivate", associate.email, "--by", owner.email])
    assert result.exit_code == 0, result.output
    assert client.get("/today").status_code == 302
    refused = app.test_cli_runner().invoke(args=["users", "deactivate", owner.email, "--by", associate.email])
    assert refused.exit_code == 2 and "cannot deactivate" in refused.output


def test_signing_in_gives_the_session_a_new_form_token(app):
    """A token read from the sign-in page (or planted in the browser before it) does not carry into the account."""
    import re

    user = make_user()
    browser = new_client(app)
    page = browser.get("/login").get_data(as_text=True)
    before = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    signed_in = browser.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": before})
    assert signed_in.status_code == 303
    after = re.search(r'name="csrf-token" content="([^"]+)"', browser.get("/me").get_data(as_text=True)).group(1)
    assert after != before
    refused = browser.post("/me/password", data={"csrf_token": before, "current_password": PASSWORD,
                                                  "new_password": "x" * 12, "confirm_password": "x" * 12})
    assert refused.status_code == 400
    assert browser.post("/logout", data={"csrf_token": after}).status_code == 303
