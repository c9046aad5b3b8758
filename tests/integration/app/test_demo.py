"""The demo store: signed into with its one printed password, full of families, dates, consent and five years of sales.

The book alone (`past_days=0`) unless a test needs the past the engine lives (tests/integration/app/test_demo_past.py
checks what that past shows)."""

from __future__ import annotations

import calendar
import re
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import delete, func, select

from jewelpwa.demo.seed import STORE_NAME, seed_demo_store
from jewelpwa.domain.client_columns import fold
from jewelpwa.domain.occasions import MILESTONE_YEARS, anniversary_years, next_yearly_on, yearly_on
from jewelpwa.domain.vocab import DateKind, Relation, Role
from jewelpwa.extensions import db
from jewelpwa.models import (
    Client,
    ConsentEvent,
    FollowUp,
    ImportantDate,
    Outreach,
    Person,
    Purchase,
    PurchaseItem,
    Referral,
    Store,
    User,
    WishItem,
)
from jewelpwa.services.errors import Invalid

from ..conftest import Auth, make_user, new_client

TODAY = date(2026, 3, 10)
CLIENTS = 200


@pytest.fixture
def demo(app):
    return seed_demo_store(clients=CLIENTS, today=TODAY, past_days=0)


def table_counts() -> dict[str, int]:
    db.session.rollback()
    return {t.name: db.session.scalar(select(func.count()).select_from(t)) for t in db.metadata.sorted_tables}


def test_cli_prints_the_logins_and_each_signs_in_with_the_one_password(app):
    db.session.rollback()
    result = app.test_cli_runner().invoke(args=["demo", "seed", "--clients", str(CLIENTS), "--past-days", "3"])
    assert result.exit_code == 0, result.output
    assert f"Demo store '{STORE_NAME}': {CLIENTS} clients" in result.output
    assert re.search(r"[1-9]\d* calls, texts and emails logged in the last 3 days", result.output)
    password = re.search(r"password for all: ([\w-]+)\)", result.output).group(1)
    assert len(password) >= 12
    logins = re.findall(r"^\s+(owner|associate)\s+(\S+@harborvine\.demo)$", result.output, re.M)
    assert sorted(role for role, _ in logins) == ["associate", "associate", "associate", "owner"]

    for role, email in logins:
        browser = new_client(app)
        login_page = browser.get("/login").get_data(as_text=True)
        assert password not in login_page
        response = Auth(browser).login(email, password)
        assert response.status_code == 303, f"{role} {email} could not sign in"
        assert browser.get("/today").status_code == 200
    assert Auth(new_client(app)).login(logins[0][1], "not-the-demo-password").status_code == 401

    staff = db.session.scalars(select(User)).all()
    assert {(u.role, u.daily_target) for u in staff} == {(Role.OWNER, 10), (Role.ASSOCIATE, 10)}
    assert all(password not in u.password_hash for u in staff)


def test_store_is_in_new_york_with_clients_spread_over_the_associates(demo):
    store = db.session.get(Store, demo.store_id)
    assert (store.name, store.timezone, store.country, store.morning_hour) == (STORE_NAME, "America/New_York", "US", 8)
    clients = db.session.scalars(select(Client)).all()
    assert len(clients) == demo.clients == CLIENTS
    associates = db.session.scalars(select(User.id).where(User.role == Role.ASSOCIATE)).all()
    per_associate = defaultdict(int)
    for c in clients:
        per_associate[c.assigned_to_id] += 1
    assert all(per_associate[a] >= CLIENTS * 0.25 for a in associates)
    assert 0 < per_associate[None] < CLIENTS * 0.1
    assert len({c.client_number for c in clients}) == CLIENTS and all(re.fullmatch(r"C1\d{4}", c.client_number)
                                                                       for c in clients)
    assert all(c.search_name == fold(f"{c.first_name} {c.last_name}") for c in clients)
    with_phone = [c for c in clients if c.phone]
    assert all("555-01" in c.phone and c.phone_digits == "1" + re.sub(r"\D", "", c.phone) for c in with_phone)
    assert all(c.email.endswith(("@example.com", "@example.org")) for c in clients if c.email)
    assert 0 < sum(c.email is None for c in clients) < CLIENTS * 0.3
    assert 0.55 < sum(c.address_line1 is not None for c in clients) / CLIENTS < 0.85
    assert all(TODAY - timedelta(days=8 * 366) <= c.first_seen_on < TODAY for c in clients)
    assert {"bridal", "collector", "watch"} <= {tag for c in clients for tag in c.tags}
    assert any(c.ring_size for c in clients) and any(c.metals for c in clients) and any(c.stones for c in clients)


