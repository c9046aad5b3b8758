"""Mixed-workload benchmark: signed-in associates in a closed loop against the real app, beside plain Flask.

Issue 19. A store generated with bench/generate.py (default 50,000 clients, 6 associates), planned for today.
The real app runs under gunicorn (bench/bench_wsgi.py, `--workers` sync workers, Server-Timing switched on);
in the same run a plain Flask app (bench/plain_flask.py: one bare route, none of this app's hooks) runs under
the same gunicorn settings. Then, for each number of virtual users (default 6 and 24):

- **mixed**: each virtual user is one signed-in associate session (users beyond the associates are a second
  device of one of them) in a closed loop, no think time: Today → a card opened from it (a row of Today; when
  the day's target is met and Today shows no row, one of the associate's own clients, counted as
  "walk-in") → an outcome logged on it as Today's row sends it (POST with the CSRF token, htmx, reached 45 % /
  voicemail 35 % / no answer 20 %) → a client search (htmx, one query of SEARCHES) → Upcoming one loop in four.
  Reported: requests/s, p50/p95 overall and per route as the client saw them, and the server time per route
  read from the Server-Timing header (web/timing.py), Today split into "made" (built fresh) and "kept".
- **plain Flask**: the same number of threads in a closed loop on the plain app's bare route.

Last, wrk (-t2 -c8) on one session's Today with nothing written meanwhile (the kept page), on the plain route and
on this app's bare /bench/hello, in rounds, one after the other: "kept Today as % of plain Flask" is the median
of the rounds' shares, each comparing two runs seconds apart under the same settings.

Goals (issue 19, at 50,000 clients, 2 sync workers, a quiet machine): mixed ≥ 120 req/s and p95 < 100 ms at
6 users on both databases; server time p95 < 25 ms for the card, an outcome, search and a freshly made Today;
kept Today ≥ 25 % of plain Flask.

    nice -n 10 .venv/bin/python bench/mixed_load.py                       # 50k clients, SQLite in /tmp
    nice -n 10 .venv/bin/python bench/mixed_load.py --database-url pg     # private PostgreSQL db, dropped after
    .venv/bin/python bench/mixed_load.py --clients 5000 --duration 10 --users 6   # a quick look
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import generate  # noqa: E402
from counter_app import SEARCHES, csrf_of, free_port, pct, run_wrk  # noqa: E402
from sqlalchemy import select  # noqa: E402

from jewelpwa.clock import store_today  # noqa: E402
from jewelpwa.extensions import db  # noqa: E402
from jewelpwa.models import Client, Store, User  # noqa: E402
from jewelpwa.services.engine.day_lists import build_day_lists  # noqa: E402
from jewelpwa.services.engine.planner import plan_store_day  # noqa: E402

OUT = ROOT / "bench" / "out"
GOALS = {"rps_at_6": 120.0, "p95_ms_at_6": 100.0, "server_p95_ms": 25.0, "kept_today_share_of_plain": 0.25}
OUTCOMES = [("reached", 0.45), ("voicemail", 0.35), ("no_answer", 0.20)]
UPCOMING_EVERY = 4  # one loop in four also opens Upcoming
ROUTES = ("today", "card", "outcome", "search", "upcoming")
SERVER_GOAL_ROUTES = ("card", "outcome", "search", "today_made")
ROW = re.compile(r'id="row-(\d+)"')
TIMING = re.compile(r"(\w+);(?:dur=([\d.]+))?(?:;?desc=\"?([^\",]*)\"?)?")


# ------------------------------------------------------------------------------------------- the store

def build_store(url: str, clients: int, seed: int, associates: int) -> dict:
    """Generate the book, plan today and keep each associate's list, as the worker does in the morning."""
    app = generate.make_app(url)
    with app.app_context():
        gen = generate.make_store(clients, seed=seed, start=date.today(), associates=associates)
        db.session.execute(db.text("ANALYZE"))  # statistics as a maintained database has them (counter_app.py)
        db.session.commit()
        store = db.session.get(Store, gen.store_id)
        on = store_today(store)
        t = time.perf_counter()
        plan_store_day(store, on)
        build_day_lists(store.id, on)
        plan_s = time.perf_counter() - t
        generate.as_maintained()
        users = []
        for uid in gen.user_ids:
            user = db.session.get(User, uid)
            own = list(db.session.scalars(select(Client.id).where(Client.assigned_to_id == uid,
                                                                  Client.erased_at.is_(None)).limit(5000)))
            users.append({"id": uid, "email": user.email, "own_ids": own})
        facts = {"store_id": gen.store_id, "on": on.isoformat(), "generate_s": round(gen.seconds, 1),
                 "plan_s": round(plan_s, 1), "rows": gen.rows, "users": users}
        db.session.remove()
        db.engine.dispose()
    return facts


