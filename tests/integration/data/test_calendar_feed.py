"""Calendar feed: a secret per-user ICS URL with open follow-ups and appointments; rotate, turn off, 404s."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from jewelpwa.clock import store_today
from jewelpwa.domain.reasons import month_day
from jewelpwa.extensions import db
from jewelpwa.models import Appointment, CalendarFeed, FollowUp, User

from ..conftest import make_user
from ..factories import make_client

HX = {"HX-Request": "true"}


def parse_ics(data: bytes) -> list[dict]:
    """A strict little reader: CRLF only, lines of at most 75 octets, balanced BEGIN/END, required properties.

    Returns the components as dicts {"type": ..., property name: value} in order, VCALENDAR first.
    """
    text = data.decode("utf-8")
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "") and "\r" not in text.replace("\r\n", "")
    physical = text[:-2].split("\r\n")
    assert all(len(line.encode("utf-8")) <= 75 for line in physical)
    lines = text[:-2].replace("\r\n ", "").split("\r\n")
    stack: list[dict] = []
    done: list[dict] = []
    for line in lines:
        name, sep, value = line.partition(":")
        assert sep, f"not a content line: {line!r}"
        key = name.split(";")[0]
        if key == "BEGIN":
            stack.append({"type": value})
        elif key == "END":
            component = stack.pop()
            assert component["type"] == value, f"END:{value} closes {component['type']}"
            done.append(component)
        else:
            assert stack, f"property outside a component: {line!r}"
            stack[-1][name] = value
    assert not stack, "unclosed component"
    calendar = done[-1]
    assert calendar["type"] == "VCALENDAR" and calendar["VERSION"] == "2.0" and calendar.get("PRODID")
    events = [c for c in done if c["type"] == "VEVENT"]
    for event in events:
        assert {"UID", "DTSTAMP", "SUMMARY"} <= set(event) and any(k.startswith("DTSTART") for k in event)
    assert len({e["UID"] for e in events}) == len(events)
    return [calendar, *events]


def _follow_up(client, user, kind: str, show_on, occasion_on, status="open", **detail) -> FollowUp:
    row = FollowUp(store_id=client.store_id, client_id=client.id, assignee_id=user.id, kind=kind, status=status,
                   opens_on=show_on, due_on=show_on, expires_on=occasion_on, occasion_on=occasion_on,
                   show_on=show_on, source=f"test:{client.id}:{kind}", dedupe_key=f"test:{client.id}:{kind}",
                   detail=detail)
    db.session.add(row)
    db.session.commit()
    return row


def _make_feed(client, auth) -> tuple[str, str]:
    """Create (or rotate) the feed from the Me page; returns (token, the page fragment)."""
    response = auth.post("/me/calendar-feed", headers=HX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    match = re.search(r'value="http://localhost/feeds/([A-Za-z0-9_-]+)\.ics"', html)
    assert match, html
    token = match.group(1)
    assert f'value="webcal://localhost/feeds/{token}.ics"' in html
    return token, html


def test_feed_lists_open_follow_ups_and_appointments_without_contact_details(client, auth):
    maya = make_user(role="associate", name="Maya")
    today = store_today(maya.store)
    chen = make_client(maya, first_name="Maya", last_name="Chen", phone="(555) 010-7788", email="maya@chen.test",
                       notes="Prefers opals, private")
    occasion = today + timedelta(days=40)
    _follow_up(chen, maya, "anniversary", today + timedelta(days=2), occasion, years=25)
    _follow_up(chen, maya, "care", today, today + timedelta(days=20), status="done", piece="ring")
    other = make_user(role="associate")
    _follow_up(make_client(other, first_name="Theirs"), other, "birthday", today, today + timedelta(days=10))
    starts = datetime(today.year, today.month, today.day, 15, 0, tzinfo=UTC) + timedelta(days=1)
    db.session.add(Appointment(store_id=maya.store_id, client_id=chen.id, user_id=maya.id, kind="consultation",
                               starts_at=starts, duration_min=45, status="booked", note="engagement ring budget"))
    db.session.commit()
    auth.login(maya.email)
    token, _ = _make_feed(client, auth)
    response = client.get(f"/feeds/{token}.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    calendar, *events = parse_ics(response.data)
    summaries = {e["SUMMARY"] for e in events}
    assert f"Call Maya Chen — 25th anniversary {month_day(occasion)}" in summaries
    assert "Consultation — Maya Chen" in summaries and len(events) == 2
    anniversary = next(e for e in events if "anniversary" in e["SUMMARY"])
    assert anniversary["DTSTART;VALUE=DATE"] == (today + timedelta(days=2)).strftime("%Y%m%d")
    appointment = next(e for e in events if e["SUMMARY"].startswith("Consultation"))
    assert appointment["DTSTART"] == starts.strftime("%Y%m%dT%H%M%SZ")
    assert appointment["DTEND"] == (starts + timedelta(minutes=45)).strftime("%Y%m%dT%H%M%SZ")
    body = response.get_data(as_text=True)
    # The phone as typed and as digits; "555" alone also turns up in a DTSTAMP taken at 14:55:5x.
    for secret in ("(555) 010-7788", "5550107788", "7788", "maya@chen.test", "opals", "engagement ring budget",
                   "Theirs", "Care"):
        assert secret not in body, secret


def test_feed_works_without_login_and_the_token_is_stored_hashed(app, client, auth):
    maya = make_user(role="associate")
    auth.login(maya.email)
    token, _ = _make_feed(client, auth)
    assert len(token) >= 43  # 256 random bits, url-safe base64
    stored = db.session.scalar(db.select(CalendarFeed.token_hash))
    assert stored != token and token not in stored and len(stored) == 64
    stranger = app.test_client()
    assert stranger.get(f"/feeds/{token}.ics").status_code == 200
    assert stranger.get(f"/feeds/{token[:-1]}x.ics").status_code == 404
    assert stranger.get("/feeds/nothing.ics").status_code == 404


def test_rotating_kills_the_old_url_at_once_and_turning_off_kills_the_new(client, auth):
    maya = make_user(role="associate")
    auth.login(maya.email)
    old, _ = _make_feed(client, auth)
    page = client.get("/me").get_data(as_text=True)
    assert "Get a new link" in page and old not in page  # shown once, never again
    new, _ = _make_feed(client, auth)
    assert new != old
    assert client.get(f"/feeds/{old}.ics").status_code == 404
    assert client.get(f"/feeds/{new}.ics").status_code == 200
    off = auth.post("/me/calendar-feed/off")
    assert off.status_code == 303
    assert client.get(f"/feeds/{new}.ics").status_code == 404
    assert "Create my calendar link" in client.get("/me").get_data(as_text=True)


def test_deactivated_users_feed_is_404(client, auth):
    maya = make_user(role="associate")
    auth.login(maya.email)
    token, _ = _make_feed(client, auth)
    user = db.session.get(User, maya.id)
    user.active = False
    db.session.commit()
    assert client.get(f"/feeds/{token}.ics").status_code == 404


def test_changing_the_password_turns_the_feed_link_off(client, auth):
    """The feed URL is a credential: one copied along with the old password must stop working with it."""
    maya = make_user(role="associate")
    auth.login(maya.email)
    token, _ = _make_feed(client, auth)
    assert client.get(f"/feeds/{token}.ics").status_code == 200
    from ..conftest import PASSWORD

    changed = auth.post("/me/password", {"current_password": PASSWORD, "new_password": "a brand new secret",
                                         "confirm_password": "a brand new secret"})
    assert changed.status_code == 303
    page = client.get(changed.headers["Location"]).get_data(as_text=True)
    assert "calendar link is turned off" in page and "Create my calendar link" in page
    assert client.get(f"/feeds/{token}.ics").status_code == 404
