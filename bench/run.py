"""One command for every benchmark: runs the bench scripts in turn, prints one table, writes bench/out/summary.json.

    .venv/bin/python bench/run.py                     # full run (`make bench`): the sizes the issues set goals for
    .venv/bin/python bench/run.py --quick             # 10k clients, SQLite only, short wrk runs (`make bench-quick`)
    .venv/bin/python bench/run.py --only mixed        # some parts only (counter, mixed, plan, import, reports, push, year)

Each script runs as its own process, exactly as it runs alone (so each stays runnable alone and a crash in one
does not take the others down); this harness reads the JSON the script writes to bench/out/ (push_rate.py only
prints its figure, so its last line is read) and turns it into rows of the one table:

    measure | figure | goal | met?

"met?" is "yes" or "NO" where an issue set a goal, and empty where the figure is only reported. Each script's
full output is kept in bench/out/logs/<step>.log, its raw JSON under "steps" in summary.json.
Exit status: 1 when a step produced no result (see its log), else 0 (a missed goal is a NO in the table).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
OUT = BENCH / "out"
PARTS = ("counter", "mixed", "plan", "import", "reports", "push", "year")

# The goals, as the issues set them (each script checks its own too; the figures here are for the table).
TODAY_SHARE_OF_BARE = 0.40      # issue 4: Today >= 40 % of the bare route's req/s
TODAY_P95_MS = 25.0             # issue 4: Today p95 server time
FIRST_LOAD_KB = 60.0            # issue 4: first load, gzip
PLAN_TARGETS_S = {("sqlite", 100_000): 10.0, ("postgresql", 1_000_000): 60.0}  # issue 3
LINEAR_SLACK = 1.3              # plan_scale.py: time may grow up to 1.3x the client ratio and still be linear
IMPORT_TARGET_S = 30.0          # issue 7: 50,000 client rows
REPORT_P95_MS = 200.0           # issue 6
PUSHES_PER_S = 200.0            # issue 5: one worker
MIXED_RPS_AT_6 = 120.0          # issue 19: mixed workload at 6 users, requests/s
MIXED_P95_MS_AT_6 = 100.0       # issue 19: and its p95 as the client saw it
MIXED_SERVER_P95_MS = 25.0      # issue 19: server time p95 of the card, an outcome, search, a freshly made Today
KEPT_TODAY_SHARE_OF_PLAIN = 0.25  # issue 19: kept Today's req/s against a plain Flask route's (wrk, same run)


# ------------------------------------------------------------------------------------------- rows

@dataclass
class Row:
    group: str
    measure: str
    figure: str
    goal: str = ""
    met: bool | None = None
    values: dict = field(default_factory=dict)  # the numbers behind the figure, for comparing runs


def n(x: float) -> str:
    """Three significant figures or so: 1234567 -> '1,234,567', 1482.2 -> '1,482', 29.23 -> '29.2', 4.41 -> '4.41'."""
    if isinstance(x, int) or abs(x) >= 100:
        return f"{round(x):,}"
    return f"{x:.1f}" if abs(x) >= 10 else f"{x:.2f}"


def short(x: int) -> str:
    """13224 -> '13.2k', 1200000 -> '1.2M': counts in a figure that only needs their size."""
    for unit, size in (("M", 1_000_000), ("k", 1000)):
        if x >= size:
            return f"{x / size:.3g}{unit}"
    return str(x)


def k(clients: int) -> str:
    return f"{clients // 1_000_000}M" if clients >= 1_000_000 and clients % 1_000_000 == 0 else (
        f"{clients // 1000}k" if clients % 1000 == 0 else f"{clients:,}")


def backend_of(url_or_name: str) -> str:
    return "postgresql" if url_or_name.startswith("postgres") else "sqlite"


def generate_row(group: str, backend: str, clients: int, seconds: float, rows: dict) -> Row:
    made = ", ".join(f"{short(rows[t])} {t.replace('important_', '')}" for t in ("people", "important_dates", "purchases")
                     if t in rows)
    return Row(group, f"generate {k(clients)} clients ({backend})", f"{n(seconds)} s · {made}",
               values={"seconds": seconds, **{t: rows[t] for t in rows if isinstance(rows[t], int)}})


WRK_ROUTES = [("hello", "wrk bare /bench/hello"), ("today", "wrk Today /today"),
              ("card", "wrk client card /clients/<id>"), ("outreach_voicemail", "wrk outcome log (voicemail)"),
              ("search", "wrk client search /clients?q=")]


def counter_rows(raw: dict) -> list[Row]:
    """counter_app.json -> rows: wrk per route beside the bare route, Today server time, first load."""
    backend, facts = raw["backend"], raw["facts"]
    group = f"counter app · {backend} · {k(raw['clients'])} clients"
    rows = [generate_row(group, backend, raw["clients"], facts["generate_s"], facts["rows"])]
    wrk = raw.get("wrk") or {}
    if "error" in wrk:
        rows.append(Row(group, "wrk", f"did not run: {wrk['error'][:90]}", "runs", False))
    elif wrk:
        rows.append(Row(group, "wrk setup (same server, same run)",
                        f"gunicorn {wrk['workers']} sync workers · wrk -t{wrk['threads']} -c{wrk['connections']} "
                        f"-d{wrk['duration_s']}s per route"))
        hello = (wrk.get("hello") or {}).get("rps")
        for name, label in WRK_ROUTES:
            r = wrk.get(name) or {"missing": "not measured"}
            goal = f"≥ {TODAY_SHARE_OF_BARE:.0%} of bare" if name == "today" else "no errors"
            if "rps" not in r:
                rows.append(Row(group, label, r.get("missing") or r.get("error", "?")[:90], goal, False))
                continue
            errors = r["status_errors"] + r["socket_errors"]
            share = r["rps"] / hello if hello else None
            figure = (f"{n(r['rps'])} req/s · p50 {n(r['p50_ms'])} / p95 {n(r['p95_ms'])} / p99 {n(r['p99_ms'])} ms"
                      + ("" if name == "hello" or share is None else f" · {share:.1%} of bare")
                      + (f" · {n(errors)} errors" if errors else ""))
            met = errors == 0 and (name != "today" or (share is not None and share >= TODAY_SHARE_OF_BARE))
            rows.append(Row(group, label, figure, goal, met,
                            {"rps": r["rps"], "share_of_bare": round(share, 4) if share is not None else None,
                             "errors": errors, **{f"p{p}_ms": r.get(f"p{p}_ms") for p in (50, 95, 99)}}))
    p = raw["in_process"]
    for name, label in (("today", "Today in process, reopened"), ("today_fresh", "Today in process, fresh after a write")):
        r = p.get(name) or {}
        if "p95_ms" not in r:
            rows.append(Row(group, label, r.get("missing", "not measured"), f"p95 < {TODAY_P95_MS:.0f} ms", False))
            continue
        rows.append(Row(group, label, f"p50 {n(r['p50_ms'])} · p95 {n(r['p95_ms'])} ms ({r['n']} requests)",
                        f"p95 < {TODAY_P95_MS:.0f} ms", r["p95_ms"] < TODAY_P95_MS,
                        {"p50_ms": r["p50_ms"], "p95_ms": r["p95_ms"]}))
    fl = p.get("first_load") or {}
    if "kb_gz" in fl:
        rows.append(Row(group, "first load: Today + its CSS and JS, gzip", f"{n(fl['kb_gz'])} KB ({len(fl['parts'])} files)",
                        f"< {FIRST_LOAD_KB:.0f} KB", fl["kb_gz"] < FIRST_LOAD_KB, {"kb_gz": fl["kb_gz"]}))
    return rows


MIXED_ROUTES = [("today_made", "Today, made fresh"), ("today_kept", "Today, kept"), ("card", "client card"),
                ("outcome", "outcome (POST)"), ("search", "client search"), ("upcoming", "Upcoming")]


def mixed_rows(raw: dict) -> list[Row]:
    """mixed_load.json -> rows: each run's overall figures, plain Flask beside it, each route's client and server
    times, then kept Today against plain Flask under wrk."""
    backend, m = raw["backend"], raw["measured"]
    group = f"mixed workload · {backend} · {k(raw['clients'])} clients · {raw['associates']} associates"
    rows = [generate_row(group, backend, raw["clients"], raw["facts"]["generate_s"], raw["facts"]["rows"])]
    for run in m["runs"]:
        users, o, plain = run["users"], run["overall"], run["plain_flask"]
        at6 = users == 6
        rows.append(Row(group, f"{users} users: all requests (load {run['load_average'][0]}→{run['load_average'][1]})",
                        f"{n(o['rps'])} req/s · p50 {n(o.get('p50_ms', 0))} / p95 {n(o.get('p95_ms', 0))} ms · "
                        f"{run['loops']} loops, {run['walk_ins']} walk-ins" + (f" · {o['errors']} errors" if o["errors"] else ""),
                        f"≥ {MIXED_RPS_AT_6:.0f} req/s, p95 < {MIXED_P95_MS_AT_6:.0f} ms" if at6 else "no errors",
                        (o["rps"] >= MIXED_RPS_AT_6 and o.get("p95_ms", 1e9) < MIXED_P95_MS_AT_6 and not o["errors"])
                        if at6 else not o["errors"], {"users": users, **o}))
        if o.get("cpu_ceiling_rps"):
            rows.append(Row(group, f"{users} users: app CPU per request (mean)",
                            f"{n(o['cpu_mean_ms'])} ms: {n(o['cpu_ceiling_rps'])} req/s with a core per worker",
                            "", None, {"cpu_mean_ms": o["cpu_mean_ms"]}))
        rows.append(Row(group, f"{users} users: plain Flask, same loop", f"{n(plain['rps'])} req/s · p50 "
                        f"{n(plain.get('p50_ms', 0))} / p95 {n(plain.get('p95_ms', 0))} ms", "", None, plain))
        for name, label in MIXED_ROUTES:
            r = run["routes"].get(name) or {}
            if not r.get("requests"):
                rows.append(Row(group, f"{users} users: {label}", "none in this run"))
                continue
            judged = at6 and name in ("today_made", "card", "outcome", "search")
            rows.append(Row(group, f"{users} users: {label}",
                            f"p50/p95 {n(r['p50_ms'])} / {n(r['p95_ms'])} · server {n(r.get('server_p50_ms', 0))} / "
                            f"{n(r.get('server_p95_ms', 0))} · CPU {n(r.get('cpu_p50_ms', 0))} / "
                            f"{n(r.get('cpu_p95_ms', 0))} ms · {n(r['rps'])}/s",
                            f"server p95 < {MIXED_SERVER_P95_MS:.0f} ms" if judged else "",
                            r.get("server_p95_ms", 1e9) < MIXED_SERVER_P95_MS if judged else None, r))
    w = m.get("wrk") or {}
    if "error" in w:
        rows.append(Row(group, "wrk", f"did not run: {w['error'][:90]}", "runs", False))
    elif w:
        share = w.get("today_kept_share_of_plain")
        rows.append(Row(group, "wrk kept Today vs plain Flask /hello",
                        f"{n(w['today_kept'].get('rps', 0))} vs {n(w['plain_flask'].get('rps', 0))} req/s"
                        + (f" · {share:.1%}" if share is not None else "")
                        + f" (this app's bare /bench/hello {n(w['app_hello'].get('rps', 0))})",
                        f"≥ {KEPT_TODAY_SHARE_OF_PLAIN:.0%} of plain", share is not None and share >= KEPT_TODAY_SHARE_OF_PLAIN,
                        {"share": share, **{key: w[key].get("rps") for key in ("today_kept", "plain_flask", "app_hello")}}))
    return rows


def plan_rows(raw: list[dict]) -> list[Row]:
    """plan_scale.json -> rows: generator, first plan and next day per run, growth between sizes."""
    rows = []
    for r in raw:
        group = f"planner · {r['backend']} · {k(r['clients'])} clients"
        rows.append(generate_row(group, r["backend"], r["clients"], r["generate_s"], r["rows"]))
        target = PLAN_TARGETS_S.get((r["backend"], r["clients"]))
        for key, label in (("first", "first plan of a fresh book"), ("second", "next day (steady state)")):
            seconds = r[f"{key}_s"]
            rows.append(Row(group, f"planner {label}",
                            f"{n(seconds)} s · {n(r[f'{key}_created'])} follow-ups made · CPU {n(r[f'{key}_cpu_s'])} s",
                            f"< {target:.0f} s" if target else "", seconds < target if target else None,
                            {"seconds": seconds, "created": r[f"{key}_created"], "cpu_s": r[f"{key}_cpu_s"]}))
    for backend in sorted({r["backend"] for r in raw}):
        mine = sorted((r for r in raw if r["backend"] == backend), key=lambda r: r["clients"])
        for a, b in zip(mine, mine[1:], strict=False):
            ratio = b["clients"] / a["clients"]
            grow = {key: b[f"{key}_s"] / a[f"{key}_s"] for key in ("first", "second")}
            rows.append(Row(f"planner · {backend} · growth", f"planner {k(a['clients'])} → {k(b['clients'])} clients "
                            f"(×{ratio:.0f})", f"time ×{grow['first']:.1f} first, ×{grow['second']:.1f} next day",
                            f"≤ ×{ratio * LINEAR_SLACK:.0f} (linear)",
                            max(grow.values()) <= ratio * LINEAR_SLACK, {f"{key}_ratio": round(v, 2) for key, v in grow.items()}))
    return rows


def import_rows(raw: dict) -> list[Row]:
    """import_rows.json -> one row per step; the goal is on the first import of the clients file."""
    backend = backend_of(raw["database"])
    group = f"import · {backend} · {k(raw['clients'])} client rows"
    rows = []
    for s in raw["steps"]:
        # The goal is set for 50,000 rows: a smaller (--quick) file shows the goal but is not judged by it.
        first = s["step"] == "clients: first import"
        goal = f"< {IMPORT_TARGET_S:.0f} s at 50k rows" if first else ""
        judged = first and s["rows"] >= 50_000
        rows.append(Row(group, f"import {s['step']}",
                        f"{n(s['seconds'])} s · {n(s['rows'])} rows · {n(s['rows_per_s'])} rows/s", goal,
                        s["seconds"] < IMPORT_TARGET_S if judged else None,
                        {"seconds": s["seconds"], "rows": s["rows"], "rows_per_s": s["rows_per_s"]}))
    return rows


def report_rows(raw: dict) -> list[Row]:
    """One entry of reports.json -> one row per owner report (service call, fresh session each time)."""
    backend = backend_of(raw["backend"])
    group = f"reports · {backend} · {k(raw['clients'])} clients"
    return [Row(group, f"report {label.replace('_', ' ')}",
                f"p50 {n(r['p50_ms'])} · p95 {n(r['p95_ms'])} ms ({r['runs']} calls)", f"p95 < {REPORT_P95_MS:.0f} ms",
                r["p95_ms"] < REPORT_P95_MS, {"p50_ms": r["p50_ms"], "p95_ms": r["p95_ms"]})
            for label, r in raw["results"].items()]


PUSH_LINE = re.compile(r"one worker: (\d+) pushes in ([\d.]+) s = (\d+) pushes/s .*endpoint check failures: (\d+)")


def read_push(output: str) -> dict:
    """push_rate.py prints its figure only: 'one worker: 2000 pushes in 6.10 s = 328 pushes/s (...) ...: 0'."""
    match = PUSH_LINE.search(output)
    if match is None:
        raise ValueError("no 'one worker: ... pushes/s' line in push_rate.py's output")
    pushes, seconds, rate, failures = match.groups()
    return {"pushes": int(pushes), "seconds": float(seconds), "pushes_per_s": int(rate), "endpoint_failures": int(failures)}


def push_rows(raw: dict) -> list[Row]:
    ok = raw["pushes_per_s"] >= PUSHES_PER_S and raw["endpoint_failures"] == 0
    return [Row("push", "pushes sent by one worker",
                f"{n(raw['pushes_per_s'])} pushes/s ({n(raw['pushes'])} encrypted, signed, in {n(raw['seconds'])} s; "
                f"{raw['endpoint_failures']} rejected)", f"≥ {PUSHES_PER_S:.0f}/s", ok, raw)]


def year_rows(raw: dict) -> list[Row]:
    """simulate_year_*.json -> the rules that must hold over a simulated year, and touch coverage."""
    group = f"year simulation · {raw['database']} · {n(raw['clients'])} clients · {raw['days']} days"
    t, d = raw["touches"], raw["dnc"]
    lengths = raw["list_length_per_associate"].values()
    return [
        Row(group, "touches that broke a client's tolerance", n(raw["tolerance_breaches"]), "0",
            raw["tolerance_breaches"] == 0, {"breaches": raw["tolerance_breaches"]}),
        Row(group, "touches to do-not-contact clients", n(d["touches_after_dnc"]), "0", d["touches_after_dnc"] == 0,
            {"touches_after_dnc": d["touches_after_dnc"]}),
        # Five touches is a goal for a whole year: a shorter (--quick) run reports the share without judging it.
        Row(group, "contactable clients with ≥ 5 touches",
            f"{t['share_at_least_5']:.1%} (mean {t['mean']} touches)", "100 % in a year",
            t["share_at_least_5"] >= 1.0 if raw["days"] >= 365 else None,
            {"share_at_least_5": t["share_at_least_5"], "mean": t["mean"]}),
        Row(group, "daily list length (cards)", f"max {max(s['max'] for s in lengths)} · mean of means "
            f"{n(sum(s['mean'] for s in lengths) / len(lengths))}", "", None),
        Row(group, "simulation run time", f"{n(raw['total_seconds'])} s", "", None),
    ]


def failed_row(step: dict) -> Row:
    return Row(step["label"], f"{step['label']}: no result", f"{step['error']} (see {step['log']})", "runs", False)


# ------------------------------------------------------------------------------------------- table

def render_table(rows: list[Row], width: int = 72) -> str:
    """One plain-text table, the group of each block of rows as a heading line above it."""
    def cut(text: str, size: int) -> str:
        return text if len(text) <= size else text[:size - 1] + "…"

    mw = min(58, max([len("route / measure")] + [len(r.measure) for r in rows]))
    fw = min(width, max([len("figure")] + [len(r.figure) for r in rows]))
    gw = max([len("goal")] + [len(r.goal) for r in rows])
    line = f"{'route / measure':<{mw}} | {'figure':<{fw}} | {'goal':<{gw}} | met?"
    out, group = [line, "-" * len(line)], None
    for r in rows:
        if r.group != group:
            group = r.group
            out.append(f"[{group}]")
        met = "" if r.met is None else ("yes" if r.met else "NO")
        out.append(f"{cut(r.measure, mw):<{mw}} | {cut(r.figure, fw):<{fw}} | {r.goal:<{gw}} | {met}")
    return "\n".join(out)


def verdict(rows: list[Row]) -> str:
    goals = [r for r in rows if r.met is not None]
    missed = [r for r in goals if not r.met]
    return f"{len(goals) - len(missed)} of {len(goals)} goals met" + (
        "" if not missed else ": missed " + "; ".join(f"{r.measure} ({r.group})" for r in missed))


# ------------------------------------------------------------------------------------------- steps

def py(script: str, *args: str) -> list[str]:
    return [sys.executable, str(BENCH / script), *args]


def plan_steps(quick: bool, backends: list[str]) -> list[dict]:
    """The steps of the run, in order: part, label, command, the JSON it writes and how to read it."""
    steps = []

    def db_args(backend: str) -> list[str]:
        return ["--database-url", "pg"] if backend == "postgresql" else []

    for backend in backends:
        size = "10000" if quick else "50000"
        wrk = ["--duration", "3", "--requests", "60", "--budget", "20"] if quick else []
        steps.append({"part": "counter", "label": f"counter-{backend}", "output": "counter_app.json",
                      "argv": py("counter_app.py", "--clients", size, *wrk, *db_args(backend))})
    for backend in backends:
        mixed = ["--clients", "10000", "--duration", "5", "--plain-duration", "3", "--wrk-duration", "3"] if quick else []
        steps.append({"part": "mixed", "label": f"mixed-{backend}", "output": "mixed_load.json",
                      "argv": py("mixed_load.py", *mixed, *db_args(backend))})
    plan = ["--backends", ",".join(backends), "--sizes", "10000"] if quick else (
        [] if set(backends) == {"sqlite", "postgresql"} else ["--backends", ",".join(backends)])
    steps.append({"part": "plan", "label": "plan", "output": "plan_scale.json", "argv": py("plan_scale.py", *plan)})
    for backend in backends:
        steps.append({"part": "import", "label": f"import-{backend}", "output": "import_rows.json",
                      "argv": py("import_rows.py", "--clients", "10000" if quick else "50000", *db_args(backend))})
    for backend in backends:
        size = "10000" if quick else "50000"
        steps.append({"part": "reports", "label": f"reports-{backend}", "output": "reports.json", "key": (backend, int(size)),
                      "argv": py("reports.py", "--clients", size, *(["--runs", "10"] if quick else []),
                                 *db_args(backend))})
    steps.append({"part": "push", "label": "push", "output": None,
                  "argv": py("push_rate.py", *(["--pushes", "500", "--devices", "50"] if quick else []))})
    year = ["--clients", "300", "--days", "30"] if quick else []
    steps.append({"part": "year", "label": "year", "output": "simulate_year_{clients}_sqlite.json",
                  "clients": 300 if quick else 1200, "argv": py("simulate_year.py", *year)})
    return steps


def read_result(step: dict, output: str, started: float):
    """The step's raw result: the JSON file it wrote during this run (or, for push, its printed figure)."""
    if step["part"] == "push":
        return read_push(output)
    path = OUT / step["output"].format(clients=step.get("clients"))
    if not path.exists() or path.stat().st_mtime < started:
        raise ValueError(f"it wrote no {path.relative_to(ROOT)}")
    raw = json.loads(path.read_text())
    if step["part"] == "reports":  # one file for every run, keyed "<url scheme>_<clients>"
        backend, clients = step["key"]
        return next(v for key, v in raw.items()
                    if backend_of(key) == backend and key.endswith(f"_{clients}"))
    return raw


