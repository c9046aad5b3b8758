"""Time plan_store_day at scale: the first plan of a day on a fresh book, then the next day (steady state).

Default runs: 10k and 100k clients on SQLite, 100k and 1M on PostgreSQL (a private jewelpwa_bench_<random>
database on 127.0.0.1:5432, dropped afterwards). Targets (DESIGN/issue 3): 100k on SQLite < 10 s,
1M on PostgreSQL < 60 s, with time growing linearly.

    .venv/bin/python bench/plan_scale.py
    .venv/bin/python bench/plan_scale.py --backends sqlite --sizes 10000,100000
    .venv/bin/python bench/plan_scale.py --backends postgresql --sizes 100000 --profile
    .venv/bin/python bench/plan_scale.py --backends postgresql --sizes 100000 --explain

Every plan is timed per step (tiers, each candidate query, the gate, making and writing the new rows, list
sizes, the rest) and per
SQL statement, by wrapping the planner's module attributes and listening to the engine from here: the
app itself carries no timing code. --explain re-runs the slowest statements of the next-day plan under
EXPLAIN (ANALYZE, BUFFERS) in a transaction that is rolled back.
"""

from __future__ import annotations

import argparse
import cProfile
import inspect
import io
import json
import pstats
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import generate  # noqa: E402
from sqlalchemy import event  # noqa: E402

from jewelpwa.extensions import db  # noqa: E402
from jewelpwa.models import Store  # noqa: E402
from jewelpwa.services.engine import planner, proposing  # noqa: E402
from jewelpwa.services.engine.planner import plan_store_day  # noqa: E402

OUT = ROOT / "bench" / "out"
DEFAULT_RUNS = [("sqlite", 10_000), ("sqlite", 100_000), ("postgresql", 100_000), ("postgresql", 1_000_000)]
TARGETS = {("sqlite", 100_000): 10.0, ("postgresql", 1_000_000): 60.0}


# (label, module, attribute): the steps of plan_store_day, timed by wrapping the names the planner calls.
STEPS = [
    ("tiers", planner, "recompute_spend_and_tiers"),
    ("keys_in_window", planner, "keys_in_window"),
    ("yearly_dates (read)", proposing, "yearly_dates"),
    ("seasonal", proposing, "seasonal"),
    ("reconnects (read)", proposing, "reconnects"),
    ("referrals", proposing, "referrals"),
    ("store_events", proposing, "store_events"),
    ("cadence (read)", proposing, "cadence"),
    ("cleanings", proposing, "cleanings"),
    ("touch_counts", planner, "touch_counts"),
    ("gate_inputs", planner, "gate_inputs"),
    ("gate (rows there)", planner, "gate_showing"),
    ("make + write new rows", planner, "write_new"),
    ("analyze", planner, "analyze_after_bulk_insert"),
    ("expire (let go / not reached)", planner, "expire_closed_windows"),
    ("schedule the days", planner, "schedule"),
    ("list_sizes", planner, "list_sizes"),
]


class Timings:
    """Seconds per planner step and per SQL statement (keyed by its first words) during one plan."""

    def __init__(self) -> None:
        self.steps: dict[str, float] = {}
        self.sql: dict[str, list] = {}  # key -> [count, seconds, slowest seconds, statement, params]
        self._started: list[float] = []

    def wrap(self, label: str, fn):
        def timed(*args, **kwargs):
            t = time.perf_counter()
            out = fn(*args, **kwargs)
            if inspect.isgeneratorfunction(fn):  # its reads happen while it is consumed
                out = list(out)
            # A function that reads now and returns a lazy iterator (proposing.yearly_dates, reconnects, cadence)
            # is timed for its reads only: its follow-ups are made while write_new streams them ("make + write").
            self.steps[label] = self.steps.get(label, 0.0) + time.perf_counter() - t
            return out
        return timed

    def before(self, conn, cursor, statement, parameters, context, executemany) -> None:
        self._started.append(time.perf_counter())

    def after(self, conn, cursor, statement, parameters, context, executemany) -> None:
        seconds = time.perf_counter() - self._started.pop()
        key = " ".join(statement.split())[:90]
        entry = self.sql.setdefault(key, [0, 0.0, 0.0, statement, parameters, executemany])
        entry[0] += 1
        entry[1] += seconds
        if seconds > entry[2]:
            entry[2], entry[3], entry[4], entry[5] = seconds, statement, parameters, executemany

    def top_sql(self, n: int = 6) -> list[dict]:
        rows = sorted(self.sql.items(), key=lambda kv: -kv[1][1])[:n]
        return [{"sql": k, "count": v[0], "seconds": round(v[1], 3)} for k, v in rows]


