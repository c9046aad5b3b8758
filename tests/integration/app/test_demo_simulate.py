"""The year simulation's day loop moved into the package (jewelpwa/demo/simulate.py) for the demo seed's past;
bench/simulate_year.py must give the same year as before on a given seed.

The oracle below is the loop as bench/simulate_year.py had it before the move (commit e3cfd11), with its own
copy of the outcome odds: the bench's simulate() runs once with it and once with the shared loop, on the same
generated book and settings, each in a fresh SQLite database, and every figure the bench prints (timings
aside) and every logged touch must agree. An engine or bench-setup change moves both alike; a change of the
odds, of the order of the draws or of what an associate works shows here.
"""

from __future__ import annotations

import sys
from argparse import Namespace
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from datetime import time as dtime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from flask_migrate import upgrade
from sqlalchemy import select

from jewelpwa import create_app
from jewelpwa.demo import simulate as shared
from jewelpwa.extensions import db
from jewelpwa.models import Client, Outreach, Purchase, User
from jewelpwa.services.book.outreach import log_outreach
from jewelpwa.services.book.purchases import record_purchase
from jewelpwa.services.engine.day_lists import call_list
from jewelpwa.services.engine.planner import plan_store_day

BENCH = Path(__file__).resolve().parents[3] / "bench"
sys.path.insert(0, str(BENCH))
import simulate_year  # noqa: E402

pytestmark = pytest.mark.one_database  # each run makes SQLite databases of its own

CALL_OUTCOMES = [("reached", 0.447), ("voicemail", 0.25), ("no_answer", 0.20), ("booked", 0.03),
                 ("sold", 0.02), ("not_now", 0.02), ("do_not_contact", 0.003), ("reached", 0.03)]
MESSAGE_OUTCOMES = [("replied", 0.35), ("voicemail", 0.555), ("booked", 0.04), ("sold", 0.01),
                    ("not_now", 0.04), ("do_not_contact", 0.005)]
BOOKED_BUYS = 0.5
WALK_INS_PER_CLIENT_YEAR = 0.12


def old_live_days(store, users, start, days, rng, habits, progress=None) -> shared.Lived:
    """bench/simulate_year.py's day loop before it moved, unchanged but for the module prefixes and the result
    gathered in a Lived (the bench's own sale draw; no habits)."""
    tz = ZoneInfo(store.timezone)
    all_client_ids = list(db.session.scalars(select(Client.id).where(Client.store_id == store.id)))
    dnc_on: dict[int, date] = {}
    pending_sales: dict[date, list[tuple[int, int]]] = defaultdict(list)
    list_len: dict[int, list[int]] = defaultdict(list)
    tiers_on: dict[date, dict[int, str]] = {}
    counts: Counter = Counter()
    walk_in_rate = WALK_INS_PER_CLIENT_YEAR * len(all_client_ids) / 365
    a_sale = simulate_year.a_sale

    for offset in range(days):
        day = start + timedelta(days=offset)
        midday = datetime.combine(day, dtime(12, 0), tzinfo=tz)
        plan_store_day(store, day)
        tiers_on[day] = dict(db.session.execute(select(Client.id, Client.tier).where(Client.store_id == store.id)).all())
        if day.weekday() == 6:
            continue
        for user_id, client_id in pending_sales.pop(day, []):
            record_purchase(db.session.get(User, user_id), client_id, day, a_sale(rng), occasion="appointment", today=day)
            counts["sales_booked"] += 1
        for _ in range(int(walk_in_rate) + (rng.random() < walk_in_rate % 1)):
            client_id = rng.choice(all_client_ids)
            user = rng.choice(users)
            record_purchase(user, client_id, day, a_sale(rng), occasion=rng.choice([None, "self", "gift"]), today=day)
            counts["sales_walk_in"] += 1
        for user in users:
            dl = call_list(user, day)
            list_len[user.id].append(len(dl.cards))
            work = [(c.client_id, c.channel.value if c.channel else None, c.reasons[0].kind) for c in dl.today]
            for client_id, channel, top_kind in work:
                if channel is None:
                    counts["no_channel"] += 1
                    continue
                outcome = shared.pick(rng, CALL_OUTCOMES if channel == "call" else MESSAGE_OUTCOMES)
                snooze = day + timedelta(days=rng.randint(7, 14)) if outcome == "not_now" else None
                log_outreach(user, client_id, channel, outcome, now=midday, snooze_until=snooze)
                counts[f"outcome_{outcome}"] += 1
                if outcome == "do_not_contact":
                    dnc_on.setdefault(client_id, day)
                elif outcome == "sold":
                    record_purchase(user, client_id, day, a_sale(rng), occasion=str(top_kind), today=day)
                    counts["sales_outreach"] += 1
                elif outcome == "booked" and rng.random() < BOOKED_BUYS:
                    pending_sales[day + timedelta(days=rng.randint(2, 10))].append((user.id, client_id))
    return shared.Lived(counts=counts, list_len=list_len, tiers_on=tiers_on, dnc_on=dnc_on)


def in_fresh_database(path: Path, run) -> tuple[dict, list, list]:
    """Run a simulation in a database of its own; its figures, and every touch and sale it left."""
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
    with app.app_context():
        upgrade()
        try:
            figures = run()
            touches = db.session.execute(select(Outreach.client_id, Outreach.user_id, Outreach.occurred_at,
                                                Outreach.channel, Outreach.outcome).order_by(Outreach.id)).all()
            sales = db.session.execute(select(Purchase.client_id, Purchase.purchased_on, Purchase.total,
                                              Purchase.occasion).order_by(Purchase.id)).all()
        finally:
            db.session.remove()
            db.engine.dispose()
    for timing in ("generate_seconds", "simulate_seconds", "timings"):
        figures.pop(timing)
    return figures, touches, sales


def test_the_odds_are_the_benchs():
    assert (shared.CALL_OUTCOMES, shared.MESSAGE_OUTCOMES) == (CALL_OUTCOMES, MESSAGE_OUTCOMES)
    assert (shared.BOOKED_BUYS, shared.WALK_INS_PER_CLIENT_YEAR) == (BOOKED_BUYS, WALK_INS_PER_CLIENT_YEAR)


@pytest.mark.parametrize("seed", [7, 8])
def test_bench_simulate_year_lives_the_same_days_as_before_the_loop_moved(tmp_path, monkeypatch, seed):
    args = Namespace(clients=60, associates=3, target=10, days=20, start="2026-01-01", seed=seed, settings=None,
                     progress=False)
    # The same bench run (its book, its settings, its measure) with the loop as it was, then as it is.
    with monkeypatch.context() as patch:
        patch.setattr(simulate_year, "live_days", old_live_days)
        before = in_fresh_database(tmp_path / "before.db", lambda: simulate_year.simulate(args))
    after = in_fresh_database(tmp_path / "after.db", lambda: simulate_year.simulate(args))
    figures, touches, sales = after
    assert touches and sales and figures["counts"]["outcome_reached"] > 0, "the tiny book must be worked"
    assert after == before
