"""The client card: why now, coming up, talking points, people, timeline, wishes, referrals, consent."""

from __future__ import annotations

import html
import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from jewelpwa.clock import store_today, utcnow
from jewelpwa.extensions import db
from jewelpwa.models import ConsentEvent, Outreach, Referral, Store, WishItem
from jewelpwa.services.book.purchases import ItemInput, record_purchase
from jewelpwa.services.engine.planner import plan_store_day

from ..conftest import make_user
from ..factories import add_date, add_person, make_client

QUIET_DAY = date(2026, 6, 10)  # Mara's dates and sale fall around it: Mother's Day was May 10, no list open


def today_of(user) -> date:
    return store_today(db.session.get(Store, user.store_id))


def rich_client(user):
    """Mara Quinn: partner Anna with a birthday in 10 days, a sapphire pendant for Anna 20 days ago, a wish."""
    on = today_of(user)
    client = make_client(user, first_name="Mara", last_name="Quinn", metals=["white gold"], stones=["sapphire"])
    anna = add_person(client, "Anna Quinn", "partner")
    soon = on + timedelta(days=10)
    add_date(client, "birthday", soon.month, soon.day, person=anna)
    later = on + timedelta(days=100)
    add_date(client, "anniversary", later.month, later.day, year=later.year - 25)
    purchase = record_purchase(user, client.id, on - timedelta(days=20),
                               [ItemInput("pendant", "2400", metal="white gold", stone="sapphire",
                                          description="Sapphire pendant")],
                               occasion="Anniversary", recipient_person_id=anna.id, today=on)
    db.session.add(WishItem(store_id=client.store_id, client_id=client.id, description="Sapphire earrings"))
    db.session.add(Outreach(store_id=client.store_id, client_id=client.id, user_id=user.id, channel="call",
                            outcome="reached", note="Loved the pendant", occurred_on=on - timedelta(days=8),
                            occurred_at=utcnow() - timedelta(days=8)))
    db.session.commit()
    plan_store_day(db.session.get(Store, user.store_id), on)
    return client, purchase


def page(auth, client_id, **kwargs):
    response = auth.client.get(f"/clients/{client_id}", **kwargs)
    return response, response.get_data(as_text=True)


def text_of(page_html: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page_html)).split())


def test_card_shows_why_now_talking_points_people_and_timeline_in_order(auth, clock):
    # A day no season touches: the card's first line is then Anna's birthday (overdue) or the check-in. On
    # 2027-02-14 a Valentine's Day on its last day led the card instead ("tier A · last day").
    clock.set_day(QUIET_DAY)
    user = make_user()
    client, _ = rich_client(user)
    auth.login(user.email)
    response, html = page(auth, client.id)
    assert response.status_code == 200
    assert "<html" in html
    words = text_of(html)
    # Why now: Anna's birthday is showing today (a partner birthday opens 28 days before).
    assert "Anna Quinn's birthday" in words.split("Why now", 1)[1].split("Coming up", 1)[0]
    # Coming up: the purchase's later cadence (care, new arrivals, purchase anniversary) is visible at once.
    coming = words.split("Coming up", 1)[1]
    assert "Care check" in coming and "Purchase anniversary" in coming
    # Talking points name the partner and the last purchase.
    assert "Partner: Anna" in words
    assert "Last purchase:" in words and "for Anna" in words
    # People and their dates with a hint.
    assert "Anna Quinn" in words and "in 10 days" in words
    assert "Anniversary" in words and "· 25th in 3 months" in words
    assert "top spender · due" in words or "top spender · overdue" in words
    # Timeline: the call (8 days ago) above the purchase (20 days ago), newest first.
    timeline = words.split("Timeline", 1)[1]
    assert timeline.index("Call · reached") < timeline.index("Purchase · $2,400")
    assert "Loved the pendant" in timeline and "For Anna" in timeline
    assert "Sapphire earrings" in words.split("Wish list", 1)[1]


def test_card_links_to_counter_screens(auth):
    user = make_user()
    client = make_client(user)
    auth.login(user.email)
    _, html = page(auth, client.id)
    for path in ("people/new", "dates/new", "sales/new", "wishes/new", "referral"):
        assert f'href="/clients/{client.id}/{path}"' in html


def test_card_shows_referrals_both_ways(auth):
    user = make_user()
    client = make_client(user, first_name="Rita")
    by = make_client(user, first_name="Bea")
    sent = make_client(user, first_name="Sam")
    on = today_of(user)
    db.session.add_all([Referral(store_id=user.store_id, referrer_id=by.id, referred_id=client.id, recorded_on=on),
                        Referral(store_id=user.store_id, referrer_id=client.id, referred_id=sent.id, recorded_on=on)])
    db.session.commit()
    auth.login(user.email)
    words = text_of(page(auth, client.id)[1])
    assert f"Referred by {by.display_name}" in words
    assert f"Referred 1 client: {sent.display_name}" in words


