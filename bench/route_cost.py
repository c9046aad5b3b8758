"""What one request of the counter's routes costs, in measures a busy machine does not move: SQL statements,
round trips to the database, connections checked out and the app's CPU time. Issue 19.

The mixed workload's loop (bench/mixed_load.py) in process, on the app gunicorn serves: an associate signs in,
then again and again opens Today (made fresh: the outcome before it wrote), a card from a row of it, and logs an
outcome on that row as its one-tap form sends it; between the first two it opens Today again with nothing written
(the kept page), and last it searches (htmx, the queries of counter_app.SEARCHES in turn). Each request is counted
by listening to the engine:

- **sql**: statements the app ran (SQLAlchemy's `before_cursor_execute`; on SQLite the BEGIN is one of them);
- **trips**: round trips to PostgreSQL: the statements, plus the BEGIN psycopg sends before a transaction's first
  statement, each COMMIT and each ROLLBACK of an open transaction (a ping on checkout would be one more);
- **conns**: connections checked out of the pool;
- **cpu**: this process's CPU time for the request (the test client's share included, the same for every version);
- **ms**: the request's wall time (the database server's work included; a busy machine moves it);
- **db cpu**: PostgreSQL's CPU time for the request (its server processes, read from /proc: a mean, in 10 ms ticks).

    .venv/bin/python bench/route_cost.py --pg jewelpwa_bench_routes      # the store is made and kept on first use
    .venv/bin/python bench/route_cost.py --sqlite /tmp/routes50k.db
    .venv/bin/python bench/route_cost.py --pg jewelpwa_bench_routes --show card --explain   # each statement, planned

Each run measures a fresh copy of the kept store (`<name>_run`, `<file>_run.db`), so runs compare.

--profile prints cProfile's view of the shown route's requests. --explain runs each statement of the shown route under EXPLAIN ANALYZE (PostgreSQL) in a rolled-back transaction.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import random
import re
import shutil
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import generate  # noqa: E402
from counter_app import SEARCHES  # noqa: E402
from mixed_load import build_store  # noqa: E402
from psycopg.pq import TransactionStatus  # noqa: E402
from sqlalchemy import event  # noqa: E402

from jewelpwa import create_app  # noqa: E402
from jewelpwa.extensions import db  # noqa: E402

IDLE = TransactionStatus.IDLE
TICKS = os.sysconf("SC_CLK_TCK")
ROW = re.compile(r'id="row-(\d+)"')
OUTCOMES = [("reached", 0.45), ("voicemail", 0.35), ("no_answer", 0.20)]


class Counter:
    """Listens to the engine and its pool; `take()` returns what happened since the last call."""

    def __init__(self, engine) -> None:
        self.pg = engine.dialect.name == "postgresql"
        self.reset()
        self.statements: list[tuple[str, object]] = []
        self.distinct: set[str] = set()  # psycopg keeps the plans of the last database.PREPARED_MAX per connection
        self.backends: set[int] = set()  # the server processes of the connections used (PostgreSQL)
        event.listen(engine, "before_cursor_execute", self._statement)
        event.listen(engine, "commit", self._commit)
        event.listen(engine, "rollback", self._rollback)
        event.listen(engine.pool, "checkout", lambda *a: self._bump("conns"))

    def reset(self) -> None:
        self.counts = {"sql": 0, "begins": 0, "commits": 0, "rollbacks": 0, "conns": 0}

    def _bump(self, name: str) -> None:
        self.counts[name] += 1

    def _statement(self, conn, cursor, statement, parameters, context, executemany) -> None:  # noqa: ANN001, PLR0913
        self.counts["sql"] += 1
        self.statements.append((statement, parameters))
        self.distinct.add(statement)
        raw = cursor.connection
        if self.pg:
            self.backends.add(raw.info.backend_pid)
        if self.pg and not raw.autocommit and raw.info.transaction_status == IDLE:
            self.counts["begins"] += 1  # psycopg sends BEGIN before the transaction's first statement

    def _in_transaction(self, conn) -> bool:  # noqa: ANN001
        """psycopg sends COMMIT or ROLLBACK only for a transaction the server began (none in autocommit)."""
        if not self.pg:
            return True
        return conn.connection.dbapi_connection.info.transaction_status != IDLE

    def _commit(self, conn) -> None:  # noqa: ANN001
        self.counts["commits"] += self._in_transaction(conn)

    def _rollback(self, conn) -> None:  # noqa: ANN001
        self.counts["rollbacks"] += self._in_transaction(conn)

    def server_cpu_ms(self) -> float:
        """CPU time the server processes of the connections used so far have spent (this machine's PostgreSQL;
        /proc counts in ticks of 10 ms, so only a mean over many requests means anything)."""
        total = 0
        for pid in self.backends:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += int(fields[11]) + int(fields[12])  # utime, stime
        return total * 1000 / TICKS

    def take(self) -> dict:
        out = dict(self.counts)
        out["trips"] = out["sql"] + out["begins"] + out["commits"] + out["rollbacks"] if self.pg else out["sql"]
        self.reset()
        return out


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf-token" content="([^"]+)"', html)
    if not match:
        raise SystemExit("no CSRF token on the page")
    return match.group(1)


def measure(url: str, facts: dict, loops: int, show: str | None, explain: bool,  # noqa: C901, PLR0915
            profile: bool = False, calls: bool = False) -> dict:
    app = create_app("development", {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "route-cost",
                                     "RATELIMIT_STORAGE_URI": "memory://"})
    with app.app_context():
        engine = db.engine
    counter = Counter(engine)
    user = max(facts["users"], key=lambda u: len(u["own_ids"]))
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    client.post("/login", data={"email": user["email"], "password": generate.PASSWORD, "csrf_token": csrf_of(page)})
    token = csrf_of(client.get("/today").get_data(as_text=True))
    rng = random.Random(7)
    names, weights = zip(*OUTCOMES, strict=True)
    samples: dict[str, list[dict]] = {"today_made": [], "card": [], "outcome": [], "today_kept": [], "search": []}
    shown: list[tuple[str, object]] = []
    profiler = cProfile.Profile(time.process_time) if profile else None  # CPU, not the waits for the server
    # --calls: Python function calls per request, one profiler per route. Unlike CPU time, which a virtual machine's
    # neighbours move by half between two runs of the same code here, the count is the same run after run.
    counters = {route: cProfile.Profile() for route in samples} if calls else {}

    def call(route: str, method: str, path: str, **kw) -> str:
        counter.take()
        counter.statements.clear()
        profiling = profiler is not None and route == show and len(samples[route]) >= 2  # past the warm-up
        cpu, wall, server = time.process_time(), time.perf_counter(), counter.server_cpu_ms()
        counting = counters.get(route) if len(samples[route]) >= 2 else None
        if profiling:
            profiler.enable()
        if counting is not None:
            counting.enable()
        response = client.open(path, method=method, **kw)
        text = response.get_data(as_text=True)
        if counting is not None:
            counting.disable()
        if profiling:
            profiler.disable()
        cost = {**counter.take(), "cpu_ms": (time.process_time() - cpu) * 1000,
                "ms": (time.perf_counter() - wall) * 1000, "db_cpu_ms": counter.server_cpu_ms() - server, "status": response.status_code,
                "path": path}
        samples[route].append(cost)
        if route == show:
            shown[:] = counter.statements
        return text

    for _ in range(loops):
        rows = ROW.findall(call("today_made", "GET", "/today"))
        client_id = int(rng.choice(rows)) if rows else rng.choice(user["own_ids"])
        call("today_kept", "GET", "/today")  # nothing written since: the kept page
        call("card", "GET", f"/clients/{client_id}")
        call("outcome", "POST", f"/clients/{client_id}/outreach",
             data={"channel": "call", "outcome": rng.choices(names, weights)[0], "view": "today", "next": "/today",
                   "csrf_token": token},
             headers={"HX-Request": "true", "HX-Target": f"row-{client_id}", "X-CSRFToken": token})
        call("search", "GET", "/clients?" + urlencode({"q": SEARCHES[len(samples["search"]) % len(SEARCHES)]}),
             headers={"HX-Request": "true"})
    result: dict = {"distinct_statements": len(counter.distinct)}
    for route, rows in samples.items():
        rows = rows[2:]  # warm-up: the first requests fill caches
        result[route] = {
            "requests": len(rows),
            "statuses": sorted({r["status"] for r in rows}),
            **{k: round(statistics.mean(r[k] for r in rows), 2) for k in ("sql", "trips", "conns", "begins",
                                                                          "commits", "rollbacks")},
            "sql_max": max(r["sql"] for r in rows),
            "cpu_ms_median": round(statistics.median(r["cpu_ms"] for r in rows), 2),
            "ms_median": round(statistics.median(r["ms"] for r in rows), 2),
            "db_cpu_ms_mean": round(statistics.mean(r["db_cpu_ms"] for r in rows), 2),
            **({"calls": round(pstats.Stats(counters[route]).total_calls / len(rows))} if counters else {}),
        }
    by_query: dict[str, list[dict]] = {}
    for row in samples["search"][2:]:
        by_query.setdefault(row["path"], []).append(row)
    result["search_by_query"] = {path: {"sql": statistics.mean(r["sql"] for r in rows),
                                        "trips": statistics.mean(r["trips"] for r in rows),
                                        "cpu_ms_median": round(statistics.median(r["cpu_ms"] for r in rows), 2),
                                        "ms_median": round(statistics.median(r["ms"] for r in rows), 2),
                                        "db_cpu_ms_mean": round(statistics.mean(r["db_cpu_ms"] for r in rows), 2)}
                                 for path, rows in by_query.items()}
    if profiler is not None:
        if os.environ.get("ROUTE_COST_PROFILE"):  # a file to read again with pstats (callers, callees)
            profiler.dump_stats(os.environ["ROUTE_COST_PROFILE"])
        pstats.Stats(profiler).sort_stats("tottime" if "--tottime" in sys.argv else "cumulative").print_stats(60)
    if show:
        print(f"\n--- statements of the last {show} request")
        for i, (statement, params) in enumerate(shown, 1):
            print(f"[{i}] {' '.join(statement.split())[:400]}\n     {str(params)[:200]}")
            if explain and counter.pg and statement.lstrip().upper().startswith("SELECT"):
                with engine.connect() as conn:
                    plan = conn.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS) " + statement, params).all()
                    conn.rollback()
                for line in plan:
                    print("       " + line[0])
    return result


def clone(url: str) -> str:
    """A fresh copy of the kept store for this run, so every run starts from the same book."""
    if url.startswith("sqlite"):
        source = Path(url.split("///", 1)[1])
        target = source.with_name(source.stem + "_run.db")
        for suffix in ("-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        shutil.copy(source, target)
        return f"sqlite:///{target}"
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(generate.PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}_run" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}_run" TEMPLATE "{name}"')
    return f"{url}_run"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg", metavar="NAME", help="keep the store in this PostgreSQL database (jewelpwa_bench_...); "
                                                     "made on first use")
    parser.add_argument("--sqlite", type=Path, help="keep the store in this SQLite file; made on first use")
    parser.add_argument("--clients", type=int, default=50_000)
    parser.add_argument("--associates", type=int, default=6)
    parser.add_argument("--loops", type=int, default=40)
    parser.add_argument("--show", choices=("today_made", "card", "outcome", "today_kept", "search"))
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--profile", action="store_true", help="cProfile the shown route's requests")
    parser.add_argument("--tottime", action="store_true", help="the profile by each function's own time")
    parser.add_argument("--calls", action="store_true",
                        help="also count Python function calls per request (steady where CPU time is not; slower)")
    args = parser.parse_args()
    if args.sqlite:
        url, facts_file = f"sqlite:///{args.sqlite}", Path(f"{args.sqlite}.json")
    elif (args.pg or "").startswith("jewelpwa_bench_"):
        url, facts_file = f"postgresql+psycopg://postgres@127.0.0.1:5432/{args.pg}", Path(f"/tmp/{args.pg}.json")
    else:
        raise SystemExit("--sqlite FILE or --pg jewelpwa_bench_<name>")
    if facts_file.exists():
        with generate.make_app(url).app_context():  # migrated to this checkout's schema
            db.engine.dispose()  # a template database must have no one connected to it
        facts = json.loads(facts_file.read_text())
    else:
        if args.pg:
            import psycopg

            with psycopg.connect(generate.PG_ADMIN, autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{args.pg}"')
        facts = build_store(url, args.clients, 7, args.associates)
        facts_file.write_text(json.dumps(facts))
    result = measure(clone(url), facts, args.loops, args.show, args.explain, args.profile, args.calls)
    print(f"\n{url.split('://')[0]} · {args.clients:,} clients · {args.loops} loops (first 2 dropped)")
    print(f"{'route':<12}{'sql':>7}{'max':>5}{'trips':>7}{'conns':>7}{'begin':>7}{'commit':>7}{'rollbk':>7}"
          f"{'cpu ms':>8}{'ms':>8}{'db cpu':>8}{'calls':>8}  statuses")
    by_query = result.pop("search_by_query")
    print(f"distinct statements in the run: {result.pop('distinct_statements')}")
    for route, r in result.items():
        print(f"{route:<12}{r['sql']:>7}{r['sql_max']:>5}{r['trips']:>7}{r['conns']:>7}{r['begins']:>7}"
              f"{r['commits']:>7}{r['rollbacks']:>7}{r['cpu_ms_median']:>8}{r['ms_median']:>8}{r['db_cpu_ms_mean']:>8}"
              f"{r.get('calls', ''):>8}  {r['statuses']}")
    for path, r in by_query.items():
        print(f"  {path:<26}{r['sql']:>7.2f}{'':>5}{r['trips']:>7.2f}{'':>35}{r['cpu_ms_median']:>8}{r['ms_median']:>8}{r['db_cpu_ms_mean']:>8}")


if __name__ == "__main__":
    main()