def timed_plan(store: Store, on: date, profile: bool) -> tuple[float, object, str, float, Timings]:
    profiler = cProfile.Profile() if profile else None
    timings = Timings()
    originals = [(module, name, getattr(module, name)) for _, module, name in STEPS]
    for (label, module, name), (_, _, fn) in zip(STEPS, originals, strict=True):
        setattr(module, name, timings.wrap(label, fn))
    engine = db.engine
    event.listen(engine, "before_cursor_execute", timings.before)
    event.listen(engine, "after_cursor_execute", timings.after)
    cpu = time.process_time()
    t = time.perf_counter()
    try:
        if profiler:
            profiler.enable()
        result = plan_store_day(store, on)
        if profiler:
            profiler.disable()
    finally:
        seconds = time.perf_counter() - t
        cpu = time.process_time() - cpu
        for module, name, fn in originals:
            setattr(module, name, fn)
        event.remove(engine, "before_cursor_execute", timings.before)
        event.remove(engine, "after_cursor_execute", timings.after)
    timings.steps["rest (expire, commit)"] = seconds - sum(timings.steps.values())
    text = ""
    if profiler:
        buf = io.StringIO()
        stats = pstats.Stats(profiler, stream=buf)
        stats.sort_stats("cumulative").print_stats(30)
        stats.sort_stats("tottime").print_stats(15)
        text = buf.getvalue()
    return seconds, result, text, cpu, timings


def explain_slowest(timings: Timings, n: int = 3) -> str:
    """EXPLAIN (ANALYZE, BUFFERS) of the n slowest single statements, rolled back (the plan's rows stay)."""
    out = []
    slowest = sorted((v for v in timings.sql.values() if not v[5]), key=lambda v: -v[2])[:n]
    conn = db.engine.connect()
    try:
        for _, _, seconds, statement, params, _ in slowest:
            trans = conn.begin()
            try:
                rows = conn.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS) " + statement, params).all()
            finally:
                trans.rollback()
            out.append(f"--- {seconds:.2f}s in the plan: {' '.join(statement.split())[:300]}\n"
                       + "\n".join(r[0] for r in rows))
    finally:
        conn.close()
    return "\n".join(out)


def print_steps(label: str, timings: Timings) -> None:
    steps = ", ".join(f"{k} {v:.2f}s" for k, v in sorted(timings.steps.items(), key=lambda kv: -kv[1]) if v >= 0.01)
    print(f"   {label} steps: {steps}")
    for row in timings.top_sql(4):
        print(f"     {row['seconds']:7.2f}s x{row['count']:<5} {row['sql']}")


def template_name(size: int, seed: int, on: date) -> str:
    return f"jewelpwa_bench_tpl_{size}_{seed}_{on:%Y%m%d}"


def _admin(sql: str) -> bool:
    """Run one statement on the maintenance database; False when it fails (a missing template)."""
    import psycopg

    with psycopg.connect(generate.PG_ADMIN, autocommit=True) as conn:
        try:
            conn.execute(sql)
        except psycopg.Error:
            return False
    return True


def run_one(backend: str, size: int, on: date, seed: int, profile: bool, rerun: bool,
            explain: bool = False, keep: bool = False, reuse: bool = False) -> dict:
    """Generate (or, with reuse on PostgreSQL, clone a kept copy of) a book, then time two plans."""
    tmp = None
    cloned = False
    if backend == "postgresql":
        url = generate.create_pg_database()
        if reuse:
            name = url.rsplit("/", 1)[1]
            _admin(f'DROP DATABASE "{name}"')
            # A file-level copy of the generated book (seconds), migrated to the current schema by make_app.
            cloned = _admin(f'CREATE DATABASE "{name}" TEMPLATE "{template_name(size, seed, on)}"')
            if not cloned:
                _admin(f'CREATE DATABASE "{name}"')
    else:
        tmp = tempfile.mkdtemp(prefix="jewelpwa_scale_")
        url = f"sqlite:///{tmp}/scale.db"
    try:
        app = generate.make_app(url)
        with app.app_context():
            if cloned:
                store_id = db.session.scalar(db.select(Store.id).where(Store.name == "Bench Jewelers"))
                gen = generate.GeneratedStore(store_id, [], size, {"cloned": 1}, 0.0)
            else:
                gen = generate.make_store(size, seed=seed, start=on)
            if backend == "postgresql":
                db.session.execute(db.text("ANALYZE"))
                db.session.commit()
            if reuse and not cloned:
                db.session.remove()
                db.engine.dispose()
                _admin(f'CREATE DATABASE "{template_name(size, seed, on)}" TEMPLATE "{url.rsplit("/", 1)[1]}"')
            store = db.session.get(Store, gen.store_id)
            first, r1, prof1, cpu1, t1 = timed_plan(store, on, profile)
            print_steps("first", t1)
            second, r2, prof2, cpu2, t2 = timed_plan(store, on + timedelta(days=1), profile)
            print_steps("next day", t2)
            plans = None
            if explain and backend == "postgresql":
                plans = explain_slowest(t2)
                print(plans)
            again, r3, _, _, _ = timed_plan(store, on + timedelta(days=1), False) if rerun else (None, None, "", 0, None)
            row = {"backend": backend, "clients": size, "generate_s": round(gen.seconds, 1),
                   "rows": gen.rows, "on": on.isoformat(),
                   "first_s": round(first, 2), "first_created": r1.created, "first_expired": r1.expired,
                   "first_moved": r1.moved, "first_list": sum(r1.list_sizes.values()),
                   "second_s": round(second, 2), "second_created": r2.created, "second_expired": r2.expired,
                   "second_moved": r2.moved, "first_cpu_s": round(cpu1, 2), "second_cpu_s": round(cpu2, 2),
                   "rerun_same_day_s": round(again, 2) if rerun else None,
                   "rerun_created": r3.created if rerun else None,
                   "first_steps": {k: round(v, 3) for k, v in t1.steps.items()},
                   "second_steps": {k: round(v, 3) for k, v in t2.steps.items()},
                   "first_sql": t1.top_sql(), "second_sql": t2.top_sql()}
            if plans:
                row["second_explain"] = plans
            if profile:
                row["profile_first"] = prof1
                row["profile_second"] = prof2
            db.session.remove()
            db.engine.dispose()
        return row
    finally:
        if backend == "postgresql" and not keep:
            generate.drop_pg_database(url)
        elif keep:
            print(f"   kept database: {url}")


