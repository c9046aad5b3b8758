"""A text from the store at 390×844: from a Today row to the compose sheet, a preview, Send, and the card's
Messages with the message's status (the development transport keeps it: nothing is configured here)."""

from __future__ import annotations

from datetime import date, time

import pytest
from playwright.sync_api import expect

from jewelpwa.services.messages.delivery import deliver_messages, pending_due

from .conftest import ARTIFACTS, in_db, sign_in
from .making import desk

pytestmark = [pytest.mark.browser, pytest.mark.slow]

DAY = date(2027, 3, 10)
SHOTS = "messages"


def no_sideways_scroll(page) -> None:
    assert page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth + 1")


def test_compose_a_text_from_today_and_see_it_on_the_card_with_its_status(live_app, live_server, live_clock, phone):
    ARTIFACTS.joinpath(SHOTS).mkdir(parents=True, exist_ok=True)
    live_clock.set_day(DAY, at=time(11))
    made = desk(live_app, "texter", names=(("Ines", "Moreau"),))
    sign_in(phone, live_server, made.email, made.password)
    phone.wait_for_url("**/today")

    row = phone.locator(f"#row-{made.client_ids[0]}")
    send_text = row.get_by_role("link", name="Send text")
    assert send_text.bounding_box()["height"] >= 44
    send_text.click()
    phone.wait_for_url("**/messages/new?channel=text")
    expect(phone.locator("#compose-title")).to_have_text("Text Ines Moreau")

    phone.get_by_role("link", name="Check-in").click()  # a store template, swapped in by htmx
    body = phone.get_by_label("Message")
    expect(body).to_have_value("Hi {first_name}, {associate} at {store}. How is the {piece} wearing? "
                               "Bring it by any time for a free clean.")
    phone.get_by_role("button", name="Preview").click()
    expect(phone.locator(".preview-text")).to_contain_text("Hi Ines, Texter at Texter Store")
    no_sideways_scroll(phone)
    phone.screenshot(path=str(ARTIFACTS / SHOTS / "compose-390.png"), full_page=True)
    send = phone.get_by_role("button", name="Send text")
    assert send.bounding_box()["height"] >= 44
    send.click()
    expect(phone.locator(".compose-sent")).to_contain_text("Text to Ines queued")

    phone.get_by_role("link", name="Back to card").click()
    messages = phone.locator("#card-messages")
    expect(messages.locator(".message-status")).to_have_text("Queued")
    # The worker's turn (the development transport: kept, never delivered), then the card again.
    sent = in_db(live_app, lambda: [d.outcome for d in deliver_messages([i for i, _ in pending_due()])])
    assert "sent" in sent
    phone.reload()
    expect(messages.locator(".message-status").first).to_have_text("Sent")
    expect(messages).to_contain_text("Hi Ines, Texter at Texter Store")
    expect(messages).to_contain_text("How is the ring wearing?")  # {piece}: the ring the desk sold her
    expect(messages).to_contain_text("Development: kept, not delivered")
    no_sideways_scroll(phone)
    messages.scroll_into_view_if_needed()
    phone.screenshot(path=str(ARTIFACTS / SHOTS / "card-messages-390.png"), full_page=False)

    messages.get_by_role("link", name="sent in development").click()
    expect(phone.locator("#dev-title")).to_have_text("Sent in development — not delivered")
    expect(phone.locator(".dev-messages")).to_contain_text("Text to Ines Moreau")


