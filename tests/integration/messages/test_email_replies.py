"""Replies by email and bounces, end to end: an email from the card goes through a real SMTP server with the store's
signed Reply-To; Mailgun's signed inbound route brings the client's answer back to that message's card; Mailgun's
signed events (and a bounce notice sent to the reply address) mark a message bounced and stop the next email."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from datetime import date, timedelta
from email.utils import parseaddr

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from jewelpwa.clock import utcnow
from jewelpwa.extensions import db
from jewelpwa.models import Client, FollowUp, Message, Outreach, Store
from jewelpwa.services.messages.delivery import deliver_messages
from jewelpwa.services.messages.inbound import attach_reply

from ..conftest import make_user
from ..factories import make_client
from .test_inbound import device, pushes
from .test_sending import card, messages, send

DAY = date(2026, 6, 10)
KEY = "key-0123456789abcdef"  # the domain's HTTP webhook signing key
DOMAIN = "in.gemstore.test"


def configure(app, smtp) -> None:
    app.config.update(SMTP_URL=smtp.url, SMTP_FROM="hello@gemstore.test", INBOUND_EMAIL_DOMAIN=DOMAIN,
                      MAILGUN_SIGNING_KEY=KEY)


def signed(token: str = "a" * 50, timestamp: str = "1781100000", key: str = KEY) -> dict[str, str]:
    """Mailgun's signature fields: hex HMAC-SHA256 of timestamp + token with the signing key."""
    signature = hmac.new(key.encode(), f"{timestamp}{token}".encode(), hashlib.sha256).hexdigest()
    return {"timestamp": timestamp, "token": token, "signature": signature}


def inbound_email(app, recipient: str, from_: str, body: str, message_id: str = "<r1@mail.example>",
                  subject: str = "Re: For Ana", signature: dict | None = None, **extra):
    """POST what Mailgun's route forward() posts: the parsed email as form fields, signed in the body."""
    headers = [["From", from_], ["To", recipient], ["Subject", subject], ["Message-Id", message_id]]
    form = {"recipient": recipient, "sender": parseaddr(from_)[1], "from": from_, "subject": subject,
            "body-plain": body, "message-headers": json.dumps(headers), "Message-Id": message_id,
            **(signature if signature is not None else signed(token=hashlib.sha1(message_id.encode()).hexdigest())),
            **extra}
    return app.test_client().post("/messages/inbound/email", data=form)


def event(app, payload: dict, signature: dict | None = None):
    return app.test_client().post("/messages/events/email",
                                  json={"signature": signature if signature is not None else signed(), "event-data": payload})


def emailed(app, auth, smtp, user, client, body: str = "Hi {first_name}, the ring is ready.") -> Message:
    """Send an email from the card, through the SMTP server; the sent row."""
    if "/logout" not in auth.client.get("/me").get_data(as_text=True):
        auth.login(user.email)
    send(auth, client.id, channel="email", subject="For {first_name}", body=body)
    message = messages()[-1]
    assert deliver_messages([message.id])[0].outcome == "sent"
    return message


def with_address(user):
    store = db.session.get(Store, user.store_id)
    store.postal_address = "12 Jewel Row, Springfield, IL 62701"
    db.session.commit()


