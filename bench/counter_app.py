"""Counter-app benchmark: the real app on a 50,000-client store, under gunicorn and in process.

Steps: generate a store (bench/generate.py), plan today, sign in as the associate with the longest list, then
- in process (Flask test client, same app as gunicorn): server time p50/p95 of Today, a client card, an
  outcome log (voicemail, a different client each time) and client searches, plus the query plans of the
  searches (EXPLAIN [QUERY PLAN] of the SQL they really ran);
- "first load": gzip bytes of the Today HTML and every stylesheet and script it references (htmx included);
- under gunicorn (bench/bench_wsgi.py, `--workers` sync workers) measured by wrk: requests/s of the bare
  `/bench/hello`, `/today`, `/clients/<id>`, `POST /clients/<id>/outreach` (voicemail, many clients) and
  client search (`/clients?q=...` as htmx, cycling through the in-process queries), with p50/p95/p99.
Routes that do not exist (yet) are reported as "missing route" instead of failing the run.

Goals (issue 4): Today p95 < 25 ms server time; Today ≥ 40 % of the bare route's throughput; first load < 60 KB.

    nice -n 10 .venv/bin/python bench/counter_app.py                       # 50k clients, SQLite in /tmp
    nice -n 10 .venv/bin/python bench/counter_app.py --database-url pg     # private PostgreSQL db, dropped
    .venv/bin/python bench/counter_app.py --clients 5000 --duration 3      # quick look
"""

from __future__ import annotations

import argparse
import gzip
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import generate  # noqa: E402
from sqlalchemy import event, select, update  # noqa: E402
from werkzeug.exceptions import MethodNotAllowed, NotFound  # noqa: E402

from jewelpwa.clock import store_today  # noqa: E402
from jewelpwa.extensions import db  # noqa: E402
from jewelpwa.models import Client, Store, User  # noqa: E402
from jewelpwa.services.engine.day_lists import build_day_lists, call_list  # noqa: E402
from jewelpwa.services.engine.planner import plan_store_day  # noqa: E402

OUT = ROOT / "bench" / "out"
HX = {"HX-Request": "true"}
GOALS = {"today_p95_ms": 25.0, "today_share_of_hello": 0.40, "first_load_kb": 60.0}
SEARCHES = ["ann", "smi", "grace wal", "555", "555 2", "0042", "c12@", ""]


# ------------------------------------------------------------------------------------------- helpers

def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def summary_ms(samples: list[float]) -> dict:
    ms = [s * 1000 for s in samples]
    return {"n": len(ms), "p50_ms": round(statistics.median(ms), 2), "p95_ms": round(pct(ms, 95), 2),
            "max_ms": round(max(ms), 2)}


def route_exists(app, path: str, method: str) -> bool:
    try:
        app.url_map.bind("localhost").match(path, method=method)
        return True
    except (NotFound, MethodNotAllowed):
        return False


