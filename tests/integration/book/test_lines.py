"""Lines that fit (issue 18): Today's rows and the card say who calls from which store, ask about a gift as a
gift, never "it's been a while" to a new or recent client, use a saved holiday list, and respect "no pitch"."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta
from urllib.parse import unquote

import pytest

from jewelpwa.extensions import db
from jewelpwa.models import Client, Store
from jewelpwa.services.book.gift_list import GiftInput, add_gift_list
from jewelpwa.services.book.purchases import ItemInput, record_purchase
from jewelpwa.services.engine.planner import plan_store_day

from ..conftest import make_user
from ..factories import add_person, make_client
from .test_today_actions import row_of

OCTOBER = date(2026, 10, 20)  # outside the holiday season: a check-in leads its card alone
DECEMBER = date(2026, 12, 6)


@pytest.fixture
def maya(auth):
    user = make_user(store="Harbor & Vine", name="Maya Chen")
    auth.login(user.email)
    return user


def plan(user, day: date) -> None:
    plan_store_day(db.session.get(Store, user.store_id), day)


def say(page: str) -> str:
    """The call script shown under the buttons, unescaped."""
    match = re.search(r'<p class="opening"><span class="opening-label">Say:</span> “([^”]*)”', page)
    assert match, "no opening line"
    return html.unescape(match.group(1))


def old_client(user, **overrides) -> Client:
    """A client in the book for years, last reached three weeks ago: no reconnect, no frequency hold."""
    return make_client(user, first_seen_on=date(2019, 3, 1), last_reached_on=OCTOBER - timedelta(days=21),
                       last_touch_on=OCTOBER - timedelta(days=21), **overrides)


def gift_row(client, user, recipient: str, item: ItemInput) -> str:
    """Grace's Today row on OCTOBER, 19 days after she bought `item` for `recipient` (its check-in is open)."""
    grace = old_client(user, first_name="Grace")
    person = add_person(grace, recipient, "partner")
    record_purchase(user, grace.id, OCTOBER - timedelta(days=19), [item], recipient_person_id=person.id,
                    today=OCTOBER)
    plan(user, OCTOBER)
    return row_of(client.get("/today").get_data(as_text=True), grace.id)


def test_today_asks_about_a_gift_as_a_gift_and_says_who_calls_from_where(client, maya, clock):
    clock.set_day(OCTOBER)
    row = gift_row(client, maya, "Kenji Sato", ItemInput("bracelet", "4200", stone="diamond"))

    assert say(row) == "Hi Grace, it's Maya at Harbor & Vine. Did Kenji love the diamond bracelet?"
    assert "Harbor &amp; Vine" in row  # escaped in the page
    sms = unquote(html.unescape(re.search(r'href="(sms:[^"]+)"', row).group(1)))
    assert sms.endswith("body=Hi Grace, it's Maya at Harbor & Vine. Did Kenji love the diamond bracelet?")
    assert "%26" in re.search(r'href="(sms:[^"]+)"', row).group(1)  # the & cannot end the body early


def test_a_gift_recipients_name_is_escaped_in_the_row(client, maya, clock):
    clock.set_day(OCTOBER)
    row = gift_row(client, maya, "<b>Ken</b>", ItemInput("ring", "900", stone="opal"))
    assert "Did &lt;b&gt;Ken&lt;/b&gt; love the opal ring?" in row and "<b>Ken</b>" not in row


def test_the_card_welcomes_a_client_added_today_and_thanks_for_a_ring_bought_two_days_ago(client, maya, clock):
    clock.set_day(OCTOBER)
    new = make_client(maya, first_name="Nell", first_seen_on=OCTOBER)
    bride = old_client(maya, first_name="Bea")
    record_purchase(maya, bride.id, OCTOBER - timedelta(days=2),
                    [ItemInput("ring", "10395", stone="diamond", description="Engagement ring")], occasion="engagement",
                    today=OCTOBER)
    plan(maya, OCTOBER)

    welcome = say(client.get(f"/clients/{new.id}").get_data(as_text=True))
    thanks = say(client.get(f"/clients/{bride.id}").get_data(as_text=True))

    assert welcome == "Hi Nell, it's Maya at Harbor & Vine. It was lovely to meet you. I'm here whenever you need anything."
    assert thanks == "Hi Bea, it's Maya at Harbor & Vine. Thank you again for choosing the diamond ring. I hope you love it!"


def test_after_the_holiday_list_is_saved_today_uses_its_names(client, maya, clock):
    clock.set_day(DECEMBER)
    grace = make_client(maya, first_name="Grace", first_seen_on=date(2019, 3, 1), tier="A",
                        last_reached_on=DECEMBER - timedelta(days=21), last_touch_on=DECEMBER - timedelta(days=21))
    add_gift_list(maya, grace.id, [GiftInput("Kenji Sato", "partner"), GiftInput("Aiko", "child")], DECEMBER)
    plan(maya, DECEMBER)

    line = say(row_of(client.get("/today").get_data(as_text=True), grace.id))

    assert line.startswith("Hi Grace, it's Maya at Harbor & Vine. ")
    assert "Kenji" in line or "Aiko" in line, line
    assert "Who's on yours" not in line


def test_no_pitch_on_the_notes_form_turns_new_arrivals_into_a_hello(client, maya, clock, auth):
    clock.set_day(OCTOBER)
    grace = old_client(maya, first_name="Grace")
    record_purchase(maya, grace.id, OCTOBER - timedelta(days=200),
                    [ItemInput("pendant", "600", metal="yellow gold")], today=OCTOBER - timedelta(days=200))
    plan(maya, OCTOBER)
    card = client.get(f"/clients/{grace.id}").get_data(as_text=True)
    assert "some new pendant in that made me think of you" in say(card)

    saved = auth.post(f"/clients/{grace.id}/notes", {"notes": "Not shopping this season", "no_pitch": "1"},
                      token_from=f"/clients/{grace.id}", headers={"HX-Request": "true"})
    assert saved.status_code == 200
    fragment = saved.get_data(as_text=True)
    assert "No sales pitch" in fragment and "Not shopping this season" in fragment
    # The contact buttons follow at once (out of band), then the whole card.
    assert "say hello" in fragment
    card = client.get(f"/clients/{grace.id}").get_data(as_text=True)
    assert say(card).endswith("I just wanted to say hello and see how you're doing.")
    assert "<li>No sales pitch: see the notes</li>" in card
    form = client.get(f"/clients/{grace.id}/edit/notes").get_data(as_text=True)
    assert re.search(r'name="no_pitch" value="1"[^>]*checked', form)

    auth.post(f"/clients/{grace.id}/notes", {"notes": "Shopping again"}, token_from=f"/clients/{grace.id}")
    db.session.expire_all()
    assert "no-pitch" not in db.session.get(Client, grace.id).tags
    assert "made me think of you" in say(client.get(f"/clients/{grace.id}").get_data(as_text=True))


def test_no_pitch_needs_the_token_and_the_store(client, maya, auth):
    grace = old_client(maya, first_name="Grace", tags=["bridal"])
    stranger = old_client(make_user(store="Other Store"), tags=[])
    refused = client.post(f"/clients/{grace.id}/notes", data={"notes": "x", "no_pitch": "1"})
    elsewhere = auth.post(f"/clients/{stranger.id}/notes", {"notes": "x", "no_pitch": "1"},
                          token_from=f"/clients/{grace.id}")
    assert refused.status_code == 400 and elsewhere.status_code == 404
    db.session.expire_all()
    assert db.session.get(Client, grace.id).tags == ["bridal"]
    assert db.session.get(Client, stranger.id).tags == []
