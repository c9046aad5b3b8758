"""Simulate a year of clienteling: plan each morning, associates work their Today list, sales start cadences.

Default: a book of 1,200 clients, 3 associates, target 10 a day, 6 working days a week (closed Sundays),
365 days from 2026-01-01 on a fresh SQLite file. The days are lived by jewelpwa/demo/simulate.py (the loop
and outcome odds the demo seed's past uses too): every touch goes through the real services (plan_store_day,
call_list, log_outreach, record_purchase); the figures are then recomputed from the database with the pure
domain rules, not taken from the services' own bookkeeping.

    .venv/bin/python bench/simulate_year.py                 # 1,200 clients
    .venv/bin/python bench/simulate_year.py --clients 5000  # more than the team can reach: who is protected?
    .venv/bin/python bench/simulate_year.py --database-url pg   # private PostgreSQL database, dropped after
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import random
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import generate  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from jewelpwa.demo.simulate import Habits, live_days  # noqa: E402
from jewelpwa.domain.gate import ContactPrefs, suggest_channel  # noqa: E402
from jewelpwa.domain.occasions import anniversary_years, is_milestone, yearly_on  # noqa: E402
from jewelpwa.domain.settings import EngineSettings  # noqa: E402
from jewelpwa.domain.vocab import TOUCH_OUTCOMES, Channel, Frequency, Kind  # noqa: E402
from jewelpwa.domain.windows import window_for  # noqa: E402
from jewelpwa.extensions import db  # noqa: E402
from jewelpwa.models import Client, FollowUp, ImportantDate, Outreach, Person, Purchase, Store, User  # noqa: E402
from jewelpwa.services.book.purchases import ItemInput  # noqa: E402
from jewelpwa.services.engine.planner import engine_settings  # noqa: E402

OUT = ROOT / "bench" / "out"
TOUCHES = {o.value for o in TOUCH_OUTCOMES}


def a_sale(rng: random.Random) -> list[ItemInput]:
    category = rng.choice(["ring", "earrings", "necklace", "bracelet", "pendant", "watch"])
    return [ItemInput(category, f"{rng.lognormvariate(6.8, 0.8):.2f}", rng.choice(generate.METALS),
                      rng.choice(generate.STONES))]


def simulate(args) -> dict:
    rng = random.Random(args.seed)
    start = date.fromisoformat(args.start)
    gen = generate.make_store(args.clients, seed=args.seed, start=start, associates=args.associates,
                              target=args.target)
    store = db.session.get(Store, gen.store_id)
    # The simulated store is closed on Sundays (below): the store says so, as a real one does in its settings,
    # so the planner lays no work on a day nobody comes in.
    store.settings = {**(store.settings or {}), "closed_weekdays": [6]}
    db.session.commit()
    if args.settings:  # e.g. '{"pace_reconnect_days": 0}': the year on another rule, same book and dice
        store.settings = {**(store.settings or {}), **json.loads(args.settings)}
        db.session.commit()
    users = [db.session.get(User, uid) for uid in gen.user_ids]
    dnc_at_start = set(db.session.scalars(select(Client.id).where(Client.store_id == store.id,
                                                                  Client.do_not_contact.is_(True))))
    # The book as it stood before the year, for the shortfall diagnosis (who ends the year short of five).
    at_start = {row.id: row for row in db.session.execute(
        select(Client.id, Client.assigned_to_id, Client.last_reached_on, Client.first_seen_on, Client.frequency,
               Client.preferred_channel, Client.opted_out, Client.phone, Client.email, Client.address_line1)
        .where(Client.store_id == store.id))}
    # The day loop is the package's (the demo seed lives its past through it): plan each morning, work Today.
    lived = live_days(store, users, start, args.days, rng, Habits(sale=lambda r, _client, occasion: (a_sale(r), occasion)),
                      progress=(lambda line: print(line, flush=True)) if args.progress else None)
    return measure(store, start, args.days, gen, dnc_at_start, lived.dnc_on, lived.list_len, lived.tiers_on,
                   lived.counts, lived.timings, lived.seconds, users, at_start)


def measure(store, start, days, gen, dnc_at_start, dnc_on, list_len, tiers_on, counts, timings, sim_seconds,
            users, at_start) -> dict:
    end = start + timedelta(days=days - 1)
    settings: EngineSettings = engine_settings(store)
    clients = {row.id: row for row in db.session.execute(
        select(Client.id, Client.frequency, Client.do_not_contact, Client.tier).where(Client.store_id == store.id))}
    touches: dict[int, list[date]] = defaultdict(list)
    completing: dict[int, list[date]] = defaultdict(list)
    for client_id, outcome, on in db.session.execute(
            select(Outreach.client_id, Outreach.outcome, Outreach.occurred_on)
            .where(Outreach.store_id == store.id).order_by(Outreach.occurred_on, Outreach.id)):
        if outcome in TOUCHES:
            touches[client_id].append(on)
        if outcome in ("reached", "replied", "booked", "sold"):
            completing[client_id].append(on)

    # 1. Yearly occasions whose whole window lies inside the simulated year, of clients contactable then.
    done_keys = set(db.session.scalars(select(FollowUp.dedupe_key).where(
        FollowUp.store_id == store.id, FollowUp.status == "done")))
    made_keys = set(db.session.scalars(select(FollowUp.dedupe_key).where(FollowUp.store_id == store.id)))
    occasions = defaultdict(lambda: Counter())
    by_tier = defaultdict(lambda: Counter())
    rows = db.session.execute(
        select(ImportantDate.id, ImportantDate.client_id, ImportantDate.person_id, ImportantDate.kind,
               ImportantDate.month, ImportantDate.day, ImportantDate.year, Person.relation)
        .outerjoin(Person, Person.id == ImportantDate.person_id).where(ImportantDate.store_id == store.id))
    for row in rows:
        if row.person_id is None:
            kind = Kind.ANNIVERSARY if row.kind == "anniversary" else Kind.BIRTHDAY
        elif row.relation == "partner" and row.kind == "birthday":
            kind = Kind.PARTNER_BIRTHDAY
        else:
            continue
        for year in (start.year, start.year + 1):
            if row.year is not None and year <= row.year:
                continue
            occasion_on = yearly_on(row.month, row.day, year)
            window = window_for(kind, occasion_on, settings)
            if window.opens_on < start or window.expires_on > end:
                continue
            if row.client_id in dnc_at_start or (row.client_id in dnc_on and dnc_on[row.client_id] <= window.expires_on):
                continue
            key = f"{kind}:date:{row.id}:{occasion_on.isoformat()}"
            milestone = kind is Kind.ANNIVERSARY and is_milestone(anniversary_years(row.year, occasion_on))
            label = "anniversary (milestone)" if milestone else str(kind)
            tier = tiers_on.get(window.opens_on, {}).get(row.client_id, "C")
            talked = any(window.opens_on <= d <= window.expires_on for d in completing.get(row.client_id, ()))
            for bucket in (occasions[label], by_tier[(label, tier)]):
                bucket["occasions"] += 1
                bucket["planned"] += key in made_keys
                bucket["done"] += key in done_keys
                bucket["talked_in_window"] += talked
            if (row.month, row.day) == (2, 29):
                occasions["29 Feb dates (any kind)"]["occasions"] += 1
                occasions["29 Feb dates (any kind)"]["planned"] += key in made_keys
                occasions["29 Feb dates (any kind)"]["done"] += key in done_keys
                occasions["29 Feb dates (any kind)"]["talked_in_window"] += talked

    # 2. Touches per client over the year; contactable = not DNC at start and not made DNC during the year.
    contactable = [cid for cid in clients if cid not in dnc_at_start and cid not in dnc_on]
    per_client = [len(touches.get(cid, [])) for cid in contactable]
    buckets = Counter(min(n, 10) for n in per_client)
    final_tier = {cid: clients[cid].tier for cid in clients}
    without = Counter(final_tier[cid] for cid in contactable if not touches.get(cid))
    tier_sizes = Counter(final_tier[cid] for cid in contactable)
    five_by_tier = Counter(final_tier[cid] for cid in contactable if len(touches.get(cid, [])) >= 5)
    # With --days 730 the first year is the fresh book's ramp-up (everyone starts with no touch and the team
    # needs months to reach the whole book once); the last 365 days are the steady state the goal is about.
    last_year = [sum(1 for d in touches.get(cid, ()) if d > end - timedelta(days=365)) for cid in contactable]

    # 3. Tolerance breaches, recomputed from the outreach table with the domain Tolerance per client.
    breaches = []
    for cid, days_ in touches.items():
        tol = settings.tolerance_for(Frequency(clients[cid].frequency))
        for i, d in enumerate(days_):
            before = days_[:i]
            recent = sum(1 for t in before if (d - t).days < tol.per_days)
            gap = (d - before[-1]).days if before else None
            if recent >= tol.max_touches or (gap is not None and gap < tol.min_gap_days):
                breaches.append({"client_id": cid, "on": d.isoformat(), "frequency": clients[cid].frequency,
                                 "recent": recent, "gap": gap})

    # 4. Touches to do-not-contact clients after they became DNC (or at all, when DNC from the start).
    dnc_touches = []
    for cid, days_ in touches.items():
        if cid in dnc_at_start:
            dnc_touches += [(cid, d.isoformat()) for d in days_]
        elif cid in dnc_on:
            dnc_touches += [(cid, d.isoformat()) for d in days_ if d > dnc_on[cid]]

    short = shortfall(store, start, contactable, touches, completing, final_tier, at_start, users)

    lengths = {u.email: {"min": min(list_len[u.id]), "mean": round(statistics.mean(list_len[u.id]), 1),
                         "max": max(list_len[u.id]),
                         "share_within_1_5x": round(sum(n <= 1.5 * u.daily_target for n in list_len[u.id])
                                                    / len(list_len[u.id]), 4),
                         "over_2x": sum(n > 2 * u.daily_target for n in list_len[u.id])} for u in users}
    let_go = dict(db.session.execute(select(FollowUp.kind, func.count()).where(
        FollowUp.store_id == store.id, FollowUp.note.like("let go:%")).group_by(FollowUp.kind)).all())
    return {
        "clients": gen.clients, "days": days, "start": start.isoformat(), "generated_rows": gen.rows,
        "generate_seconds": round(gen.seconds, 1), "simulate_seconds": round(sim_seconds, 1),
        "timings": {k: round(v, 1) for k, v in timings.items()}, "counts": dict(sorted(counts.items())),
        "occasions": {k: dict(v) for k, v in sorted(occasions.items())},
        "occasions_by_tier": {f"{k[0]} / tier {k[1]}": dict(v) for k, v in sorted(by_tier.items())},
        "touches": {"contactable_clients": len(contactable), "total": sum(per_client),
                    "mean": round(statistics.mean(per_client), 2) if per_client else 0,
                    "median": statistics.median(per_client) if per_client else 0,
                    "min": min(per_client, default=0), "max": max(per_client, default=0),
                    "distribution": {("10+" if k == 10 else str(k)): buckets[k] for k in sorted(buckets)},
                    "share_at_least_5": round(sum(n >= 5 for n in per_client) / max(len(per_client), 1), 4),
                    "share_at_least_5_last_365_days": round(
                        sum(n >= 5 for n in last_year) / max(len(last_year), 1), 4),
                    "last_365_days_min_mean": [min(last_year, default=0),
                                               round(statistics.mean(last_year), 2) if last_year else 0],
                    "by_tier": {t: {"contactable": tier_sizes[t], "at_least_5": five_by_tier[t],
                                    "without_any_touch": without[t]} for t in "ABC"}},
        "tolerance_breaches": len(breaches), "tolerance_breach_examples": breaches[:10],
        "dnc": {"at_start": len(dnc_at_start), "became_dnc": len(dnc_on), "touches_after_dnc": len(dnc_touches),
                "examples": dnc_touches[:10]},
        "list_length_per_associate": lengths,
        "let_go_by_kind": dict(sorted(let_go.items(), key=lambda kv: -kv[1])),
        "shortfall": short,
    }


def shortfall(store, start, contactable, touches, completing, final_tier, at_start, users) -> dict:
    """Who ends the year with fewer than five touches, beside the whole contactable book, and why.

    Each share is of its group (short / all). "reasons made" counts the distinct follow-ups the planner
    created for the client in the year: fewer than five means no ranking could have got them to five.
    """
    own_dates = set(db.session.scalars(select(ImportantDate.client_id).where(
        ImportantDate.store_id == store.id, ImportantDate.person_id.is_(None))))
    partners = set(db.session.scalars(select(Person.client_id).where(
        Person.store_id == store.id, Person.relation == "partner")))
    bought_before, bought_during = set(), set()
    for client_id, on in db.session.execute(select(Purchase.client_id, Purchase.purchased_on).where(
            Purchase.store_id == store.id)):
        (bought_before if on < start else bought_during).add(client_id)
    made: dict[int, Counter] = defaultdict(Counter)
    for client_id, kind, status in db.session.execute(select(FollowUp.client_id, FollowUp.kind, FollowUp.status)
                                                      .where(FollowUp.store_id == store.id)):
        made[client_id][kind] += 1
        made[client_id][f"status:{status}"] += 1
        if kind == Kind.RECONNECT:
            made[client_id][f"reconnect:{status}"] += 1
    email = {u.id: u.email.split("@")[0] for u in users}
    short = [cid for cid in contactable if len(touches.get(cid, [])) < 5]

    def no_channel(cid: int) -> bool:
        c = at_start[cid]
        prefs = ContactPrefs(False, frozenset(Channel(x) for x in (c.opted_out or [])), None, Frequency(c.frequency),
                             bool(c.phone), bool(c.email), bool(c.address_line1))
        return suggest_channel(prefs) is None

    def profile(ids: list[int]) -> dict:
        n = max(len(ids), 1)

        def share(test) -> float:
            return round(sum(1 for cid in ids if test(cid)) / n, 3)

        def mean(value) -> float:
            return round(statistics.mean([value(cid) for cid in ids]), 2) if ids else 0.0

        firsts = [(touches[cid][0] - start).days for cid in ids if touches.get(cid)]
        return {
            "clients": len(ids),
            "tier": {t: share(lambda c, t=t: final_tier[c] == t) for t in "ABC"},
            "has_own_date": share(lambda c: c in own_dates),
            "has_partner": share(lambda c: c in partners),
            "bought_before": share(lambda c: c in bought_before),
            "bought_in_year": share(lambda c: c in bought_during),
            "no_usable_channel": share(no_channel),
            "never_reached_before": share(lambda c: at_start[c].last_reached_on is None),
            "frequency": {f: share(lambda c, f=f: at_start[c].frequency == f) for f in ("low", "normal", "high")},
            "assignee": {email[u.id]: share(lambda c, u=u: at_start[c].assigned_to_id == u.id) for u in users},
            "first_touch_day_median": statistics.median(firsts) if firsts else None,
            "touches_mean": mean(lambda c: len(touches.get(c, []))),
            "conversations_mean": mean(lambda c: len(completing.get(c, []))),
            "reasons_made_mean": mean(lambda c: sum(v for k, v in made[c].items() if ":" not in k)),
            "reasons_made_under_5": share(lambda c: sum(v for k, v in made[c].items() if ":" not in k) < 5),
            "reconnects_made_mean": mean(lambda c: made[c][Kind.RECONNECT]),
            "reconnects_expired_mean": mean(lambda c: made[c]["reconnect:expired"]),
            "expired_mean": mean(lambda c: made[c]["status:expired"]),
            "kinds_made_mean": {str(k): mean(lambda c, k=k: made[c][k]) for k in Kind
                                if any(made[c][k] for c in ids)},
        }

    reachable = [cid for cid in contactable if not no_channel(cid)]
    return {"short": profile(short), "all": profile(contactable),
            "no_usable_channel": len(contactable) - len(reachable),
            "share_at_least_5_with_a_channel": round(
                sum(len(touches.get(cid, [])) >= 5 for cid in reachable) / max(len(reachable), 1), 4)}


def pct(a: int, b: int) -> str:
    return f"{100 * a / b:5.1f}%" if b else "   n/a"


def report(r: dict) -> None:
    print(f"\n== Simulated year: {r['clients']:,} clients, {r['days']} days from {r['start']} ==")
    print(f"generate {r['generate_seconds']}s, simulate {r['simulate_seconds']}s  (time in: "
          + ", ".join(f"{k} {v}s" for k, v in r["timings"].items()) + ")")
    print("activity: " + ", ".join(f"{k}={v}" for k, v in r["counts"].items()))
    print("\nOccasions with the whole window inside the year (contactable clients):")
    print(f"  {'occasion':34} {'count':>6} {'planned':>8} {'done in window':>15} {'talked in window':>17}")
    for name, c in list(r["occasions"].items()) + [("", None)] + list(r["occasions_by_tier"].items()):
        if c is None:
            print("  by tier at window opening:")
            continue
        n = c["occasions"]
        print(f"  {name:34} {n:6} {pct(c['planned'], n):>8} {pct(c['done'], n):>15} {pct(c['talked_in_window'], n):>17}")
    t = r["touches"]
    print(f"\nTouches per contactable client in the year ({t['contactable_clients']:,} clients, {t['total']:,} touches):")
    print(f"  mean {t['mean']}, median {t['median']}, min {t['min']}, max {t['max']}; "
          f"share with >= 5 touches: {100 * t['share_at_least_5']:.1f}% (goal 100%)")
    if r["days"] > 365:
        print(f"  in the last 365 days (steady state): {100 * t['share_at_least_5_last_365_days']:.1f}% with >= 5, "
              f"min {t['last_365_days_min_mean'][0]}, mean {t['last_365_days_min_mean'][1]}")
    print("  distribution: " + ", ".join(f"{k}: {v}" for k, v in t["distribution"].items()))
    print(f"  {'tier':5} {'contactable':>12} {'>=5 touches':>12} {'no touch at all':>16}")
    for tier, c in t["by_tier"].items():
        print(f"  {tier:5} {c['contactable']:12} {pct(c['at_least_5'], c['contactable']):>12} "
              f"{c['without_any_touch']:>8} ({pct(c['without_any_touch'], c['contactable']).strip()})")
    print(f"\nTouches that broke the client's tolerance: {r['tolerance_breaches']} (must be 0)")
    d = r["dnc"]
    print(f"Touches to do-not-contact clients after DNC: {d['touches_after_dnc']} (must be 0; "
          f"{d['at_start']} DNC at start, {d['became_dnc']} asked during the year)")
    print("Daily list length (cards on day_list, working days):")
    for email, s in r["list_length_per_associate"].items():
        print(f"  {email:40} min {s['min']:4}  mean {s['mean']:6}  max {s['max']:4}  "
              f"<= 1.5 x target {100 * s['share_within_1_5x']:.1f}% of days, > 2 x target on {s['over_2x']} days")
    print("Reasons let go (the team's days were full until the window closed): "
          + (", ".join(f"{k} {v}" for k, v in r["let_go_by_kind"].items()) or "none"))
    short, whole = r["shortfall"]["short"], r["shortfall"]["all"]
    print(f"\nContactable clients with no usable channel (opted out of the only one the store holds): "
          f"{r['shortfall']['no_usable_channel']}; share with >= 5 touches among the others: "
          f"{100 * r['shortfall']['share_at_least_5_with_a_channel']:.1f}%")
    print(f"\nWho is short of five touches ({short['clients']} of {whole['clients']} contactable), beside the book:")
    print(f"  {'':34} {'short':>10} {'all':>10}")
    for key, value in short.items():
        if key == "clients":
            continue
        if isinstance(value, dict):
            for sub, v in value.items():
                print(f"  {key + ' ' + sub:34} {v!s:>10} {whole[key].get(sub, 0)!s:>10}")
        else:
            print(f"  {key:34} {value!s:>10} {whole[key]!s:>10}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=1200)
    parser.add_argument("--associates", type=int, default=3)
    parser.add_argument("--target", type=int, default=10)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--start", default="2026-01-01")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--database-url", help="SQLAlchemy URL, or 'pg' for a private PostgreSQL database "
                                               "(default: a fresh SQLite file)")
    parser.add_argument("--settings", help="store engine settings as JSON, over the defaults "
                                           "(e.g. '{\"pace_reconnect_days\": 0}' turns the pace rule off)")
    parser.add_argument("--out", help="JSON file name under bench/out (default simulate_year_<clients>_<db>.json)")
    parser.add_argument("--profile", action="store_true", help="cProfile the run; top functions printed")
    parser.add_argument("--progress", action="store_true")
    args = parser.parse_args()

    tmp = None
    if args.database_url == "pg":
        url = generate.create_pg_database()
    elif args.database_url:
        url = args.database_url
    else:
        tmp = tempfile.mkdtemp(prefix="jewelpwa_sim_")
        url = f"sqlite:///{tmp}/sim.db"
    t0 = time.perf_counter()
    try:
        app = generate.make_app(url)
        with app.app_context():
            profiler = cProfile.Profile() if args.profile else None
            if profiler:
                profiler.enable()
            result = simulate(args)
            if profiler:
                profiler.disable()
            result["database"] = db.engine.dialect.name
            result["total_seconds"] = round(time.perf_counter() - t0, 1)
            db.session.remove()
            db.engine.dispose()
    finally:
        if args.database_url == "pg":
            generate.drop_pg_database(url)
    report(result)
    print(f"\nTotal run time {result['total_seconds']}s on {result['database']}")
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / (args.out or f"simulate_year_{args.clients}_{result['database']}.json")
    path.write_text(json.dumps(result, indent=2, default=str))
    print(f"JSON written to {path.relative_to(ROOT)}")
    if profiler:
        stats = pstats.Stats(profiler).sort_stats("cumulative")
        stats.print_stats(35)
        stats.sort_stats("tottime").print_stats(20)


if __name__ == "__main__":
    main()