class Assets(HTMLParser):
    """The stylesheets and scripts a page references."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):  # noqa: ANN001 - HTMLParser hook
        a = dict(attrs)
        if tag == "link" and "stylesheet" in (a.get("rel") or "").split() and a.get("href"):
            self.urls.append(a["href"])
        elif tag == "script" and a.get("src"):
            self.urls.append(a["src"])


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf-token" content="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html)
    if not match:
        raise SystemExit("no CSRF token on the page")
    return match.group(1)


# ------------------------------------------------------------------------------------------- data

def build_store(url: str, clients: int, seed: int, reuse: bool = False, associates: int = 3) -> dict:
    """Generate the book (or reuse one), plan today, choose the associate with the longest list."""
    app = generate.make_app(url)
    with app.app_context():
        existing = db.session.scalar(select(Store).where(Store.name == "Bench Jewelers")) if reuse else None
        if existing is not None:
            users = list(db.session.scalars(select(User.id).where(User.store_id == existing.id).order_by(User.id)))
            gen = generate.GeneratedStore(existing.id, users, clients, {"clients": db.session.scalar(
                select(db.func.count(Client.id)).where(Client.store_id == existing.id))})
        else:
            gen = generate.make_store(clients, seed=seed, start=date.today(), associates=associates)
        # Statistics as a maintained database has them. On SQLite without sqlite_stat1 the planner's
        # "no purchase in 24 months" anti-join (services/engine/client_value.py) picks (store_id, purchased_on) for its
        # correlated EXISTS and goes quadratic: a 50k plan did not finish in 20 minutes (reported to the lead).
        db.session.execute(db.text("ANALYZE"))
        db.session.commit()
        store = db.session.get(Store, gen.store_id)
        on = store_today(store)
        t = time.perf_counter()
        plan_store_day(store, on)
        plan_s = time.perf_counter() - t
        # As the worker does after planning: each associate's ranked list is kept for Today to read.
        t = time.perf_counter()
        build_day_lists(store.id, on)
        lists_s = time.perf_counter() - t
        generate.as_maintained()
        lists = {}
        for uid in gen.user_ids:
            user = db.session.get(User, uid)
            listing = call_list(user, on)
            lists[uid] = (len(listing.cards), len(listing.today), user.email, [c.client_id for c in listing.cards])
        uid = max(lists, key=lambda u: lists[u][0])
        cards, today, email, list_ids = lists[uid]
        own = list(db.session.scalars(select(Client.id).where(Client.assigned_to_id == uid, Client.erased_at.is_(None))
                                      .order_by(Client.id)))
        store_ids = list(db.session.scalars(select(Client.id).where(Client.store_id == gen.store_id,
                                                                    Client.erased_at.is_(None)).order_by(Client.id)))
        facts = {"store_id": gen.store_id, "on": on.isoformat(), "generate_s": round(gen.seconds, 1),
                 "plan_s": round(plan_s, 2), "day_lists_s": round(lists_s, 2), "rows": gen.rows, "user_id": uid, "email": email,
                 "list_cards": cards, "list_today": today, "list_ids": list_ids, "own_ids": own,
                 "store_ids": store_ids}
        db.session.remove()
        db.engine.dispose()
    return facts


# ------------------------------------------------------------------------------------------- in process

class Captured:
    """SQL statements run while it is active, to EXPLAIN the search queries exactly as they ran."""

    def __init__(self, engine) -> None:
        self.engine, self.statements = engine, []

    def _hook(self, conn, cursor, statement, parameters, context, executemany):  # noqa: ANN001, PLR0913
        if statement.lstrip().upper().startswith("SELECT") and "FROM clients" in statement:
            self.statements.append((statement, parameters))

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self._hook)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self._hook)


def explain(engine, statement: str, parameters) -> list[str]:
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
            return [row[-1] for row in rows]
        rows = conn.exec_driver_sql("EXPLAIN " + statement, parameters).all()
        return [row[0] for row in rows]


def in_process(web, facts: dict, requests: int, budget: float = 60.0) -> dict:
    """Server time of each route through the Flask test client (same app object gunicorn serves)."""
    client = web.test_client()
    page = client.get("/login").get_data(as_text=True)
    login = client.post("/login", data={"email": facts["email"], "password": generate.PASSWORD,
                                        "csrf_token": csrf_of(page)})
    assert login.status_code in (302, 303), f"sign-in failed: {login.status_code}"
    today_html = client.get("/today").get_data(as_text=True)
    token = csrf_of(today_html)
    out: dict = {}

    def timed(name: str, path_of, method: str = "GET", data_of=None, headers=None, before=None) -> None:
        probe = path_of(0)
        if not route_exists(web, probe, method):
            out[name] = {"missing": f"missing route: {method} {probe}"}
            return
        samples, statuses = [], {}
        started = time.perf_counter()
        for i in range(requests):
            if i >= min(20, requests) and time.perf_counter() - started > budget:
                break  # a slow route gets a time budget, not 250 requests: the count is reported
            path = path_of(i)
            if before is not None:
                before()
            t = time.perf_counter()
            if method == "GET":
                response = client.get(path, headers=headers)
            else:
                response = client.post(path, data=data_of(i), headers={**(headers or {}), "X-CSRFToken": token})
            response.get_data()
            samples.append(time.perf_counter() - t)
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
        if set(statuses) == {404}:
            out[name] = {"missing": f"missing route: {method} {probe} answers 404"}
            return
        out[name] = {**summary_ms(samples[5:] if len(samples) > 20 else samples), "statuses": statuses}

    own = facts["own_ids"]

    def store_changed() -> None:
        # What any write in the store does (jewelpwa/data_version.py): the kept Today is stale, the next is made.
        with web.app_context():
            db.session.execute(update(Store).where(Store.id == facts["store_id"])
                               .values(data_version=Store.data_version + 1))
            db.session.commit()

    # Today twice: reopened with nothing changed (served from web/page_cache.py), and made fresh after a write.
    timed("today", lambda i: "/today")
    timed("today_fresh", lambda i: "/today", before=store_changed)
    timed("today_htmx", lambda i: "/today", headers=HX)
    timed("card", lambda i: f"/clients/{own[i % len(own)]}")
    timed("upcoming", lambda i: "/upcoming")
    # Voicemail on a different client each time: the realistic write (moves the follow-up 2 days).
    outreach_ids = own[len(own) // 2:]
    timed("outreach_voicemail", lambda i: f"/clients/{outreach_ids[i % len(outreach_ids)]}/outreach", "POST",
          lambda i: {"channel": "call", "outcome": "voicemail", "csrf_token": token}, headers=HX)

    searches, plans = {}, {}
    engine = None
    with web.app_context():
        engine = db.engine
    for q in SEARCHES:
        path = "/clients?" + urlencode({"q": q})
        samples = []
        with Captured(engine) as cap:
            for _ in range(max(30, requests // 4)):
                t = time.perf_counter()
                client.get(path, headers=HX).get_data()
                samples.append(time.perf_counter() - t)
        searches[q or "(empty: my clients)"] = summary_ms(samples)
        seen = []
        for statement, params in cap.statements:
            if statement not in [s for s, _ in seen]:
                seen.append((statement, params))
        plans[q or "(empty)"] = [line for s, p in seen for line in explain(engine, s, p)]
    out["search"] = searches
    out["search_plans"] = plans
    out["first_load"] = first_load(client, today_html)
    return out


def first_load(client, html: str) -> dict:
    """gzip bytes of the Today page and every stylesheet and script it references."""
    parser = Assets()
    parser.feed(html)
    parts = {"/today (html)": len(gzip.compress(html.encode(), 6))}
    for url in parser.urls:
        response = client.get(url.split("?")[0])
        body = response.get_data()
        response.close()
        parts[url] = len(gzip.compress(body, 6)) if response.status_code == 200 else f"status {response.status_code}"
    total = sum(v for v in parts.values() if isinstance(v, int))
    return {"bytes_gz": total, "kb_gz": round(total / 1024, 1), "parts": parts,
            "htmx_included": any("htmx" in u for u in parts)}


# ------------------------------------------------------------------------------------------- gunicorn + wrk

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Http:
    """A tiny cookie-keeping HTTP client for signing in to the gunicorn app."""

    def __init__(self, port: int) -> None:
        self.port, self.cookies = port, SimpleCookie()

    def request(self, method: str, path: str, body: dict | None = None, headers: dict | None = None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        h = {"Cookie": self.cookie_header(), **(headers or {})}
        data = None
        if body is not None:
            data = urlencode(body)
            h["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=data, headers=h)
        response = conn.getresponse()
        text = response.read().decode("utf-8", "replace")
        for value in response.headers.get_all("Set-Cookie") or []:
            self.cookies.load(value)
        conn.close()
        return response.status, text

    def cookie_header(self) -> str:
        return "; ".join(f"{k}={m.value}" for k, m in self.cookies.items() if m.value)


LUA = r"""
local counter = 0
function setup(thread)
  thread:set("offset", counter * 7919)
  counter = counter + 1
