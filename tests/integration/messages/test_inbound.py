"""Texts from clients, end to end: the provider's signed inbound webhook attaches a reply to the card, answers the
text it replies to and pushes the associate; STOP and START change the text channel's consent, in the ledger, and
the next send honours it through the real SMS endpoint."""

from __future__ import annotations

import logging
from datetime import date, timedelta

from sqlalchemy import select
from twilio.request_validator import RequestValidator

from jewelpwa.extensions import db
from jewelpwa.models import Client, ConsentEvent, FollowUp, Notification, Outreach, PushSubscription, Store
from jewelpwa.services.messages.delivery import deliver_messages

from ..conftest import make_user
from ..factories import make_client
from .test_sending import card, messages, send

DAY = date(2026, 6, 10)
URL = "http://localhost/messages/inbound/sms"
OURS = "+15005550006"


def inbound(app, sms, sender: str, body: str, sid: str = "SMin0001", signature: str | None = "sign"):
    """POST the provider's inbound webhook as Twilio would: form fields, signed over the URL and the form."""
    form = {"From": sender, "To": OURS, "Body": body, "MessageSid": sid, "AccountSid": "AC1"}
    headers = {}
    if signature == "sign":
        headers["X-Twilio-Signature"] = RequestValidator(sms.config()["TWILIO_AUTH_TOKEN"]).compute_signature(URL, form)
    elif signature is not None:
        headers["X-Twilio-Signature"] = signature
    return app.test_client().post("/messages/inbound/sms", data=form, headers=headers)


def device(user) -> None:
    db.session.add(PushSubscription(store_id=user.store_id, user_id=user.id, endpoint=f"https://push.example/{user.id}",
                                    p256dh="BPublicKey", auth="secret", vapid_key_id="1"))
    db.session.commit()


def pushes(user) -> list[Notification]:
    db.session.rollback()
    return list(db.session.scalars(select(Notification).where(Notification.user_id == user.id)
                                   .order_by(Notification.id)))


def ledger(client) -> list[tuple[str, str, str]]:
    db.session.rollback()
    return [(e.what, e.channel, e.value) for e in db.session.scalars(
        select(ConsentEvent).where(ConsentEvent.client_id == client.id).order_by(ConsentEvent.id))]


def texted(app, auth, sms, user, **client_fields) -> Client:
    """A client of the user's, sent a text from the card that the SMS endpoint took."""
    client = make_client(user, **client_fields)
    auth.login(user.email)
    send(auth, client.id, body="Hi {first_name}, the ring is ready.")
    assert deliver_messages([messages()[-1].id])[0].outcome == "sent"
    return client


def test_a_signed_reply_lands_on_the_card_answers_the_text_and_pushes_the_associate(app, auth, clock, sms):
    clock.set_day(DAY)
    app.config.update(sms.config())
    user = make_user(name="Maya Ortiz")
    device(user)
    client = texted(app, auth, sms, user, first_name="Ana", phone="(212) 555-0161")
    db.session.add(FollowUp(store_id=user.store_id, client_id=client.id, assignee_id=user.id, kind="birthday",
                            opens_on=DAY - timedelta(days=3), due_on=DAY + timedelta(days=3),
                            expires_on=DAY + timedelta(days=10), occasion_on=DAY + timedelta(days=10), show_on=DAY,
                            source="test", dedupe_key=f"birthday-{client.id}"))
    db.session.commit()

    body = "<b>Yes</b> & Saturday works, I'll come by around noon with my sister to look at the pendants"
    answer = inbound(app, sms, "+12125550161", body)
    assert answer.status_code == 200 and answer.mimetype == "text/xml"

    reply = messages()[-1]
    assert (reply.direction, reply.status, reply.client_id, reply.body) == ("in", "received", client.id, body)
    page = card(auth, client.id)
    assert 'data-direction="in"' in page and "Ana replied by text" in page
    assert "&lt;b&gt;Yes&lt;/b&gt; &amp; Saturday works" in page and "<b>Yes</b>" not in page

    # The text's own outreach stays a message left; the reply is the conversation: "replied" on the text channel,
    # which completes the client's open follow-up.
    outcomes = [(o.channel, o.outcome, o.user_id) for o in db.session.scalars(
        select(Outreach).where(Outreach.client_id == client.id).order_by(Outreach.id))]
    assert outcomes == [("text", "voicemail", user.id), ("text", "replied", user.id)]
    assert reply.outreach_id is not None
    assert db.session.scalar(select(FollowUp.status).where(FollowUp.client_id == client.id)) == "done"

    [push] = pushes(user)
    assert push.body == f"Reply from Ana: {body[:60]}" and push.url == f"/clients/{client.id}#card-messages"
    assert push.status == "pending"

    # A second reply to the same text is kept and pushed, but is not a second touch.
    inbound(app, sms, "+12125550161", "See you then", sid="SMin0002")
    assert [m.body for m in messages() if m.direction == "in"] == [body, "See you then"]
    assert db.session.query(Outreach).filter_by(client_id=client.id).count() == 2
    assert len(pushes(user)) == 2
    # The provider retrying a webhook it already delivered changes nothing.
    assert inbound(app, sms, "+12125550161", "See you then", sid="SMin0002").status_code == 200
    assert len([m for m in messages() if m.direction == "in"]) == 2 and len(pushes(user)) == 2