def report(rows: list[dict]) -> None:
    print(f"\n{'backend':10} {'clients':>9} {'generate':>9} {'first plan':>11} {'clients/s':>10} {'created':>8} "
          f"{'next day':>9} {'clients/s':>10} {'created':>8} {'py CPU 1st/2nd':>15} {'same day again':>15} {'target':>8}")
    for r in rows:
        target = TARGETS.get((r["backend"], r["clients"]))
        verdict = "" if target is None else (f"<{target:.0f}s ok" if max(r["first_s"], r["second_s"]) < target
                                             else f"<{target:.0f}s MISS")
        print(f"{r['backend']:10} {r['clients']:9,} {r['generate_s']:8.1f}s {r['first_s']:10.2f}s "
              f"{r['clients'] / r['first_s']:10,.0f} {r['first_created']:8,} {r['second_s']:8.2f}s "
              f"{r['clients'] / r['second_s']:10,.0f} {r['second_created']:8,} "
              f"{r['first_cpu_s']:6.1f}s/{r['second_cpu_s']:5.1f}s "
              f"{(str(r['rerun_same_day_s']) + 's') if r['rerun_same_day_s'] is not None else '-':>15} "
              f"{verdict:>8}")
    for backend in sorted({r["backend"] for r in rows}):
        mine = sorted((r for r in rows if r["backend"] == backend), key=lambda r: r["clients"])
        for a, b in zip(mine, mine[1:], strict=False):
            k = b["clients"] / a["clients"]
            for col in ("first_s", "second_s"):
                ratio = b[col] / a[col]
                shape = "linear" if ratio <= k * 1.3 else "SUPER-LINEAR"
                print(f"  {backend} {col}: {a['clients']:,} -> {b['clients']:,} clients (x{k:.0f}): time x{ratio:.1f} ({shape})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", help="comma list, e.g. 10000,100000 (applies to every chosen backend)")
    parser.add_argument("--backends", help="comma list of sqlite,postgresql")
    parser.add_argument("--date", default="2026-03-10", help="the first planned day (default 2026-03-10)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--profile", action="store_true", help="cProfile each plan and print the hot spots")
    parser.add_argument("--rerun", action="store_true", help="also plan the second day again (idempotent re-run)")
    parser.add_argument("--explain", action="store_true",
                        help="PostgreSQL: EXPLAIN (ANALYZE, BUFFERS) the slowest next-day statements")
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL database (prints its URL)")
    parser.add_argument("--reuse", action="store_true",
                        help="PostgreSQL: keep the generated book as a template database and clone it on later "
                             "runs of the same size, seed and date (drop jewelpwa_bench_tpl_* to regenerate)")
    parser.add_argument("--out", default="plan_scale.json", help="file name under bench/out/")
    args = parser.parse_args()
    backends = args.backends.split(",") if args.backends else None
    sizes = [int(s) for s in args.sizes.split(",")] if args.sizes else None
    runs = DEFAULT_RUNS
    if backends or sizes:
        runs = [(b, s) for b in (backends or ["sqlite", "postgresql"])
                for s in (sizes or sorted({size for bb, size in DEFAULT_RUNS if bb == b}))]
    on = date.fromisoformat(args.date)
    rows = []
    for backend, size in runs:
        print(f"-- {backend} {size:,} clients", flush=True)
        row = run_one(backend, size, on, args.seed, args.profile, args.rerun, args.explain, args.keep, args.reuse)
        print(f"   first {row['first_s']}s (created {row['first_created']:,}), "
              f"next day {row['second_s']}s (created {row['second_created']:,})", flush=True)
        if args.profile:
            print(row["profile_first"])
            print(row["profile_second"])
        rows.append(row)
    report(rows)
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / args.out
    path.write_text(json.dumps(rows, indent=2, default=str))
    print(f"JSON written to {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
