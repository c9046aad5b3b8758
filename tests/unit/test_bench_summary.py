"""The bench harness's table code (bench/run.py) on canned results: no benchmark runs here."""

import importlib.util
import sys
from pathlib import Path

import pytest

# bench/ is a folder of scripts, not a package: load run.py by path (registered first: dataclasses look it up).
_spec = importlib.util.spec_from_file_location("bench_run", Path(__file__).parents[2] / "bench" / "run.py")
run = sys.modules["bench_run"] = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(run)


def wrk(rps: float, errors: int = 0) -> dict:
    return {"rps": rps, "requests": int(rps * 10), "status_errors": errors, "socket_errors": 0,
            "p50_ms": 4.5, "p75_ms": 5.0, "p90_ms": 5.6, "p95_ms": 6.0, "p99_ms": 7.6}


def counter(today_rps: float = 1661.0, card_errors: int = 0, search: dict | None = None) -> dict:
    """counter_app.json as counter_app.py writes it (trimmed to what the harness reads)."""
    return {
        "backend": "sqlite", "clients": 50_000,
        "facts": {"generate_s": 41.3, "rows": {"clients": 50_000, "people": 64_000, "important_dates": 111_000,
                                               "purchases": 92_000}},
        "in_process": {"today": {"n": 245, "p50_ms": 1.7, "p95_ms": 3.1, "max_ms": 5.0},
                       "today_fresh": {"n": 245, "p50_ms": 16.0, "p95_ms": 26.5, "max_ms": 40.0},
                       "first_load": {"kb_gz": 46.7, "parts": {"/today (html)": 4911, "/static/js/app.js": 2514}}},
        "wrk": {"workers": 2, "connections": 8, "threads": 2, "duration_s": 10,
                "hello": wrk(3908.0), "today": wrk(today_rps), "card": wrk(139.0, card_errors),
                "outreach_voicemail": wrk(151.0),
                "search": search if search is not None else wrk(446.0)},
    }


def by_measure(rows) -> dict:
    return {r.measure: r for r in rows}


def test_today_throughput_is_shown_as_a_share_of_the_bare_route_and_judged_at_forty_percent():
    rows = by_measure(run.counter_rows(counter(today_rps=1661.0)))
    today = rows["wrk Today /today"]
    assert "1,661 req/s" in today.figure and "42.5% of bare" in today.figure
    assert "p50 4.50 / p95 6.00 / p99 7.60 ms" in today.figure
    assert today.met is True and today.values["share_of_bare"] == pytest.approx(0.425, abs=1e-3)

    slow = by_measure(run.counter_rows(counter(today_rps=1500.0)))["wrk Today /today"]
    assert "38.4% of bare" in slow.figure and slow.met is False


def test_every_wrk_route_is_listed_and_a_route_answering_errors_is_a_miss():
    rows = by_measure(run.counter_rows(counter(card_errors=12)))
    for _, label in run.WRK_ROUTES:
        assert label in rows
    card = rows["wrk client card /clients/<id>"]
    assert "12 errors" in card.figure and card.met is False
    assert rows["wrk client search /clients?q="].met is True
    assert rows["wrk bare /bench/hello"].figure.startswith("3,908 req/s")


def test_a_missing_route_is_reported_as_missing_not_as_a_crash():
    rows = by_measure(run.counter_rows(counter(search={"missing": "missing route: GET /clients"})))
    search = rows["wrk client search /clients?q="]
    assert search.figure == "missing route: GET /clients" and search.met is False


def test_today_server_time_and_first_load_carry_their_goals():
    rows = by_measure(run.counter_rows(counter()))
    assert rows["Today in process, reopened"].met is True
    fresh = rows["Today in process, fresh after a write"]
    assert fresh.goal == "p95 < 25 ms" and fresh.met is False  # 26.5 ms
    assert rows["first load: Today + its CSS and JS, gzip"].figure == "46.7 KB (2 files)"


def plan(backend: str, clients: int, first: float, second: float) -> dict:
    return {"backend": backend, "clients": clients, "generate_s": 10.0, "rows": {"clients": clients, "people": 1},
            "first_s": first, "first_created": 900, "first_cpu_s": first / 2,
            "second_s": second, "second_created": 40, "second_cpu_s": second / 2}


