"""The outside probe's bad-input cases, each answered with a 4xx that says what to fix, never a 500, on SQLite and
PostgreSQL (41 of its 74 cases answered 500). The one input layer: domain/inputs.py (whole numbers, ids, dates,
text), web/inputs.py (URL ids, NUL and control characters at the edge, body size), services/stored_text.py
(column lengths at flush)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from jewelpwa.extensions import db
from jewelpwa.models import Appointment, Purchase

from ..conftest import Auth, make_user, new_client
from ..factories import make_client
from ..route_walk import changes, fingerprint

SUPERSCRIPT_TWO = "²"  # str.isdigit() says yes, int() says no


@pytest.fixture
def store(app):
    owner = make_user(role="owner")
    associate = make_user()
    client = make_client(associate, first_name="Ava")
    browser = new_client(app)
    auth = Auth(browser)
    assert auth.login(owner.email).status_code == 303
    return owner, associate, client, browser, auth.csrf("/me")


def unicode_digit_cases(owner, associate, client) -> list[tuple[str, str, dict]]:
    c, d = client.id, SUPERSCRIPT_TWO
    return [
        ("POST", f"/clients/{c}/sales/new", {f"items-{d}-price": "10", f"items-{d}-category": "ring"}),
        ("POST", f"/clients/{c}/sales/new", {"items-0-price": "10", "items-0-category": "ring", "recipient": d}),
        ("GET", f"/clients/{c}/sales/new?item={d}", {}),
        ("POST", f"/clients/{c}/gift-list", {f"gifts-{d}-name": "Anna", f"gifts-{d}-relation": "partner"}),
        ("GET", f"/clients/{c}/gift-list?row={d}", {}),
        ("GET", f"/owner/team?days={d}", {}),
        ("GET", f"/owner/calendar?associate={d}", {}),
        ("GET", f"/owner/calendar?day={d}", {}),
        ("POST", "/clients/new", {"first_name": "Bo", "phone": "5550100001", "assigned_to_id": d}),
        ("POST", f"/clients/{c}/appointments/new", {"kind": "consultation", "on": "2026-07-01", "at": "10:00",
                                                    "duration_min": d}),
        ("POST", f"/clients/{c}/appointments/new", {"kind": "consultation", "on": "2026-07-01", "at": "10:00",
                                                    "duration_min": "30", "user_id": d}),
        ("POST", f"/clients/{c}/dates/new", {"kind": "birthday", "date_month": "5", "date_day": "4", "person_id": d}),
        ("POST", f"/clients/{c}/dates/new", {"kind": "birthday", "date_month": d, "date_day": d}),
        ("POST", f"/clients/{c}/wishes/new", {"description": "Pearls", "person_id": d}),
        ("POST", f"/clients/{c}/referral", {"referrer_id": d}),
        ("POST", f"/owner/staff/{associate.id}", {"daily_target": d}),
        ("POST", "/owner/settings", {"name": "Gem", "timezone": "America/New_York", "country": "US",
                                     "morning_hour": d}),
        ("POST", "/owner/loyalty/trade-up", {"enabled": "on", "percent": d, "multiple": "2"}),
        ("POST", "/owner/loyalty/tiers", {f"tiers-{d}-name": "Gold", f"tiers-{d}-min_spend": "100"}),
    ]


def test_a_unicode_digit_is_never_a_crash(store):
    owner, associate, client, browser, token = store
    for method, path, data in unicode_digit_cases(owner, associate, client):
        answer = browser.open(path, method=method, data={**data, "csrf_token": token})
        assert answer.status_code < 500, f"{method} {path} {data}: {answer.status_code}"
        if method == "POST" and answer.status_code == 422:
            assert "<" in answer.get_data(as_text=True)  # a form or a page that says what to fix


@pytest.mark.parametrize("path", ["/clients/2147483648", "/clients/9223372036854775808",
                                  "/clients/99999999999999999999999", "/clients/0", "/appointments/2147483648",
                                  "/owner/segments/2147483648/mail.csv", "/clients/%C2%B2", "/clients/00000000001"])
def test_an_id_no_column_can_hold_is_404(store, path):
    *_, browser, _token = store
    assert browser.get(path).status_code == 404


def test_an_appointment_on_9999_12_31_is_refused_with_a_message(store):
    _owner, _associate, client, browser, token = store
    answer = browser.post(f"/clients/{client.id}/appointments/new", data={
        "kind": "consultation", "on": "9999-12-31", "at": "23:30", "duration_min": "60", "csrf_token": token})
    assert answer.status_code == 422
    assert "Pick the day of the appointment" in answer.get_data(as_text=True)
    assert db.session.scalar(select(Appointment.id)) is None


@pytest.mark.parametrize("path", ["/owner/huddle?date=9999-12-31", "/owner/team?start=0001-01-01&end=9999-12-31",
                                  "/owner/calendar?month=9999-12", "/owner/audit?from=9999-12-31"])
def test_a_far_date_in_a_query_is_a_message_not_a_crash(store, path):
    *_, browser, _token = store
    assert browser.get(path).status_code in (200, 422)


def test_a_nul_in_anonymous_sign_in_is_a_422_not_a_500(app):
    browser = new_client(app)
    token = Auth(browser).csrf("/login")
    answer = browser.post("/login", data={"email": "anna\x00@example.org", "password": "x", "csrf_token": token})
    assert answer.status_code == 422
    assert "NUL" in answer.get_data(as_text=True) and "email" in answer.get_data(as_text=True)


@pytest.mark.parametrize("text", ["Call after\x00 the wedding", "bell\x07", "escape\x1b[31m", "del\x7f"])
def test_nul_and_control_characters_in_a_note_are_refused_at_the_field(store, text):
    _owner, _associate, client, browser, token = store
    before = fingerprint()
    answer = browser.post(f"/clients/{client.id}/people/new", data={"name": text, "relation": "partner",
                                                                       "csrf_token": token})
    assert answer.status_code == 422
    assert "name:" in answer.get_data(as_text=True)
    assert changes(before, fingerprint()) == {}


def test_text_longer_than_its_column_is_a_message_at_the_field_not_a_500(store, clock):
    """PostgreSQL refused it with a 500; SQLite kept it. Checked where rows are stored (stored_text)."""
    clock.set_day(date(2026, 6, 10))
    _owner, _associate, client, browser, token = store
    answer = browser.post(f"/clients/{client.id}/sales/new", data={
        "items-0-category": "ring", "items-0-price": "100", "receipt_number": "R" * 100, "csrf_token": token})
    assert answer.status_code == 422, answer.status_code
    assert "Shorten this to at most 40 characters (it has 100)" in answer.get_data(as_text=True)
    assert db.session.scalar(select(Purchase.id)) is None


def test_json_with_a_lone_surrogate_or_the_wrong_shape_is_refused(store):
    *_, browser, token = store
    headers = {"X-CSRFToken": token, "Content-Type": "application/json"}
    assert browser.post("/me/devices", data='{"label": "\\ud800"}', headers=headers).status_code == 422
    assert browser.post("/me/devices", data='[1, 2]', headers=headers).status_code == 422
    assert browser.post("/me/devices", data='{"subscription": "x", "label": 7}', headers=headers).status_code == 422


def test_a_50_mb_note_is_413_and_not_echoed(store):
    _owner, _associate, client, browser, token = store
    answer = browser.post(f"/clients/{client.id}/notes", data={"notes": "y" * (50 * 1024 * 1024),
                                                                "csrf_token": token})
    assert answer.status_code == 413
    body = answer.get_data(as_text=True)
    assert len(body) < 20_000 and "yyyy" not in body and "at most 1,024 KB" in body


def test_a_sale_of_40_items_is_refused_whole_with_a_message(store, clock):
    clock.set_day(date(2026, 6, 10))
    _owner, _associate, client, browser, token = store
    items = {f"items-{i}-{name}": value for i in range(40)
             for name, value in (("category", "ring"), ("price", "100"))}
    answer = browser.post(f"/clients/{client.id}/sales/new", data={**items, "csrf_token": token})
    assert answer.status_code == 422
    assert "at most 30 rows and this one has 40" in answer.get_data(as_text=True)
    assert db.session.scalar(select(Purchase.id)) is None
