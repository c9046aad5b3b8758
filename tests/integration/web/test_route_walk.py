"""Every route of the URL map, tried as each kind of visitor (issue 9's security suite).

Each test walks `app.url_map`, so a route added tomorrow is tried the same way without touching this file:
anonymous visitors are sent to sign in, staff of another store see none of this store's rows, associates get
403 on owner pages and 200 elsewhere, owners and managers open every page, no write goes through without its
CSRF token, and every response of every walk carries the security headers (route_walk.assert_secure_headers).
The ids in the URLs name real rows (test_scoping's factories), so the walk reaches the code behind each route.
"""

from __future__ import annotations

import pytest
from sqlalchemy import delete, select, update

from jewelpwa.extensions import db
from jewelpwa.models import Client, Store, User, UserSession
from jewelpwa.services.push.vapid import init_keys

from ..conftest import Auth, make_user, new_client
from ..factories import make_client
from ..route_walk import (
    ALLOWED_PUBLIC,
    MISSING_ID,
    MUTATING,
    PUBLIC_WRITES,
    assert_secure_headers,
    changes,
    fingerprint,
    routes,
)

# The walks cost about 35 s of CPU across both databases (the whole URL map, several times, per backend):
# slow. The table check and the ended-session test are quick and run in `make test-quick` too.
slow_walk = pytest.mark.slow

# Pages for owners and managers live under /owner (owner, admin, data, relations, segments, audit blueprints):
# an associate is refused (403) on each; a new owner page is covered by where it lives, with no list to update.
MANAGER_PREFIX = "/owner/"
# GETs that answer with a redirect by design, wherever the visitor is signed in: `/` opens Today, and the sign-in
# page sends a signed-in visitor on to Today.
SIGNED_IN_REDIRECTS = {"today.root": "/today", "auth.login": "/today"}
STATIC_FILES = ["/static/css/app.css", "/static/manifest.webmanifest", "/static/js/app.js"]
HTMX = {"HX-Request": "true"}


def is_manager_page(route) -> bool:
    return (route.rule + "/").startswith(MANAGER_PREFIX)


def signed_in(app, user) -> tuple:
    """A device of its own, signed in through the real form; returns it and its CSRF token."""
    device = new_client(app)
    auth = Auth(device)
    response = auth.login(user.email)
    assert response.status_code == 303, f"sign-in of {user.email} answered {response.status_code}"
    assert_secure_headers(response, "/login")  # the response that sets the session cookie
    return device, auth.csrf("/me")


def fetch(device, method: str, path: str, **kwargs):
    """One request, its body read in full (exports stream), its headers checked like every response."""
    response = device.open(path, method=method, buffered=True, **kwargs)
    assert response.status_code < 500, f"{method} {path} crashed ({response.status_code})"
    assert_secure_headers(response, path)
    return response


def store_with_rows(app, name: str = "Store A"):
    """An owner, a manager and an associate, and one row of every kind a route names (client, appointment,
    repair, segment, import, wish, ...), with push keys so /me/push-key reaches its real answer."""
    init_keys(app.instance_path)
    owner = make_user(store=name, role="owner")
    manager = make_user(store=name, role="manager")
    associate = make_user(store=name, role="associate")
    make_client(associate)
    walk = routes(app, owner)
    return owner, manager, associate, walk


def test_allowed_public_table_names_real_endpoints_only(app):
    """A stale entry would silently keep a renamed private route public in the walk below."""
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert set(ALLOWED_PUBLIC) <= endpoints, set(ALLOWED_PUBLIC) - endpoints


@slow_walk
def test_anonymous_visitor_is_sent_to_sign_in_on_every_private_route(app):
    owner, _manager, _associate, walk = store_with_rows(app)
    visitor = new_client(app)
    # A token of the visitor's own anonymous session (from the sign-in page): it gets a write past CSRF, so what
    # answers is the route's own sign-in check, which every write must have too.
    token = Auth(visitor).csrf("/login")
    before = fingerprint()
    checked = 0
    for route in walk:
        public = ALLOWED_PUBLIC.get(route.endpoint)
        for method in route.methods:
            where = f"{method} {route.path}"
            if method == "GET":
                response = fetch(visitor, "GET", route.path)
                if public:
                    assert response.status_code == public[0], f"{where}: {response.status_code}"
                elif route.endpoint == "today.root":
                    assert response.headers["Location"] == "/today", where  # and /today is walked too
                else:
                    assert response.status_code == 302, f"{where}: {response.status_code}"
                    assert response.headers["Location"].startswith("/login?next=" + route.path), where
                    # htmx: the whole window goes to sign in, not a login form swapped into a fragment.
                    fragment = fetch(visitor, "GET", route.path, headers=HTMX)
                    assert fragment.status_code == 401, f"htmx {where}: {fragment.status_code}"
                    assert fragment.headers["HX-Redirect"].startswith("/login"), where
                    assert not fragment.get_data(), where
                checked += 1
                continue
            refused = fetch(visitor, method, route.path)
            if route.endpoint == "auth.login":
                assert refused.status_code == 400, f"{where} without a token: {refused.status_code}"
                continue  # signing in is the one write for visitors (its own tests: test_auth)
            if route.endpoint in PUBLIC_WRITES:  # keyed by the URL's token or a signature (test_sending)
                assert refused.status_code == PUBLIC_WRITES[route.endpoint], f"{where}: {refused.status_code}"
                continue
            # No session, so no token: what the visitor must do first is sign in (web/errors.py, SIGNED_OUT_WRITES).
            assert refused.status_code == 302, f"{where} without a token: {refused.status_code}"
            assert refused.headers["Location"].startswith("/login"), where
            with_token = fetch(visitor, method, route.path, data={"csrf_token": token})
            assert with_token.status_code == 302, f"{where} with a token: {with_token.status_code}"
            assert with_token.headers["Location"].startswith("/login"), where
            fragment = fetch(visitor, method, route.path, headers={**HTMX, "X-CSRFToken": token})
            assert fragment.status_code == 401 and fragment.headers["HX-Redirect"].startswith("/login"), where
            checked += 1
    for path in STATIC_FILES:
        assert fetch(visitor, "GET", path).status_code == 200, path
    assert checked > 80
    assert changes(before, fingerprint()) == {}


