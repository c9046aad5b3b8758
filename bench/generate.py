"""Shared bench data generator: one store with N clients, their people, yearly dates and 5 years of purchases.

The rows are shaped by jewelpwa/demo/rows.py, the builder the demo seed uses too: a new column is added there.

Deterministic (seeded), bulk-inserted in chunks: SQLAlchemy Core `insert(table)` executemany on SQLite,
COPY (psycopg) on PostgreSQL. Ids are assigned here (one pass, no RETURNING) and PostgreSQL sequences are
moved past them afterwards, so the services can keep inserting rows normally.

Used by simulate_year.py and plan_scale.py; also runnable on its own:

    .venv/bin/python bench/generate.py --clients 100000 --database-url sqlite:////tmp/bench.db
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import JSON, func, insert, select, text  # noqa: E402

from jewelpwa.clock import utcnow  # noqa: E402
from jewelpwa.demo.rows import client_row, date_row, item_row, person_row, purchase_row  # noqa: E402
from jewelpwa.demo.simulate import pick  # noqa: E402
from jewelpwa.extensions import db  # noqa: E402
from jewelpwa.models import Client, ImportantDate, Person, Purchase, PurchaseItem, Store  # noqa: E402

PASSWORD = "bench-password-123"
CHUNK = 10_000

FIRST = ["Anna", "Ben", "Carla", "David", "Elena", "Frank", "Grace", "Hugo", "Iris", "Jack", "Kira", "Liam",
         "Maya", "Noah", "Olga", "Paul", "Quinn", "Rosa", "Sam", "Tara", "Uma", "Victor", "Wendy", "Yusuf", "Zoe"]
LAST = ["Smith", "Jones", "Garcia", "Miller", "Davis", "Lopez", "Wilson", "Moore", "Taylor", "Clark", "Lewis",
        "Walker", "Young", "King", "Wright", "Scott", "Green", "Baker", "Adams", "Nelson"]
CATEGORIES = [("ring", 0.3), ("earrings", 0.2), ("necklace", 0.18), ("bracelet", 0.14), ("pendant", 0.1),
              ("watch", 0.08)]
METALS = ["yellow gold", "white gold", "rose gold", "platinum", "sterling silver", None]
STONES = ["diamond", "sapphire", "emerald", "ruby", "pearl", "opal", "tanzanite", None, None]
OCCASIONS = [None, None, "birthday", "anniversary", "holiday", "valentines", "self", "engagement"]


@dataclass
class GeneratedStore:
    store_id: int
    user_ids: list[int]
    clients: int
    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


def _next_id(model) -> int:
    return (db.session.scalar(select(func.max(model.id))) or 0) + 1


def _bulk(table, rows: list[dict]) -> None:
    """Insert rows in chunks: COPY on PostgreSQL, Core executemany elsewhere."""
    if not rows:
        return
    conn = db.session.connection()
    if conn.dialect.name == "postgresql":
        cols = list(rows[0].keys())
        json_cols = {c.name for c in table.c if isinstance(c.type, JSON)}  # COPY takes JSON as text
        raw = conn.connection.driver_connection
        with raw.cursor() as cur:
            with cur.copy(f"COPY {table.name} ({', '.join(cols)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row([json.dumps(row[c]) if c in json_cols else row[c] for c in cols])
        return
    for start in range(0, len(rows), CHUNK):
        db.session.execute(insert(table), rows[start:start + CHUNK])


def _fix_sequences() -> None:
    if db.session.connection().dialect.name != "postgresql":
        return
    for model in (Client, Person, ImportantDate, Purchase, PurchaseItem):
        name = model.__tablename__
        db.session.execute(text(
            f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), COALESCE((SELECT MAX(id) FROM {name}), 1))"))


def _random_day(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randrange((end - start).days + 1))


def _month_day(rng: random.Random, leap_share: float) -> tuple[int, int]:
    if rng.random() < leap_share:
        return 2, 29
    d = date(2001, 1, 1) + timedelta(days=rng.randrange(365))
    return d.month, d.day


def _year_for(rng: random.Random, month: int, day: int, lo: int, hi: int) -> int:
    year = rng.randint(lo, hi)
    if (month, day) == (2, 29):
        year -= year % 4  # a 29 February needs a leap year (1900 is not one, but lo > 1900 here)
        if year % 100 == 0 and year % 400:
            year -= 4
    return year


def make_store(n_clients: int, seed: int = 7, start: date = date(2026, 1, 1), associates: int = 3,
               target: int = 10, store_name: str = "Bench Jewelers", commit: bool = True,
               log=print) -> GeneratedStore:
    """Create the store, its associates and a book of `n_clients`; returns ids and row counts."""
    from jewelpwa.services.accounts.users import create_user

    t0 = time.perf_counter()
    rng = random.Random(seed)
    slug_tag = f"{seed}-{n_clients}"
    users = []
    for i in range(associates):
        user = create_user(f"assoc{i + 1}-{slug_tag}@bench.example", f"Associate {i + 1}", "associate",
                           store_name, PASSWORD)
        user.daily_target = target
        users.append(user)
    db.session.commit()
    store_id = users[0].store_id
    user_ids = [u.id for u in users]
    now = utcnow()

    client_id0 = _next_id(Client)
    person_id0 = _next_id(Person)
    date_id0 = _next_id(ImportantDate)
    purchase_id0 = _next_id(Purchase)
    item_id0 = _next_id(PurchaseItem)

    if db.session.connection().dialect.name == "postgresql":
        # Bulk load of self-consistent rows: skip per-row FK triggers (superuser, this transaction only).
        db.session.execute(text("SET LOCAL session_replication_role = replica"))
        db.session.execute(text("SET LOCAL synchronous_commit = off"))
    clients, people, dates, purchases, items = [], [], [], [], []
    pid, did, puid, iid = person_id0, date_id0, purchase_id0, item_id0
    history_start = start - timedelta(days=5 * 365)
    stats = {"do_not_contact": 0, "opted_out": 0, "partners": 0, "anniversaries": 0, "anniv_known_year": 0,
             "feb29": 0, "children": 0, "parents": 0}

    def add_date(cid, person, kind, month, day, year, label=None):
        nonlocal did
        dates.append({"id": did, **date_row(store_id, cid, kind, month, day, year, person_id=person, label=label)})
        if (month, day) == (2, 29):
            stats["feb29"] += 1
        did += 1

    def add_person(cid, name, relation):
        nonlocal pid
        people.append({"id": pid, **person_row(store_id, cid, name, relation, created_at=now)})
        pid += 1
        return pid - 1

    for n in range(n_clients):
        cid = client_id0 + n
        first, last = rng.choice(FIRST), rng.choice(LAST)
        has_phone = rng.random() < 0.93
        has_email = rng.random() < 0.8 or not has_phone
        dnc = rng.random() < 0.04
        opted: list[str] = []
        r = rng.random()
        if r < 0.04:
            opted = ["text"]
        elif r < 0.08:
            opted = ["email"]
        elif r < 0.09:
            opted = ["call"]
        stats["do_not_contact"] += dnc
        stats["opted_out"] += bool(opted)
        first_seen = _random_day(rng, history_start - timedelta(days=3 * 365), start - timedelta(days=30))
        # Most of an imported book was talked to at some point in the last months; the rest is cold.
        reached = _random_day(rng, max(first_seen, start - timedelta(days=150)), start - timedelta(days=1)) \
            if rng.random() < 0.7 else None
        phone = f"(555) {rng.randrange(200, 999)}-{rng.randrange(10000):04d}" if has_phone else None
        clients.append({"id": cid, **client_row(
            store_id, first, last, phone, first_seen_on=first_seen, created_at=now, updated_at=now,
            client_number=f"B{cid:07d}", email=f"c{cid}@mail.example" if has_email else None,
            assigned_to_id=user_ids[n % associates], opted_out=opted,
            preferred_channel=pick(rng, [(None, 0.55), ("call", 0.2), ("text", 0.17), ("email", 0.08)]),
            frequency=pick(rng, [("normal", 0.75), ("low", 0.15), ("high", 0.10)]),
            do_not_contact=dnc, last_reached_on=reached, last_touch_on=reached)})
        if rng.random() < 0.88:
            m, d = _month_day(rng, 0.004)
            add_date(cid, None, "birthday", m, d, _year_for(rng, m, d, 1945, 2000) if rng.random() < 0.7 else None)
        if rng.random() < 0.6:
            stats["partners"] += 1
            partner = add_person(cid, rng.choice(FIRST), "partner")
            if rng.random() < 0.8:
                m, d = _month_day(rng, 0.004)
                add_date(cid, partner, "birthday", m, d, _year_for(rng, m, d, 1945, 2000) if rng.random() < 0.5 else None)
            if rng.random() < 0.85:
                stats["anniversaries"] += 1
                m, d = _month_day(rng, 0.004)
                known = rng.random() < 0.75
                stats["anniv_known_year"] += known
                add_date(cid, None, "anniversary", m, d, _year_for(rng, m, d, 1966, 2025) if known else None)
        if rng.random() < 0.35:
            for _ in range(rng.choice((1, 1, 2, 2, 3))):
                stats["children"] += 1
                child = add_person(cid, rng.choice(FIRST), "child")
                if rng.random() < 0.6:
                    m, d = _month_day(rng, 0.004)
                    add_date(cid, child, "birthday", m, d, _year_for(rng, m, d, 1975, 2024))
        if rng.random() < 0.08:
            stats["parents"] += 1
            add_person(cid, "Mom", "parent")
        # Purchases: a fat tail of big spenders so tiers A/B/C mean something.
        count = pick(rng, [(0, 0.25), (1, 0.3), (2, 0.2), (3, 0.1), (4, 0.07), (6, 0.05), (10, 0.03)])
        scale = rng.lognormvariate(6.8, 0.9)
        for _ in range(count):
            on = _random_day(rng, max(first_seen, history_start), start - timedelta(days=1))
            total = Decimal("0")
            for _ in range(1 if rng.random() < 0.8 else 2):
                price = Decimal(str(round(max(40.0, scale * rng.lognormvariate(0, 0.5)), 2)))
                total += price
                items.append({"id": iid, **item_row(store_id, puid, pick(rng, CATEGORIES), price,
                                                    metal=rng.choice(METALS), stone=rng.choice(STONES))})
                iid += 1
            purchases.append({"id": puid, **purchase_row(store_id, cid, on, total, receipt_number=f"G{puid:08d}",
                                                         associate_id=user_ids[n % associates],
                                                         occasion=rng.choice(OCCASIONS), created_at=now)})
            puid += 1
        if len(clients) >= 50_000:  # keep memory flat at 1M clients: flush in slices
            _flush(clients, people, dates, purchases, items)
    _flush(clients, people, dates, purchases, items)
    _fix_sequences()
    # The book stands for an imported one, and a purchase import sets spend and tiers before it commits
    # (services/data/importing/purchases.py): so does the generator, inside its timed seconds.
    from jewelpwa.services.engine.client_value import recompute_spend_and_tiers
    from jewelpwa.services.engine.planner import engine_settings

    recompute_spend_and_tiers(store_id, start, engine_settings(db.session.get(Store, store_id)))
    if commit:
        db.session.commit()
    rows = {"clients": n_clients, "people": pid - person_id0, "important_dates": did - date_id0,
            "purchases": puid - purchase_id0, "purchase_items": iid - item_id0, **stats}
    seconds = time.perf_counter() - t0
    if log:
        log(f"generated {n_clients:,} clients in {seconds:.1f}s: " + ", ".join(f"{k}={v:,}" for k, v in rows.items()))
    return GeneratedStore(store_id, user_ids, n_clients, rows, seconds)


def _flush(clients, people, dates, purchases, items) -> None:
    # Parents before children: foreign keys are checked on SQLite (PRAGMA foreign_keys=ON).
    _bulk(Client.__table__, clients)
    _bulk(Person.__table__, people)
    _bulk(ImportantDate.__table__, dates)
    _bulk(Purchase.__table__, purchases)
    _bulk(PurchaseItem.__table__, items)
    for rows in (clients, people, dates, purchases, items):
        rows.clear()


def as_maintained() -> None:
    """What a maintained database's autovacuum would have done after the bulk load and the plan's writes (on this
    bench server autovacuum is off): PostgreSQL's VACUUM ANALYZE (statistics, and the visibility map an index-only
    scan needs to skip the table), SQLite's ANALYZE. Realism, not a favour: a store's tables are vacuumed."""
    db.session.commit()
    with db.engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("VACUUM ANALYZE")
        else:
            conn.exec_driver_sql("ANALYZE")
            conn.commit()


def make_app(url: str):
    """An app on `url` with the schema migrated."""
    from flask_migrate import upgrade

    from jewelpwa import create_app

    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--database-url", default="sqlite:////tmp/jewelpwa_bench_generate.db",
                        help="a SQLAlchemy URL, or \"pg\" for a private PostgreSQL database dropped afterwards")
    args = parser.parse_args()
    url = create_pg_database() if args.database_url == "pg" else args.database_url
    try:
        app = make_app(url)
        with app.app_context():
            make_store(args.clients, args.seed)
            print("store rows:", db.session.scalar(select(func.count()).select_from(Store)))
            db.session.remove()
            db.engine.dispose()
    finally:
        if args.database_url == "pg":
            drop_pg_database(url)


PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"


@contextmanager
def bench_database(database_url: str | None, prefix: str) -> Iterator[tuple[str, str | None]]:
    """The URL a bench runs on and its SQLite folder: "pg" makes a private PostgreSQL database, None a SQLite file
    in a new folder under /tmp (named `prefix`...); either is dropped afterwards, even on failure."""
    tmp = None
    if database_url == "pg":
        url = create_pg_database()
    elif database_url:
        url = database_url
    else:
        tmp = tempfile.mkdtemp(prefix=prefix)
        url = f"sqlite:///{tmp}/bench.db"
    try:
        yield url, tmp
    finally:
        if database_url == "pg":
            drop_pg_database(url)
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)


def create_pg_database(admin_url: str = PG_ADMIN) -> str:
    """CREATE a private jewelpwa_bench_<random> database; returns its SQLAlchemy URL."""
    import secrets

    import psycopg

    name = f"jewelpwa_bench_{secrets.token_hex(4)}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return admin_url.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://") + "/" + name


def drop_pg_database(url: str, admin_url: str = PG_ADMIN) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    assert name.startswith("jewelpwa_bench_"), name  # never drop anything this bench did not create
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
