"""Appointments: booking from the card (and what it refuses), push reminders, outcomes afterwards."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from jewelpwa.clock import store_now
from jewelpwa.extensions import db
from jewelpwa.models import Appointment, FollowUp, Notification, Outreach, PushSubscription
from jewelpwa.services.book.appointments import (
    BookingInput,
    book_appointment,
    close_appointment,
    day_appointments,
    move_appointment,
)
from jewelpwa.services.engine.day_lists import call_list
from jewelpwa.services.errors import Invalid

from ..conftest import make_user
from ..factories import make_client

NY = ZoneInfo("America/New_York")
# A Thursday in December, early morning in New York: appointments later that day and after are in the future.
NOW = datetime(2026, 12, 3, 7, 0, tzinfo=NY).astimezone(UTC)
DAY = date(2026, 12, 3)


def device(user) -> PushSubscription:
    row = PushSubscription(store_id=user.store_id, user_id=user.id, endpoint=f"https://push.example/{user.id}",
                           p256dh="BPublicKey", auth="secret", vapid_key_id="1")
    db.session.add(row)
    db.session.commit()
    return row


def book(user, client, at: str = "14:30", on: date = DAY, now: datetime = NOW, **fields) -> Appointment:
    form = BookingInput(fields.pop("kind", "cleaning"), on.isoformat(), at, str(fields.pop("duration_min", 30)),
                        str(fields.pop("user_id", "")), fields.pop("note", ""))
    return book_appointment(user, client.id, form, now=now)


def test_booking_from_the_card_shows_the_next_appointment_on_the_card(auth):
    user = make_user()
    client = make_client(user, first_name="Nora", last_name="Bell")
    auth.login(user.email)
    form = auth.client.get(f"/clients/{client.id}/appointments/new")
    assert form.status_code == 200 and "Book appointment" in form.get_data(as_text=True)
    on = store_now(user.store).date() + timedelta(days=2)
    saved = auth.post(f"/clients/{client.id}/appointments/new", {"kind": "cleaning", "on": on.isoformat(),
                      "at": "14:30", "duration_min": "45", "user_id": str(user.id), "note": "Engagement ring"})
    assert saved.status_code == 303 and saved.headers["Location"].endswith(f"/clients/{client.id}")
    card = auth.client.get(f"/clients/{client.id}").get_data(as_text=True)
    assert f"Cleaning, {on.strftime('%a %-d %b')} 2:30 pm" in card
    appt = db.session.scalar(select(Appointment).where(Appointment.client_id == client.id))
    assert (appt.duration_min, appt.user_id, appt.note) == (45, user.id, "Engagement ring")


def test_booking_refuses_a_past_time_an_overlap_and_bad_fields_keeping_the_input(auth):
    user = make_user(name="Maya")
    other_store = make_user(store="Other Store")
    client = make_client(user)
    auth.login(user.email)
    tomorrow = store_now(user.store).date() + timedelta(days=1)
    book(user, client, at="11:00", on=tomorrow, now=datetime.now(UTC), kind="consultation", duration_min=60)
    url = f"/clients/{client.id}/appointments/new"
    base = {"kind": "cleaning", "on": tomorrow.isoformat(), "at": "11:30", "duration_min": "30", "note": "Keep me"}

    overlap = auth.post(url, base)
    assert overlap.status_code == 422
    assert "You have another appointment then (consultation at 11:00 am, 60 min)" in overlap.get_data(as_text=True)
    assert "Keep me" in overlap.get_data(as_text=True)
    yesterday = (tomorrow - timedelta(days=2)).isoformat()
    past = auth.post(url, {**base, "on": yesterday})
    assert past.status_code == 422 and "That time has passed" in past.get_data(as_text=True)
    bad = auth.post(url, {"kind": "haircut", "on": "next week", "at": "noon", "duration_min": "0",
                          "user_id": str(other_store.id)}).get_data(as_text=True)
    for message in ("Choose what the appointment is for", "Pick the day", "Pick a time", "Choose how long",
                    "Choose someone on the store"):
        assert message in bad
    assert db.session.scalar(select(func.count()).select_from(Appointment)) == 1
    # Right after the first one ends is free.
    assert auth.post(url, {**base, "at": "12:00"}).status_code == 303


def test_reminders_are_queued_for_the_morning_and_two_hours_ahead_and_dropped_on_cancel():
    user = make_user()
    phone = device(user)
    appt = book(user, make_client(user))
    rows = db.session.scalars(select(Notification).where(Notification.user_id == user.id)
                              .order_by(Notification.next_attempt_at)).all()
    # Store morning hour 8 am, and 2 hours before 2:30 pm; the lock screen never names the client.
    assert [r.next_attempt_at.astimezone(NY).strftime("%H:%M") for r in rows] == ["08:00", "12:30"]
    assert [r.body for r in rows] == ["Cleaning at 2:30 PM.", "Cleaning in 2 h 00 min."]
    assert all(r.subscription_id == phone.id and r.status == "pending" for r in rows)

    moved = move_appointment(user, appt.id, BookingInput("cleaning", DAY.isoformat(), "16:00", "30", "", ""), now=NOW)
    statuses = dict(db.session.execute(select(Notification.key, Notification.status)).all())
    assert sorted(statuses.values()) == ["dropped", "dropped", "pending", "pending"]
    assert any(key.endswith("T2100") and status == "pending" for key, status in statuses.items())

    close_appointment(user, moved.id, "cancelled", "Client called", now=NOW)
    assert set(db.session.scalars(select(Notification.status))) == {"dropped"}


def test_an_edit_at_the_same_time_keeps_the_reminders_with_the_new_details():
    user = make_user()
    device(user)
    appt = book(user, make_client(user))
    move_appointment(user, appt.id, BookingInput("consultation", DAY.isoformat(), "14:30", "45", "", "Bring the ring"),
                     now=NOW)
    rows = db.session.scalars(select(Notification).where(Notification.status == "pending")
                              .order_by(Notification.next_attempt_at)).all()
    # Still the morning and the two-hours-ahead reminders, saying what the appointment now is.
    assert [r.next_attempt_at.astimezone(NY).strftime("%H:%M") for r in rows] == ["08:00", "12:30"]
    assert [r.body for r in rows] == ["Consultation at 2:30 PM.", "Consultation in 2 h 00 min."]


def test_marking_done_logs_a_visit_through_the_outreach_rules():
    user = make_user()
    client = make_client(user)
    appt = book(user, client, at="10:00")
    with pytest.raises(Invalid, match="not updated") as early:
        close_appointment(user, appt.id, "done", now=NOW)
    assert "not started yet" in early.value.errors["status"]
    close_appointment(user, appt.id, "done", "Loved the clean", now=NOW + timedelta(hours=4))
    visit = db.session.scalar(select(Outreach).where(Outreach.client_id == client.id))
    assert (visit.channel, visit.outcome, visit.note) == ("visit", "reached", "Cleaning: Loved the clean")
    db.session.refresh(client)
    assert client.last_reached_on == DAY
    assert db.session.get(Appointment, appt.id).status == "done"
    with pytest.raises(Invalid):
        close_appointment(user, appt.id, "no_show", now=NOW + timedelta(hours=5))


def test_a_no_show_puts_a_call_to_reschedule_on_today(auth):
    user = make_user()
    client = make_client(user, first_name="Ada")
    appt = book(user, client, at="09:00", kind="consultation")
    assert [line.client.id for line in day_appointments(user, DAY)] == [client.id]
    close_appointment(user, appt.id, "no_show", "No answer at the door", now=NOW + timedelta(hours=3))
    follow_up = db.session.scalar(select(FollowUp).where(FollowUp.client_id == client.id))
    assert (follow_up.kind, follow_up.show_on) == ("service", DAY)
    cards = call_list(user, DAY).cards
    assert [c.client_id for c in cards] == [client.id]
    assert cards[0].reasons[0].text.startswith("Reschedule missed consultation")
    auth.login(user.email)
    appt_page = auth.client.get(f"/appointments/{appt.id}").get_data(as_text=True)
    assert "No-show" in appt_page and "No answer at the door" in appt_page


def test_today_lists_my_appointments_of_the_day_above_the_calls(auth):
    user = make_user()
    colleague = make_user(store=user.store.name)
    mine, theirs = make_client(user, first_name="Iris"), make_client(colleague, first_name="Otto")
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    db.session.add_all([Appointment(store_id=user.store_id, client_id=c.id, user_id=u.id, kind="private_viewing",
                                    starts_at=now, duration_min=30, status="booked")
                        for c, u in ((mine, user), (theirs, colleague))])
    db.session.commit()
    auth.login(user.email)
    page = auth.client.get("/today").get_data(as_text=True)
    section = page[page.index('id="today-appointments"'):page.index('id="today-list"')]
    assert "Private viewing" in section and f'href="/clients/{mine.id}"' in section
    assert store_now(user.store, now).strftime("%-I:%M %p").lower() in section
    assert "Otto" not in section
