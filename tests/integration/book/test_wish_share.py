"""Gift-giver wish lists: a list per person, a private link a giver opens without a login, revoked at once."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from jewelpwa.extensions import db
from jewelpwa.models import ShareLink, WishItem
from jewelpwa.services.book.trade_up import save_share_phone

from ..conftest import make_user
from ..factories import add_date, add_person, make_client

TODAY = date(2026, 6, 9)


@pytest.fixture(autouse=True)
def store_clock(clock):
    clock.set_day(TODAY)


def words(page: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def tom_and_anna(auth, birthday: date = TODAY + timedelta(days=21)):
    """Tom Baker (phone, e-mail, notes) buys for his partner Anna Kowalski, whose birthday is three weeks away."""
    owner = make_user(role="owner", store="Gem & Co")
    auth.login(owner.email)
    save_share_phone(owner, "(555) 123-4567")
    tom = make_client(owner, first_name="Tom", last_name="Baker", phone="(555) 777-0101", email="tom@baker.test",
                      notes="Prefers a quiet corner")
    anna = add_person(tom, "Anna Kowalski", "partner")
    add_date(tom, "birthday", birthday.month, birthday.day, person=anna)
    return owner, tom, anna


def add_wish_via_form(auth, client_id, **fields):
    return auth.post(f"/clients/{client_id}/wishes/new", fields, token_from=f"/clients/{client_id}/wishes/new")


def send_link(auth, client_id, person_id=None):
    data = {"person_id": str(person_id)} if person_id else {}
    response = auth.post(f"/clients/{client_id}/wish-lists/share", data, token_from=f"/clients/{client_id}")
    page = response.get_data(as_text=True)
    match = re.search(r"(http://[^\s\"<]+/w/([A-Za-z0-9_-]+))", html.unescape(page))
    return response, page, match


def test_wish_form_offers_the_clients_people_and_the_card_groups_wishes_by_whose_list(auth):
    _, tom, anna = tom_and_anna(auth)
    form = auth.client.get(f"/clients/{tom.id}/wishes/new").get_data(as_text=True)
    assert f'<option value="{anna.id}">Anna Kowalski (partner)' in form
    chosen = auth.client.get(f"/clients/{tom.id}/wishes/new?person_id={anna.id}").get_data(as_text=True)
    assert f'<option value="{anna.id}" selected>Anna Kowalski (partner)' in chosen
    assert add_wish_via_form(auth, tom.id, description="Emerald studs", person_id=str(anna.id), metal="yellow gold",
                             price_hint="900").status_code == 303
    add_wish_via_form(auth, tom.id, description="Steel dive watch")
    card = words(auth.client.get(f"/clients/{tom.id}").get_data(as_text=True))
    wishes = card.split("Wish lists", 1)[1]
    assert wishes.index("Tom (client) Steel dive watch") < wishes.index("Anna (partner)")
    assert "Emerald studs (yellow gold) about $900" in wishes


def test_shared_list_shows_only_the_first_name_items_and_the_store(app, auth):
    _, tom, anna = tom_and_anna(auth)
    add_wish_via_form(auth, tom.id, description="Emerald studs", person_id=str(anna.id), stone="emerald", price_hint="900")
    add_wish_via_form(auth, tom.id, description="Steel dive watch")  # Tom's own list: not on Anna's page
    response, page, match = send_link(auth, tom.id, anna.id)
    assert response.status_code == 200 and match, page
    url, token = match.groups()
    assert len(token) >= 43  # 256 random bits, base64url
    [link] = db.session.scalars(select(ShareLink))
    assert link.token_hash != token and len(link.token_hash) == 64 and token not in link.token_hash
    # The giver for Anna's list is Tom: a text to his number and an e-mail to his address, ready to send.
    assert 'href="sms:+15557770101?&amp;body=Hi%20Tom%21%20Here%20is%20Anna%27s%20wish%20list' in page
    assert 'href="mailto:tom@baker.test?subject=' in page

    stranger = app.test_client()  # no login
    shared = stranger.get(f"/w/{token}")
    body = shared.get_data(as_text=True)
    assert shared.status_code == 200
    assert "noindex" in shared.headers["X-Robots-Tag"] and '<meta name="robots" content="noindex' in body
    text = words(body)
    assert "Anna’s wish list" in text and "Emerald studs" in text and "emerald · around $900" in text
    assert "Gem & Co" in text and "(555) 123-4567" in text
    for private in ("Kowalski", "Baker", "Tom", "777-0101", "5557770101", "tom@baker.test", "quiet corner",
                    "Steel dive watch", "partner"):
        assert private not in body, private


def test_revoked_link_is_404_at_once_and_bought_items_leave_the_shared_list(app, auth):
    _, tom, anna = tom_and_anna(auth)
    add_wish_via_form(auth, tom.id, description="Emerald studs", person_id=str(anna.id))
    add_wish_via_form(auth, tom.id, description="Pearl strand", person_id=str(anna.id))
    token = send_link(auth, tom.id, anna.id)[2].group(2)
    stranger = app.test_client()
    studs = db.session.scalar(select(WishItem).where(WishItem.description == "Emerald studs"))
    assert auth.post(f"/wishes/{studs.id}/status", {"status": "bought"}, token_from=f"/clients/{tom.id}").status_code == 303
    body = stranger.get(f"/w/{token}").get_data(as_text=True)
    assert "Pearl strand" in body and "Emerald studs" not in body
    card = words(auth.client.get(f"/clients/{tom.id}").get_data(as_text=True))
    wishes = card.split("Wish lists", 1)[1].split("Referrals", 1)[0]
    assert "Pearl strand" in wishes and "Emerald studs" not in wishes

    card = auth.client.get(f"/clients/{tom.id}").get_data(as_text=True)
    assert "Revoke link" in card
    revoked = auth.post(f"/clients/{tom.id}/wish-lists/revoke", {"person_id": str(anna.id)},
                        token_from=f"/clients/{tom.id}")
    assert revoked.status_code == 303
    assert stranger.get(f"/w/{token}").status_code == 404
    assert stranger.get("/w/not-a-real-token").status_code == 404
    # A link anyone can open without a login: the owner's audit trail says who made it and who revoked it,
    # without the names on the list.
    trail = words(auth.client.get("/owner/audit").get_data(as_text=True))
    assert "made a share link to a wish list from Tom Baker's card" in trail
    assert "revoked 1 share link from Tom Baker's card" in trail
    assert "Anna" not in trail


def test_clients_own_list_is_sent_to_the_partner_whose_number_the_phone_asks_for(auth):
    _, tom, _ = tom_and_anna(auth)
    add_wish_via_form(auth, tom.id, description="Steel dive watch")
    _, page, match = send_link(auth, tom.id)
    assert match and "Send Tom’s wish list" in words(page)
    assert 'href="sms:?&amp;body=Hi%20Anna%21%20Tom%20has%20a%20wish%20list' in page
    assert "keep it from Tom" in words(page)


def test_a_list_with_nothing_open_cannot_be_shared(auth):
    _, tom, anna = tom_and_anna(auth)
    response, _, match = send_link(auth, tom.id, anna.id)
    assert response.status_code == 303 and match is None
    assert db.session.scalar(select(ShareLink.id)) is None


def test_card_suggests_sending_the_list_exactly_in_the_three_weeks_before_the_birthday(auth, clock):
    _, tom, anna = tom_and_anna(auth)  # Anna's birthday is TODAY + 21 days
    add_wish_via_form(auth, tom.id, description="Emerald studs", person_id=str(anna.id))

    def card_on(day: date) -> str:
        clock.set_day(day)
        return auth.client.get(f"/clients/{tom.id}").get_data(as_text=True)

    assert "send Tom Anna's wish list" not in words(card_on(TODAY - timedelta(days=1)))
    card = card_on(TODAY)
    talking = words(card).split("Talking points", 1)[1].strip()
    assert talking.startswith("Anna's birthday is in 3 weeks — send Tom Anna's wish list")  # first: it cannot wait
    assert 'class="btn btn-primary">Send wish list' in card
    assert "Anna's birthday is tomorrow — send Tom" in words(card_on(TODAY + timedelta(days=20)))
    assert "send Tom Anna's wish list" not in words(card_on(TODAY + timedelta(days=21)))
    # Once sent, the suggestion rests until the next birthday.
    send_link(auth, tom.id, anna.id)
    assert "send Tom Anna's wish list" not in words(card_on(TODAY + timedelta(days=2)))


def test_opening_line_offers_the_client_their_persons_list_in_the_window(auth):
    _, tom, anna = tom_and_anna(auth)  # the autouse clock is at TODAY, Anna's birthday TODAY + 21 days
    add_wish_via_form(auth, tom.id, description="Emerald studs", person_id=str(anna.id))
    card = words(auth.client.get(f"/clients/{tom.id}").get_data(as_text=True))
    assert "Anna's birthday is in 3 weeks: shall I send you Anna's wish list?" in card.split("Say:", 1)[1]


def test_another_stores_list_person_and_items_are_404(auth):
    _, tom, _ = tom_and_anna(auth)
    other = make_user(store="Other Store")
    theirs = make_client(other, first_name="Zed")
    stranger = add_person(theirs, "Yara Zed", "partner")
    wish = WishItem(store_id=other.store_id, client_id=theirs.id, person_id=stranger.id, description="Their secret")
    db.session.add(wish)
    db.session.commit()
    for path in (f"/clients/{tom.id}/wish-lists/share", f"/clients/{tom.id}/wish-lists/revoke"):
        assert auth.post(path, {"person_id": str(stranger.id)}, token_from=f"/clients/{tom.id}").status_code == 404
    assert auth.post(f"/clients/{theirs.id}/wish-lists/share", {}, token_from=f"/clients/{tom.id}").status_code == 404
    assert auth.post(f"/wishes/{wish.id}/status", {"status": "removed"}, token_from=f"/clients/{tom.id}").status_code == 404
    db.session.expire_all()
    assert db.session.get(WishItem, wish.id).status == "open" and db.session.scalar(select(ShareLink.id)) is None
