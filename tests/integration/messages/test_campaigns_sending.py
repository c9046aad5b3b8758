"""Campaigns that send, end to end: a segment's clients get one email (or text) each through the contact gate, with
a preview, a test to the owner, the send job's batches, each recipient's status and replies, and the sales the
campaign's touches earned within 30 days."""

from __future__ import annotations

import re
from datetime import date, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from jewelpwa.extensions import db
from jewelpwa.models import Campaign, Message, Outreach, Segment, Store
from jewelpwa.services.messages.campaigns import send_batch
from jewelpwa.services.messages.delivery import deliver_messages
from jewelpwa.services.messages.inbound import receive

from ..conftest import make_user
from ..factories import add_purchase, make_client

DAY = date(2026, 6, 10)
NY = ZoneInfo("America/New_York")
ADDRESS = "12 Jewel Row, Springfield, IL 62701"


def _owner(name: str = "Maya Ortiz", store: str = "Gem Store"):
    owner = make_user(store=store, role="owner", name=name)
    db.session.get(Store, owner.store_id).postal_address = ADDRESS
    db.session.commit()
    return owner


def _segment(owner, tag: str = "spring") -> Segment:
    row = Segment(store_id=owner.store_id, name="Spring list", filter={"tags": tag}, created_by_id=owner.id)
    db.session.add(row)
    db.session.commit()
    return row


def _three(owner):
    """Ava may get email; Ben opted out of it; Cleo is do-not-contact. Dan is not in the segment."""
    ava = make_client(owner, first_name="Ava", email="ava@example.com", tags=["spring"])
    make_client(owner, first_name="Ben", email="ben@example.com", tags=["spring"], opted_out=["email"])
    make_client(owner, first_name="Cleo", email="cleo@example.com", tags=["spring"], do_not_contact=True)
    make_client(owner, first_name="Dan", email="dan@example.com")
    return ava


def _draft(auth, segment, **form) -> int:
    data = {"name": "Sapphire week", "send_channel": "email", "subject": "For {first_name}",
            "body": "Hi {first_name}, {associate} at {store}: sapphires are in for {occasion}.", **form}
    answer = auth.post(f"/owner/campaigns/new/{segment.id}", data, token_from=f"/owner/campaigns/new/{segment.id}")
    assert answer.status_code == 303, answer.get_data(as_text=True)
    return int(answer.headers["Location"].rstrip("/").rsplit("/", 1)[1])


def _send(auth, campaign_id: int, pace: str = "60"):
    path = f"/owner/campaigns/{campaign_id}/send"
    page = auth.client.get(path).get_data(as_text=True)
    expected = re.search(r'name="expected" value="(\d+)"', page).group(1)
    return auth.post(path, {"expected": expected, "pace": pace}, token_from=path)


def _run(campaign_id: int) -> None:
    """What the worker does: batches until every recipient has their row (tests/workers runs the real one)."""
    for _ in range(50):
        if send_batch(campaign_id).done:
            return
    raise AssertionError("the campaign never finished making its messages")


def _rows(campaign_id: int) -> list[Message]:
    db.session.rollback()
    return list(db.session.scalars(select(Message).where(Message.campaign_id == campaign_id).order_by(Message.id)))


def test_preview_counts_who_will_get_it_and_who_is_left_out_by_reason(app, auth, clock):
    clock.set_day(DAY)
    owner = _owner()
    _three(owner)
    segment = _segment(owner)
    auth.login(owner.email)
    campaign_id = _draft(auth, segment)
    page = auth.client.get(f"/owner/campaigns/{campaign_id}").get_data(as_text=True)
    assert "<strong>1</strong> will get it; 2 left out" in page
    assert "<strong>1</strong> do not contact" in page and "<strong>1</strong> opted out of email" in page
    # The sample is filled for a real recipient: Ava, her associate's first name, the store, the campaign's name.
    assert "For Ava" in page and "Hi Ava, Maya at Gem Store: sapphires are in for Sapphire week." in page
    assert "Ben" not in page.split('id="campaign-preview"')[1].split("</section>")[0]
    assert "Send to 1 client" in page
    assert _rows(campaign_id) == []  # a draft sends nothing


def test_a_test_send_reaches_the_owner_filled_and_is_on_no_card(app, auth, clock, smtp):
    clock.set_day(DAY)
    app.config.update(SMTP_URL=smtp.url, SMTP_FROM="hello@gemstore.test")
    owner = _owner()
    ava = _three(owner)
    segment = _segment(owner)
    auth.login(owner.email)
    campaign_id = _draft(auth, segment)
    answer = auth.post(f"/owner/campaigns/{campaign_id}/test", {}, token_from=f"/owner/campaigns/{campaign_id}")
    assert answer.status_code == 303
    [mail] = smtp.messages
    assert mail["To"] == owner.email and mail["Subject"] == "[Test] For Ava"
    assert mail.get_content().startswith("Hi Ava, Maya at Gem Store: sapphires are in for Sapphire week.")
    assert ADDRESS in mail.get_content()
    # Not a message of any client, not an outreach, not on Ava's card.
    assert db.session.scalar(select(func.count()).select_from(Message)) == 0
    assert db.session.scalar(select(func.count()).select_from(Outreach)) == 0
    assert "sapphires are in" not in auth.client.get(f"/clients/{ava.id}").get_data(as_text=True)