def test_a_clients_reply_shows_in_the_cards_conversation(live_app, live_server, live_clock, phone):
    """The provider's signed inbound webhook, sent to the served app, and the reply on the card at 390×844."""
    import secrets

    import requests
    from twilio.request_validator import RequestValidator

    from jewelpwa.domain.client_columns import client_columns
    from jewelpwa.extensions import db
    from jewelpwa.models import Client

    ARTIFACTS.joinpath(SHOTS).mkdir(parents=True, exist_ok=True)
    live_clock.set_day(DAY, at=time(11))
    made = desk(live_app, "replier", names=(("Noor", "Haddad"),))
    number = f"+1646{secrets.randbelow(10**7):07d}"  # a number no other client of the shared live app has

    def give_number() -> None:
        client = db.session.get(Client, made.client_ids[0])
        client.phone = number
        client.phone_digits = client_columns(client.first_name, client.last_name, number)["phone_digits"]
        db.session.commit()

    in_db(live_app, give_number)
    url = f"{live_server}/messages/inbound/sms"
    form = {"From": number, "To": "+15005550006", "Body": "Saturday at 11 works <3 see you then!",
            "MessageSid": f"SM{secrets.token_hex(16)}"}
    live_app.config["TWILIO_AUTH_TOKEN"] = "browser-token"  # no account SID: texts still use the dev transport
    try:
        signature = RequestValidator("browser-token").compute_signature(url, form)
        assert requests.post(url, data=form, headers={"X-Twilio-Signature": signature}, timeout=10).status_code == 200
    finally:
        live_app.config["TWILIO_AUTH_TOKEN"] = None

    sign_in(phone, live_server, made.email, made.password)
    phone.wait_for_url("**/today")
    phone.goto(f"{live_server}/clients/{made.client_ids[0]}")
    reply = phone.locator("#card-messages .message-reply")
    expect(reply).to_contain_text("Noor replied by text")
    expect(reply).to_contain_text("Saturday at 11 works <3 see you then!")
    no_sideways_scroll(phone)
    reply.scroll_into_view_if_needed()
    phone.screenshot(path=str(ARTIFACTS / SHOTS / "card-reply-390.png"), full_page=False)