# ------------------------------------------------------------------------------------------- HTTP

@dataclass
class Sample:
    route: str
    started: float
    ms: float
    status: int
    server_ms: float | None = None
    cpu_ms: float | None = None
    sql: int | None = None
    page: str | None = None


def server_timing(value: str | None) -> dict:
    """'app;dur=12.4, db;dur=7.9;desc="9 sql", page;desc=kept' -> {"app": 12.4, "sql": 9, "page": "kept"}."""
    out: dict = {}
    for name, dur, desc in TIMING.findall(value or ""):
        if name in ("app", "cpu") and dur:
            out[name] = float(dur)
        elif name == "db" and desc:
            out["sql"] = int(desc.split()[0])
        elif name == "page":
            out["page"] = desc
    return out


class Browser:
    """One signed-in session: keeps its cookies, records every request it makes."""

    def __init__(self, port: int) -> None:
        self.port, self.cookies, self.samples = port, SimpleCookie(), []
        self.recording = False
        self.csrf = ""

    def call(self, route: str, method: str, path: str, body: dict | None = None,
             headers: dict | None = None) -> tuple[int, str]:
        h = {"Cookie": "; ".join(f"{k}={m.value}" for k, m in self.cookies.items() if m.value), **(headers or {})}
        data = None
        if body is not None:
            data = urlencode(body)
            h["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        try:
            conn.request(method, path, body=data, headers=h)
            response = conn.getresponse()
            text = response.read().decode("utf-8", "replace")
        except OSError:
            if self.recording:
                self.samples.append(Sample(route, started, (time.perf_counter() - started) * 1000, 0))
            return 0, ""
        finally:
            conn.close()
        ms = (time.perf_counter() - started) * 1000
        for value in response.headers.get_all("Set-Cookie") or []:
            self.cookies.load(value)
        if self.recording:
            st = server_timing(response.headers.get("Server-Timing"))
            self.samples.append(Sample(route, started, ms, response.status, st.get("app"), st.get("cpu"),
                                       st.get("sql"), st.get("page")))
        return response.status, text

    def sign_in(self, email: str) -> None:
        _, page = self.call("login", "GET", "/login")
        status, _ = self.call("login", "POST", "/login", {"email": email, "password": generate.PASSWORD,
                                                          "csrf_token": csrf_of(page)})
        if status not in (302, 303):
            raise SystemExit(f"sign-in of {email} answered {status}")
        status, today = self.call("today", "GET", "/today")
        if status != 200:
            raise SystemExit(f"/today answered {status}")
        self.csrf = csrf_of(today)


@dataclass
class Loops:
    loops: int = 0
    walk_ins: int = 0
    rows_seen: list[int] = field(default_factory=list)


def associate_loop(browser: Browser, own_ids: list[int], until: float, rng: random.Random, loops: Loops) -> None:
    """Today → a card from it → an outcome on it → a search → sometimes Upcoming, until `until`."""
    names, weights = zip(*OUTCOMES, strict=True)
    hx = {"HX-Request": "true"}
    while time.perf_counter() < until:
        _, html = browser.call("today", "GET", "/today")
        rows = ROW.findall(html)
        loops.rows_seen.append(len(rows))
        if rows:
            client_id = int(rng.choice(rows))
        else:
            client_id = rng.choice(own_ids)
            loops.walk_ins += 1
        browser.call("card", "GET", f"/clients/{client_id}")
        browser.call("outcome", "POST", f"/clients/{client_id}/outreach",
                     {"channel": "call", "outcome": rng.choices(names, weights)[0], "view": "today",
                      "next": "/today", "csrf_token": browser.csrf},
                     {**hx, "HX-Target": f"row-{client_id}", "X-CSRFToken": browser.csrf})
        browser.call("search", "GET", "/clients?" + urlencode({"q": rng.choice(SEARCHES)}), headers=hx)
        if rng.randrange(UPCOMING_EVERY) == 0:
            browser.call("upcoming", "GET", "/upcoming")
        loops.loops += 1


def plain_loop(browser: Browser, until: float) -> None:
    while time.perf_counter() < until:
        browser.call("plain", "GET", "/hello")


def run_threads(targets: list, warmup: float, duration: float, browsers: list[Browser]) -> float:
    """Start every loop, record after the warm-up for `duration` seconds; returns when recording began."""
    threads = [threading.Thread(target=t, daemon=True) for t in targets]
    for t in threads:
        t.start()
    time.sleep(warmup)
    began = time.perf_counter()
    for b in browsers:
        b.recording = True
    for t in threads:
        t.join()
    return began


# ------------------------------------------------------------------------------------------- figures

def figures(samples: list[Sample], seconds: float) -> dict:
    ms = [s.ms for s in samples]
    errors = sum(1 for s in samples if not 200 <= s.status < 400)
    out = {"requests": len(ms), "rps": round(len(ms) / seconds, 1), "errors": errors}
    if ms:
        out.update(p50_ms=round(statistics.median(ms), 1), p95_ms=round(pct(ms, 95), 1))
    server = [s.server_ms for s in samples if s.server_ms is not None]
    if server:
        out.update(server_p50_ms=round(statistics.median(server), 1), server_p95_ms=round(pct(server, 95), 1))
    cpu = [s.cpu_ms for s in samples if s.cpu_ms is not None]
    if cpu:
        out.update(cpu_p50_ms=round(statistics.median(cpu), 1), cpu_p95_ms=round(pct(cpu, 95), 1),
                   cpu_mean_ms=round(statistics.fmean(cpu), 2))
    sql = [s.sql for s in samples if s.sql is not None]
    if sql:
        out["sql_mean"] = round(statistics.fmean(sql), 1)
    return out


def mixed_figures(browsers: list[Browser], loops: list[Loops], began: float, duration: float, workers: int) -> dict:
    samples = [s for b in browsers for s in b.samples if s.started >= began]
    seconds = duration
    routes = {r: figures([s for s in samples if s.route == r], seconds) for r in ROUTES}
    today = [s for s in samples if s.route == "today"]
    routes["today_made"] = figures([s for s in today if s.page == "made"], seconds)
    routes["today_kept"] = figures([s for s in today if s.page == "kept"], seconds)
    seen = [n for lp in loops for n in lp.rows_seen]
    overall = figures(samples, seconds)
    # What the workers could serve if each had a core of its own and nothing else ran: a figure that a busy
    # machine moves far less than requests/s (PostgreSQL's own CPU is not in it).
    if overall.get("cpu_mean_ms"):
        overall["cpu_ceiling_rps"] = round(workers * 1000 / overall["cpu_mean_ms"], 1)
    return {"overall": overall, "routes": routes,
            "loops": sum(lp.loops for lp in loops), "walk_ins": sum(lp.walk_ins for lp in loops),
            "today_rows_mean": round(statistics.fmean(seen), 1) if seen else 0}


# ------------------------------------------------------------------------------------------- servers

def start_gunicorn(module: str, port: int, env: dict, workers: int) -> subprocess.Popen:
    cmd = [str(ROOT / ".venv" / "bin" / "gunicorn"), "--workers", str(workers), "--bind", f"127.0.0.1:{port}",
           "--chdir", str(ROOT / "bench"), "--log-level", "warning", "--timeout", "120", module]
    return subprocess.Popen(cmd, env=env, cwd=ROOT, start_new_session=True)


def wait_ready(port: int, path: str) -> None:
    for _ in range(300):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", path)
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise SystemExit(f"gunicorn on {port} did not answer {path}")


def stop(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)


def measure(url: str, secret: str, facts: dict, args) -> dict:
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": secret, "JEWELPWA_ENV": "development",
           "JEWELPWA_SERVER_TIMING": "1"}
    app_port, plain_port = free_port(), free_port()
    app = start_gunicorn("bench_wsgi:app", app_port, env, args.workers)
    plain = start_gunicorn("plain_flask:app", plain_port, env, args.workers)
    workdir = Path(tempfile.mkdtemp(prefix="jewelpwa_mixed_"))
    out: dict = {"workers": args.workers, "duration_s": args.duration, "warmup_s": args.warmup, "runs": []}
    try:
        wait_ready(app_port, "/bench/hello")
        wait_ready(plain_port, "/hello")
        users = facts["users"]
        for n in args.users:
            rng = random.Random(args.seed + n)
            browsers, loops, targets = [], [], []
            for i in range(n):
                who = users[i % len(users)]
                b = Browser(app_port)
                b.sign_in(who["email"])
                browsers.append(b)
                loops.append(Loops())
            until = time.perf_counter() + args.warmup + args.duration + 0.5
            for i, b in enumerate(browsers):
                targets.append(partial(associate_loop, b, users[i % len(users)]["own_ids"], until,
                                       random.Random(rng.random()), loops[i]))
            load = os.getloadavg()[0]
            began = run_threads(targets, args.warmup, args.duration, browsers)
            run = {"users": n, "load_average": [round(load, 2), round(os.getloadavg()[0], 2)],
                   **mixed_figures(browsers, loops, began, args.duration, args.workers)}
            # The same number of threads on plain Flask, same gunicorn settings, straight after.
            plains = [Browser(plain_port) for _ in range(n)]
            until = time.perf_counter() + args.warmup + args.plain_duration + 0.2
            began = run_threads([partial(plain_loop, b, until) for b in plains], args.warmup,
                                args.plain_duration, plains)
            run["plain_flask"] = figures([s for b in plains for s in b.samples if s.started >= began],
                                         args.plain_duration)
            out["runs"].append(run)
            print_run(run, facts)
        # Kept Today under wrk (one fresh session, nothing written meanwhile) against plain Flask under wrk.
        b = Browser(app_port)
        b.sign_in(users[0]["email"])
        cookie = "; ".join(f"{k}={m.value}" for k, m in b.cookies.items() if m.value)
        common = {"duration": args.wrk_duration, "connections": 8, "threads": 2}
        if shutil.which("wrk") is None:
            out["wrk"] = {"error": "wrk is not installed (apt-get install wrk)"}
        else:
            # Rounds of plain Flask, kept Today and the app's bare route one after the other, the share taken per
            # round: on a shared machine the load moves within a minute, and a round compares like with like.
            rounds = []
            for _ in range(args.wrk_rounds):
                rounds.append({"plain_flask": run_wrk(plain_port, workdir, "plain", "/hello", **common),
                               "today_kept": run_wrk(app_port, workdir, "today", "/today",
                                                     headers={"Cookie": cookie}, **common),
                               "app_hello": run_wrk(app_port, workdir, "hello", "/bench/hello", **common)})
            shares = [r["today_kept"]["rps"] / r["plain_flask"]["rps"] for r in rounds
                      if r["today_kept"].get("rps") and r["plain_flask"].get("rps")]
            middle = rounds[len(rounds) // 2] if not shares else rounds[
                sorted(range(len(shares)), key=lambda i: shares[i])[len(shares) // 2]]
            out["wrk"] = {**middle, "rounds": rounds, "duration_s": args.wrk_duration}
            if shares:
                out["wrk"]["today_kept_share_of_plain"] = round(statistics.median(shares), 4)
                out["wrk"]["shares"] = [round(x, 4) for x in shares]
    finally:
        stop(app)
        stop(plain)
        shutil.rmtree(workdir, ignore_errors=True)
    return out


# ------------------------------------------------------------------------------------------- report

def print_run(run: dict, facts: dict) -> None:
    o = run["overall"]
    print(f"\n{run['users']} users: {o['rps']} req/s · p50 {o.get('p50_ms')} / p95 {o.get('p95_ms')} ms · "
          f"{o['errors']} errors · {run['loops']} loops ({run['walk_ins']} walk-ins, Today showed "
          f"{run['today_rows_mean']} rows on average) · load {run['load_average'][0]} → {run['load_average'][1]}")
    if o.get("cpu_ceiling_rps"):
        print(f"app CPU per request: mean {o['cpu_mean_ms']} ms, so {o['cpu_ceiling_rps']} req/s with a core per worker "
              "and nothing else running")
    print(f"{'route':<14}{'n':>7}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'srv p50':>9}{'srv p95':>9}{'cpu p50':>9}"
          f"{'cpu p95':>9}{'sql':>6}")
    for name, r in run["routes"].items():
        if not r["requests"]:
            print(f"{name:<14}{0:>7}")
            continue
        print(f"{name:<14}{r['requests']:>7}{r['rps']:>8}{r['p50_ms']:>9}{r['p95_ms']:>9}"
              f"{r.get('server_p50_ms', '-'):>9}{r.get('server_p95_ms', '-'):>9}{r.get('cpu_p50_ms', '-'):>9}"
              f"{r.get('cpu_p95_ms', '-'):>9}{r.get('sql_mean', '-'):>6}")
    p = run["plain_flask"]
    print(f"{'plain Flask':<14}{p['requests']:>7}{p['rps']:>8}{p.get('p50_ms', '-'):>9}{p.get('p95_ms', '-'):>9}")


def check_goals(result: dict) -> dict:
    goals = {}
    at6 = next((r for r in result["measured"]["runs"] if r["users"] == 6), None)
    if at6:
        goals["mixed >= 120 req/s at 6 users"] = at6["overall"]["rps"] >= GOALS["rps_at_6"]
        goals["mixed p95 < 100 ms at 6 users"] = at6["overall"].get("p95_ms", 1e9) < GOALS["p95_ms_at_6"]
        for name in SERVER_GOAL_ROUTES:
            goals[f"{name} server p95 < 25 ms at 6 users"] = (
                at6["routes"][name].get("server_p95_ms", 1e9) < GOALS["server_p95_ms"])
    share = result["measured"].get("wrk", {}).get("today_kept_share_of_plain")
    if share is not None:
        goals["kept Today >= 25 % of plain Flask"] = share >= GOALS["kept_today_share_of_plain"]
    return goals


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50_000)
    parser.add_argument("--associates", type=int, default=6)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--database-url", default=None,
                        help='a SQLAlchemy URL, or "pg" for a private PostgreSQL database dropped afterwards '
                             "(default: a fresh SQLite file in /tmp)")
    parser.add_argument("--users", default="6,24", help="virtual users per run, comma separated")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--duration", type=float, default=30, help="seconds recorded per mixed run")
    parser.add_argument("--plain-duration", type=float, default=10, help="seconds of the plain Flask loop")
    parser.add_argument("--warmup", type=float, default=3)
    parser.add_argument("--wrk-duration", type=int, default=5, help="seconds per wrk run")
    parser.add_argument("--wrk-rounds", type=int, default=3,
                        help="rounds of (plain Flask, kept Today, the app's bare route); the median share is reported")
    parser.add_argument("--sqlite-template", type=Path,
                        help="SQLite only: copy this planned store (and its .json facts) instead of generating one; "
                             "made on the first run that names it")
    args = parser.parse_args()
    args.users = [int(u) for u in args.users.split(",")]

    with generate.bench_database(args.database_url, "jewelpwa_mixed_") as (url, tmp):
        run(url, tmp, args)