def test_families_and_yearly_dates_include_milestones_and_leap_days(demo):
    people = db.session.scalars(select(Person)).all()
    partners = [p for p in people if p.relation == Relation.PARTNER]
    children = [p for p in people if p.relation == Relation.CHILD]
    assert 0.45 * CLIENTS <= len(partners) <= 0.8 * CLIENTS
    assert len({p.client_id for p in children}) >= 0.2 * CLIENTS
    assert any(p.relation == Relation.PARENT for p in people)

    dates = db.session.scalars(select(ImportantDate)).all()
    birthday_of = {d.person_id for d in dates if d.kind == DateKind.BIRTHDAY and d.person_id}
    assert all(p.id in birthday_of for p in partners)
    client_birthdays = [d for d in dates if d.kind == DateKind.BIRTHDAY and d.person_id is None]
    assert 0.65 * CLIENTS <= len(client_birthdays) <= 0.95 * CLIENTS

    anniversaries = [d for d in dates if d.kind == DateKind.ANNIVERSARY]
    assert len({d.client_id for d in anniversaries}) >= 0.4 * len(partners)
    known = [d for d in anniversaries if d.year]
    years = [anniversary_years(d.year, next_yearly_on(d.month, d.day, TODAY)) for d in known]
    assert any(n in MILESTONE_YEARS for n in years)
    assert len(set(years)) >= 10

    leap_days = [d for d in dates if (d.month, d.day) == (2, 29)]
    assert len(leap_days) >= 6
    assert all(d.md == 229 and (d.year is None or calendar.isleap(d.year)) for d in leap_days)
    assert any(d.kind == DateKind.CUSTOM and d.label == "Graduation" for d in dates)
    assert all(d.year is None or yearly_on(d.month, d.day, d.year) <= TODAY for d in dates)


def test_opt_outs_and_do_not_contact_are_recorded_and_respected(demo):
    clients = db.session.scalars(select(Client)).all()
    events = db.session.scalars(select(ConsentEvent)).all()
    dnc = [c for c in clients if c.do_not_contact]
    opted = [c for c in clients if c.opted_out]
    assert dnc and opted
    dnc_at = {e.client_id: e.created_at for e in events if e.what == "do_not_contact"}
    assert all(c.id in dnc_at for c in dnc)
    opt_outs = {(e.client_id, e.channel) for e in events if e.what == "opt_out"}
    assert all((c.id, ch) in opt_outs for c in opted for ch in c.opted_out)
    assert all(c.preferred_channel not in c.opted_out for c in opted)

    by_id = {c.id: c for c in clients}
    for o in db.session.scalars(select(Outreach)).all():
        client = by_id[o.client_id]
        assert o.channel not in client.opted_out
        if client.do_not_contact:
            assert o.occurred_at <= dnc_at[client.id]