def test_send_reaches_exactly_the_eligible_once_with_one_click_headers_and_the_postal_address(app, auth, clock, smtp):
    now = clock.set_day(DAY)
    app.config.update(SMTP_URL=smtp.url, SMTP_FROM="hello@gemstore.test")
    owner = _owner()
    ava = _three(owner)
    eve = make_client(owner, first_name="Eve", email="eve@example.com", tags=["spring"])
    segment = _segment(owner)
    auth.login(owner.email)
    campaign_id = _draft(auth, segment)
    assert _send(auth, campaign_id, pace="30").status_code == 303
    _run(campaign_id)
    rows = _rows(campaign_id)
    assert sorted((m.to_address, m.status) for m in rows) == [
        ("ava@example.com", "queued"), ("ben@example.com", "refused"), ("cleo@example.com", "refused"),
        ("eve@example.com", "queued")]
    # Throttled: 30 a minute puts the second message two seconds after the first.
    going = sorted(m.next_try_at for m in rows if m.status == "queued")
    assert going[1] - going[0] == timedelta(seconds=2)
    assert {d.outcome for d in deliver_messages([m.id for m in rows], now + timedelta(minutes=1))} >= {"sent"}

    assert sorted(m["To"] for m in smtp.messages) == ["ava@example.com", "eve@example.com"]
    for mail in smtp.messages:
        assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        link = re.fullmatch(r"<(.+)>", str(mail["List-Unsubscribe"]).strip()).group(1)
        assert "/u/" in link and link in mail.get_content() and ADDRESS in mail.get_content()
    # Each message that went is a touch on its true channel, linked from its row.
    outreach = {o.id: o for o in db.session.scalars(select(Outreach))}
    assert sorted((outreach[m.outreach_id].client_id, outreach[m.outreach_id].channel) for m in rows if m.outreach_id) \
        == sorted([(ava.id, "email"), (eve.id, "email")])

    # Sending again (a second press, a replayed form, the job run again) sends nothing more.
    again = auth.post(f"/owner/campaigns/{campaign_id}/send", {"expected": "2", "pace": "60"},
                      token_from=f"/owner/campaigns/{campaign_id}")
    assert again.status_code == 303
    assert auth.client.get(f"/owner/campaigns/{campaign_id}/send").status_code == 303  # no second confirmation
    db.session.get(Campaign, campaign_id).send_state = "sending"  # even a job that believes it must go on
    db.session.commit()
    _run(campaign_id)
    deliver_messages([m.id for m in _rows(campaign_id)], now + timedelta(minutes=2))
    assert len(_rows(campaign_id)) == 4 and len(smtp.messages) == 2

    page = auth.client.get(f"/owner/campaigns/{campaign_id}").get_data(as_text=True)
    assert "4</strong>" not in page and "4 recipients" in page
    assert page.count('class="camp-recipient" data-status="sent"') == 2
    assert "Emails opted out: nothing was sent." in page and "Do not contact: nothing was sent." in page
    # A left-out client's card says nothing of the campaign (nothing was written to them); a recipient's shows it.
    left_out = next(m.client_id for m in rows if m.status == "refused")
    assert "nothing was sent" not in auth.client.get(f"/clients/{left_out}").get_data(as_text=True)
    assert "sapphires are in" in auth.client.get(f"/clients/{ava.id}").get_data(as_text=True)


def test_text_campaign_goes_to_the_sms_provider_only_to_those_who_can_get_texts(app, auth, clock, sms):
    now = clock.set_day(DAY)
    app.config.update(sms.config())
    owner = _owner()
    make_client(owner, first_name="Ava", phone="(415) 555-0101", tags=["spring"])
    make_client(owner, first_name="Ben", phone="(415) 555-0102", tags=["spring"], opted_out=["text"])
    make_client(owner, first_name="Nophone", phone=None, tags=["spring"])
    segment = _segment(owner)
    auth.login(owner.email)
    campaign_id = _draft(auth, segment, send_channel="text", subject="", body="Hi {first_name}, sapphires are in.")
    page = auth.client.get(f"/owner/campaigns/{campaign_id}").get_data(as_text=True)
    assert "<strong>1</strong> will get it; 2 left out" in page
    assert "<strong>1</strong> no mobile number that can receive texts" in page
    # The test goes to the owner's own mobile, marked.
    assert auth.post(f"/owner/campaigns/{campaign_id}/test", {"phone": "(415) 555-0199"},
                     token_from=f"/owner/campaigns/{campaign_id}").status_code == 303
    assert [(s["To"], s["Body"]) for s in sms.sends] == [("+14155550199", "[Test] Hi Ava, sapphires are in.")]
    _send(auth, campaign_id)
    _run(campaign_id)
    deliver_messages([m.id for m in _rows(campaign_id)], now + timedelta(minutes=1))
    assert [(s["To"], s["Body"]) for s in sms.sends[1:]] == [("+14155550101", "Hi Ava, sapphires are in.")]
    # Ava replies: the campaign page shows it, and her row is marked replied.
    receive({"From": "+14155550101", "To": "+15005550006", "Body": "Love to see them Saturday", "MessageSid": "SMr1"})
    page = auth.client.get(f"/owner/campaigns/{campaign_id}").get_data(as_text=True)
    assert "Love to see them Saturday" in page and 'data-status="received">Replied' in page


