"""Messages from the card, end to end: a real SMTP server and a real HTTP endpoint speaking the SMS provider's
Messages API receive them; consent, quiet hours and the provider's answers decide what the card shows."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from sqlalchemy import select

from jewelpwa.extensions import db
from jewelpwa.models import Client, ConsentEvent, Message, Outreach, Store
from jewelpwa.services.messages.delivery import deliver_messages

from ..conftest import make_user
from ..factories import add_purchase, make_client

NY = ZoneInfo("America/New_York")
DAY = date(2026, 6, 10)


def send(auth, client_id: int, **form):
    data = {"channel": "text", "action": "send", **form}
    return auth.post(f"/clients/{client_id}/messages", data, token_from=f"/clients/{client_id}")


def messages() -> list[Message]:
    db.session.rollback()
    return list(db.session.scalars(select(Message).order_by(Message.id)))


def card(auth, client_id: int) -> str:
    return auth.client.get(f"/clients/{client_id}").get_data(as_text=True)


def test_marketing_email_arrives_with_merge_fields_one_click_headers_and_a_working_unsubscribe(app, auth, clock, smtp):
    clock.set_day(DAY)
    user = make_user(name="Maya Ortiz")
    store = db.session.get(Store, user.store_id)
    store.postal_address = "12 Jewel Row, Springfield, IL 62701"
    db.session.commit()
    client = make_client(user, first_name="Renée", email="renee@example.com")
    add_purchase(client, date(2026, 5, 1), description="sapphire pendant")
    app.config.update(SMTP_URL=smtp.url, SMTP_FROM="hello@gemstore.test")
    auth.login(user.email)

    answer = send(auth, client.id, channel="email", subject="For {first_name}",
                  body="Hi {first_name}, {associate} at {store}. How is the {piece}?")
    assert answer.status_code == 303
    [message] = messages()
    assert message.status == "queued"
    assert [d.outcome for d in deliver_messages([message.id])] == ["sent"]

    [mail] = smtp.messages
    assert mail["To"] == "renee@example.com"
    assert mail["Subject"] == "For Renée"
    assert "Gem Store" in mail["From"] and "hello@gemstore.test" in mail["From"]
    text = mail.get_content()
    assert text.startswith("Hi Renée, Maya at Gem Store. How is the sapphire pendant?")
    assert "12 Jewel Row, Springfield, IL 62701" in text
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = re.fullmatch(r"<(.+)>", str(mail["List-Unsubscribe"]).strip()).group(1)
    assert link.startswith("http") and link in text

    # The card shows the sent message; the outreach is the engine's touch for a message left, on its true channel.
    page = card(auth, client.id)
    assert "How is the sapphire pendant?" in page and 'data-status="sent"' in page
    outreach = db.session.scalar(select(Outreach).where(Outreach.client_id == client.id))
    assert (outreach.channel, outreach.outcome, message.outreach_id) == ("email", "voicemail", outreach.id)

    # The link, opened: a page that asks (a mail scanner's GET unsubscribes nobody) ...
    path = urlsplit(link).path
    anonymous = app.test_client()
    asked = anonymous.get(path)
    assert asked.status_code == 200 and "Stop emails from Gem Store?" in asked.get_data(as_text=True)
    assert "email" not in (db.session.get(Client, client.id).opted_out or [])
    # ... and the mail client's one-click POST (no session, no CSRF token) records the opt-out in the ledger.
    done = anonymous.post(path, data={"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200 and "You are unsubscribed" in done.get_data(as_text=True)
    db.session.rollback()
    assert "email" in db.session.get(Client, client.id).opted_out
    event = db.session.scalar(select(ConsentEvent).where(ConsentEvent.client_id == client.id))
    assert (event.what, event.channel, event.value) == ("opt_out", "email", "link")
    # A forged token opens nothing.
    assert anonymous.get(path[:-3] + "xyz").status_code == 404
    # The next email is refused, and the card says why.
    send(auth, client.id, channel="email", subject="Again", body="Hello again")
    assert messages()[-1].status == "refused"
    assert "Emails opted out: nothing was sent." in card(auth, client.id)
    assert len(smtp.messages) == 1


def test_text_goes_to_the_rest_provider_with_its_credentials_and_a_429_is_tried_again(app, auth, clock, sms):
    clock.set_day(DAY)
    app.config.update(sms.config())
    user = make_user(name="Maya Ortiz")
    client = make_client(user, first_name="Ana", phone="(212) 555-0147")
    auth.login(user.email)
    sms.script = [429]
    send(auth, client.id, body="Hi {first_name}, your ring is ready. {associate}")
    [message] = messages()
    assert [d.outcome for d in deliver_messages([message.id])] == ["retry"]
    assert messages()[0].status == "queued" and sms.sends == []
    # Not before its backoff ...
    assert [d.outcome for d in deliver_messages([message.id])] == ["skipped"]
    clock.set(datetime.combine(DAY, time(12, 5), NY))
    assert [d.outcome for d in deliver_messages([message.id])] == ["sent"]
    [sent] = sms.sends
    assert sent["To"] == "+12125550147" and sent["From"] == "+15005550006"
    assert sent["Body"] == "Hi Ana, your ring is ready. Maya"
    assert sent["StatusCallback"].endswith("/messages/status")
    row = messages()[0]
    assert (row.status, row.attempts, row.transport) == ("sent", 2, "twilio") and row.provider_id.startswith("SM")


def test_a_400_from_the_provider_fails_the_text_and_the_card_says_why(app, auth, clock, sms):
    clock.set_day(DAY)
    app.config.update(sms.config())
    user = make_user()
    client = make_client(user, phone="(212) 555-0148")
    auth.login(user.email)
    sms.script = [400]
    send(auth, client.id, body="Hello")
    assert [d.outcome for d in deliver_messages([messages()[0].id])] == ["failed"]
    assert messages()[0].status == "failed"
    page = card(auth, client.id)
    assert 'data-status="failed"' in page and "not a valid phone number" in page
    assert sms.sends == []


def test_wrong_credentials_are_a_final_failure_not_a_retry(app, auth, clock, sms):
    clock.set_day(DAY)
    app.config.update({**sms.config(), "TWILIO_AUTH_TOKEN": "wrong"})
    user = make_user()
    client = make_client(user, phone="(212) 555-0149")
    auth.login(user.email)
    send(auth, client.id, body="Hello")
    assert [d.outcome for d in deliver_messages([messages()[0].id])] == ["failed"]
    assert "HTTP 401" in messages()[0].reason and sms.sends == []


def test_opted_out_of_texts_is_refused_nothing_sent_no_touch_and_the_card_says_so(app, auth, clock, sms):
    clock.set_day(DAY)
    app.config.update(sms.config())
    user = make_user()
    client = make_client(user, opted_out=["text"])
    auth.login(user.email)
    answer = send(auth, client.id, body="Hi {first_name}")
    assert answer.status_code == 303
    [message] = messages()
    assert (message.status, message.reason) == ("refused", "Texts opted out: nothing was sent.")
    assert deliver_messages([message.id])[0].outcome == "skipped"
    assert sms.answers == []
    assert db.session.scalar(select(Outreach).where(Outreach.client_id == client.id)) is None
    assert "Texts opted out: nothing was sent." in card(auth, client.id)


def test_a_client_opting_out_while_the_text_waits_stops_it(app, auth, clock, sms):
    clock.set_day(DAY)
    app.config.update(sms.config())
    user = make_user()
    client = make_client(user)
    auth.login(user.email)
    send(auth, client.id, body="Hi")
    db.session.get(Client, client.id).opted_out = ["text"]
    db.session.commit()
    assert deliver_messages([messages()[0].id])[0].outcome == "refused"
    assert sms.answers == []


def test_no_usable_number_is_refused(app, auth, clock):
    clock.set_day(DAY)
    user = make_user()
    client = make_client(user, phone="12345")
    auth.login(user.email)
    send(auth, client.id, body="Hi")
    assert messages()[0].reason == "No mobile number that can receive texts on file: nothing was sent."


def test_a_text_at_2230_store_time_waits_until_8(app, auth, clock, sms):
    clock.set(datetime.combine(DAY, time(22, 30), NY))
    app.config.update(sms.config())
    user = make_user()
    client = make_client(user)
    auth.login(user.email)
    send(auth, client.id, body="Hi {first_name}")
    [message] = messages()
    assert message.status == "queued"
    assert message.next_try_at == datetime.combine(date(2026, 6, 11), time(8), NY).astimezone(UTC)
    assert "Waits until" in card(auth, client.id)
    clock.set(datetime.combine(date(2026, 6, 11), time(7, 59), NY))
    assert deliver_messages([message.id])[0].outcome == "skipped"
    assert sms.answers == []
    clock.set(datetime.combine(date(2026, 6, 11), time(8), NY))
    assert deliver_messages([message.id])[0].outcome == "sent"
    assert len(sms.sends) == 1


LA = ZoneInfo("America/Los_Angeles")


def test_quiet_hours_follow_the_clients_own_time_zone(app, auth, clock, sms):
    # 22:30 in Los Angeles is 01:30 the next day in New York, where the store is: the text waits for 8:00 in LA.
    clock.set(datetime.combine(DAY, time(22, 30), LA))
    app.config.update(sms.config())
    user = make_user()
    client = make_client(user, time_zone="America/Los_Angeles")
    auth.login(user.email)
    send(auth, client.id, body="Hi {first_name}")
    [message] = messages()
    assert message.status == "queued"
    assert message.next_try_at == datetime.combine(date(2026, 6, 11), time(8), LA).astimezone(UTC)
    # 8:00 in New York (5:00 in LA): the store is open, the client is asleep; the worker postpones it again.
    clock.set(datetime.combine(date(2026, 6, 11), time(8), NY))
    assert deliver_messages([message.id])[0].outcome == "skipped"
    message.next_try_at = datetime.combine(date(2026, 6, 11), time(8), NY).astimezone(UTC)
    db.session.commit()
    assert deliver_messages([message.id])[0].outcome == "postponed" and sms.answers == []
    clock.set(datetime.combine(date(2026, 6, 11), time(8), LA))
    assert deliver_messages([message.id])[0].outcome == "sent" and len(sms.sends) == 1


def test_the_client_time_zone_is_chosen_on_the_card_else_read_from_the_mobile(app, auth, clock):
    clock.set_day(DAY)
    user = make_user()  # the store is in New York
    auth.login(user.email)
    form = auth.client.get(f"/clients/{make_client(user).id}/edit/communication").get_data(as_text=True)
    assert '<optgroup label="In the store’s country">' in form and 'value="America/Los_Angeles"' in form
    assert form.index("America/New_York") < form.index("Europe/London")

    client = make_client(user)
    path = f"/clients/{client.id}/communication"
    base = {"frequency": "normal"}
    bad = auth.post(path, {**base, "time_zone": "Mars/Olympus_Mons"}, token_from=f"/clients/{client.id}")
    assert bad.status_code == 422 and "Choose a time zone from the list" in bad.get_data(as_text=True)
    assert db.session.get(Client, client.id).time_zone is None
    auth.post(path, {**base, "time_zone": "America/Denver"}, token_from=f"/clients/{client.id}")
    db.session.rollback()
    assert db.session.get(Client, client.id).time_zone == "America/Denver"
    assert "America/Denver" in card(auth, client.id)
    auth.post(path, {**base, "time_zone": ""}, token_from=f"/clients/{client.id}")
    db.session.rollback()
    assert db.session.get(Client, client.id).time_zone is None

    # A Los Angeles mobile (area code 213) names its zone when the contact details are saved; a New York one is
    # the store's own zone and leaves it empty.
    for phone, zone in (("(213) 555-0142", "America/Los_Angeles"), ("(212) 555-0143", None)):
        other = make_client(user, first_name="Lou")
        auth.post(f"/clients/{other.id}/contact", {"first_name": "Lou", "phone": phone},
                  token_from=f"/clients/{other.id}")
        db.session.rollback()
        assert db.session.get(Client, other.id).time_zone == zone


def test_development_transport_keeps_each_message_for_the_sender_and_the_owner(app, auth, clock):
    clock.set_day(DAY)
    user = make_user()
    other = make_user()
    owner = make_user(role="owner")
    client = make_client(user, first_name="Lena")
    auth.login(user.email)
    send(auth, client.id, body="Hi {first_name}, kept in development")
    assert deliver_messages([messages()[0].id])[0].outcome == "sent"
    assert messages()[0].transport == "dev"
    page = auth.client.get("/messages/dev").get_data(as_text=True)
    assert "Sent in development — not delivered" in page and "Hi Lena, kept in development" in page
    for who, sees in ((owner, True), (other, False)):
        auth.client.post("/logout", data={"csrf_token": auth.csrf("/me")})
        auth.login(who.email)
        assert ("Hi Lena, kept in development" in auth.client.get("/messages/dev").get_data(as_text=True)) is sees


def test_compose_and_send_are_404_across_stores_and_need_csrf(app, auth, clock):
    clock.set_day(DAY)
    mine = make_user()
    theirs = make_client(make_user(store="Other Store"))
    auth.login(mine.email)
    assert auth.client.get(f"/clients/{theirs.id}/messages/new?channel=text").status_code == 404
    own = make_client(mine)
    assert send(auth, theirs.id, body="Hi").status_code == 404
    assert auth.client.post(f"/clients/{own.id}/messages", data={"channel": "text", "body": "Hi"}).status_code == 400
    assert messages() == []


def test_compose_starts_from_the_opening_line_or_a_template_and_previews_the_merge(app, auth, clock):
    clock.set_day(DAY)
    user = make_user(name="Maya Ortiz")
    client = make_client(user, first_name="Ana")
    auth.login(user.email)
    page = auth.client.get(f"/clients/{client.id}/messages/new?channel=text&template=check_in").get_data(as_text=True)
    assert "Hi {first_name}, {associate} at {store}." in page
    preview = auth.post(f"/clients/{client.id}/messages", {"channel": "text", "action": "preview",
                                                          "body": "Hi {first_name}, {associate} at {store}."},
                        token_from=f"/clients/{client.id}").get_data(as_text=True)
    assert "Hi Ana, Maya at Gem Store." in preview
    assert messages() == []
    empty = send(auth, client.id, body="  ")
    assert empty.status_code == 422 and "Write the message first." in empty.get_data(as_text=True)


def test_status_callback_needs_the_providers_signature(app, auth, clock, sms):
    from twilio.request_validator import RequestValidator

    clock.set_day(DAY)
    app.config.update(sms.config())
    user = make_user()
    client = make_client(user)
    auth.login(user.email)
    send(auth, client.id, body="Hi")
    deliver_messages([messages()[0].id])
    sid = messages()[0].provider_id
    url = "http://localhost/messages/status"
    form = {"MessageSid": sid, "MessageStatus": "delivered"}
    anonymous = app.test_client()
    assert anonymous.post("/messages/status", data=form).status_code == 403
    assert anonymous.post("/messages/status", data=form, headers={"X-Twilio-Signature": "bad"}).status_code == 403
    assert messages()[0].status == "sent"
    signature = RequestValidator(sms.config()["TWILIO_AUTH_TOKEN"]).compute_signature(url, form)
    assert anonymous.post("/messages/status", data=form, headers={"X-Twilio-Signature": signature}).status_code == 204
    assert messages()[0].status == "delivered"
    assert 'data-status="delivered"' in card(auth, client.id)


def test_marketing_email_needs_the_stores_postal_address_which_the_owner_sets(app, auth, clock, smtp):
    clock.set_day(DAY)
    app.config.update(SMTP_URL=smtp.url)
    owner = make_user(role="owner")
    client = make_client(owner)
    auth.login(owner.email)
    send(auth, client.id, channel="email", subject="Hello", body="Hi {first_name}")
    assert messages()[0].status == "refused"
    assert "postal address is not set" in card(auth, client.id)
    store = db.session.get(Store, owner.store_id)
    saved = auth.post("/owner/settings", {"name": store.name, "timezone": store.timezone, "country": store.country,
                                          "morning_hour": "8", "postal_address": " 12 Jewel Row,\n Springfield "},
                      token_from="/owner/settings")
    assert saved.status_code in (200, 303)
    db.session.rollback()
    assert db.session.get(Store, owner.store_id).postal_address == "12 Jewel Row, Springfield"
    send(auth, client.id, channel="email", subject="Hello", body="Hi {first_name}")
    assert deliver_messages([messages()[-1].id])[0].outcome == "sent"
    assert "12 Jewel Row, Springfield" in smtp.messages[0].get_content()