def test_a_missing_or_bad_signature_is_403_and_stores_nothing(app, auth, clock, sms):
    clock.set_day(DAY)
    app.config.update(sms.config())
    user = make_user()
    client = make_client(user, phone="(212) 555-0162")
    for signature in (None, "bad"):
        assert inbound(app, sms, "+12125550162", "STOP", signature=signature).status_code == 403
    # Signed for another URL (a replayed status callback) is no better.
    form = {"From": "+12125550162", "To": OURS, "Body": "STOP", "MessageSid": "SMx"}
    forged = RequestValidator(sms.config()["TWILIO_AUTH_TOKEN"]).compute_signature(
        "http://localhost/messages/status", form)
    assert app.test_client().post("/messages/inbound/sms", data=form,
                                  headers={"X-Twilio-Signature": forged}).status_code == 403
    assert messages() == [] and ledger(client) == []
    assert db.session.get(Client, client.id).opted_out in (None, [])


def test_a_number_no_client_has_is_logged_not_stored_and_not_an_error(app, clock, sms, caplog):
    clock.set_day(DAY)
    app.config.update(sms.config())
    make_client(make_user(), phone="(212) 555-0163")
    # The PostgreSQL session's migration ran Alembic's fileConfig, which disables the loggers that existed then.
    was, app.logger.disabled = app.logger.disabled, False
    try:
        with caplog.at_level(logging.WARNING):
            assert inbound(app, sms, "+12125550199", "Who is this?").status_code == 200
            assert inbound(app, sms, "", "", sid="").status_code == 200
    finally:
        app.logger.disabled = was
    assert messages() == []
    assert "inbound text SMin0001 from a number matching 0 clients: not attached" in caplog.text


def test_stop_refuses_the_next_text_and_start_reopens_it(app, auth, clock, sms):
    clock.set_day(DAY)
    app.config.update(sms.config())
    user = make_user()
    device(user)
    client = texted(app, auth, sms, user, first_name="Ana", phone="(212) 555-0164")
    assert len(sms.sends) == 1

    assert inbound(app, sms, "+12125550164", "  Stop. ").status_code == 200  # a phone's keyboard adds the period
    assert db.session.get(Client, client.id).opted_out == ["text"]
    assert ledger(client) == [("opt_out", "text", "keyword")]
    assert pushes(user) == [] and db.session.query(Outreach).filter_by(outcome="replied").count() == 0
    assert "Send a text" not in card(auth, client.id)

    # A send now is refused before anything leaves, and the card says why.
    send(auth, client.id, body="One more thing")
    refused = messages()[-1]
    assert (refused.direction, refused.status) == ("out", "refused")
    assert deliver_messages([refused.id])[0].outcome == "skipped"
    assert len(sms.sends) == 1
    assert "Texts opted out: nothing was sent." in card(auth, client.id)
    # A second STOP changes nothing more.
    inbound(app, sms, "+12125550164", "QUIT", sid="SMin0002")
    assert len(ledger(client)) == 1

    assert inbound(app, sms, "+12125550164", "Start", sid="SMin0003").status_code == 200
    assert db.session.get(Client, client.id).opted_out == []
    assert ledger(client) == [("opt_out", "text", "keyword"), ("opt_in", "text", "keyword")]
    assert "Send a text" in card(auth, client.id)
    send(auth, client.id, body="Welcome back")
    assert deliver_messages([messages()[-1].id])[0].outcome == "sent"
    assert [s["Body"] for s in sms.sends][-1] == "Welcome back" and len(sms.sends) == 2