def test_an_email_reply_and_a_bounced_email_on_the_card(live_app, live_server, live_clock, phone):
    """Mailgun's signed inbound route and its signed "failed" event, sent to the served app; the card at 390×844
    shows the reply (its own words, the quote trimmed) and the bounced email with the server's reason."""
    import hashlib
    import hmac
    import json
    import secrets

    import requests

    from jewelpwa.extensions import db
    from jewelpwa.models import Client, Store, User
    from jewelpwa.services.messages.compose import send_message
    from jewelpwa.services.messages.reply_to import reply_address

    ARTIFACTS.joinpath(SHOTS).mkdir(parents=True, exist_ok=True)
    live_clock.set_day(DAY, at=time(11))
    made = desk(live_app, "emailer", names=(("Clara", "Weiss"),))
    address = f"clara.{secrets.token_hex(4)}@example.com"

    def two_emails() -> list[int]:
        user = db.session.get(User, made.user_id)
        db.session.get(Store, made.store_id).postal_address = "12 Jewel Row, Springfield, IL 62701"
        db.session.get(Client, made.client_ids[0]).email = address
        db.session.commit()
        ids = [send_message(user, made.client_ids[0], "email", body, subject="From the store").id
               for body in ("Hi {first_name}, your pearls are restrung.", "Hi {first_name}, the earrings are in.")]
        deliver_messages(ids)
        return ids

    key = "browser-signing-key"
    live_app.config.update(INBOUND_EMAIL_DOMAIN="in.desk.test", MAILGUN_SIGNING_KEY=key)
    try:
        bounced_id, answered_id = in_db(live_app, two_emails)

        def sign() -> dict[str, str]:
            token, stamp = secrets.token_hex(25), "1804680000"
            return {"timestamp": stamp, "token": token,
                    "signature": hmac.new(key.encode(), f"{stamp}{token}".encode(), hashlib.sha256).hexdigest()}

        failed = {"event": "failed", "severity": "permanent", "reason": "bounce",
                  "message": {"headers": {"message-id": f"dev-{bounced_id}"}},
                  "delivery-status": {"code": 550, "message": "5.1.1 No such user here"}}
        answer = requests.post(f"{live_server}/messages/events/email", json={"signature": sign(),
                               "event-data": failed}, timeout=10)
        assert answer.status_code == 204
        to = in_db(live_app, lambda: reply_address(live_app.config, made.store_id, answered_id))
        body = ("Lovely, thank you! I'll pick them up Friday after work <3\n\nClara\n\n"
                "On Wed, Mar 10, 2027 at 11:00 AM Emailer Store <store@desk.test> wrote:\n> Hi Clara, the earrings are in.")
        form = {"recipient": to, "sender": address, "from": f"Clara Weiss <{address}>", "subject": "Re: From the store",
                "body-plain": body, "message-headers": json.dumps([["Message-Id", f"<{secrets.token_hex(8)}@mail>"]]),
                **sign()}
        assert requests.post(f"{live_server}/messages/inbound/email", data=form, timeout=10).status_code == 200
    finally:
        live_app.config.update(INBOUND_EMAIL_DOMAIN=None, MAILGUN_SIGNING_KEY=None)

    sign_in(phone, live_server, made.email, made.password)
    phone.wait_for_url("**/today")
    phone.goto(f"{live_server}/clients/{made.client_ids[0]}")
    messages = phone.locator("#card-messages")
    reply = messages.locator(".message-reply")
    expect(reply).to_contain_text("Clara replied by email")
    expect(reply).to_contain_text("I'll pick them up Friday after work <3")
    expect(reply).not_to_contain_text("wrote:")
    bounced = messages.locator(".message-bounced")
    expect(bounced.locator(".message-status")).to_have_text("Bounced")
    expect(bounced).to_contain_text("The address bounced (SMTP 550): 5.1.1 No such user here")
    expect(messages.get_by_role("link", name="Send an email")).to_be_visible()
    no_sideways_scroll(phone)
    messages.scroll_into_view_if_needed()
    phone.screenshot(path=str(ARTIFACTS / SHOTS / "card-email-reply-bounced-390.png"), full_page=False)

    # The client's own time zone, for quiet hours: the store's country's zones first.
    phone.goto(f"{live_server}/clients/{made.client_ids[0]}/edit/communication")
    zone = phone.get_by_label("Time zone")
    assert zone.bounding_box()["height"] >= 44
    zone.select_option("America/Los_Angeles")
    no_sideways_scroll(phone)
    zone.scroll_into_view_if_needed()
    phone.screenshot(path=str(ARTIFACTS / SHOTS / "client-time-zone-390.png"), full_page=False)
    phone.get_by_role("button", name="Save").click()
    expect(phone.locator("#card-communication")).to_contain_text("America/Los Angeles")


