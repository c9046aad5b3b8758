"""plan_store_day on a real database: windows at their edges, idempotence, catch-up, gate, tiers."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from sqlalchemy import func, select

from jewelpwa.extensions import db
from jewelpwa.models import FollowUp, Store
from jewelpwa.services.engine.agenda import agenda
from jewelpwa.services.engine.day_lists import call_list
from jewelpwa.services.engine.planner import catch_up, plan_store_day

from ..conftest import make_user
from ..factories import add_date, add_person, add_purchase, make_client


def follow_ups(**filters) -> list[FollowUp]:
    return list(db.session.scalars(select(FollowUp).filter_by(**filters).order_by(FollowUp.id)))


def store_of(user) -> Store:
    return db.session.get(Store, user.store_id)


def test_anniversary_appears_on_opening_day_and_not_the_day_before():
    user = make_user()
    client = make_client(user)
    add_date(client, "anniversary", 3, 14, 2001)  # 25th anniversary on 2026-03-14; window opens 56 days before
    plan_store_day(store_of(user), date(2026, 1, 16))
    assert follow_ups(kind="anniversary") == []
    plan_store_day(store_of(user), date(2026, 1, 17))
    [row] = follow_ups(kind="anniversary")
    assert (row.opens_on, row.due_on, row.expires_on) == (date(2026, 1, 17), date(2026, 1, 31), date(2026, 3, 14))
    assert row.detail["years"] == 25 and row.detail["milestone"] == 1
    assert row.assignee_id == user.id


def test_planning_the_same_day_twice_creates_nothing_new():
    user = make_user()
    client = make_client(user)
    add_date(client, "birthday", 12, 5)
    add_purchase(client, date(2026, 10, 1))
    first = plan_store_day(store_of(user), date(2026, 11, 22))
    again = plan_store_day(store_of(user), date(2026, 11, 22))
    assert first.created >= 3 and again.created == 0  # birthday, holiday list, check-in (at least)
    keys = [f.dedupe_key for f in follow_ups()]
    assert len(keys) == len(set(keys))


def test_skipping_a_week_then_catching_up_misses_nothing_and_duplicates_nothing():
    daily_user, gap_user = make_user(store="Daily"), make_user(store="Gap")
    for user in (daily_user, gap_user):
        client = make_client(user)
        add_date(client, "birthday", 12, 1)
        add_date(client, "anniversary", 1, 10, 2016)
        add_purchase(client, date(2026, 8, 20), stone="opal")
    start = date(2026, 11, 1)
    for offset in range(21):
        plan_store_day(store_of(daily_user), start + timedelta(days=offset))
    plan_store_day(store_of(gap_user), start)
    catch_up(gap_user.store_id, start + timedelta(days=20))

    def kinds(user):
        return sorted((f.kind, f.occasion_on, f.status) for f in follow_ups(store_id=user.store_id))

    assert kinds(daily_user) == kinds(gap_user)
    assert store_of(gap_user).last_planned_on == start + timedelta(days=20)


def test_partner_birthday_and_29_february_in_a_common_year():
    user = make_user()
    client = make_client(user)
    partner = add_person(client, "Anna")
    add_date(client, "birthday", 2, 29, 1988, person=partner)
    plan_store_day(store_of(user), date(2027, 2, 1))  # 2027 is common: 28 Feb, window opens 28 days before
    [row] = follow_ups(kind="partner_birthday")
    assert row.occasion_on == date(2027, 2, 28)
    assert row.detail["name"] == "Anna"


def test_do_not_contact_clients_get_no_marketing_follow_ups():
    user = make_user()
    client = make_client(user, do_not_contact=True)
    add_date(client, "birthday", 12, 5)
    plan_store_day(store_of(user), date(2026, 11, 22))
    assert follow_ups(client_id=client.id) == []


def test_frequency_tolerance_moves_inside_window_instead_of_dropping(auth):
    from datetime import UTC, datetime

    from jewelpwa.services.book.outreach import log_outreach

    user = make_user()
    client = make_client(user)
    add_date(client, "birthday", 12, 20)  # window Nov 29 - Dec 20
    plan_store_day(store_of(user), date(2026, 11, 28))
    log_outreach(user, client.id, "call", "reached", now=datetime(2026, 11, 28, 15, tzinfo=UTC))
    plan_store_day(store_of(user), date(2026, 11, 29))
    [row] = follow_ups(kind="birthday")
    assert row.status == "open"
    assert row.show_on == date(2026, 12, 5)  # 7 days after the touch on Nov 28
    assert call_list(user, date(2026, 11, 29)).cards == []
    plan_store_day(store_of(user), date(2026, 12, 5))
    assert [c.client_id for c in call_list(user, date(2026, 12, 5)).cards] == [client.id]


def test_one_card_per_client_with_reasons_merged_and_agenda_lists_each():
    user = make_user()
    client = make_client(user)
    add_date(client, "birthday", 12, 5)
    add_purchase(client, date(2026, 10, 20), stone="pearl", category="necklace")  # check-in window Nov 3 - Nov 24
    plan_store_day(store_of(user), date(2026, 11, 22))
    listing = call_list(user, date(2026, 11, 22))
    assert len(listing.cards) == 1
    kinds = {r.kind for r in listing.cards[0].reasons}
    assert {"birthday", "check_in", "holiday_list"} <= kinds
    lines = agenda(store_of(user), date(2026, 11, 22))
    assert sorted(line["kind"] for line in lines) == sorted(kinds)
    assert all(line["rank"] == 1 and line["assignee"] == user.email for line in lines)


def test_expired_follow_up_keeps_its_reason():
    user = make_user()
    client = make_client(user)
    add_date(client, "birthday", 12, 5)
    plan_store_day(store_of(user), date(2026, 11, 22))
    plan_store_day(store_of(user), date(2026, 12, 6))
    [row] = follow_ups(kind="birthday")
    assert row.status == "expired" and "window closed" in row.note


def test_tiers_follow_24_month_spend_percentiles():
    user = make_user()
    clients = [make_client(user) for _ in range(10)]
    for i, client in enumerate(clients):
        add_purchase(client, date(2026, 6, 1), price=str(1000 * (i + 1)))
    old_spender = make_client(user)
    add_purchase(old_spender, date(2023, 1, 1), price="90000")  # outside 24 months: not counted
    plan_store_day(store_of(user), date(2026, 11, 22))
    tiers = {c.id: db.session.get(type(c), c.id).tier for c in clients + [old_spender]}
    assert [tiers[c.id] for c in clients] == ["C"] * 5 + ["B"] * 3 + ["A"] * 2
    assert tiers[old_spender.id] == "C"


def test_plan_touches_only_its_own_store():
    mine, theirs = make_user(store="Mine"), make_user(store="Theirs")
    add_date(make_client(theirs), "birthday", 12, 5)
    plan_store_day(store_of(mine), date(2026, 11, 22))
    assert db.session.scalar(select(func.count(FollowUp.id))) == 0


def test_today_page_shows_the_ranked_list_with_reasons(client, auth):
    from jewelpwa.clock import store_today

    user = make_user()
    today = store_today(store_of(user))
    soon = today + timedelta(days=10)
    rosa = make_client(user, first_name="Rosa")
    add_date(rosa, "birthday", soon.month, soon.day)
    plan_store_day(store_of(user), today)
    auth.login(user.email)
    page = client.get("/today").get_data(as_text=True)
    [card] = [c for c in call_list(user, today).today if c.client_id == rosa.id]
    assert "0 of 10 contacted today" in page
    assert "Rosa Test" in page
    # Every reason on her card is on the page; the season may put another (a holiday list on its last day)
    # ahead of the birthday, so the birthday is one of them rather than always the first.
    assert all(reason.text in page for reason in card.reasons)
    assert any(reason.kind == "birthday" for reason in card.reasons)


def test_check_in_waits_for_the_birthday_opening_days_later_then_shares_its_card():
    user = make_user()
    client = make_client(user)
    add_date(client, "birthday", 12, 5)  # window opens Nov 14
    add_purchase(client, date(2026, 10, 20))  # check-in window Nov 3 - Nov 24
    plan_store_day(store_of(user), date(2026, 11, 3))
    [check_in] = follow_ups(kind="check_in")
    assert check_in.status == "open" and check_in.show_on == date(2026, 11, 14)
    assert call_list(user, date(2026, 11, 3)).cards == []
    plan_store_day(store_of(user), date(2026, 11, 14))
    [card] = call_list(user, date(2026, 11, 14)).cards
    assert {"birthday", "check_in"} <= {r.kind for r in card.reasons}


def test_a_shown_follow_up_is_skipped_once_the_client_has_no_channel_left():
    user = make_user()
    client = make_client(user, email=None)
    add_date(client, "birthday", 12, 5)
    plan_store_day(store_of(user), date(2026, 11, 22))
    assert len(call_list(user, date(2026, 11, 22)).cards) == 1
    client.opted_out = ["call", "text"]
    db.session.commit()
    plan_store_day(store_of(user), date(2026, 11, 23))
    assert call_list(user, date(2026, 11, 23)).cards == []
    assert {f.status for f in follow_ups(client_id=client.id)} == {"skipped"}


def test_next_day_creates_only_what_opened_and_keeps_tiers():
    user = make_user()
    spender, other = make_client(user), make_client(user)
    add_purchase(spender, date(2026, 6, 1), price="5000")
    add_date(other, "birthday", 12, 14)  # opens Nov 23
    first = plan_store_day(store_of(user), date(2026, 11, 22))
    second = plan_store_day(store_of(user), date(2026, 11, 23))
    assert first.created >= 1 and second.created == 1
    assert [f.opens_on for f in follow_ups(client_id=other.id, kind="birthday")] == [date(2026, 11, 23)]
    assert db.session.get(type(spender), spender.id).tier == "A"
    assert db.session.get(type(spender), spender.id).spend_24m == 5000


def test_big_first_plan_path_inserts_every_follow_up_once(monkeypatch):
    from jewelpwa.services.engine import follow_ups as follow_up_rows

    monkeypatch.setattr(follow_up_rows, "COPY_FROM_ROWS", 1)  # PostgreSQL takes its COPY path from one row
    user = make_user()
    for day in (5, 6, 7):
        add_date(make_client(user), "birthday", 12, day)
    add_date(make_client(user), "anniversary", 1, 10, 2002)
    first = plan_store_day(store_of(user), date(2026, 11, 22))
    [anniversary] = follow_ups(kind="anniversary")
    assert anniversary.detail == {"years": 25, "milestone": 1, "pace_touches": 0}  # JSON, not a string
    rows = follow_ups(kind="birthday")
    assert first.created >= 4 and len(rows) == 3
    assert {(r.opens_on, r.status, r.assignee_id) for r in rows} == {
        (date(2026, 11, 14), "open", user.id), (date(2026, 11, 15), "open", user.id),
        (date(2026, 11, 16), "open", user.id)}
    again = [follow_up_rows.row_for(r.store_id, r.client_id, r.assignee_id, _proposal_of(r), date(2026, 11, 22))
             for r in rows]
    follow_up_rows.insert_new(again)  # a concurrent planner's duplicates are ignored, not an error
    db.session.commit()
    assert len(follow_ups(kind="birthday")) == 3
    # A batch mixing a key made meanwhile with new ones: the new ones land, the made one is not doubled.
    late = make_client(user)
    add_date(late, "birthday", 12, 8)
    newcomer = follow_up_rows.row_for(rows[0].store_id, late.id, user.id, replace(
        _proposal_of(rows[0]), dedupe_key=f"birthday:late:{late.id}", source=f"late:{late.id}"), date(2026, 11, 22))
    follow_up_rows.insert_new([again[0], newcomer])
    db.session.commit()
    assert len(follow_ups(kind="birthday")) == 4
    assert [r.client_id for r in follow_ups(kind="birthday") if r.source.startswith("late:")] == [late.id]


def test_streamed_rows_skip_a_key_made_meanwhile_and_write_the_rest_once():
    """write_new streams a plan's rows into COPY on PostgreSQL; a key the store already has (made by a sale or
    another planner since the plan looked, or under an older window) must not fail the plan nor double."""
    from jewelpwa.services.engine import follow_ups as follow_up_rows

    user = make_user()
    clients = [make_client(user) for _ in range(3)]
    for client, day in zip(clients, (5, 6, 7), strict=True):
        add_date(client, "birthday", 12, day)
    plan_store_day(store_of(user), date(2026, 11, 22))
    made = follow_ups(kind="birthday")
    late = make_client(user)
    newcomer = follow_up_rows.row_for(made[0].store_id, late.id, user.id, replace(
        _proposal_of(made[0]), dedupe_key=f"birthday:late:{late.id}", source=f"late:{late.id}"), date(2026, 11, 22))
    again = [follow_up_rows.row_for(r.store_id, r.client_id, r.assignee_id, _proposal_of(r), date(2026, 11, 22))
             for r in made]
    # The made key comes after a new row, so on PostgreSQL the COPY has begun before it meets the conflict.
    written = follow_up_rows.write_new(made[0].store_id, iter([newcomer, *again]))
    db.session.commit()
    assert [r["dedupe_key"] for r in written] == [newcomer["dedupe_key"]]
    assert len(follow_ups(kind="birthday")) == 4
    assert sorted(r.client_id for r in follow_ups(kind="birthday")) == sorted([*(c.id for c in clients), late.id])


def _proposal_of(row):
    from jewelpwa.domain.proposals import Proposal
    from jewelpwa.domain.windows import Window

    return Proposal(row.kind, Window(row.opens_on, row.due_on, row.expires_on), row.occasion_on, row.dedupe_key,
                    row.source, row.detail)


def test_new_follow_ups_carry_the_clients_touches_of_the_pace_window():
    from datetime import UTC, datetime

    from jewelpwa.services.book.outreach import log_outreach

    user = make_user()
    touched, quiet = make_client(user), make_client(user)
    log_outreach(user, touched.id, "call", "reached", now=datetime(2026, 6, 1, 15, tzinfo=UTC))
    log_outreach(user, touched.id, "call", "no_answer", now=datetime(2026, 7, 1, 15, tzinfo=UTC))  # not a touch
    # Inside the 12 months, but it ages out within the 60 days looked ahead: it does not keep the pace.
    log_outreach(user, touched.id, "text", "replied", now=datetime(2025, 12, 20, 15, tzinfo=UTC))
    for client in (touched, quiet):
        add_date(client, "birthday", 12, 5)
    plan_store_day(store_of(user), date(2026, 11, 22))
    counts = {f.client_id: f.detail["pace_touches"] for f in follow_ups(kind="birthday")}
    assert counts == {touched.id: 1, quiet.id: 0}
    [first, second] = call_list(user, date(2026, 11, 22)).cards
    assert first.client_id == quiet.id  # same reasons, fewer touches: the quiet client comes first


def test_reconnect_candidates_read_in_sql_match_the_domain_clock_for_every_day():
    from jewelpwa.domain.proposals import reconnect_proposal
    from jewelpwa.domain.vocab import Tier
    from jewelpwa.services.engine import proposing
    from jewelpwa.services.engine.planner import engine_settings

    user = make_user()
    on = date(2026, 11, 22)
    clients = []
    for back in range(0, 200, 3):
        for tier in ("A", "C"):
            clients.append(make_client(user, tier=tier, first_seen_on=on - timedelta(days=back + 400),
                                       last_reached_on=on - timedelta(days=back)))
    settings = engine_settings(store_of(user))
    found = {f.client_id: f.proposal.dedupe_key for f in proposing.reconnects(user.store_id, on, settings)}
    expected = {}
    for c in clients:
        # No touches logged: every client is behind the five-a-year pace.
        p = reconnect_proposal(c.id, c.last_reached_on, c.first_seen_on, Tier(c.tier), on, settings, pace_touches=0)
        if p is not None:
            expected[c.id] = p.dedupe_key
    assert found == expected and len(expected) > 20


def test_reconnect_candidates_read_in_sql_follow_the_pace_clock_of_the_clients_touches():
    """Clients short of five touches in the pace window reconnect on the 60-day clock, the others on their tier's."""
    from datetime import UTC, datetime

    from jewelpwa.domain.proposals import reconnect_proposal
    from jewelpwa.domain.vocab import Tier
    from jewelpwa.models import Outreach
    from jewelpwa.services.engine import proposing
    from jewelpwa.services.engine.planner import engine_settings

    user = make_user()
    on = date(2026, 11, 22)
    touches = {}
    for back in range(0, 130, 2):
        for tier in ("A", "B", "C"):
            for count in (0, 4, 5, 7):
                client = make_client(user, tier=tier, first_seen_on=on - timedelta(days=back + 400),
                                     last_reached_on=on - timedelta(days=back))
                touches[client.id] = (client, count)
                # Voicemails (touches that leave the clock alone) in the last 12 months; one a year ago
                # more, which must not count.
                for n in range(count + 1):
                    day = on - timedelta(days=365 if n == count else 20 + 30 * n)
                    db.session.add(Outreach(store_id=user.store_id, client_id=client.id, user_id=user.id,
                                            channel="call", outcome="voicemail", occurred_on=day,
                                            occurred_at=datetime.combine(day, datetime.min.time(), UTC)))
                db.session.add(Outreach(store_id=user.store_id, client_id=client.id, user_id=user.id,
                                        channel="call", outcome="no_answer", occurred_on=on,
                                        occurred_at=datetime.combine(on, datetime.min.time(), UTC)))
    db.session.commit()
    settings = engine_settings(store_of(user))
    found = {f.client_id: f.proposal for f in proposing.reconnects(user.store_id, on, settings)}
    expected = {}
    for client_id, (c, count) in touches.items():
        p = reconnect_proposal(c.id, c.last_reached_on, c.first_seen_on, Tier(c.tier), on, settings, pace_touches=count)
        if p is not None:
            expected[client_id] = p.dedupe_key
    assert {k: p.dedupe_key for k, p in found.items()} == expected
    # The pace clock made some of them: tier B/C clients with 4 touches or none, 60 days after a conversation.
    paced = {k for k, p in found.items() if p.detail.get("pace")}
    assert paced and all(touches[k][1] < 5 and touches[k][0].tier in ("B", "C") for k in paced)
    sixty = [c.id for c, count in touches.values() if c.tier == "C" and count == 4 and c.last_reached_on == on - timedelta(days=60)]
    on_pace = [c.id for c, count in touches.values() if c.tier == "C" and count == 5 and c.last_reached_on == on - timedelta(days=60)]
    assert all(k in found for k in sixty) and not any(k in found for k in on_pace)
    # Five touches, the oldest 320 days ago: on the 12-month count that is five, but one ages out within
    # the 60 days looked ahead (PACE_WINDOW_DAYS), so the client is behind and on the pace clock.
    fading = make_client(user, tier="C", first_seen_on=on - timedelta(days=900), last_reached_on=on - timedelta(days=60))
    for back in (20, 50, 80, 110, 320):
        day = on - timedelta(days=back)
        db.session.add(Outreach(store_id=user.store_id, client_id=fading.id, user_id=user.id, channel="call",
                                outcome="voicemail", occurred_on=day,
                                occurred_at=datetime.combine(day, datetime.min.time(), UTC)))
    db.session.commit()
    [faded] = [f.proposal for f in proposing.reconnects(user.store_id, on, settings) if f.client_id == fading.id]
    assert faded.detail.get("pace") == 1 and faded.occasion_on == on
    # Turned off, every client keeps the tier's clock.
    off = replace(settings, pace_reconnect_days=0)
    assert not any(f.proposal.detail.get("pace") for f in proposing.reconnects(user.store_id, on, off))


def test_a_check_in_waits_for_a_partners_birthday_or_an_own_anniversary_opening_within_the_hold():
    """Both kinds of date a stronger occasion comes from (a person's, the client's own) hold a check-in back."""
    user = make_user()
    on = date(2026, 3, 10)
    bought = on - timedelta(days=14)  # the check-in opens today
    partner_side, own_side, plain = (make_client(user, first_name=n) for n in ("Partner", "Own", "Plain"))
    for client in (partner_side, own_side, plain):
        add_purchase(client, bought)
    lena_birthday = on + timedelta(days=33)  # a partner's birthday window opens 28 days before: on + 5
    add_date(partner_side, "birthday", lena_birthday.month, lena_birthday.day, person=add_person(partner_side, "Lena"))
    anniversary = on + timedelta(days=61)  # an anniversary window opens 56 days before: on + 5
    add_date(own_side, "anniversary", anniversary.month, anniversary.day, 2010)
    plan_store_day(store_of(user), on)
    shows = {f.client_id: f.show_on for f in follow_ups(kind="check_in")}
    assert shows == {partner_side.id: on + timedelta(days=5), own_side.id: on + timedelta(days=5), plain.id: on}
