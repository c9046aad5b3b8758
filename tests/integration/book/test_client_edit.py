"""Editing a client card in place: each section's form, valid saves, 422s that keep the input, consent ledger."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from jewelpwa.clock import store_today
from jewelpwa.extensions import db
from jewelpwa.models import Client, ConsentEvent, FollowUp, Store

from ..conftest import make_user
from ..factories import make_client

HX = {"HX-Request": "true"}
# A valid save per section and what the card then shows.
VALID = {
    "contact": ({"first_name": "Maria", "last_name": "Lopez", "phone": "+1 (555) 222-3344", "email": "maria@example.com",
                 "address_line1": "12 Elm St", "city": "Salem", "region": "MA", "postal_code": "01970", "country": "us"},
                "maria@example.com"),
    "preferences": ({"metals": "Rose gold, platinum, rose gold ,", "stones": "opal", "brands": "", "styles": "vintage",
                     "ring_size": "6.5"}, "Rose gold"),
    "communication": ({"preferred_channel": "email", "frequency": "low"}, "Low"),
    "notes": ({"notes": "Prefers mornings"}, "Prefers mornings"),
}
# Bad input per section: the field, the message that says what to fix, the input the form must keep.
INVALID = {
    "contact": ({"first_name": "", "email": "maria-at-example", "phone": "12-34"}, "email",
                "Enter an email like name@example.com.", "maria-at-example"),
    "preferences": ({"metals": "gold", "ring_size": "huge"}, "ring_size", "Enter a ring size like 6.5 or N.", "huge"),
    "communication": ({"preferred_channel": "pigeon", "frequency": "low"}, "preferred_channel",
                      "Choose call, text, email, mail or visit, or no preference.", 'value="low" checked'),
    "notes": ({"notes": "x" * 2001}, "notes", "Keep notes under 2,000 characters", "x" * 2001),
}


@pytest.fixture
def signed_in(auth):
    user = make_user()
    client = make_client(user, first_name="Mara", last_name="Quinn", phone="(555) 010-0001", notes="Old note")
    auth.login(user.email)
    return auth, user, client


@pytest.mark.one_database
@pytest.mark.parametrize("section", sorted(VALID))
def test_edit_gives_the_section_form_as_a_fragment_or_inside_the_page(signed_in, section):
    auth, _, client = signed_in
    fragment = auth.client.get(f"/clients/{client.id}/edit/{section}", headers=HX)
    body = fragment.get_data(as_text=True)
    assert fragment.status_code == 200
    assert "<html" not in body
    assert f'action="/clients/{client.id}/{section}"' in body and 'name="csrf_token"' in body
    page = auth.client.get(f"/clients/{client.id}/edit/{section}").get_data(as_text=True)
    assert "<html" in page and f'action="/clients/{client.id}/{section}"' in page
    assert "Timeline" in page  # the whole card, with this one section open


@pytest.mark.parametrize("section", sorted(VALID))
def test_valid_save_answers_the_section_in_view_mode_with_a_toast(signed_in, section):
    auth, _, client = signed_in
    data, shown = VALID[section]
    response = auth.post(f"/clients/{client.id}/{section}", data, headers=HX)
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in body and "<form class=\"section-form\"" not in body
    assert shown in body
    assert "saved" in json.loads(response.headers["HX-Trigger"])["showToast"]["message"]


@pytest.mark.parametrize("section", sorted(VALID))
def test_valid_save_from_a_plain_browser_redirects_to_the_card(signed_in, section):
    auth, _, client = signed_in
    data, shown = VALID[section]
    response = auth.post(f"/clients/{client.id}/{section}", data)
    assert response.status_code == 303
    assert response.headers["Location"].startswith(f"/clients/{client.id}")
    assert shown in auth.client.get(f"/clients/{client.id}").get_data(as_text=True)


@pytest.mark.parametrize("section", sorted(INVALID))
def test_invalid_input_is_a_422_form_that_keeps_the_input_and_saves_nothing(signed_in, section):
    auth, _, client = signed_in
    before = {c.name: getattr(client, c.name) for c in Client.__table__.columns if c.name != "updated_at"}
    data, field, message, kept = INVALID[section]
    for headers in (HX, {}):
        response = auth.post(f"/clients/{client.id}/{section}", data, headers=headers)
        body = response.get_data(as_text=True)
        assert response.status_code == 422
        assert message in body and kept in body
        assert f'id="{section}-' in body and 'aria-invalid="true"' in body
        assert ("<html" in body) is (not headers)
    db.session.expire_all()
    after = db.session.get(Client, client.id)
    assert {name: getattr(after, name) for name in before} == before
    assert db.session.scalar(select(ConsentEvent.id).where(ConsentEvent.client_id == client.id)) is None


def test_contact_errors_name_each_field_to_fix(signed_in):
    auth, _, client = signed_in
    body = auth.post(f"/clients/{client.id}/contact", {"first_name": " ", "phone": "555-12", "phone2": "",
                                                       "email": "a@b", "country": "USA"}).get_data(as_text=True)
    assert "Enter the client&#39;s first name." in body
    assert "Enter a phone number with at least 7 digits" in body
    assert "Enter an email like name@example.com." in body
    assert "Use the two-letter country code" in body


def test_unknown_section_is_404(signed_in):
    auth, _, client = signed_in
    assert auth.client.get(f"/clients/{client.id}/edit/secrets").status_code == 404
    assert auth.post(f"/clients/{client.id}/secrets", {"notes": "x"}).status_code == 404


def test_contact_edit_keeps_search_name_and_phone_digits_in_sync(signed_in):
    auth, _, client = signed_in
    auth.post(f"/clients/{client.id}/contact", {"first_name": "  Maria ", "last_name": "De Luca",
                                                "phone": "+1 (555) 222-3344"})
    db.session.expire_all()
    saved = db.session.get(Client, client.id)
    assert (saved.first_name, saved.search_name, saved.phone_digits) == ("Maria", "maria de luca", "15552223344")
    auth.post(f"/clients/{client.id}/contact", {"first_name": "Maria", "phone": ""})
    db.session.expire_all()
    saved = db.session.get(Client, client.id)
    assert (saved.search_name, saved.phone_digits, saved.phone) == ("maria", None, None)


def test_preference_lists_are_trimmed_and_deduplicated(signed_in):
    auth, _, client = signed_in
    auth.post(f"/clients/{client.id}/preferences", {"metals": " Rose gold ,platinum,, rose GOLD", "stones": "",
                                                    "ring_size": "n"})
    db.session.expire_all()
    saved = db.session.get(Client, client.id)
    assert saved.metals == ["Rose gold", "platinum"] and saved.stones == [] and saved.ring_size == "N"


def consent(client) -> list[tuple]:
    return list(db.session.execute(select(ConsentEvent.what, ConsentEvent.channel, ConsentEvent.value, ConsentEvent.user_id)
                                   .where(ConsentEvent.client_id == client.id).order_by(ConsentEvent.id)))


def test_opting_out_of_text_appends_a_consent_event_and_removes_the_sms_link(signed_in):
    auth, user, client = signed_in
    assert 'href="sms:' in auth.client.get(f"/clients/{client.id}").get_data(as_text=True)
    response = auth.post(f"/clients/{client.id}/communication", {"frequency": "normal", "opted_out": ["text"]},
                         headers=HX)
    # The fragment carries the contact buttons out of band, so the Text button goes at once.
    body = response.get_data(as_text=True)
    assert 'id="card-reach"' in body and 'hx-swap-oob="true"' in body and 'href="sms:' not in body
    assert consent(client) == [("opt_out", "text", None, user.id)]
    page = auth.client.get(f"/clients/{client.id}").get_data(as_text=True)
    assert 'href="sms:' not in page and 'href="tel:' in page
    assert "Opted out of text" in page
    # Opting back in is a new row; the old one stays.
    auth.post(f"/clients/{client.id}/communication", {"frequency": "normal"})
    assert [row[0] for row in consent(client)] == ["opt_out", "opt_in"]


def test_do_not_contact_removes_all_contact_links_and_is_recorded(signed_in):
    auth, user, client = signed_in
    auth.post(f"/clients/{client.id}/communication", {"frequency": "normal", "do_not_contact": "1"})
    page = auth.client.get(f"/clients/{client.id}").get_data(as_text=True)
    assert not any(f'href="{scheme}:' in page.split('id="card-contact"')[0] for scheme in ("tel", "sms", "mailto"))
    assert "Asked not to be contacted" in page
    auth.post(f"/clients/{client.id}/communication", {"frequency": "high", "preferred_channel": "text"})
    assert [(what, channel, value) for what, channel, value, _ in consent(client)] == [
        ("do_not_contact", None, None), ("contact_ok", None, None), ("frequency", None, "high"),
        ("preferred", "text", "text")]


def test_saving_communication_without_changes_records_nothing(signed_in):
    auth, _, client = signed_in
    auth.post(f"/clients/{client.id}/communication", {"frequency": "normal", "preferred_channel": ""})
    assert consent(client) == []


def test_notes_with_script_are_saved_as_text_and_shown_escaped(signed_in):
    auth, _, client = signed_in
    response = auth.post(f"/clients/{client.id}/notes", {"notes": "<script>alert(1)</script>"}, headers=HX)
    body = response.get_data(as_text=True)
    assert "<script>alert(1)" not in body and "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    db.session.expire_all()
    assert db.session.get(Client, client.id).notes == "<script>alert(1)</script>"


def test_cancel_gives_the_section_back_in_view_mode(signed_in):
    auth, _, client = signed_in
    response = auth.client.get(f"/clients/{client.id}", query_string={"section": "notes"}, headers=HX)
    body = response.get_data(as_text=True)
    assert "<html" not in body and 'id="card-notes"' in body and "Old note" in body and "<form" not in body


def follow_up(client, kind: str, on: date, key: str) -> FollowUp:
    row = FollowUp(store_id=client.store_id, client_id=client.id, assignee_id=client.assigned_to_id, kind=kind,
                   opens_on=on - timedelta(days=3), due_on=on + timedelta(days=3), expires_on=on + timedelta(days=10),
                   occasion_on=on + timedelta(days=10), show_on=on, source="test", dedupe_key=key)
    db.session.add(row)
    db.session.commit()
    return row


def test_do_not_contact_takes_marketing_off_the_list_and_ok_to_contact_brings_it_back(signed_in):
    auth, user, client = signed_in
    on = store_today(db.session.get(Store, user.store_id))
    birthday = follow_up(client, "birthday", on, "b")
    pickup = follow_up(client, "service", on, "s")
    auth.post(f"/clients/{client.id}/communication", {"frequency": "normal", "do_not_contact": "1"})
    db.session.expire_all()
    assert (birthday.status, birthday.note) == ("skipped", "do not contact")
    assert pickup.status == "open"  # a repair ready for pickup is what the client asked for
    page = auth.client.get(f"/clients/{client.id}").get_data(as_text=True)
    why_now = page.split('id="card-why"', 1)[1].split("</section>", 1)[0]
    assert "Service" in why_now and "Birthday" not in why_now
    auth.post(f"/clients/{client.id}/communication", {"frequency": "normal"})
    db.session.expire_all()
    assert (birthday.status, birthday.note, birthday.closed_at) == ("open", None, None)


def test_any_associate_of_the_store_may_open_and_edit_a_walk_in(auth):
    owner_of_book = make_user()
    walk_in = make_client(owner_of_book, first_name="Walk")
    colleague = make_user()
    auth.login(colleague.email)
    assert auth.client.get(f"/clients/{walk_in.id}").status_code == 200
    assert auth.post(f"/clients/{walk_in.id}/notes", {"notes": "Came in for a cleaning"}).status_code == 303
    db.session.expire_all()
    assert db.session.get(Client, walk_in.id).notes == "Came in for a cleaning"


def test_signed_out_visitor_is_sent_to_sign_in(client):
    other = make_client(make_user())
    for path in (f"/clients/{other.id}", f"/clients/{other.id}/edit/notes"):
        response = client.get(path)
        assert response.status_code in (302, 303) and "/login" in response.headers["Location"]