ROWS_OF = {"counter": counter_rows, "mixed": mixed_rows, "plan": plan_rows, "import": import_rows, "reports": report_rows,
           "push": push_rows, "year": year_rows}


def run_step(step: dict, logs: Path) -> dict:
    """Run one script, its output shown as it comes and kept in bench/out/logs/<label>.log."""
    log = logs / f"{step['label']}.log"
    print(f"\n=== {step['label']}: {' '.join(Path(a).name if a.endswith('.py') or a == sys.executable else a for a in step['argv'])}",
          flush=True)
    started, load = time.time(), os.getloadavg()[0]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    lines = []
    with log.open("w") as sink:
        proc = subprocess.Popen(step["argv"], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                text=True, bufsize=1)
        interrupted = False
        try:
            for text in proc.stdout:
                if "[alembic.runtime.migration]" not in text:  # a dozen lines per fresh database: log only
                    sys.stdout.write("    " + text)
                sink.write(text)
                lines.append(text)
        except KeyboardInterrupt:
            # Ctrl-C reached the script too: let it run its `finally` (a private PostgreSQL database is
            # dropped there), then stop the run and still write the summary of what finished.
            interrupted = True
            try:
                proc.wait(timeout=120)
            except subprocess.TimeoutExpired:
                proc.kill()
        code = proc.wait()
    result = {"label": step["label"], "part": step["part"], "command": step["argv"][1:], "exit_code": code,
              "seconds": round(time.time() - started, 1), "load_average_at_start": round(load, 2),
              "log": str(log.relative_to(ROOT))}
    if interrupted:
        result["error"] = "interrupted (Ctrl-C)"
        return result
    try:
        result["raw"] = read_result(step, "".join(lines), started)
    except (ValueError, StopIteration, KeyError, json.JSONDecodeError) as error:
        result["error"] = f"exit {code}, {error}" if str(error) else f"exit {code}"
    return result