def test_planner_targets_apply_to_their_sizes_and_growth_must_stay_linear():
    rows = run.plan_rows([plan("sqlite", 10_000, 0.8, 0.5), plan("sqlite", 100_000, 9.0, 11.0)])
    first_100k, next_100k = [r for r in rows if r.group == "planner · sqlite · 100k clients"][1:]
    assert (first_100k.goal, first_100k.met) == ("< 10 s", True)
    assert (next_100k.goal, next_100k.met) == ("< 10 s", False)
    first_10k = next(r for r in rows if r.group == "planner · sqlite · 10k clients" and "first" in r.measure)
    assert first_10k.met is None and first_10k.goal == ""
    growth = rows[-1]
    # 10x the clients, 22x the next-day time: more than 1.3x the client ratio is super-linear.
    assert growth.measure == "planner 10k → 100k clients (×10)" and growth.met is False
    assert "×11.2 first, ×22.0 next day" in growth.figure


def test_the_import_goal_is_judged_only_on_a_file_of_fifty_thousand_rows():
    def result(rows: int, seconds: float) -> dict:
        return {"clients": rows, "database": "sqlite", "steps": [
            {"step": "clients: dry run", "rows": rows, "seconds": seconds / 2, "rows_per_s": 2 * rows / seconds},
            {"step": "clients: first import", "rows": rows, "seconds": seconds, "rows_per_s": rows / seconds}]}

    assert [r.met for r in run.import_rows(result(50_000, 21.0))] == [None, True]
    assert [r.met for r in run.import_rows(result(50_000, 31.0))] == [None, False]
    assert [r.met for r in run.import_rows(result(10_000, 31.0))] == [None, None]


def test_push_rate_is_read_from_the_line_push_rate_prints():
    printed = ("500 pushes queued for 50 devices; starting one worker\n"
               "one worker: 500 pushes in 1.62 s = 308 pushes/s (goal >= 200/s); endpoint check failures: 0\n")
    raw = run.read_push(printed)
    assert raw == {"pushes": 500, "seconds": 1.62, "pushes_per_s": 308, "endpoint_failures": 0}
    [row] = run.push_rows(raw)
    assert row.met is True and row.figure.startswith("308 pushes/s")
    assert run.push_rows({**raw, "endpoint_failures": 3})[0].met is False
    with pytest.raises(ValueError):
        run.read_push("Traceback (most recent call last): ...")


def test_the_table_has_one_line_per_row_under_its_group_and_the_verdict_names_each_miss():
    rows = run.counter_rows(counter(today_rps=1000.0)) + run.push_rows(run.read_push(
        "one worker: 2000 pushes in 10.00 s = 199 pushes/s (goal >= 200/s); endpoint check failures: 0"))
    lines = run.render_table(rows).splitlines()
    assert [cell.strip() for cell in lines[0].split(" | ")] == ["route / measure", "figure", "goal", "met?"]
    assert "[counter app · sqlite · 50k clients]" in lines and "[push]" in lines
    body = [ln for ln in lines[2:] if not ln.startswith("[")]
    assert len(body) == len(rows)
    today = next(ln for ln in body if ln.startswith("wrk Today /today"))
    assert today.endswith("| NO")
    assert next(ln for ln in body if ln.startswith("wrk setup")).endswith("| ")  # reported, no goal
    text = run.verdict(rows)
    assert text.startswith("6 of 9 goals met: missed ")
    assert "wrk Today /today" in text and "pushes sent by one worker" in text and "fresh after a write" in text


def test_a_step_without_a_result_becomes_a_failed_row_pointing_to_its_log():
    step = {"label": "reports-postgresql", "part": "reports", "error": "exit 1, it wrote no bench/out/reports.json",
            "log": "bench/out/logs/reports-postgresql.log"}
    [row] = run.rows_of(step)
    assert row.met is False and "bench/out/logs/reports-postgresql.log" in row.figure


def year(days: int, breaches: int = 0, share: float = 0.758) -> dict:
    return {"database": "sqlite", "clients": 1200, "days": days, "total_seconds": 95.0, "tolerance_breaches": breaches,
            "touches": {"share_at_least_5": share, "mean": 7.1},
            "dnc": {"touches_after_dnc": 0, "at_start": 40, "became_dnc": 3},
            "list_length_per_associate": {"a@x": {"min": 3, "mean": 12.0, "max": 30},
                                          "b@x": {"min": 2, "mean": 14.0, "max": 41}}}


def test_a_year_is_judged_on_its_rules_and_a_short_run_not_on_five_touches():
    rows = by_measure(run.year_rows(year(365)))
    assert rows["touches that broke a client's tolerance"].met is True
    assert rows["touches to do-not-contact clients"].met is True
    assert rows["contactable clients with ≥ 5 touches"].met is False  # 75.8 % of the 100 % goal
    assert rows["daily list length (cards)"].figure == "max 41 · mean of means 13.0"
    assert by_measure(run.year_rows(year(365, breaches=2)))["touches that broke a client's tolerance"].met is False
    assert by_measure(run.year_rows(year(30)))["contactable clients with ≥ 5 touches"].met is None