def test_five_years_of_sales_with_items_seasons_and_tiers(demo):
    purchases = db.session.scalars(select(Purchase)).all()
    assert len(purchases) == demo.purchases > CLIENTS
    assert len({p.purchased_on.year for p in purchases}) >= 4
    assert all(TODAY - timedelta(days=5 * 366) <= p.purchased_on < TODAY for p in purchases)
    assert len({p.receipt_number for p in purchases}) == len(purchases)
    by_month = defaultdict(int)
    for p in purchases:
        by_month[p.purchased_on.month] += 1
    assert by_month[12] > 1.5 * by_month[3] and by_month[2] > by_month[3]

    sums = dict(db.session.execute(select(PurchaseItem.purchase_id, func.sum(PurchaseItem.price))
                                   .group_by(PurchaseItem.purchase_id)).all())
    assert all(sums[p.id] == p.total for p in purchases)
    items = db.session.scalars(select(PurchaseItem)).all()
    assert {"ring", "earrings", "necklace", "pendant", "bracelet", "watch", "repair"} <= {i.category for i in items}
    assert all(Decimal(40) <= i.price <= Decimal(300) for i in items if i.category == "repair")
    assert any(i.stone == "diamond" and i.category == "ring" and i.price >= 1500 for i in items)
    assert {"anniversary", "birthday", "holiday", "engagement", "self", "valentines", "mothers_day"} <= {
        p.occasion for p in purchases}
    owner_of = dict(db.session.execute(select(Person.id, Person.client_id)).all())
    gifts = [p for p in purchases if p.recipient_person_id]
    assert gifts and all(owner_of[p.recipient_person_id] == p.client_id for p in gifts)

    clients = db.session.scalars(select(Client)).all()
    since = TODAY - timedelta(days=730)
    spend = defaultdict(Decimal)
    for p in purchases:
        if p.purchased_on >= since:
            spend[p.client_id] += p.total
    assert all(c.spend_24m == spend[c.id] for c in clients)
    tiers = {c.tier for c in clients}
    assert tiers == {"A", "B", "C"}
    lowest_a = min(c.spend_24m for c in clients if c.tier == "A")
    assert all(c.spend_24m < lowest_a for c in clients if c.tier != "A")
    # A is the top fifth of the clients who spent in the 24 months (domain.ranking.assign_tiers).
    assert 0.15 <= sum(c.tier == "A" for c in clients) / sum(c.spend_24m > 0 for c in clients) <= 0.25


def test_wishes_and_referrals_fill_the_card_and_the_clocks_count_the_sales(demo):
    assert db.session.scalar(select(func.count()).select_from(WishItem).where(WishItem.status == "open")) > 0
    clients = {c.id: c for c in db.session.scalars(select(Client))}
    referrals = db.session.scalars(select(Referral)).all()
    assert referrals
    assert all(clients[r.referred_id].referred_by_id == r.referrer_id for r in referrals)
    assert all(clients[r.referrer_id].first_seen_on < clients[r.referred_id].first_seen_on for r in referrals)
    # Without a past: no outreach, only today's plan (made as the worker's morning run would), and a sale is the
    # last conversation.
    assert db.session.scalar(select(func.count()).select_from(Outreach)) == 0
    today = db.session.scalar(select(Store.last_planned_on))
    windows = db.session.execute(select(FollowUp.opens_on, FollowUp.expires_on)).all()
    assert windows and all(opens <= today <= expires for opens, expires in windows)
    last_sale = dict(db.session.execute(select(Purchase.client_id, func.max(Purchase.purchased_on))
                                        .group_by(Purchase.client_id)).all())
    assert all(c.last_reached_on == c.last_touch_on == last_sale.get(c.id) for c in clients.values())


def test_seed_if_empty_a_second_time_returns_none_and_changes_nothing(app):
    assert seed_demo_store(clients=CLIENTS, if_empty=True, today=TODAY, past_days=0) is not None
    before = table_counts()
    hashes = db.session.scalars(select(User.password_hash).order_by(User.id)).all()
    assert seed_demo_store(clients=CLIENTS, if_empty=True, today=TODAY) is None
    assert table_counts() == before
    assert db.session.scalars(select(User.password_hash).order_by(User.id)).all() == hashes


def test_second_demo_store_is_refused_without_writing_anything(demo):
    before = table_counts()
    with pytest.raises(Invalid):
        seed_demo_store(clients=CLIENTS, today=TODAY)
    assert table_counts() == before


