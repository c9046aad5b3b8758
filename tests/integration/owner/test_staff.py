"""Staff from the owner's tablet: add, change role and target, deactivate (sessions end at once), reactivate."""

from __future__ import annotations

import re

from sqlalchemy import select

from jewelpwa.extensions import db
from jewelpwa.models import AuditEvent, User

from ..conftest import Auth, make_user, new_client
from ..factories import make_client

HX = {"HX-Request": "true"}


def _admin_paths(app, user_id: int) -> list[tuple[str, str]]:
    paths = []
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("admin."):
            continue
        path = rule.build({"user_id": user_id} if "user_id" in rule.arguments else {})[1]
        paths += [(method, path) for method in sorted(rule.methods - {"HEAD", "OPTIONS"})]
    return paths


def test_associates_get_403_on_every_admin_route(app, client, auth):
    associate = make_user(role="associate")
    colleague = make_user(role="associate")
    auth.login(associate.email)
    token = auth.csrf("/me")
    paths = _admin_paths(app, colleague.id)
    assert len(paths) >= 14
    for method, path in paths:
        response = client.open(path, method=method, headers={"X-CSRFToken": token}, data={"role": "owner"})
        assert response.status_code == 403, f"{method} {path} answered {response.status_code}"
    db.session.expire_all()
    assert db.session.get(User, colleague.id).role == "associate"


def test_staff_page_lists_role_target_clients_and_last_sign_in(client, auth):
    owner = make_user(role="owner", name="Eleanor Vance")
    maya = make_user(role="associate", name="Maya Okafor")
    for _ in range(3):
        make_client(maya)
    auth.login(owner.email)
    page = client.get("/owner/staff")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "<html" in html
    maya_row = html[html.index(f'id="staff-{maya.id}"'):]
    assert "Maya Okafor" in maya_row and maya.email in maya_row and "3 clients" in maya_row
    assert "Target 10 a day" in maya_row and "Last sign-in never" in maya_row
    assert "Last sign-in today" in html  # the owner just signed in
    fragment = client.get("/owner/staff", headers=HX).get_data(as_text=True)
    assert "<html" not in fragment and 'id="staff-list"' in fragment