def test_htmx_request_on_an_ended_session_sends_the_window_to_sign_in(app):
    user = make_user()
    device, _token = signed_in(app, user)
    assert fetch(device, "GET", "/today", headers=HTMX).status_code == 200
    # Signed out on another device / by a password change: the session row is gone, the cookie is still here.
    db.session.execute(delete(UserSession).where(UserSession.user_id == user.id))
    db.session.commit()
    response = fetch(device, "GET", "/today", headers=HTMX)
    assert response.status_code == 401
    assert response.headers["HX-Redirect"] == "/login?next=/today?"
    assert "Client" not in response.get_data(as_text=True)


def expected_get(route, role: str) -> int:
    """What a signed-in member of the route's own store must get from a GET with real ids."""
    endpoint = route.endpoint
    if endpoint in ALLOWED_PUBLIC and endpoint not in SIGNED_IN_REDIRECTS:
        return ALLOWED_PUBLIC[endpoint][0]
    if endpoint in SIGNED_IN_REDIRECTS:
        return 302
    if role == "associate" and is_manager_page(route):
        return 403
    return 200


@slow_walk
@pytest.mark.parametrize("role", ["associate", "manager", "owner"])
def test_staff_open_every_page_of_their_store_as_their_role_allows(app, role):
    """Associates: 200, or 403 on owner pages; owners and managers: 200 everywhere. Plain and htmx fragments
    (a manager sees the owner's pages, whose fragments the owner's walk already renders: plain only)."""
    owner, manager, associate, walk = store_with_rows(app)
    device, _token = signed_in(app, {"owner": owner, "manager": manager, "associate": associate}[role])
    gets = [route for route in walk if "GET" in route.methods]
    for route in gets:
        expected = expected_get(route, role)
        for headers in ({},) if role == "manager" else ({}, HTMX):
            response = fetch(device, "GET", route.path, headers=headers)
            assert response.status_code == expected, f"{role} GET {route.path} {headers}: {response.status_code}"
            if route.endpoint in SIGNED_IN_REDIRECTS:
                assert response.headers["Location"] == SIGNED_IN_REDIRECTS[route.endpoint], route.path
    assert len(gets) > 40


@slow_walk
@pytest.mark.parametrize("role", ["associate", "owner"])
def test_a_nonexistent_id_is_404_on_every_route_that_takes_one(app, role):
    """Reads and writes (with a valid token): not found, never a crash; owner pages may refuse an associate first."""
    owner, _manager, associate, _walk = store_with_rows(app)
    device, token = signed_in(app, owner if role == "owner" else associate)
    before = fingerprint()
    for route in routes(app, owner, id_override=MISSING_ID):
        if not route.has_id:
            continue
        allowed = {404, 403} if role == "associate" and is_manager_page(route) else {404}
        for method in route.methods:
            response = fetch(device, method, route.path, headers={"X-CSRFToken": token})
            assert response.status_code in allowed, f"{role} {method} {route.path}: {response.status_code}"
    assert changes(before, fingerprint()) == {}


@slow_walk
def test_associate_writes_to_owner_routes_are_refused_and_change_nothing(app):
    """With a valid token, so only the role check stands between an associate and the owner's settings."""
    _owner, _manager, associate, walk = store_with_rows(app)
    device, token = signed_in(app, associate)
    before = fingerprint()
    writes = [(route, method) for route in walk if is_manager_page(route)
              for method in route.methods if method in MUTATING]
    for route, method in writes:
        response = fetch(device, method, route.path, data={"csrf_token": token})
        assert response.status_code == 403, f"associate {method} {route.path}: {response.status_code}"
    assert len(writes) > 20
    assert changes(before, fingerprint()) == {}