def test_a_signed_email_reply_lands_on_the_card_of_the_message_it_answers(app, auth, clock, smtp):
    clock.set_day(DAY)
    configure(app, smtp)
    user = make_user(name="Maya Ortiz")
    with_address(user)
    device(user)
    # A couple sharing one address: the email to Ana is answered after Ben was emailed, and the reply still goes
    # to Ana (the address names the message), where matching the sender would have picked Ben.
    ana = make_client(user, first_name="Ana", email="home@example.com")
    ben = make_client(user, first_name="Ben", email="home@example.com")
    db.session.add(FollowUp(store_id=user.store_id, client_id=ana.id, assignee_id=user.id, kind="birthday",
                            opens_on=DAY - timedelta(days=3), due_on=DAY + timedelta(days=3),
                            expires_on=DAY + timedelta(days=10), occasion_on=DAY + timedelta(days=10), show_on=DAY,
                            source="test", dedupe_key=f"birthday-{ana.id}"))
    db.session.commit()
    to_ana = emailed(app, auth, smtp, user, ana)
    emailed(app, auth, smtp, user, ben)

    reply_to = parseaddr(smtp.messages[0]["Reply-To"])[1]
    assert re.fullmatch(rf"reply\+{user.store_id}-{to_ana.id}-[0-9a-f]{{16}}@{DOMAIN}", reply_to)
    assert parseaddr(smtp.messages[1]["Reply-To"])[1] != reply_to

    body = ("<b>Yes</b> & Saturday works.\n\nSee you then,\nAna\n\n"
            "On Wed, Jun 10, 2026 at 12:00 PM Gem Store <hello@gemstore.test> wrote:\n> Hi Ana, the ring is ready.\n")
    answer = inbound_email(app, reply_to, "Ana <home@example.com>", body)
    assert answer.status_code == 200

    reply = messages()[-1]
    assert (reply.direction, reply.channel, reply.status, reply.client_id) == ("in", "email", "received", ana.id)
    assert reply.body == "<b>Yes</b> & Saturday works.\n\nSee you then,\nAna"  # the quoted history trimmed
    assert (reply.subject, reply.to_address, reply.provider_id) == ("Re: For Ana", "home@example.com",
                                                                    "<r1@mail.example>")
    page = card(auth, ana.id)
    assert "Ana replied by email" in page and 'data-direction="in"' in page
    assert "&lt;b&gt;Yes&lt;/b&gt; &amp; Saturday works." in page and "<b>Yes</b>" not in page
    assert "Hi Ana, the ring is ready." not in page.split("Ana replied by email")[1].split("</li>")[0]
    assert "Saturday works" not in card(auth, ben.id)

    outcomes = [(o.channel, o.outcome) for o in db.session.scalars(
        select(Outreach).where(Outreach.client_id == ana.id).order_by(Outreach.id))]
    assert outcomes == [("email", "voicemail"), ("email", "replied")]
    assert db.session.scalar(select(FollowUp.status).where(FollowUp.client_id == ana.id)) == "done"
    [push] = pushes(user)
    assert push.body.startswith("Reply from Ana: <b>Yes</b> & Saturday works.")
    assert push.url == f"/clients/{ana.id}#card-messages" and push.status == "pending"

    # Mailgun posting the same email again (a retry, or a replay of the signed request) changes nothing.
    assert inbound_email(app, reply_to, "Ana <home@example.com>", body).status_code == 200
    assert len([m for m in messages() if m.direction == "in"]) == 1 and len(pushes(user)) == 1
    assert db.session.query(Outreach).filter_by(client_id=ana.id).count() == 2


def test_without_the_reply_address_the_sender_is_matched_in_the_book(app, auth, clock, smtp):
    clock.set_day(DAY)
    configure(app, smtp)
    user = make_user()
    with_address(user)
    client = make_client(user, first_name="Lena", email="lena@example.com")
    emailed(app, auth, smtp, user, client)
    # A forged address (the signature of another message) counts as none: the sender decides.
    forged = f"reply+{user.store_id}-999-0123456789abcdef@{DOMAIN}"
    inbound_email(app, forged, "LENA@Example.com", "Thanks!", message_id="<r2@mail.example>")
    [reply] = [m for m in messages() if m.direction == "in"]
    assert (reply.client_id, reply.body) == (client.id, "Thanks!")
    # A stranger's email to the sending address is not stored anywhere.
    inbound_email(app, "hello@gemstore.test", "someone@else.example", "Hello?", message_id="<r3@mail.example>")
    assert len([m for m in messages() if m.direction == "in"]) == 1


def test_a_bad_or_missing_signature_is_403_and_unconfigured_is_404(app, auth, clock, smtp):
    clock.set_day(DAY)
    configure(app, smtp)
    user = make_user()
    client = make_client(user, email="ana@example.com")
    for signature in ({}, signed(key="key-wrong"), {**signed(), "token": "b" * 50}):
        assert inbound_email(app, "x@" + DOMAIN, "ana@example.com", "Hi", signature=signature).status_code == 403
        assert event(app, {"event": "failed", "severity": "permanent"}, signature=signature).status_code == 403
    assert app.test_client().post("/messages/events/email", data="not json").status_code == 403
    app.config.update(MAILGUN_SIGNING_KEY=None)
    assert inbound_email(app, "x@" + DOMAIN, "ana@example.com", "Hi").status_code == 404
    assert event(app, {"event": "failed"}).status_code == 404
    assert messages() == [] and db.session.get(Client, client.id).email_bounced_to is None


