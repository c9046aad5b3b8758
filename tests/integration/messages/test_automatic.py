"""Automatic messages end to end: the store turns each on in Settings → Messages, the due job (or the booking, or the
repair moved to ready) queues it once, and a real SMTP server or SMS endpoint receives it; consent and the
frequency tolerance refuse with the reason on the card."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from jewelpwa.domain.messages import AUTOMATIC_BY_KEY
from jewelpwa.extensions import db
from jewelpwa.models import Message, MessageTemplate, Outreach, Store
from jewelpwa.services.book.appointments import BookingInput, book_appointment
from jewelpwa.services.book.repairs import move_repair, take_in_repair
from jewelpwa.services.messages.automatic import queue_due
from jewelpwa.services.messages.delivery import deliver_messages
from jewelpwa.services.messages.templates import update_template

from ..conftest import Auth, make_user, new_client
from ..factories import add_date, add_purchase, make_client

NY = ZoneInfo("America/New_York")
SALE_DAY = date(2026, 6, 10)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), NY).astimezone(UTC)


def turn_on(owner, key: str, **form) -> None:
    default = AUTOMATIC_BY_KEY[key].template
    update_template(owner, key, {"label": default.label, "body": default.body, "subject": default.subject or "",
                                 "enabled": "1", "delay_days": "1", **form})


def owner_of(name: str = "Maya Ortiz", store: str = "Gem Store", postal: str | None = "12 Jewel Row, Springfield"):
    owner = make_user(store=store, role="owner", name=name)
    owner.store.postal_address = postal
    db.session.commit()
    return owner


def messages() -> list[Message]:
    db.session.rollback()
    return list(db.session.scalars(select(Message).order_by(Message.id)))


def run(store_id: int, now: datetime) -> list[int]:
    ids = queue_due(store_id, now)
    db.session.expire_all()
    return ids


def sale(client, owner, on: date = SALE_DAY, **item):
    purchase = add_purchase(client, on, **item)
    purchase.associate_id = owner.id
    db.session.commit()
    return purchase


# --------------------------------------------------------------------------------------------- thank you

def test_thank_you_email_goes_the_day_after_a_sale_once_with_its_fields_and_unsubscribe(app, auth, clock, smtp):
    app.config.update(SMTP_URL=smtp.url, SMTP_FROM="hello@gemstore.test")
    owner = owner_of()
    turn_on(owner, "thank_you")
    client = make_client(owner, first_name="Renée", phone=None, email="renee@example.com")
    purchase = sale(client, owner, description="sapphire pendant")

    assert run(owner.store_id, at(SALE_DAY, 18)) == []  # the day of the sale: not yet
    assert run(owner.store_id, at(SALE_DAY + timedelta(days=1), 7)) == []  # before the store's morning hour
    ids = run(owner.store_id, at(SALE_DAY + timedelta(days=1), 10))
    assert len(ids) == 1
    clock.set(at(SALE_DAY + timedelta(days=1), 10))
    assert [d.outcome for d in deliver_messages(ids)] == ["sent"]
    # Run again, and again the next day (a second scheduler, a catch-up): the key is taken, nothing more goes.
    assert run(owner.store_id, at(SALE_DAY + timedelta(days=1), 10, 5)) == []
    assert run(owner.store_id, at(SALE_DAY + timedelta(days=2), 10)) == []

    [mail] = smtp.messages
    assert mail["To"] == "renee@example.com" and mail["Subject"] == "Thank you from Gem Store"
    assert mail.get_content().startswith("Hi Renée, thank you for choosing Gem Store. I hope you love your sapphire "
                                         "pendant. If anything needs a look, we're here. Maya")
    assert mail["List-Unsubscribe"] and "12 Jewel Row, Springfield" in mail.get_content()
    [row] = messages()
    assert (row.kind, row.auto_key, row.status) == ("marketing", f"auto:thank_you:purchase:{purchase.id}", "sent")
    touch = db.session.scalar(select(Outreach).where(Outreach.client_id == client.id))
    assert (touch.channel, touch.outcome, row.outreach_id) == ("email", "voicemail", touch.id)
    auth.login(owner.email)
    card = auth.client.get(f"/clients/{client.id}").get_data(as_text=True)
    assert "Automatic · Thank you" in card and "sapphire pendant" in card


def test_thank_you_is_off_until_turned_on_and_waits_two_days_when_told(clock):
    owner = owner_of()
    client = make_client(owner, first_name="Ana")
    sale(client, owner)
    assert run(owner.store_id, at(SALE_DAY + timedelta(days=1), 10)) == [] and messages() == []  # off by default

    turn_on(owner, "thank_you", delay_days="2")
    assert run(owner.store_id, at(SALE_DAY + timedelta(days=1), 11)) == [] and messages() == []
    run(owner.store_id, at(SALE_DAY + timedelta(days=2), 10))
    [row] = messages()
    assert row.body.startswith("Hi Ana, thank you for choosing Gem Store.")


def test_editing_the_template_in_settings_changes_what_is_sent_in_that_store_only(auth, clock):
    owner = owner_of()
    other = owner_of(name="Lee Park", store="Other Jewels")
    for who in (owner, other):
        turn_on(who, "thank_you")
    auth.login(owner.email)  # before the other store's clients exist
    saved = auth.post("/owner/settings/messages",
                      {"key": "thank_you", "label": "Thanks", "enabled": "1", "delay_days": "1", "subject": "Thanks, {first_name}",
                       "body": "Dear {first_name}, {associate} and all at {store} thank you for the {piece}."},
                      token_from="/owner/settings/messages")
    assert saved.status_code == 303
    mine, theirs = make_client(owner, first_name="Ana"), make_client(other, first_name="Bo")
    sale(mine, owner, description="opal ring")
    sale(theirs, other, description="pearl studs")
    for store_id in (owner.store_id, other.store_id):
        run(store_id, at(SALE_DAY + timedelta(days=1), 10))
    bodies = {m.client_id: m.body for m in messages()}
    assert bodies[mine.id] == "Dear Ana, Maya and all at Gem Store thank you for the opal ring."
    assert bodies[theirs.id].startswith("Hi Bo, thank you for choosing Other Jewels. I hope you love your pearl studs.")


# ------------------------------------------------------------------------------------------ transactional

def test_booking_confirms_by_email_with_date_and_time_the_stores_way_and_no_unsubscribe(app, auth, clock, smtp):
    app.config.update(SMTP_URL=smtp.url, SMTP_FROM="hello@gemstore.test")
    owner = owner_of(postal=None)  # transactional email needs no postal address
    owner.store.locale = "en_GB"
    db.session.commit()
    turn_on(owner, "appointment_confirmation")
    client = make_client(owner, first_name="Nora", phone=None)
    clock.set(at(date(2026, 12, 3), 9))
    auth.login(owner.email)
    booked = auth.post(f"/clients/{client.id}/appointments/new", {"kind": "cleaning", "on": "2026-12-05",
                       "at": "14:30", "duration_min": "30", "user_id": str(owner.id), "note": ""},
                       token_from=f"/clients/{client.id}")
    assert booked.status_code == 303
    [row] = messages()  # stored with the booking itself
    assert (row.kind, row.status, row.channel) == ("transactional", "queued", "email")
    assert [d.outcome for d in deliver_messages([row.id])] == ["sent"]
    [mail] = smtp.messages
    assert mail["Subject"] == "Your appointment at Gem Store: Sat 5 Dec"
    text = mail.get_content()
    assert text.startswith("Hi Nora, your appointment at Gem Store is booked for Sat 5 Dec at 14:30. See you then!")
    assert mail["List-Unsubscribe"] is None and "No more emails" not in text


def test_reminder_goes_the_day_before_but_not_for_a_booking_made_that_day(clock, sms, app):
    app.config.update(sms.config())
    owner = owner_of()
    turn_on(owner, "appointment_reminder")
    early = make_client(owner, first_name="Ada", phone="(212) 555-0147")
    late = make_client(owner, first_name="Bea", phone="(212) 555-0148")
    form = BookingInput("consultation", "2026-12-05", "11:00", "30", str(owner.id), "")
    book_appointment(owner, early.id, form, now=clock.set(at(date(2026, 12, 1), 9)))
    book_appointment(owner, late.id, BookingInput("cleaning", "2026-12-05", "15:00", "30", str(owner.id), ""),
                     now=clock.set(at(date(2026, 12, 4), 9)))
    assert run(owner.store_id, at(date(2026, 12, 3), 10)) == []  # two days before: not yet
    ids = run(owner.store_id, at(date(2026, 12, 4), 10))
    clock.set(at(date(2026, 12, 4), 10))
    assert [d.outcome for d in deliver_messages(ids)] == ["sent"]
    [sent] = sms.sends
    assert sent["To"] == "+12125550147"
    assert sent["Body"] == "Hi Ada, a reminder of your appointment at Gem Store tomorrow, Sat, Dec 5 at 11:00 AM. Maya"
    assert run(owner.store_id, at(date(2026, 12, 4), 16)) == []


def test_repair_ready_texts_the_client_in_the_same_commit(clock, sms, app):
    app.config.update(sms.config())
    owner = owner_of()
    turn_on(owner, "repair_ready")
    client = make_client(owner, first_name="Ivy", phone="(212) 555-0150")
    now = clock.set(at(date(2026, 6, 10), 11))
    repair = take_in_repair(owner, client.id, "opal pendant", "New bail", "", "", date(2026, 6, 10))
    move_repair(owner, repair.id, "at_the_bench", now=now)
    assert messages() == []
    move_repair(owner, repair.id, "ready", now=now)
    [row] = messages()
    assert (row.kind, row.auto_key) == ("transactional", f"auto:repair_ready:repair:{repair.id}")
    assert [d.outcome for d in deliver_messages([row.id])] == ["sent"]
    assert sms.sends[0]["Body"] == "Hi Ivy, good news: your opal pendant is ready for pickup at Gem Store. Maya"


def test_a_text_opt_out_sends_a_confirmation_by_email_and_do_not_contact_stops_it(clock):
    owner = owner_of()
    turn_on(owner, "appointment_confirmation")
    stopped = make_client(owner, first_name="Sam", opted_out=["text"])
    barred = make_client(owner, first_name="Dee", do_not_contact=True)
    form = BookingInput("cleaning", "2026-12-05", "10:00", "30", str(owner.id), "")
    book_appointment(owner, stopped.id, form, now=at(date(2026, 12, 1), 9))
    book_appointment(owner, barred.id, BookingInput("cleaning", "2026-12-05", "11:00", "30", str(owner.id), ""),
                     now=at(date(2026, 12, 1), 9))
    by_client = {m.client_id: m for m in messages()}
    assert (by_client[stopped.id].channel, by_client[stopped.id].status) == ("email", "queued")
    assert (by_client[barred.id].status, by_client[barred.id].reason) == ("refused", "Do not contact: nothing was sent.")


# ------------------------------------------------------------------------------------------------ greetings

def test_greetings_are_off_by_default_then_go_on_the_day_with_the_milestone_called_out(clock):
    owner = owner_of()
    birthday = make_client(owner, first_name="Bea")
    tenth = make_client(owner, first_name="Tom")
    seventh = make_client(owner, first_name="Una")
    add_date(birthday, "birthday", 6, 10, 1980)
    add_date(tenth, "anniversary", 6, 10, 2016)
    add_date(seventh, "anniversary", 6, 10, 2019)
    day = date(2026, 6, 10)
    assert run(owner.store_id, at(day, 10)) == [] and messages() == []

    turn_on(owner, "birthday")
    turn_on(owner, "anniversary")
    assert run(owner.store_id, at(day - timedelta(days=1), 10)) == []  # the day before: nothing
    run(owner.store_id, at(day, 10))
    bodies = {m.client_id: m.body for m in messages()}
    assert bodies[birthday.id].startswith("Happy birthday, Bea!")
    assert "as you celebrate your 10th anniversary." in bodies[tenth.id]
    assert "as you celebrate your anniversary." in bodies[seventh.id]  # not a milestone: not called out
    assert {m.auto_key.rsplit(":", 1)[1] for m in messages()} == {"2026"}  # once a year
    assert run(owner.store_id, at(day, 12)) == []


# ------------------------------------------------------------------------------------------ refusals on the card

def test_opted_out_do_not_contact_and_the_frequency_limit_are_refused_with_the_reason_on_the_card(auth, clock):
    owner = owner_of()
    turn_on(owner, "thank_you")
    barred = make_client(owner, first_name="Dee", do_not_contact=True)
    opted = make_client(owner, first_name="Oli", opted_out=["text", "email"])
    busy = make_client(owner, first_name="Bix")
    for day in (SALE_DAY - timedelta(days=25), SALE_DAY - timedelta(days=15)):
        db.session.add(Outreach(store_id=owner.store_id, client_id=busy.id, user_id=owner.id, channel="call",
                                outcome="reached", occurred_at=at(day, 12), occurred_on=day))
    db.session.commit()
    for client in (barred, opted, busy):
        sale(client, owner)
    touches = db.session.scalar(select(func.count()).select_from(Outreach))
    assert run(owner.store_id, at(SALE_DAY + timedelta(days=1), 10)) == []
    reasons = {m.client_id: (m.status, m.reason) for m in messages()}
    assert reasons[barred.id] == ("refused", "Do not contact: nothing was sent.")
    assert reasons[opted.id] == ("refused", "Texts opted out: nothing was sent.")
    assert reasons[busy.id] == ("refused", "Frequency limit (at most 2 touches in 30 days): nothing was sent.")
    assert db.session.scalar(select(func.count()).select_from(Outreach)) == touches  # a refusal is no touch
    auth.login(owner.email)
    card = auth.client.get(f"/clients/{busy.id}").get_data(as_text=True)
    assert "Automatic · Thank you" in card and "Frequency limit (at most 2 touches in 30 days)" in card
    assert run(owner.store_id, at(SALE_DAY + timedelta(days=2), 10)) == [] and len(messages()) == 3


# ------------------------------------------------------------------------------------------ settings page

def test_settings_page_is_for_owners_and_managers_and_saves_with_csrf(app, auth):
    owner = owner_of()
    associate = make_user(role="associate", name="Al Assoc")
    auth.login(associate.email)
    assert auth.client.get("/owner/settings/messages").status_code == 403
    assert auth.post("/owner/settings/messages", {"key": "thank_you", "label": "x", "body": "y"}).status_code == 403

    auth = Auth(new_client(app))
    auth.login(owner.email)
    page = auth.client.get("/owner/settings/messages").get_data(as_text=True)
    assert "Automatic messages" in page and "Anniversary greeting" in page and "Check-in" in page
    assert auth.client.post("/owner/settings/messages", data={"key": "thank_you", "label": "x", "body": "y"}).status_code == 400
    assert auth.post("/owner/settings/messages", {"key": "nope", "label": "x", "body": "y"},
                     token_from="/owner/settings/messages").status_code == 404
    assert db.session.scalar(select(func.count()).select_from(MessageTemplate)) == 0


def test_a_body_over_the_limit_is_refused_with_a_message_and_nothing_saved(auth):
    owner = owner_of()
    auth.login(owner.email)
    too_long = auth.post("/owner/settings/messages", {"key": "birthday", "label": "Birthday", "enabled": "1",
                         "body": "x" * 1601}, token_from="/owner/settings/messages", headers={"HX-Request": "true"})
    assert too_long.status_code == 422
    text = too_long.get_data(as_text=True)
    assert "Keep the message under 1,600 characters (now 1,601)." in text and "<html" not in text
    assert db.session.scalar(select(func.count()).select_from(MessageTemplate)) == 0


def test_preview_fills_the_fields_and_shows_an_unknown_one_as_typed_without_saving(auth):
    owner = owner_of()
    auth.login(owner.email)
    shown = auth.post("/owner/settings/messages", {"key": "check_in", "label": "Check-in", "action": "preview",
                      "body": "Hi {first_name}, {frist_name} from {store} <b>"}, token_from="/owner/settings/messages",
                      headers={"HX-Request": "true"})
    text = shown.get_data(as_text=True)
    assert shown.status_code == 200 and "Hi Ana, {frist_name} from Gem Store &lt;b&gt;" in text
    assert db.session.scalar(select(func.count()).select_from(MessageTemplate)) == 0


def test_the_compose_sheet_lists_the_stores_own_templates(app, auth):
    owner = owner_of()
    update_template(owner, "occasion", {"label": "Big day soon", "body": "Hi {first_name}, big day soon!"})
    client = make_client(owner, first_name="Ana")
    auth.login(owner.email)
    sheet = auth.client.get(f"/clients/{client.id}/messages/new?channel=text&template=occasion")
    text = sheet.get_data(as_text=True)
    assert "Big day soon" in text and "Hi {first_name}, big day soon!" in text and "Occasion coming up" not in text
    other = owner_of(name="Lee Park", store="Other Jewels")
    theirs = make_client(other, first_name="Bo")
    auth = Auth(new_client(app))
    auth.login(other.email)
    assert "Occasion coming up" in auth.client.get(f"/clients/{theirs.id}/messages/new?channel=text").get_data(
        as_text=True)


def test_store_default_is_untouched_by_reading_the_page(auth):
    owner = owner_of()
    auth.login(owner.email)
    auth.client.get("/owner/settings/messages")
    assert db.session.scalar(select(func.count()).select_from(MessageTemplate)) == 0
    assert db.session.get(Store, owner.store_id).name == "Gem Store"