def test_a_text_from_today_its_reply_and_the_push_that_tells_the_associate(live_app, live_server, live_clock, phone):
    """The whole conversation at 390×844: compose a text from a Today row, the worker sends it, the client's
    signed reply comes in by the provider's webhook, the associate's push goes out as real encrypted Web Push to a
    local push service that decrypts it, and that very payload, handed to Chromium's service worker, shows the
    notification; opening it lands on the card's conversation with the reply.

    Headless Chromium cannot subscribe at a real push service, so the device is a local one (tests/workers/
    support.py) and the payload it decrypted is delivered to the page's service worker over DevTools, as
    test_push_notification.py does."""
    import json
    import secrets

    import requests
    from twilio.request_validator import RequestValidator

    from jewelpwa.domain.client_columns import client_columns
    from jewelpwa.extensions import db
    from jewelpwa.models import Client, User
    from jewelpwa.services.push import devices
    from jewelpwa.services.push.delivery import deliver_many
    from jewelpwa.services.push.outbox import pending_due as pushes_due
    from jewelpwa.services.push.vapid import init_keys
    from tests.workers.support import LOCAL_PUSH_CONFIG, PushEndpoint

    from .test_push_notification import registration_id, shown

    ARTIFACTS.joinpath(SHOTS).mkdir(parents=True, exist_ok=True)
    live_clock.set_day(DAY, at=time(11))
    made = desk(live_app, "talker", names=(("Lena", "Okafor"),))
    client_id = made.client_ids[0]
    number = f"+1646{secrets.randbelow(10**7):07d}"  # no other client of the shared live app has it
    service = PushEndpoint()
    saved = {k: live_app.config.get(k) for k in (*LOCAL_PUSH_CONFIG, "TWILIO_AUTH_TOKEN")}
    live_app.config.update(LOCAL_PUSH_CONFIG)
    try:
        def prepare() -> None:
            init_keys(live_app.instance_path)
            client = db.session.get(Client, client_id)
            client.phone = number
            client.phone_digits = client_columns(client.first_name, client.last_name, number)["phone_digits"]
            db.session.commit()
            user = db.session.scalar(db.select(User).where(User.email == made.email))
            devices.subscribe(user, service.device("lena-phone").subscription(), label="Phone")

        in_db(live_app, prepare)
        phone.context.grant_permissions(["notifications"], origin=live_server)
        sign_in(phone, live_server, made.email, made.password)
        phone.wait_for_url("**/today")

        phone.locator(f"#row-{client_id}").get_by_role("link", name="Send text").click()
        phone.wait_for_url("**/messages/new?channel=text")
        phone.get_by_label("Message").fill("Hi {first_name}, the pearls you liked are back. Saturday?")
        phone.get_by_role("button", name="Send text").click()
        expect(phone.locator(".compose-sent")).to_contain_text("Text to Lena queued")
        sent = in_db(live_app, lambda: [d.outcome for d in deliver_messages([i for i, _ in pending_due()])])
        assert sent == ["sent"]

        url = f"{live_server}/messages/inbound/sms"
        form = {"From": number, "To": "+15005550006", "Body": "Saturday at 11 works, thank you!",
                "MessageSid": f"SM{secrets.token_hex(16)}"}
        live_app.config["TWILIO_AUTH_TOKEN"] = "browser-token"
        signature = RequestValidator("browser-token").compute_signature(url, form)
        assert requests.post(url, data=form, headers={"X-Twilio-Signature": signature}, timeout=10).status_code == 200

        pushed = in_db(live_app, lambda: [d.outcome for d in deliver_many([i for i, _ in pushes_due()])])
        assert pushed == ["sent"], service.errors
        [received] = service.devices["lena-phone"].accepted
        assert received.payload["title"] == "New reply"
        assert received.payload["body"] == "Reply from Lena: Saturday at 11 works, thank you!"

        phone.goto(live_server + "/me/devices")  # app.js registers /sw.js; its push handler shows notifications
        phone.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=15000)
        cdp = phone.context.new_cdp_session(phone)
        reg_id = registration_id(phone, cdp, live_server)
        cdp.send("ServiceWorker.deliverPushMessage", {"origin": live_server + "/", "registrationId": reg_id,
                                                      "data": json.dumps(received.payload)})
        [note] = [n for n in shown(phone, 1) if n["title"] == "New reply"]
        assert note["body"] == "Reply from Lena: Saturday at 11 works, thank you!"

        context = phone.context
        worker = context.service_workers[0] if context.service_workers else context.wait_for_event("serviceworker")
        with phone.expect_navigation(url=f"**/clients/{client_id}*", timeout=15000):
            worker.evaluate("""async () => {
              const [n] = await self.registration.getNotifications();
              n.close();
              await openTarget(n.data);
            }""")
        messages = phone.locator("#card-messages")
        expect(messages.locator(".message-reply")).to_contain_text("Saturday at 11 works, thank you!")
        expect(messages).to_contain_text("the pearls you liked are back")
        no_sideways_scroll(phone)
        messages.scroll_into_view_if_needed()
        phone.screenshot(path=str(ARTIFACTS / SHOTS / "conversation-after-push-390.png"), full_page=False)
    finally:
        live_app.config.update(saved)
        service.stop()