def run(url: str, tmp: str | None, args) -> None:  # noqa: ANN001 - argparse.Namespace
    backend = "postgresql" if url.startswith("postgresql") else "sqlite"
    template = args.sqlite_template
    if template and tmp and template.exists():
        shutil.copy(template, f"{tmp}/bench.db")
        facts = json.loads(template.with_suffix(".json").read_text())
        generate.make_app(url)  # migrated to this checkout's schema
    else:
        facts = build_store(url, args.clients, args.seed, args.associates)
        if template and tmp:
            shutil.copy(f"{tmp}/bench.db", template)
            template.with_suffix(".json").write_text(json.dumps(facts))
    print(f"{backend} · {args.clients:,} clients · {args.associates} associates · generated in "
          f"{facts['generate_s']} s · planned {facts['on']} in {facts['plan_s']} s")
    result = {"backend": backend, "clients": args.clients, "associates": args.associates, "cpus": os.cpu_count(),
              "facts": {k: v for k, v in facts.items() if k != "users"},
              "measured": measure(url, secrets.token_urlsafe(32), facts, args)}
    w = result["measured"].get("wrk", {})
    if "today_kept" in w:
        print(f"\nwrk -t2 -c8: plain Flask {w['plain_flask'].get('rps')} req/s · kept Today "
              f"{w['today_kept'].get('rps')} req/s ({w.get('today_kept_share_of_plain', 0):.1%} of plain) · "
              f"the app's /bench/hello {w['app_hello'].get('rps')} req/s")
    result["goals"] = check_goals(result)
    print("\ngoals")
    for name, ok in result["goals"].items():
        print(f"   {name:<44}{ok}")
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "mixed_load.json").write_text(json.dumps(result, indent=2, default=str))
    print("\nwrote bench/out/mixed_load.json")

if __name__ == "__main__":
    main()
