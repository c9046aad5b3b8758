"""client_facts: what a card and an opening line may mention, read for many clients at once."""

from __future__ import annotations

from datetime import date

from sqlalchemy import event, select

from jewelpwa.domain.ranking import Reason
from jewelpwa.domain.talking import Gift, HolidayGift
from jewelpwa.domain.vocab import Channel, Kind
from jewelpwa.extensions import db
from jewelpwa.models import FollowUp, WishItem
from jewelpwa.services.book.facts import caller_of, client_facts, opening_lines
from jewelpwa.services.book.gift_list import GiftInput, add_gift_list

from ..conftest import make_user
from ..factories import add_person, add_purchase, make_client


def add_wish(client, description: str, status: str = "open") -> None:
    db.session.add(WishItem(store_id=client.store_id, client_id=client.id, description=description, status=status))
    db.session.commit()


def test_facts_name_partner_last_purchase_recipient_preferences_wishes_and_children():
    user = make_user()
    client = make_client(user, first_name="Maria", metals=["platinum"], stones=["sapphire"], ring_size="6")
    anna = add_person(client, "Anna Rossi", "partner")
    add_person(client, "Luca Rossi", "child")
    add_purchase(client, date(2024, 3, 1), category="ring", stone="opal")
    latest = add_purchase(client, date(2025, 12, 20), category="pendant", stone="Sapphire")
    latest.occasion, latest.recipient_person_id = "holiday", anna.id
    db.session.commit()
    add_wish(client, "sapphire earrings")
    add_wish(client, "bought bracelet", status="bought")

    facts = client_facts(user.store_id, [client.id])[client.id]

    assert facts.first_name == "Maria"
    assert facts.partner_name == "Anna"
    assert facts.last_purchase == (date(2025, 12, 20), "sapphire pendant", "holiday")
    assert facts.last_purchase_for == "Anna"
    assert list(facts.metals) == ["platinum"] and list(facts.stones) == ["sapphire"] and facts.ring_size == "6"
    assert list(facts.open_wish_items) == ["sapphire earrings"]
    assert list(facts.children) == ["Luca"]


def test_facts_for_many_clients_take_a_fixed_number_of_queries_and_skip_other_stores():
    user, other = make_user(store="Mine"), make_user(store="Theirs")
    clients = []
    for n in range(12):
        c = make_client(user)
        add_person(c, f"Partner{n}", "partner")
        add_purchase(c, date(2025, 1, 1 + n), category="ring", metal="gold")
        add_wish(c, f"wish {n}")
        clients.append(c)
    stranger = make_client(other)
    store_id, ids = user.store_id, [c.id for c in clients] + [stranger.id]  # loaded before counting
    partner_of_fourth = clients[3].id
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        facts = client_facts(store_id, ids)
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert len(statements) <= 5
    assert set(facts) == set(ids[:-1])
    assert facts[partner_of_fourth].partner_name == "Partner3"
    assert facts[partner_of_fourth].last_purchase[1] == "gold ring"


def test_client_without_data_still_gets_facts_and_openings_for_call_text_and_email():
    user = make_user()
    client = make_client(user, first_name="Sam")
    facts = client_facts(user.store_id, [client.id])[client.id]
    assert facts.partner_name is None and facts.last_purchase is None and not facts.open_wish_items
    reason = Reason(Kind.BIRTHDAY, "Birthday Dec 5", 2.0, date(2026, 12, 5))
    lines = opening_lines(client, [reason], facts, caller_of(user))
    assert set(lines) == {Channel.CALL, Channel.TEXT, Channel.EMAIL}
    assert lines[Channel.TEXT].startswith("Hi Sam, it's Associate at Gem Store.") and "Dec 5" in lines[Channel.TEXT]


def test_facts_carry_gifts_the_saved_holiday_list_recent_moments_and_the_no_pitch_flag(app):
    user = make_user()
    client = make_client(user, first_name="Grace", first_seen_on=date(2019, 5, 1), tags=["bridal", "no-pitch"],
                         last_touch_on=date(2026, 11, 20))
    kenji, aiko = add_person(client, "Kenji Sato", "partner"), add_person(client, "Aiko Sato", "child")
    bracelet = add_purchase(client, date(2026, 10, 1), category="bracelet", stone="diamond")
    bracelet.recipient_person_id = kenji.id
    unnamed = add_purchase(client, date(2026, 2, 14), category="pendant", metal="gold")
    unnamed.occasion = "valentines"
    own = add_purchase(client, date(2026, 11, 1), category="ring", stone="opal")
    own.occasion = "birthday"  # her own birthday: not a gift
    db.session.commit()
    db.session.add(WishItem(store_id=client.store_id, client_id=client.id, person_id=aiko.id,
                            description="pearl studs", status="open"))
    db.session.commit()
    add_gift_list(user, client.id, [GiftInput("Kenji Sato"), GiftInput("Aiko Sato")], date(2026, 11, 20))
    done = db.session.scalar(select(FollowUp).where(FollowUp.source == f"person:{kenji.id}"))
    done.status = "done"
    db.session.commit()

    facts = client_facts(user.store_id, [client.id], date(2026, 12, 6))[client.id]

    assert facts.gifts == (Gift(date(2026, 10, 1), "diamond bracelet", "Kenji"),
                           Gift(date(2026, 2, 14), "gold pendant", None, "valentines"))
    assert facts.last_purchase == (date(2026, 11, 1), "opal ring", "birthday")
    assert facts.holiday_list == (HolidayGift("Kenji", open=False), HolidayGift("Aiko", wish="pearl studs"))
    assert facts.last_touch_on == date(2026, 11, 20) and facts.no_pitch
    assert facts.added_on >= date(2026, 1, 1)  # made today by the test: added now, though "client since 2019"
    # Next season the list is last year's: no names.
    assert client_facts(user.store_id, [client.id], date(2027, 11, 20))[client.id].holiday_list == ()