def rows_of(step: dict) -> list[Row]:
    if "raw" not in step:
        return [failed_row(step)]
    try:
        return ROWS_OF[step["part"]](step["raw"])
    except (KeyError, TypeError, ZeroDivisionError) as error:  # a script's JSON changed shape: say so, keep going
        step["error"] = f"could not read its result: {error!r}"
        return [failed_row(step)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="10k clients, SQLite only, 3 s wrk runs: a few minutes, to check the harness")
    parser.add_argument("--only", help=f"comma list of parts to run: {','.join(PARTS)} (default: all, in this order)")
    parser.add_argument("--backends", help="sqlite,postgresql (default: both; --quick: sqlite)")
    args = parser.parse_args()
    parts = args.only.split(",") if args.only else list(PARTS)
    unknown = set(parts) - set(PARTS)
    if unknown:
        parser.error(f"unknown part(s) {', '.join(sorted(unknown))}; choose from {', '.join(PARTS)}")
    backends = args.backends.split(",") if args.backends else (["sqlite"] if args.quick else ["sqlite", "postgresql"])
    if set(backends) - {"sqlite", "postgresql"}:
        parser.error("--backends takes sqlite and/or postgresql")

    logs = OUT / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    started_at, t0 = datetime.now(UTC), time.time()
    steps = [s for s in plan_steps(args.quick, backends) if s["part"] in parts]
    done = []
    for step in steps:
        done.append(run_step(step, logs))
        if done[-1].get("error") == "interrupted (Ctrl-C)":
            break
    rows = [row for step in done for row in rows_of(step)]
    seconds = time.time() - t0

    mode = "quick (10k clients: smaller than the goals are set for, 'met?' is only a smoke check)" if args.quick \
        else "full"
    head = (f"JewelPWA bench, {mode} · {started_at:%Y-%m-%d %H:%M} UTC · {seconds / 60:.1f} min · "
            f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the end")
    table = render_table(rows)
    print(f"\n{head}\n\n{table}\n\n{verdict(rows)}")
    summary = {"mode": "quick" if args.quick else "full", "started_at": started_at.isoformat(),
               "seconds": round(seconds, 1), "cpus": os.cpu_count(), "backends": backends, "parts": parts,
               "verdict": verdict(rows), "all_goals_met": all(r.met for r in rows if r.met is not None),
               "rows": [asdict(r) for r in rows],
               "steps": done}
    (OUT / "summary.json").write_text(json.dumps(summary, indent=2, default=str))
    (OUT / "summary.txt").write_text(f"{head}\n\n{table}\n\n{verdict(rows)}\n")
    print("\nwrote bench/out/summary.json and bench/out/summary.txt; each step's output in bench/out/logs/")
    sys.exit(1 if any("error" in s for s in done) else 0)


if __name__ == "__main__":
    main()