@slow_walk
def test_every_write_without_its_csrf_token_is_refused_and_changes_nothing(app):
    """As the owner, with the right ids: no token, a token of another session, plain form or htmx: 400."""
    owner, _manager, _associate, walk = store_with_rows(app)
    device, _token = signed_in(app, owner)
    _other_device, other_token = signed_in(app, owner)  # a real token, of another session (a stolen page)
    before = fingerprint()
    # Public writes carry their key in the URL or a signature, not a session's token (test_sending checks them).
    writes = [(route, method) for route in walk for method in route.methods
              if method in MUTATING and route.endpoint not in PUBLIC_WRITES]
    for route, method in writes:
        where = f"{method} {route.path}"
        for kwargs in ({}, {"headers": HTMX}, {"data": {"csrf_token": other_token}},
                       {"headers": {**HTMX, "X-CSRFToken": other_token}}):
            response = fetch(device, method, route.path, **kwargs)
            assert response.status_code == 400, f"{where} {kwargs}: {response.status_code}"
            assert "expired" in response.get_data(as_text=True), where
        after = fingerprint()
        assert changes(before, after) == {}, f"{where} changed rows without a token"
    assert len(writes) > 40
    # Still signed in: even the sign-out above did nothing.
    assert fetch(device, "GET", "/today").status_code == 200


def _mark_store(store_id: int, mark: str) -> None:
    """Give every client and staff member of a store a name carrying `mark`, to look for it on other stores' pages."""
    db.session.execute(update(Client).where(Client.store_id == store_id).values(
        first_name=mark + Client.id.cast(db.String), search_name=mark.lower()))
    db.session.execute(update(User).where(User.store_id == store_id).values(name=mark + "Staff"))
    db.session.commit()


@slow_walk
@pytest.mark.parametrize("role", ["associate", "owner"])
def test_staff_of_another_store_see_none_of_this_stores_rows_on_any_page(app, role):
    """Store A has a row of every kind, named with a mark; store B's staff open every page of the map (ids of
    their own rows) and never meet the mark; store A's owner pages refuse store B's associate."""
    owner_a, _manager_a, associate_a, _walk_a = store_with_rows(app, "Store A")
    owner_b, _manager_b, associate_b, walk_b = store_with_rows(app, "Store B")
    store_a = db.session.get(Store, owner_a.store_id)
    _mark_store(store_a.id, "Zaphira")
    _mark_store(owner_b.store_id, "Quillon")
    device, _token = signed_in(app, owner_b if role == "owner" else associate_b)
    client_a = db.session.scalars(select(Client).where(Client.store_id == store_a.id)).first()
    # Searches aimed at store A's client by name, phone digits and email: an empty search lists only my own
    # clients, so only a search would show a client of another store that a missing store filter let through.
    searches = [f"/clients?q={q}" for q in ("zaphira", client_a.phone_digits, client_a.email)]
    paths = [(route, route.path) for route in walk_b if "GET" in route.methods]
    paths += [(next(r for r in walk_b if r.endpoint == "clients.index"), path) for path in searches]
    shown = 0
    for route, path in paths:
        response = fetch(device, "GET", path)
        assert response.status_code == expected_get(route, role), f"{role} B GET {path}"
        body = response.get_data().decode("utf-8", "replace")  # the archive is a zip: its CSVs are walked apart
        # Store A's clients all carry the mark in their name (a search echoes its query, lowercase, in the box).
        assert "Zaphira" not in body and store_a.name not in body, f"store A shows on store B's {path}"
        shown += "Quillon" in body
    # The walk saw store B's own rows (the mark is real text on real pages, so its absence above means something).
    assert shown >= (10 if role == "owner" else 5), shown


@slow_walk
def test_every_write_with_an_empty_form_answers_without_crashing(app):
    """The owner posts nothing but a valid token to every write (plain and htmx): a form error, a refusal or a
    redirect, never a 500, and the headers on each. Deleting routes go last so the others still find their rows."""
    owner, _manager, _associate, walk = store_with_rows(app)
    device, token = signed_in(app, owner)
    writes = [(route, method) for route in walk for method in route.methods
              if method in MUTATING and route.endpoint != "auth.logout"  # sign-out would end the walk
              and route.endpoint not in PUBLIC_WRITES]  # no session's token: 403/404 without their key
    writes.sort(key=lambda write: any(word in write[0].endpoint for word in ("delete", "deactivate", "erase")))
    for route, method in writes:
        for headers in (HTMX, {}):
            response = fetch(device, method, route.path, headers={**headers, "X-CSRFToken": token})
            # fetch() refuses a 5xx; 400 would be the token not taken, 403 the owner refused.
            assert response.status_code not in {400, 403}, f"{method} {route.path} {headers}: {response.status_code}"
    assert len(writes) > 40
