"""CSRF on writes, headers on every response, store scoping, role checks."""

from __future__ import annotations

import pytest

from jewelpwa.config import Config

from ..conftest import make_user, new_client
from ..route_walk import assert_secure_headers

PAGES = ["/login", "/today", "/clients", "/upcoming", "/me", "/owner/huddle", "/no-such-page", "/static/css/app.css"]


@pytest.mark.one_database
def test_write_without_csrf_token_is_rejected(client, auth):
    user = make_user()
    auth.login(user.email)
    response = client.post("/logout")
    assert response.status_code == 400
    assert "expired" in response.get_data(as_text=True)
    assert client.get("/today").status_code == 200  # still signed in: the forged write did nothing


@pytest.mark.one_database
def test_login_without_csrf_token_is_rejected(client):
    user = make_user()
    response = client.post("/login", data={"email": user.email, "password": "whatever"})
    assert response.status_code == 400


@pytest.mark.one_database
def test_a_write_after_the_session_ended_is_sent_to_sign_in_not_told_the_form_expired(client):
    # The session cookie is gone, and the form's token with it: what the user must do is sign in again.
    response = client.post("/clients/1/outreach", data={"outcome": "no_answer"}, headers={"HX-Request": "true"})
    assert response.status_code == 401
    assert response.headers["HX-Redirect"].startswith("/login")
    assert "Set-Cookie" not in response.headers  # no fresh session that could replace another tab's
    plain = client.post("/clients/1/outreach", data={"outcome": "no_answer"})
    assert plain.status_code == 302 and "/login" in plain.headers["Location"]


def test_csrf_token_in_htmx_header_is_accepted(client, auth):
    user = make_user()
    auth.login(user.email)
    token = auth.csrf("/me")
    response = client.post("/logout", headers={"X-CSRFToken": token, "HX-Request": "true"})
    assert response.status_code == 303


@pytest.mark.one_database
@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("htmx", [False, True])
def test_security_headers_on_every_response(client, auth, path, htmx):
    user = make_user(role="associate")
    auth.login(user.email)
    headers = {"HX-Request": "true"} if htmx else {}
    response = client.get(path, headers=headers)
    assert_secure_headers(response, path)  # the same checks the route walk applies to every response


def test_associate_gets_403_on_owner_pages_and_owner_gets_in(app, client, auth):
    associate = make_user(role="associate")
    auth.login(associate.email)
    assert client.get("/owner/huddle").status_code == 403
    owner_client = new_client(app, "10.8.8.8")
    owner = make_user(role="owner")
    type(auth)(owner_client).login(owner.email)
    assert owner_client.get("/owner/huddle").status_code == 200


@pytest.mark.one_database
def test_fragment_request_gets_no_page_shell_and_boosted_gets_the_page(client, auth):
    user = make_user()
    auth.login(user.email)
    fragment = client.get("/today", headers={"HX-Request": "true"}).get_data(as_text=True)
    boosted = client.get("/today", headers={"HX-Request": "true", "HX-Boosted": "true"}).get_data(as_text=True)
    plain = client.get("/today").get_data(as_text=True)
    assert "<html" not in fragment and 'id="today-list"' in fragment
    assert "<html" in boosted and "<html" in plain


@pytest.mark.one_database
def test_production_cookies_are_secure():
    assert Config.SESSION_COOKIE_SECURE is True
    assert Config.SESSION_COOKIE_NAME.startswith("__Host-")
    assert Config.SESSION_COOKIE_HTTPONLY and Config.SESSION_COOKIE_SAMESITE == "Lax"