def test_owner_adds_staff_with_a_one_time_password_that_signs_in(app, client, auth):
    owner = make_user(role="owner")
    auth.login(owner.email)
    response = auth.post("/owner/staff/new", {"name": "Sam Lee", "email": "Sam@Gem.test", "role": "associate",
                                              "daily_target": "12"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    password = re.search(r'class="adm-password">([^<]+)<', html).group(1)
    assert len(password) >= 16 and "only this once" in html
    sam = db.session.scalar(select(User).where(User.email == "sam@gem.test"))
    assert (sam.store_id, sam.role, sam.daily_target) == (owner.store_id, "associate", 12)
    assert password not in sam.password_hash
    other = Auth(new_client(app))
    assert other.login("sam@gem.test", password).status_code == 303
    assert other.client.get("/today").status_code == 200


def test_add_staff_form_says_what_to_fix(client, auth):
    owner = make_user(role="owner")
    auth.login(owner.email)
    response = auth.post("/owner/staff/new", {"name": "", "email": owner.email, "role": "boss", "daily_target": "500"},
                         headers=HX)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "<html" not in html
    assert "Enter the person&#39;s name." in html and "already on your staff list" in html
    assert "Choose owner, manager or associate." in html and "from 0 to 200" in html


def test_manager_cannot_add_or_make_an_owner(client, auth):
    manager = make_user(role="manager")
    clerk = make_user(role="associate")
    auth.login(manager.email)
    response = auth.post("/owner/staff/new", {"name": "New Boss", "email": "boss@gem.test", "role": "owner",
                                              "daily_target": "10"})
    assert response.status_code == 422 and "Only an owner can add another owner." in response.get_data(as_text=True)
    assert db.session.scalar(select(User).where(User.email == "boss@gem.test")) is None
    response = auth.post(f"/owner/staff/{clerk.id}", {"role": "owner", "daily_target": "10"}, headers=HX)
    assert response.status_code == 422 and "Only an owner can make or unmake an owner." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, clerk.id).role == "associate"


def test_nobody_demotes_or_deactivates_themselves_or_the_last_owner(client, auth):
    owner = make_user(role="owner")
    auth.login(owner.email)
    response = auth.post(f"/owner/staff/{owner.id}", {"role": "associate", "daily_target": "10"}, headers=HX)
    assert response.status_code == 422 and "You cannot change your own role" in response.get_data(as_text=True)
    response = auth.post(f"/owner/staff/{owner.id}/deactivate", headers=HX)
    assert response.status_code == 422 and "You cannot deactivate yourself" in response.get_data(as_text=True)
    db.session.expire_all()
    me = db.session.get(User, owner.id)
    assert (me.role, me.active) == ("owner", True)


def test_an_owner_demotes_another_owner_and_the_change_is_audited(client, auth):
    owner = make_user(role="owner")
    partner = make_user(role="owner")
    auth.login(owner.email)
    # Two owners: one may demote the other; then the remaining owner is the last one.
    assert auth.post(f"/owner/staff/{partner.id}", {"role": "manager", "daily_target": "10"}).status_code == 303
    db.session.expire_all()
    assert db.session.get(User, partner.id).role == "manager"
    events = db.session.scalars(select(AuditEvent.target).where(AuditEvent.action == "role_changed")).all()
    assert events == [f"user:{partner.id}:owner->manager"]


def test_target_change_in_place_returns_the_list_with_a_toast(client, auth):
    owner = make_user(role="owner")
    maya = make_user(role="associate", name="Maya")
    auth.login(owner.email)
    response = auth.post(f"/owner/staff/{maya.id}", {"role": "associate", "daily_target": "25"}, headers=HX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html and "Target 25 a day" in html
    assert "Saved Maya." in response.headers["HX-Trigger"]
    bad = auth.post(f"/owner/staff/{maya.id}", {"role": "associate", "daily_target": "201"}, headers=HX)
    assert bad.status_code == 422 and "from 0 to 200" in bad.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, maya.id).daily_target == 25


def test_deactivation_ends_sessions_at_once_and_is_audited(app, client, auth):
    owner = make_user(role="owner")
    maya = make_user(role="associate")
    phone = Auth(new_client(app))
    phone.login(maya.email)
    assert phone.client.get("/today").status_code == 200
    auth.login(owner.email)
    response = auth.post(f"/owner/staff/{maya.id}/deactivate")
    assert response.status_code == 303
    follow = phone.client.get("/today")
    assert follow.status_code in (302, 303) and "/login" in follow.headers["Location"]
    assert phone.client.get("/today", headers=HX).headers.get("HX-Redirect", "").startswith("/login")
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.user_id == owner.id)).all()
    assert "staff_deactivated" in actions
    page = client.get("/owner/staff").get_data(as_text=True)
    assert "Deactivated" in page and "Reactivate" in page
    assert auth.post(f"/owner/staff/{maya.id}/reactivate").status_code == 303
    db.session.expire_all()
    assert db.session.get(User, maya.id).active is True
    assert phone.login(maya.email).status_code == 303


def test_manager_cannot_deactivate_an_owner(client, auth):
    owner = make_user(role="owner")
    manager = make_user(role="manager")
    auth.login(manager.email)
    response = auth.post(f"/owner/staff/{owner.id}/deactivate", headers=HX)
    assert response.status_code == 422 and "Only an owner can deactivate an owner." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, owner.id).active is True


def test_script_in_a_staff_name_renders_escaped(client, auth):
    owner = make_user(role="owner")
    make_user(role="associate", name="<script>alert(1)</script>")
    auth.login(owner.email)
    html = client.get("/owner/staff").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_another_stores_staff_member_is_not_found(client, auth):
    owner = make_user(role="owner")
    stranger = make_user(store="Other Store", role="associate")
    auth.login(owner.email)
    assert client.get(f"/owner/staff/{stranger.id}").status_code == 404
    assert auth.post(f"/owner/staff/{stranger.id}/deactivate").status_code == 404
    db.session.expire_all()
    assert db.session.get(User, stranger.id).active is True


def test_adding_another_stores_staff_member_does_not_say_they_have_an_account(client, auth):
    """Emails are unique across stores: the refusal must not tell one store who works at another."""
    owner = make_user(store="Gem Store", role="owner")
    elsewhere = make_user(store="Rival Jewels", role="associate", email="kim@rival.test")
    auth.login(owner.email)
    response = auth.post("/owner/staff/new", {"name": "Kim", "email": elsewhere.email, "role": "associate",
                                              "daily_target": "10"}, headers=HX)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "cannot be used for a new account" in html
    assert "already has an account" not in html and "Rival" not in html and "staff list" not in html
