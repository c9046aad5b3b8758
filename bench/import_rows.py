"""Time the point-of-sale import at scale: 50,000 clients (and their sales) through the widened reader.

The files look like a real European point-of-sale export (semicolons, Windows-1252, "Cust No"/"First"/
"Birth Date" headers, DD.MM.YYYY and "14 Mar" dates, accents, a quoted cell with the separator) and a US
sales export (tabs, MM/DD/YYYY, "$1,250.00"). Both go through the real importer with automatic header
recognition, exactly as the CLI and the Data page run them. Target (issue 7): 50,000 rows in under 30 s.

    .venv/bin/python bench/import_rows.py                       # 50,000 clients on SQLite (a /tmp file)
    .venv/bin/python bench/import_rows.py --clients 10000 --database-url pg

Prints a table and writes bench/out/import_rows.json.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import generate  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from jewelpwa.extensions import db  # noqa: E402
from jewelpwa.models import Client, ImportantDate, Person, Purchase, PurchaseItem  # noqa: E402
from jewelpwa.services.accounts.users import create_user  # noqa: E402
from jewelpwa.services.data.importing.clients import import_clients  # noqa: E402
from jewelpwa.services.data.importing.purchases import import_purchases  # noqa: E402

OUT = ROOT / "bench" / "out"
TARGET_S = 30.0
TODAY = date(2026, 3, 1)
FIRST = ["Renée", "Zoë", "José", "Anaïs", "Maria", "James", "Li", "Noël", "Ingrid", "Søren", "Chloé", "Omar"]
LAST = ["Dupré", "Lefèvre", "García", "Müller", "O'Neil", "Lopez", "Nguyen", "Rossi", "Öztürk", "Smith"]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
ITEMS = [("Sapphire pendant", "necklace"), ("Diamond studs", "earrings"), ("Tennis bracelet", "bracelet"),
         ("Solitaire ring", "ring"), ("Pearl strand", "necklace"), ("Dress watch", "watch")]


def clients_file(n: int, rng: random.Random) -> bytes:
    lines = ["Cust No;First;Last;E-mail;Mobile;Birth Date;Anniv;Spouse;Notes"]
    for i in range(n):
        birthday = f"{rng.randint(1, 28):02d}.{rng.randint(1, 12):02d}.{rng.randint(1940, 2000)}"
        anniversary = f"{rng.randint(1, 28)} {rng.choice(MONTHS)}" if rng.random() < 0.6 else ""
        spouse = rng.choice(FIRST) if rng.random() < 0.6 else ""
        note = '"Likes rose gold; no yellow"' if rng.random() < 0.1 else ""
        lines.append(f"{100000 + i};{rng.choice(FIRST)};{rng.choice(LAST)};client{i}@example.com;"
                     f"+33 6 {i // 10000:02d} {i % 10000:04d} 00;{birthday};{anniversary};{spouse};{note}")
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


def purchases_file(n_clients: int, rng: random.Random) -> tuple[bytes, int]:
    lines = ["Customer #\tInvoice\tDate\tItem Description\tCategory\tRetail"]
    for i in range(n_clients):
        for s in range(rng.choice((0, 1, 1, 2, 3))):
            day = f"{rng.randint(1, 12):02d}/{rng.randint(1, 28):02d}/{rng.randint(2019, 2025)}"
            for _ in range(rng.choice((1, 1, 2))):
                description, category = rng.choice(ITEMS)
                lines.append(f"{100000 + i}\tINV-{i}-{s}\t{day}\t{description}\t{category}\t"
                             f"${rng.randint(80, 9000):,}.{rng.randint(0, 99):02d}")
    return ("\r\n".join(lines) + "\r\n").encode("utf-8"), len(lines) - 1


def timed(fn, *args, **kwargs):
    t = time.perf_counter()
    out = fn(*args, **kwargs)
    return out, time.perf_counter() - t


def run(n: int, url: str, seed: int) -> dict:
    rng = random.Random(seed)
    app = generate.make_app(url)
    results: dict = {"clients": n, "database": url.split(":", 1)[0], "target_s": TARGET_S, "steps": []}
    with app.app_context():
        owner = create_user("owner@bench.test", "Owner", "owner", "Bench Store", "correct horse battery")
        store_id = owner.store_id
        clients, make_s = timed(clients_file, n, rng)
        sales, sale_rows = purchases_file(n, rng)

        def step(label: str, rows: int, fn, *args) -> None:
            report, seconds = timed(fn, store_id, *args, today=TODAY)
            assert report.ok, report.rejected[:5]
            results["steps"].append({"step": label, "rows": rows, "seconds": round(seconds, 2),
                                     "rows_per_s": round(rows / seconds), "created": report.created,
                                     "updated": report.updated, "unchanged": report.unchanged})

        step("clients: dry run", n, import_clients, clients, True)
        step("clients: first import", n, import_clients, clients)
        step("clients: re-import (idempotent)", n, import_clients, clients)
        step("purchases: first import", sale_rows, import_purchases, sales)
        step("purchases: re-import (idempotent)", sale_rows, import_purchases, sales)
        results["rows_in_book"] = {m.__tablename__: db.session.scalar(select(func.count()).select_from(m))
                                   for m in (Client, Person, ImportantDate, Purchase, PurchaseItem)}
        results["file_bytes"] = {"clients": len(clients), "purchases": len(sales)}
        db.session.remove()
        db.engine.dispose()
    first = next(s for s in results["steps"] if s["step"] == "clients: first import")
    results["ok"] = first["seconds"] < TARGET_S
    return results


def report(results: dict) -> None:
    print(f"\nImport of {results['clients']:,} clients on {results['database']} (target < {TARGET_S:.0f} s)\n")
    print(f"{'step':<36}{'rows':>9}{'seconds':>9}{'rows/s':>9}{'created':>9}{'updated':>9}{'unchanged':>10}")
    for s in results["steps"]:
        print(f"{s['step']:<36}{s['rows']:>9,}{s['seconds']:>9.2f}{s['rows_per_s']:>9,}{s['created']:>9,}"
              f"{s['updated']:>9,}{s['unchanged']:>10,}")
    print("\nrows in the book:", ", ".join(f"{k} {v:,}" for k, v in results["rows_in_book"].items()))
    print("target met" if results["ok"] else "TARGET MISSED")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--database-url", default=None,
                        help='a SQLAlchemy URL, or "pg" for a private PostgreSQL database dropped afterwards '
                             "(default: a fresh SQLite file in /tmp)")
    args = parser.parse_args()
    workdir = tempfile.mkdtemp(prefix="jewelpwa_import_bench_")
    url = args.database_url or f"sqlite:///{workdir}/bench.db"
    if url == "pg":
        url = generate.create_pg_database()
    try:
        results = run(args.clients, url, args.seed)
    finally:
        if args.database_url == "pg":
            generate.drop_pg_database(url)
    report(results)
    OUT.mkdir(exist_ok=True)
    (OUT / "import_rows.json").write_text(json.dumps(results, indent=2))
    print(f"wrote {OUT / 'import_rows.json'}")
    sys.exit(0 if results["ok"] else 1)


if __name__ == "__main__":
    main()
