"""Notifications & devices page: enable (JSON + CSRF header), list, remove, test push, the push key."""

from __future__ import annotations

import re

import pytest
from rq import Queue

from jewelpwa.extensions import db
from jewelpwa.services.push import devices
from jewelpwa.services.push.vapid import current_key
from jewelpwa.tasks import queues
from tests.integration.conftest import PASSWORD, Auth, IsolatedClient

from .factories import make_user, notifications
from .support import PushEndpoint


@pytest.fixture
def web(app):
    app.test_client_class = IsolatedClient
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = "10.9.8.7"
    return client


def signed_in(web, user) -> tuple[Auth, str]:
    auth = Auth(web)
    assert auth.login(user.email, PASSWORD).status_code in (302, 303)
    page = web.get("/me/devices").get_data(as_text=True)
    return auth, re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)


@pytest.fixture
def phone():
    server = PushEndpoint()
    yield server.device("pixel")
    server.stop()


def test_devices_page_renders_as_page_and_as_fragment(app, web):
    user = make_user()
    signed_in(web, user)
    page = web.get("/me/devices")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "<html" in html
    assert '<h1 class="app-title">Notifications</h1>' in html
    assert 'id="push-enable"' in html and "/static/js/push.js" in html and "No devices yet" in html
    fragment = web.get("/me/devices", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<html" not in fragment and 'id="devices"' in fragment
    boosted = web.get("/me/devices", headers={"HX-Request": "true", "HX-Boosted": "true"}).get_data(as_text=True)
    assert "<html" in boosted
    me = web.get("/me").get_data(as_text=True)
    assert 'href="/me/devices"' in me and "Notifications &amp; devices" in me


def test_enabling_saves_the_device_with_the_current_key(app, web, phone):
    user = make_user()
    _, token = signed_in(web, user)
    key = web.get("/me/push-key").get_json()
    assert key == {"key": current_key(app.instance_path).application_server_key, "id": "1"}

    refused = web.post("/me/devices", json={"subscription": phone.subscription()})
    assert refused.status_code == 400  # no CSRF header: refused
    saved = web.post("/me/devices", json={"subscription": phone.subscription(), "applicationServerKey": key["key"]},
                     headers={"X-CSRFToken": token, "User-Agent": "Mozilla/5.0 (Linux; Android 14) Chrome/126.0"})
    assert saved.status_code == 201 and saved.get_json()["label"] == "Chrome on Android"
    again = web.post("/me/devices", json={"subscription": phone.subscription()}, headers={"X-CSRFToken": token})
    assert again.get_json()["id"] == saved.get_json()["id"]  # the same endpoint is one device
    html = web.get("/me/devices").get_data(as_text=True)
    assert "Chrome on Android" in html and "Remove" in html and "Send a test notification" in html


def test_bad_subscription_is_refused_with_a_reason(app, web):
    user = make_user()
    _, token = signed_in(web, user)
    bad = web.post("/me/devices", json={"subscription": {"endpoint": "ftp://x", "keys": {}}},
                   headers={"X-CSRFToken": token})
    assert bad.status_code == 422 and "endpoint" in bad.get_json()["errors"]


def test_removing_a_device_stops_its_notifications(app, web, phone):
    user = make_user()
    auth, token = signed_in(web, user)
    device_id = web.post("/me/devices", json={"subscription": phone.subscription()},
                         headers={"X-CSRFToken": token}).get_json()["id"]
    response = web.post(f"/me/devices/{device_id}/delete", data={"csrf_token": token},
                        headers={"HX-Request": "true"})
    assert response.status_code == 200 and "No devices yet" in response.get_data(as_text=True)
    assert "Device removed" in response.headers["HX-Trigger"]
    plain = web.post(f"/me/devices/{device_id}/delete", data={"csrf_token": token})
    assert plain.status_code == 404


def test_another_users_device_cannot_be_removed(app, web, phone):
    owner_of_phone = make_user()
    device = devices.subscribe(owner_of_phone, phone.subscription())
    intruder = make_user(store="Other Store")
    _, token = signed_in(web, intruder)
    assert web.post(f"/me/devices/{device.id}/delete", data={"csrf_token": token}).status_code == 404
    db.session.rollback()
    assert devices.list_devices(owner_of_phone)


def test_test_push_queues_one_row_per_device_and_a_job_for_each(app, web, phone, redis_conn):
    user = make_user()
    _, token = signed_in(web, user)
    web.post("/me/devices", json={"subscription": phone.subscription()}, headers={"X-CSRFToken": token})
    response = web.post("/me/devices/test", data={"csrf_token": token})
    assert response.status_code == 303
    rows = notifications()
    assert [(r.title, r.url, r.status) for r in rows] == [("JewelPWA test", "/me/devices", "pending")]
    job, = Queue(queues.PUSH, connection=redis_conn).jobs
    assert job.func_name == "jewelpwa.tasks.jobs.deliver_notifications" and job.args == ([rows[0].id],)