def test_a_text_campaign_started_in_quiet_hours_is_timed_from_8_at_its_pace(app, auth, clock, sms):
    clock.set_day(DAY, at=time(22, 30))
    app.config.update(sms.config())
    owner = _owner()
    for n in range(3):
        make_client(owner, first_name=f"C{n}", phone=f"(415) 555-01{n:02d}", tags=["spring"])
    segment = _segment(owner)
    auth.login(owner.email)
    campaign_id = _draft(auth, segment, send_channel="text", subject="", body="Hi {first_name}")
    _send(auth, campaign_id, pace="6")
    _run(campaign_id)
    times = sorted(m.next_try_at.astimezone(NY).strftime("%H:%M:%S") for m in _rows(campaign_id))
    assert times == ["08:00:00", "08:00:10", "08:00:20"]


def test_a_sale_within_30_days_counts_for_the_campaign(app, auth, clock, smtp):
    clock.set_day(DAY)
    app.config.update(SMTP_URL=smtp.url)
    owner = _owner()
    ava = _three(owner)
    segment = _segment(owner)
    auth.login(owner.email)
    campaign_id = _draft(auth, segment)
    _send(auth, campaign_id)
    _run(campaign_id)
    add_purchase(ava, DAY + timedelta(days=12), price="2400")
    add_purchase(ava, DAY + timedelta(days=31), price="999")  # past the 30 days: the store's, not the campaign's
    clock.set_day(DAY + timedelta(days=40))
    page = auth.client.get(f"/owner/campaigns/{campaign_id}").get_data(as_text=True)
    totals = page.split('data-status="sales"')[1].split("</div>")[0]
    assert "<dd>1 · $2,400" in totals


def test_associates_get_403_and_another_stores_campaign_is_404(app, auth, clock):
    clock.set_day(DAY)
    owner = _owner()
    _three(owner)
    segment = _segment(owner)
    auth.login(owner.email)
    campaign_id = _draft(auth, segment)
    other = _owner(store="Other Store")
    auth.client.post("/logout", data={"csrf_token": auth.csrf("/me")})
    auth.login(other.email)
    for path in (f"/owner/campaigns/{campaign_id}", f"/owner/campaigns/{campaign_id}/send"):
        assert auth.client.get(path).status_code == 404
    assert auth.post(f"/owner/campaigns/{campaign_id}/send", {"expected": "1", "pace": "60"}).status_code == 404
    assert auth.post(f"/owner/campaigns/{campaign_id}/test", {}).status_code == 404
    auth.client.post("/logout", data={"csrf_token": auth.csrf("/me")})
    associate = make_user(role="associate")
    auth.login(associate.email)
    assert auth.client.get(f"/owner/campaigns/{campaign_id}").status_code == 403
    assert auth.post(f"/owner/campaigns/{campaign_id}/send", {"expected": "1", "pace": "60"}).status_code == 403
    assert auth.client.get(f"/owner/campaigns/new/{segment.id}").status_code == 403
    assert db.session.get(Campaign, campaign_id).send_state == "draft" and _rows(campaign_id) == []


def test_send_needs_csrf_and_a_sane_pace(app, auth, clock):
    clock.set_day(DAY)
    owner = _owner()
    _three(owner)
    segment = _segment(owner)
    auth.login(owner.email)
    campaign_id = _draft(auth, segment)
    assert auth.client.post(f"/owner/campaigns/{campaign_id}/send", data={"expected": "1", "pace": "60"}).status_code == 400
    bad = auth.post(f"/owner/campaigns/{campaign_id}/send", {"expected": "1", "pace": "9999"})
    assert bad.status_code == 422 and "from 1 to 600" in bad.get_data(as_text=True)
    assert db.session.get(Campaign, campaign_id).send_state == "draft"
    empty = auth.post(f"/owner/campaigns/new/{segment.id}", {"name": "", "send_channel": "fax", "body": ""})
    assert empty.status_code == 422 and "Choose email or text." in empty.get_data(as_text=True)