def test_help_and_sentences_with_a_keyword_in_them_change_no_consent(app, auth, clock, sms):
    clock.set_day(DAY)
    app.config.update(sms.config())
    user = make_user()
    client = texted(app, auth, sms, user, phone="(212) 555-0165")
    inbound(app, sms, "+12125550165", "HELP")
    inbound(app, sms, "+12125550165", "Stop by Saturday?", sid="SMin0002")
    assert db.session.get(Client, client.id).opted_out in (None, [])
    assert ledger(client) == []
    # HELP is kept on the card (the provider answered it) but is no conversation; the sentence is a reply.
    assert [o.outcome for o in db.session.scalars(select(Outreach).where(Outreach.client_id == client.id))] == \
        ["voicemail", "replied"]


def test_stop_covers_every_store_with_the_number_and_a_reply_goes_to_the_one_last_texted(app, auth, clock, sms):
    clock.set_day(DAY)
    app.config.update(sms.config())
    ours, theirs = make_user(), make_user(store="Other Store")
    quiet = make_client(theirs, phone="(212) 555-0166")  # the same person, in a store that never texted them
    client = texted(app, auth, sms, ours, phone="212-555-0166")

    inbound(app, sms, "+12125550166", "Thanks!")
    [reply] = [m for m in messages() if m.direction == "in"]
    assert (reply.client_id, reply.store_id, reply.body) == (client.id, ours.store_id, "Thanks!")

    inbound(app, sms, "+12125550166", "END", sid="SMin0002")
    assert ledger(client) == [("opt_out", "text", "keyword")] and ledger(quiet) == [("opt_out", "text", "keyword")]
    assert db.session.get(Client, quiet.id).opted_out == ["text"]
    # The other store's card shows none of our conversation.
    auth.client.post("/logout", data={"csrf_token": auth.csrf("/me")})
    auth.login(theirs.email)
    assert "Thanks!" not in card(auth, quiet.id)


def test_a_store_with_its_own_number_sends_from_it_and_a_reply_to_it_attaches_there(app, auth, clock, sms):
    clock.set_day(DAY)
    app.config.update(sms.config())
    shared, own = make_user(), make_user(store="Uptown Store")
    owner = make_user(store="Uptown Store", role="owner")
    # The owner sets the store's texting number in Owner → Settings (checked, one store per number).
    auth.login(owner.email)
    store = {"name": "Uptown Store", "timezone": "America/New_York", "country": "US", "morning_hour": "8"}
    bad = auth.post("/owner/settings", {**store, "sms_from": "call us"})
    assert bad.status_code == 422 and "Enter the texting number as the provider shows it" in bad.get_data(as_text=True)
    assert auth.post("/owner/settings", {**store, "sms_from": "(212) 555-0100"}).status_code in (200, 303)
    db.session.rollback()
    assert db.session.get(Store, own.store_id).sms_from == "+12125550100"
    db.session.get(Store, shared.store_id).sms_from = None
    db.session.commit()
    auth.client.post("/logout", data={"csrf_token": auth.csrf("/me")})

    # The same person in both stores; our store (own number) texts first, the shared-number store last.
    ours = texted(app, auth, sms, own, first_name="Ana", phone="(212) 555-0171")
    assert sms.sends[-1]["From"] == "+12125550100"
    auth.client.post("/logout", data={"csrf_token": auth.csrf("/me")})
    theirs = texted(app, auth, sms, shared, first_name="Ana", phone="(212) 555-0171")
    assert sms.sends[-1]["From"] == OURS

    # A reply to our number attaches here, though the other store texted her more recently.
    form = {"From": "+12125550171", "To": "+12125550100", "Body": "Yes please", "MessageSid": "SMown1"}
    signature = RequestValidator(sms.config()["TWILIO_AUTH_TOKEN"]).compute_signature(URL, form)
    app.test_client().post("/messages/inbound/sms", data=form, headers={"X-Twilio-Signature": signature})
    [reply] = [m for m in messages() if m.direction == "in"]
    assert (reply.store_id, reply.client_id) == (own.store_id, ours.id)
    # STOP to our number stops our texts only: the provider still sends from the shared number.
    form = {**form, "Body": "STOP", "MessageSid": "SMown2"}
    signature = RequestValidator(sms.config()["TWILIO_AUTH_TOKEN"]).compute_signature(URL, form)
    app.test_client().post("/messages/inbound/sms", data=form, headers={"X-Twilio-Signature": signature})
    assert ledger(ours) == [("opt_out", "text", "keyword")] and ledger(theirs) == []
    # A reply to the shared number goes to the shared-number store's client.
    inbound(app, sms, "+12125550171", "Thanks!", sid="SMshared1")
    assert [m.client_id for m in messages() if m.direction == "in"][-1] == theirs.id
