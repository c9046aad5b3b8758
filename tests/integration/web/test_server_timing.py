"""Server-Timing (web/timing.py): off by default; switched on, each response says how long the app took, how much
SQL it ran and whether a kept page answered, which bench/mixed_load.py reads per route."""

from __future__ import annotations

import re

import pytest

from jewelpwa.web.timing import init_timing

from ..conftest import make_user


def test_no_server_timing_unless_switched_on(auth):
    user = make_user(store="Timed Store")
    auth.login(user.email)
    assert "Server-Timing" not in auth.client.get("/today").headers


@pytest.mark.fresh_app
def test_server_timing_gives_the_time_the_statements_and_whether_today_was_kept(app, auth):
    app.config["SERVER_TIMING"] = True
    init_timing(app)
    user = make_user(store="Timed Store")
    auth.login(user.email)
    auth.client.get("/today")  # the day's first Today keeps the day's list: a write, so the next is made again
    made = auth.client.get("/today").headers["Server-Timing"]
    kept = auth.client.get("/today").headers["Server-Timing"]
    assert re.search(r"app;dur=\d+\.\d", made) and re.search(r"cpu;dur=\d+\.\d", made)
    assert "page;desc=made" in made and "page;desc=kept" in kept
    statements = [int(re.search(r'db;dur=[\d.]+;desc="(\d+) sql"', header).group(1)) for header in (made, kept)]
    assert statements[1] < statements[0], "a kept Today runs only the sign-in lookup"