end
local ids = {%(ids)s}
local method, prefix, suffix, body = "%(method)s", "%(prefix)s", "%(suffix)s", "%(body)s"
local headers = {%(headers)s}
local i = 0
function init(args) i = offset or 0 end
function request()
  i = i + 1
  local path = prefix
  if #ids > 0 then path = prefix .. tostring(ids[(i %% #ids) + 1]) .. suffix end
  if method == "POST" then return wrk.format("POST", path, headers, body) end
  return wrk.format("GET", path, headers)
end
function done(summary, latency, requests)
  io.write(string.format('WRK_JSON {"requests": %%d, "duration_us": %%d, "status_errors": %%d, "socket_errors": %%d, "p50_us": %%d, "p75_us": %%d, "p90_us": %%d, "p95_us": %%d, "p99_us": %%d}\n',
    summary.requests, summary.duration, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50), latency:percentile(75), latency:percentile(90), latency:percentile(95),
    latency:percentile(99)))
end
"""


def lua_quote(s: str) -> str:
    return s.replace("\\", "\\\\").replace('"', '\\"')


def run_wrk(port: int, workdir: Path, name: str, path: str, method: str = "GET", headers: dict | None = None,
            body: str = "", ids: list[int | str] | None = None, duration: int = 10, connections: int = 8,
            threads: int = 2) -> dict:
    """wrk on `path`; with `ids`, each request puts the next one in place of "{id}" (numbers or strings)."""
    script = workdir / f"{name}.lua"
    # Concatenated in Lua rather than string.gsub'd: a URL-encoded query's "%" is special in a gsub replacement.
    prefix, _, suffix = path.partition("{id}")
    script.write_text(LUA % {
        "ids": ", ".join(f'"{lua_quote(i)}"' if isinstance(i, str) else str(i) for i in (ids or [])),
        "method": method, "prefix": lua_quote(prefix), "suffix": lua_quote(suffix), "body": lua_quote(body),
        "headers": ", ".join(f'["{lua_quote(k)}"] = "{lua_quote(v)}"' for k, v in (headers or {}).items()),
    })
    # A slow route must show up as few requests per second, not as timeouts (wrk's default is 2 s).
    cmd = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--timeout", "30s", "--latency", "-s", str(script),
           f"http://127.0.0.1:{port}"]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + 60)
    line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("WRK_JSON ")), None)
    if line is None:
        return {"error": (proc.stderr or proc.stdout)[-500:]}
    raw = json.loads(line.removeprefix("WRK_JSON "))
    seconds = raw["duration_us"] / 1e6
    return {"rps": round(raw["requests"] / seconds, 1), "requests": raw["requests"],
            "status_errors": raw["status_errors"], "socket_errors": raw["socket_errors"],
            **{f"p{p}_ms": round(raw[f"p{p}_us"] / 1000, 2) for p in (50, 75, 90, 95, 99)}}


def under_gunicorn(url: str, secret: str, facts: dict, web, args) -> dict:
    port = free_port()
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": secret, "JEWELPWA_ENV": "development"}
    workdir = Path(tempfile.mkdtemp(prefix="jewelpwa_wrk_"))
    cmd = [str(ROOT / ".venv" / "bin" / "gunicorn"), "--workers", str(args.workers), "--bind", f"127.0.0.1:{port}",
           "--chdir", str(ROOT / "bench"), "--log-level", "warning",
           # A slow page is measured, not killed at gunicorn's default 30 s worker timeout.
           "--timeout", "120", "bench_wsgi:app"]
    server = subprocess.Popen(cmd, env=env, cwd=ROOT, start_new_session=True)
    out: dict = {"workers": args.workers, "connections": args.connections, "threads": args.threads,
                 "duration_s": args.duration}
    try:
        client = Http(port)
        for _ in range(200):
            try:
                if client.request("GET", "/bench/hello")[0] == 200:
                    break
            except OSError:
                pass
            time.sleep(0.1)
        else:
            raise SystemExit("gunicorn did not answer /bench/hello")
        _, page = client.request("GET", "/login")
        status, _ = client.request("POST", "/login", {"email": facts["email"], "password": generate.PASSWORD,
                                                      "csrf_token": csrf_of(page)})
        assert status in (302, 303), f"sign-in over HTTP failed: {status}"
        status, today = client.request("GET", "/today")
        assert status == 200, f"/today answered {status}"
        token = csrf_of(today)
        cookie = client.cookie_header()
        common = {"duration": args.duration, "connections": args.connections, "threads": args.threads}
        run_wrk(port, workdir, "warmup", "/bench/hello", duration=2, connections=2, threads=1)
        out["hello"] = run_wrk(port, workdir, "hello", "/bench/hello", **common)
        out["today"] = run_wrk(port, workdir, "today", "/today", headers={"Cookie": cookie}, **common)
        own = facts["own_ids"]
        if route_exists(web, f"/clients/{own[0]}", "GET") and client.request("GET", f"/clients/{own[0]}")[0] != 404:
            out["card"] = run_wrk(port, workdir, "card", "/clients/{id}", headers={"Cookie": cookie},
                                  ids=own[:5000], **common)
        else:
            out["card"] = {"missing": "missing route: GET /clients/<id>"}
        # Many different clients (the whole store, offset per wrk thread), voicemail each time.
        targets = facts["store_ids"][::-1][:20000]
        if route_exists(web, f"/clients/{own[0]}/outreach", "POST"):
            out["outreach_voicemail"] = run_wrk(
                port, workdir, "outreach", "/clients/{id}/outreach", method="POST", ids=targets,
                headers={"Cookie": cookie, "X-CSRFToken": token, "HX-Request": "true",
                         "Content-Type": "application/x-www-form-urlencoded"},
                body=urlencode({"channel": "call", "outcome": "voicemail", "csrf_token": token}), **common)
        else:
            out["outreach_voicemail"] = {"missing": "missing route: POST /clients/<id>/outreach"}
        # Search as the search box sends it (htmx fragment), cycling through the in-process queries.
        if route_exists(web, "/clients", "GET"):
            out["search"] = run_wrk(port, workdir, "search", "/clients?{id}", ids=[urlencode({"q": q}) for q in SEARCHES],
                                    headers={"Cookie": cookie, "HX-Request": "true"}, **common)
        else:
            out["search"] = {"missing": "missing route: GET /clients"}
        hello = out["hello"].get("rps")
        for name in ("today", "card", "outreach_voicemail", "search"):
            if hello and out[name].get("rps") is not None:
                out[name]["share_of_hello"] = round(out[name]["rps"] / hello, 3)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
        shutil.rmtree(workdir, ignore_errors=True)
    return out


# ------------------------------------------------------------------------------------------- report

def print_report(result: dict) -> None:
    f, p, g = result["facts"], result["in_process"], result.get("wrk", {})
    print(f"\n{result['backend']} · {f['rows']['clients']:,} clients · generated in {f['generate_s']} s · "
          f"planned {f['on']} in {f['plan_s']} s · {f['email']}: {f['list_cards']} cards ({f['list_today']} today)")
    print("\nserver time in process (Flask test client)")
    print(f"{'route':<34}{'n':>6}{'p50 ms':>10}{'p95 ms':>10}{'max ms':>10}")
    for name in ("today", "today_fresh", "today_htmx", "card", "upcoming", "outreach_voicemail"):
        row = p[name]
        if "missing" in row:
            print(f"{name:<34}{row['missing']}")
        else:
            print(f"{name:<34}{row['n']:>6}{row['p50_ms']:>10}{row['p95_ms']:>10}{row['max_ms']:>10}   {row['statuses']}")
    for q, row in p["search"].items():
        print(f"{'search ' + repr(q):<34}{row['n']:>6}{row['p50_ms']:>10}{row['p95_ms']:>10}{row['max_ms']:>10}")
    fl = p["first_load"]
    print(f"\nfirst load (gzip): {fl['kb_gz']} KB over {len(fl['parts'])} files, htmx included: {fl['htmx_included']}")
    for part, size in fl["parts"].items():
        print(f"   {part:<44}{size:>8}")
    if g.get("error"):
        print(f"\nthroughput: {g['error']}")
    elif g:
        print(f"\nthroughput under gunicorn ({g['workers']} workers), wrk -t{g['threads']} -c{g['connections']} "
              f"-d{g['duration_s']}s")
        print(f"{'route':<24}{'req/s':>10}{'share':>8}{'p50 ms':>10}{'p95 ms':>10}{'p99 ms':>10}{'errors':>8}")
        for name in ("hello", "today", "card", "outreach_voicemail", "search"):
            row = g.get(name, {})
            if "missing" in row or "error" in row:
                print(f"{name:<24}{row.get('missing') or row.get('error')}")
                continue
            share = row.get("share_of_hello", 1.0 if name == "hello" else "-")
            print(f"{name:<24}{row['rps']:>10}{share:>8}{row['p50_ms']:>10}{row['p95_ms']:>10}"
                  f"{row['p99_ms']:>10}{row['status_errors'] + row['socket_errors']:>8}")
    print("\ngoals")
    for name, ok in result["goals"].items():
        print(f"   {name:<40}{ok}")


def check_goals(result: dict) -> dict:
    p, g = result["in_process"], result.get("wrk", {})
    goals = {"today p95 < 25 ms (reopened, kept)": p["today"].get("p95_ms", 1e9) < GOALS["today_p95_ms"],
             "today p95 < 25 ms (fresh, after a write)": p["today_fresh"].get("p95_ms", 1e9) < GOALS["today_p95_ms"],
             "first load < 60 KB gzip": p["first_load"]["kb_gz"] < GOALS["first_load_kb"]}
    if isinstance(g.get("today"), dict) and g["today"].get("share_of_hello") is not None:
        goals["today >= 40 % of /bench/hello req/s"] = g["today"]["share_of_hello"] >= GOALS["today_share_of_hello"]
    return goals


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--associates", type=int, default=3,
                        help="the book is split evenly between them (3: ~16,700 clients each at 50k)")
    parser.add_argument("--database-url", default=None,
                        help='a SQLAlchemy URL, or "pg" for a private PostgreSQL database dropped afterwards '
                             "(default: a fresh SQLite file in /tmp)")
    parser.add_argument("--requests", type=int, default=250, help="in-process requests per route")
    parser.add_argument("--budget", type=float, default=60.0,
                        help="seconds per in-process route: a slow route stops early (at least 20 requests)")
    parser.add_argument("--reuse", action="store_true",
                        help="with --database-url: reuse the store generated by an earlier run of this script")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--no-wrk", action="store_true", help="in-process figures only")
    args = parser.parse_args()

    tmp = None
    if args.database_url == "pg":
        url = generate.create_pg_database()
    elif args.database_url:
        url = args.database_url
    else:
        tmp = tempfile.mkdtemp(prefix="jewelpwa_counter_")
        url = f"sqlite:///{tmp}/counter.db"
    backend = "postgresql" if url.startswith("postgresql") else "sqlite"
    secret = secrets.token_urlsafe(32)
    try:
        facts = build_store(url, args.clients, args.seed, reuse=args.reuse and bool(args.database_url),
                            associates=args.associates)
        os.environ.update({"DATABASE_URL": url, "SECRET_KEY": secret, "JEWELPWA_ENV": "development"})
        import bench_wsgi  # the same app object gunicorn serves, built from the environment just set

        web = bench_wsgi.app
        result = {"backend": backend, "clients": args.clients,
                  "facts": {k: v for k, v in facts.items() if not k.endswith("_ids")},
                  "in_process": in_process(web, facts, args.requests, args.budget)}
        if not args.no_wrk:
            if shutil.which("wrk") is None:
                result["wrk"] = {"error": "wrk is not installed (apt-get install wrk)"}
            else:
                result["wrk"] = under_gunicorn(url, secret, facts, web, args)
        result["goals"] = check_goals(result)
        print_report(result)
        OUT.mkdir(parents=True, exist_ok=True)
        path = OUT / "counter_app.json"
        path.write_text(json.dumps(result, indent=2, default=str))
        print(f"\nwrote {path.relative_to(ROOT)}")
    finally:
        if args.database_url == "pg":
            generate.drop_pg_database(url)
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