def test_consent_ledger_is_shown_latest_first(auth):
    user = make_user(name="Dana")
    client = make_client(user, opted_out=["text"])
    db.session.add_all([
        ConsentEvent(store_id=user.store_id, client_id=client.id, user_id=user.id, channel="email", what="opt_out",
                     created_at=datetime(2025, 1, 5, tzinfo=UTC)),
        ConsentEvent(store_id=user.store_id, client_id=client.id, user_id=user.id, channel="text", what="opt_out",
                     created_at=datetime(2026, 3, 9, tzinfo=UTC)),
    ])
    db.session.commit()
    auth.login(user.email)
    words = text_of(page(auth, client.id)[1])
    ledger = words.split("Consent history (2)", 1)[1]
    assert ledger.index("Mar 9, 2026 Opted out of text") < ledger.index("Jan 5, 2025 Opted out of email")
    assert "by Dana" in ledger


def test_contact_links_hide_an_opted_out_channel(auth):
    user = make_user()
    client = make_client(user, opted_out=["text"])
    auth.login(user.email)
    _, html = page(auth, client.id)
    assert 'href="tel:' in html and 'href="mailto:' in html
    assert 'href="sms:' not in html


def test_do_not_contact_client_has_no_contact_links(auth):
    user = make_user()
    client = make_client(user, do_not_contact=True)
    auth.login(user.email)
    _, html = page(auth, client.id)
    assert 'data-channel=' not in html
    assert "No way to contact" in html


def test_notes_with_script_are_escaped(auth):
    user = make_user()
    client = make_client(user, notes='<script>alert("x")</script> likes pearls')
    auth.login(user.email)
    _, html = page(auth, client.id)
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert" in html


def test_timeline_is_capped_with_show_all(auth):
    user = make_user()
    client = make_client(user)
    start = datetime(2025, 1, 1, 15, tzinfo=UTC)
    db.session.add_all([Outreach(store_id=user.store_id, client_id=client.id, user_id=user.id, channel="text",
                                 outcome="replied", note=f"touch {i}", occurred_at=start + timedelta(days=i),
                                 occurred_on=(start + timedelta(days=i)).date()) for i in range(35)])
    db.session.commit()
    auth.login(user.email)
    _, html = page(auth, client.id)
    assert html.count('class="tl-outreach"') == 30
    assert "touch 34" in html and "touch 4<" not in html
    assert "Show all 35" in html
    _, everything = page(auth, client.id, query_string={"all": "1"})
    assert everything.count('class="tl-outreach"') == 35


@pytest.mark.one_database
def test_card_answers_the_same_page_to_a_boosted_request(auth):
    user = make_user()
    client = make_client(user)
    auth.login(user.email)
    _, html = page(auth, client.id, headers={"HX-Request": "true", "HX-Boosted": "true"})
    assert "<html" in html


def test_card_costs_a_fixed_number_of_queries(auth, app):
    from sqlalchemy import event

    user = make_user()
    counts = []
    auth.login(user.email)
    for _ in range(2):
        client, _ = rich_client(user)
        add_person(client, "Kid", "child")
        db.session.add(WishItem(store_id=client.store_id, client_id=client.id, description="Charm",
                                price_hint=Decimal("80")))
        db.session.commit()
        seen = []

        def count(*_args, seen=seen):
            seen.append(1)

        event.listen(db.engine, "before_cursor_execute", count)
        try:
            assert page(auth, client.id)[0].status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        counts.append(len(seen))
    # measured: 20 on SQLite, 18 on PostgreSQL, sign-in lookups included; a first view in 10 minutes adds its
    # audit row (services/owner/audit.py: the check, then BEGIN IMMEDIATE and INSERT on a connection of its own).
    assert counts[0] == counts[1] <= 27


def test_another_stores_client_is_404_on_every_card_route(auth):
    user = make_user(store="Store A")
    other = make_client(make_user(store="Store B"), notes="secret")
    auth.login(user.email)
    assert auth.client.get(f"/clients/{other.id}").status_code == 404
    for section in ("contact", "preferences", "communication", "notes"):
        assert auth.client.get(f"/clients/{other.id}/edit/{section}").status_code == 404
        assert auth.client.get(f"/clients/{other.id}", query_string={"section": section},
                               headers={"HX-Request": "true"}).status_code == 404
        response = auth.post(f"/clients/{other.id}/{section}", {"notes": "mine now", "first_name": "X"})
        assert response.status_code == 404
    db.session.expire_all()
    assert db.session.get(type(other), other.id).notes == "secret"
