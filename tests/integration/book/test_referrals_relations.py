"""Referrals: thank-you follow-ups on the referrer's associate's Today on the right days, counts, top referrers."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta

from jewelpwa.domain.vocab import Kind
from jewelpwa.extensions import db
from jewelpwa.models import Referral, Store, User
from jewelpwa.services.book.purchases import ItemInput, record_purchase
from jewelpwa.services.book.referrals import record_referral
from jewelpwa.services.engine.day_lists import call_list
from jewelpwa.services.engine.planner import plan_store_day

from ..conftest import make_user
from ..factories import make_client

D = date(2026, 3, 2)


def words(page: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def thanks_on(associate_id: int, client_id: int, on: date) -> list[str]:
    """The referral-thanks reasons on the associate's list for `on`, after that night's plan."""
    associate = db.session.get(User, associate_id)
    plan_store_day(db.session.get(Store, associate.store_id), on)
    cards = [c for c in call_list(db.session.get(User, associate_id), on).cards if c.client_id == client_id]
    return [r.text for c in cards for r in c.reasons if r.kind == Kind.REFERRAL_THANKS]


def test_thanks_show_on_todays_list_when_recorded_and_at_the_referred_clients_first_purchase():
    ann = make_user(name="Ann")  # Rita's associate
    counter_clerk = make_user(name="Ben", store=ann.store.name)
    rita = make_client(ann, first_name="Rita", last_name="Ortiz", last_reached_on=D - timedelta(days=5))
    maya = make_client(counter_clerk, first_name="Maya", last_name="Chen")
    record_referral(counter_clerk, maya.id, rita.id, D)
    assert thanks_on(ann.id, rita.id, D) == ["Referral thanks · referred Maya Chen"]
    assert thanks_on(counter_clerk.id, rita.id, D) == []  # Rita's associate thanks her, not the clerk

    first_sale = D + timedelta(days=30)  # the first thanks has expired by then
    record_purchase(counter_clerk, maya.id, first_sale, [ItemInput("ring", "900")], today=first_sale)
    assert thanks_on(ann.id, rita.id, first_sale - timedelta(days=1)) == []
    [reason] = thanks_on(ann.id, rita.id, first_sale)
    assert reason.startswith("Referral thanks")
    # A second sale is not a first purchase: nothing new.
    second = first_sale + timedelta(days=40)
    record_purchase(counter_clerk, maya.id, second, [ItemInput("ring", "300")], today=second)
    assert thanks_on(ann.id, rita.id, second) == []


def refer(referrer, referred, on=D):
    db.session.add(Referral(store_id=referrer.store_id, referrer_id=referrer.id, referred_id=referred.id,
                            recorded_on=on))
    db.session.commit()


def test_card_counts_referred_clients_and_buyers_and_top_referrers_are_in_order(auth):
    owner = make_user(role="owner")
    auth.login(owner.email)
    rita, bea, cal, dee = (make_client(owner, first_name=n, last_name="Ref") for n in ("Rita", "Bea", "Cal", "Dee"))
    spends = {rita: ["500", "700", None], bea: ["100", None, None], cal: ["100"], dee: ["5000"]}
    for referrer, amounts in spends.items():
        for n, amount in enumerate(amounts):
            friend = make_client(owner, first_name=f"{referrer.first_name}friend{n}")
            refer(referrer, friend)
            if amount:
                record_purchase(owner, friend.id, D, [ItemInput("ring", amount)], today=D)
    card = words(auth.client.get(f"/clients/{rita.id}").get_data(as_text=True))
    assert "Referred 3 clients: Ritafriend" in card and "2 of them bought, spending $1,200" in card

    page = words(auth.client.get("/owner/loyalty/").get_data(as_text=True))
    top = page.split("Top referrers", 1)[1]
    assert [m for m in re.findall(r"(\w+) Ref Referred", top)] == ["Rita", "Bea", "Dee", "Cal"]
    assert "Rita Ref Referred 3 clients · 2 bought · they spent $1,200" in top
    assert "Dee Ref Referred 1 client · 1 bought · they spent $5,000" in top
    assert f'href="/clients/{rita.id}"' in auth.client.get("/owner/loyalty/").get_data(as_text=True)