def test_a_permanent_bounce_marks_the_email_bounced_and_refuses_the_next_until_the_address_is_edited(
        app, auth, clock, smtp):
    clock.set_day(DAY)
    configure(app, smtp)
    user = make_user()
    with_address(user)
    client = make_client(user, first_name="Ana", email="ana@nowhere.example")
    sent = emailed(app, auth, smtp, user, client)
    message_id = sent.provider_id.strip("<>")  # Mailgun reports the Message-ID without its brackets

    # A temporary failure is the provider still trying: nothing changes.
    failed = {"event": "failed", "severity": "temporary", "reason": "generic", "recipient": "ana@nowhere.example",
              "message": {"headers": {"message-id": message_id}},
              "delivery-status": {"code": 452, "message": "mailbox full"}}
    assert event(app, failed).status_code == 204
    assert messages()[-1].status == "sent"

    failed.update(severity="permanent", reason="bounce",
                  **{"delivery-status": {"code": 550, "message": "5.1.1 The email account that you tried to reach "
                                                                 "does not exist <script>x</script>"}})
    assert event(app, failed).status_code == 204
    bounced = messages()[-1]
    assert bounced.status == "bounced" and bounced.reason.startswith("The address bounced (SMTP 550): 5.1.1")
    page = card(auth, client.id)
    assert 'data-status="bounced"' in page and "Bounced" in page and "does not exist" in page
    assert "<script>x</script>" not in page

    # The next email to that address is refused, saying why; nothing reaches the server.
    send(auth, client.id, channel="email", subject="Again", body="Hello again")
    refused = messages()[-1]
    assert (refused.status, refused.reason) == ("refused", "Email bounced on Jun 10, 2026: check the address.")
    assert len(smtp.messages) == 1
    assert "Email bounced on Jun 10, 2026: check the address." in card(auth, client.id)

    # Editing the address lifts it.
    answer = auth.post(f"/clients/{client.id}/contact", {"first_name": "Ana", "email": "ana@example.com"},
                       token_from=f"/clients/{client.id}")
    assert answer.status_code in (200, 303)
    send(auth, client.id, channel="email", subject="Again", body="Hello at last")
    assert messages()[-1].status == "queued"
    assert deliver_messages([messages()[-1].id])[0].outcome == "sent" and len(smtp.messages) == 2


def test_a_delivered_event_and_a_bounce_notice_at_the_reply_address(app, auth, clock, smtp):
    clock.set_day(DAY)
    configure(app, smtp)
    user = make_user()
    with_address(user)
    client = make_client(user, first_name="Ana", email="ana@nowhere.example")
    sent = emailed(app, auth, smtp, user, client)
    assert event(app, {"event": "delivered", "message": {"headers": {"message-id": sent.provider_id.strip("<>")}}}
                 ).status_code == 204
    assert messages()[-1].status == "delivered"

    again = emailed(app, auth, smtp, user, client, body="Second")
    reply_to = parseaddr(smtp.messages[-1]["Reply-To"])[1]
    notice = ("Delivery to the following recipient failed permanently:\n\n     ana@nowhere.example\n\n"
              "Reporting-MTA: dns; mx.nowhere.example\nAction: failed\nStatus: 5.1.1\n")
    assert inbound_email(app, reply_to, "Mail Delivery Subsystem <mailer-daemon@mx.nowhere.example>", notice,
                         message_id="<dsn1@mx.nowhere.example>", subject="Delivery Status Notification (Failure)",
                         sender="").status_code == 200
    db.session.rollback()
    assert db.session.get(Message, again.id).status == "bounced"
    assert "Delivery to the following recipient failed permanently" in db.session.get(Message, again.id).reason
    assert [m for m in messages() if m.direction == "in"] == []  # a bounce notice is no reply
    assert db.session.get(Client, client.id).email_bounced_to == "ana@nowhere.example"


def test_one_provider_message_is_stored_once_even_when_two_deliveries_race(app, clock):
    """The check before the insert cannot see a retry that commits meanwhile: the unique index is the guard."""
    clock.set_day(DAY)
    user = make_user()
    client = make_client(user, phone="(212) 555-0170")
    first = attach_reply(client, "text", "Yes", "+12125550170", "SMrace", None, transport="twilio", now=utcnow())
    second = attach_reply(db.session.get(Client, client.id), "text", "Yes", "+12125550170", "SMrace", None,
                          transport="twilio", now=utcnow())
    assert first.message is not None and second.message is None
    assert [m.provider_id for m in messages()] == ["SMrace"]
    # The same id on the other channel, or on a message the store sent, is another message.
    attach_reply(db.session.get(Client, client.id), "email", "Yes", "a@example.com", "SMrace", None,
                 transport="mailgun", now=utcnow())
    assert len(messages()) == 2
    db.session.add(Message(store_id=user.store_id, client_id=client.id, channel="text", direction="in", body="x",
                           status="received", provider_id="SMrace", to_address="+12125550170"))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_a_reply_with_a_photo_a_long_html_part_and_a_stray_control_character_is_kept(app, auth, clock, smtp):
    """Mailgun's post is not a person's form: larger than a form may be, and nothing in it to retype."""
    import io

    clock.set_day(DAY)
    configure(app, smtp)
    user = make_user()
    with_address(user)
    client = make_client(user, first_name="Ana", email="ana@example.com")
    emailed(app, auth, smtp, user, client)
    reply_to = parseaddr(smtp.messages[-1]["Reply-To"])[1]
    answer = inbound_email(app, reply_to, "ana@example.com", "Here it is\x00, the clasp is loose.",
                           message_id="<photo@mail.example>", **{"body-html": "<p>x</p>" * 40_000,
                                                                 "attachment-count": "1",
                                                                 "attachment-1": (io.BytesIO(b"\xff" * 2_000_000),
                                                                                  "clasp.jpg", "image/jpeg")})
    assert answer.status_code == 200
    [reply] = [m for m in messages() if m.direction == "in"]
    assert reply.body == "Here it is, the clasp is loose."