def test_a_past_that_fails_halfway_leaves_no_store_behind(app, monkeypatch):
    """The book is committed before its past begins; a failure while living it deletes the whole store."""
    import jewelpwa.demo.simulate as simulate

    logged = []
    real = simulate.log_outreach

    def failing(*args, **kwargs):
        if len(logged) == 5:
            raise RuntimeError("the disk filled up")
        logged.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(simulate, "log_outreach", failing)
    with pytest.raises(RuntimeError):
        seed_demo_store(clients=CLIENTS, today=TODAY, past_days=5)
    assert len(logged) == 5
    assert {name: n for name, n in table_counts().items() if n} == {}


def test_every_demo_row_belongs_to_the_demo_store(app):
    other = make_user("Other Store")
    assert seed_demo_store(clients=CLIENTS, if_empty=True, today=TODAY) is None
    result = seed_demo_store(clients=CLIENTS, today=TODAY, past_days=7)
    store_of_client = dict(db.session.execute(select(Client.id, Client.store_id)).all())
    for model in (Client, Person, ImportantDate, Purchase, PurchaseItem, WishItem, Referral, ConsentEvent, Outreach,
                  FollowUp):
        rows = db.session.scalars(select(model)).all()
        assert rows and all(r.store_id == result.store_id for r in rows), model.__name__
        for column in ("client_id", "referrer_id", "referred_id"):
            assert all(store_of_client[getattr(r, column)] == result.store_id for r in rows if hasattr(r, column))
    staff = set(db.session.scalars(select(User.id).where(User.store_id == result.store_id)))
    assert len(staff) == 4 and other.id not in staff
    assert all(c.assigned_to_id in staff for c in db.session.scalars(select(Client)) if c.assigned_to_id)
    assert all(p.associate_id in staff for p in db.session.scalars(select(Purchase)))
    assert all(o.user_id in staff for o in db.session.scalars(select(Outreach)))


def test_same_seed_and_day_give_the_same_store_and_past_but_a_new_password(app):
    def snapshot():
        clients = db.session.execute(select(Client.client_number, Client.search_name, Client.phone, Client.tier,
                                            Client.spend_24m, Client.first_seen_on).order_by(Client.client_number))
        sales = db.session.execute(select(Client.client_number, Purchase.receipt_number, Purchase.purchased_on,
                                          Purchase.total).join(Client, Client.id == Purchase.client_id))
        touches = db.session.execute(select(Client.client_number, Outreach.occurred_at, Outreach.channel,
                                            Outreach.outcome, Outreach.note)
                                     .join(Client, Client.id == Outreach.client_id))
        return clients.all(), sorted(sales.all(), key=repr), sorted(touches.all(), key=repr)

    first = seed_demo_store(clients=CLIENTS, today=TODAY, past_days=7)
    before = snapshot()
    assert before[2], "the past made no outreach"
    db.session.execute(delete(Store))
    db.session.commit()
    second = seed_demo_store(clients=CLIENTS, today=TODAY, past_days=7)
    assert snapshot() == before
    assert first.password != second.password


def test_the_demo_book_has_named_loyalty_tiers_by_lifetime_spend(demo):
    """The card and the lists show a tier from the first start: each client's tier matches their lifetime spend."""
    from jewelpwa.models import Client, Purchase

    spend = dict(db.session.execute(select(Purchase.client_id, func.sum(Purchase.total))
                                    .where(Purchase.store_id == demo.store_id).group_by(Purchase.client_id)).all())
    tiers = dict(db.session.execute(select(Client.id, Client.loyalty_tier).where(Client.store_id == demo.store_id)).all())
    expected = {cid: ("Platinum" if spend.get(cid, 0) >= 10000 else "Gold" if spend.get(cid, 0) >= 2500 else "Silver")
                for cid in tiers}
    assert tiers == expected
    assert {"Silver", "Gold", "Platinum"} <= set(tiers.values())
