"""Team results: contacts, reach, bookings, outreach-driven sales and conversion per associate, over a period."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from jewelpwa.clock import store_today
from tests.integration.conftest import make_user
from tests.integration.factories import add_purchase, make_client
from tests.integration.owner.test_huddle import figure, touch


def row(html: str, element_id: str) -> str:
    start = html.index(f'id="{element_id}"')
    return html[start:html.index("</tr>", start)]


@pytest.fixture
def store():
    owner = make_user(store="Team Store", role="owner")
    maya = make_user(store="Team Store", name="Maya")
    daniel = make_user(store="Team Store", name="Daniel")
    return owner, maya, daniel, store_today(owner.store)


def test_team_report_shows_each_associates_figures_for_the_last_seven_days(auth, store):
    owner, maya, daniel, today = store
    a, b, c, d = (make_client(maya) for _ in range(4))
    touch(maya, a, today, "reached")
    touch(maya, b, today - timedelta(days=1), "booked")
    touch(maya, c, today - timedelta(days=2), "voicemail")
    touch(maya, d, today - timedelta(days=6), "no_answer")
    touch(maya, d, today - timedelta(days=7), "reached")  # eight days ago: outside the last 7 days
    add_purchase(b, today, "2500")  # one sale from four contacts: 25 % conversion
    touch(daniel, make_client(daniel), today, "reached")

    auth.login(owner.email)
    html = auth.client.get("/owner/team?days=7").get_data(as_text=True)
    mine = row(html, f"team-{maya.id}")
    assert figure(mine, "contacts") == "4"
    assert figure(mine, "reach") == "50%"
    assert figure(mine, "booked") == "1"
    assert figure(mine, "sales") == "1"
    assert figure(mine, "revenue") == "$2,500"
    assert figure(mine, "conversion") == "25%"
    assert figure(row(html, f"team-{daniel.id}"), "contacts") == "1"
    assert figure(html, "store-contacts") == "5"
    assert figure(html, "store-revenue") == "$2,500"
    # The leaderboard puts the revenue first.
    board = html[html.index('id="leaderboard-title"'):html.index('id="trend-title"')]
    assert board.index("Maya") < board.index("Daniel")


def test_the_thirty_day_window_decides_which_sales_count(auth, store):
    owner, maya, daniel, today = store
    start = today - timedelta(days=60)
    counted, late, other = make_client(maya), make_client(daniel), make_client(daniel)
    touch(maya, counted, start)
    add_purchase(counted, start + timedelta(days=19), "1000")  # day 20: counts
    touch(daniel, late, start)
    add_purchase(late, start + timedelta(days=30), "700")  # day 31: does not
    touch(daniel, make_client(daniel), start)
    add_purchase(other, start + timedelta(days=5), "300")  # a client nobody contacted

    auth.login(owner.email)
    html = auth.client.get(f"/owner/team?start={start.isoformat()}&end={today.isoformat()}").get_data(as_text=True)
    assert figure(row(html, f"team-{maya.id}"), "revenue") == "$1,000"
    assert figure(row(html, f"team-{daniel.id}"), "sales") == "0"
    assert figure(html, "store-sales") == "1"


def test_the_trend_chart_is_an_accessible_svg_with_a_table(auth, store):
    owner, maya, _, today = store
    client = make_client(maya)
    for n in range(3):
        touch(maya, client, today - timedelta(days=n), "voicemail")
    auth.login(owner.email)
    html = auth.client.get("/owner/team?days=7").get_data(as_text=True)
    svg = html[html.index("<svg class=\"chart\""):html.index("</svg>", html.index("<svg class=\"chart\""))]
    assert 'role="img"' in svg and "<title" in svg and "Maya: 3 contacts." in svg
    assert svg.count("<polyline") == 2  # one line per associate
    assert "style=" not in svg
    table = html[html.index("<details>"):html.index("</details>")]
    assert "Chart as a table" in table
    assert len(re.findall(r'<tr><th scope="row">', table)) == 7  # a row per day


def test_the_chart_draws_the_four_busiest_and_the_table_keeps_everyone(auth, store):
    owner, maya, daniel, today = store
    others = [make_user(store="Team Store", name=name) for name in ("Priya", "Omar", "Lena")]
    for n, person in enumerate([maya, daniel, *others]):
        client = make_client(person)
        for _ in range(n + 1):  # Maya the quietest: 1 contact; Lena the busiest: 5
            touch(person, client, today, "voicemail")
    auth.login(owner.email)
    html = auth.client.get("/owner/team?days=7").get_data(as_text=True)
    svg = html[html.index('<svg class="chart"'):html.index("</svg>")]
    assert svg.count("<polyline") == 4 and "Maya:" not in svg and "Lena: 5 contacts." in svg
    assert re.search(r'data-figure="not-drawn">1 more in the table', html)
    table = html[html.index("<details>"):html.index("</details>")]
    assert all(f'<th scope="col">{name}</th>' in table for name in ("Maya", "Daniel", "Priya", "Omar", "Lena"))
    # The first and last day labels end inside the chart.
    assert 'text-anchor="start"' in svg and 'text-anchor="end"' in svg


def test_ninety_days_are_drawn_by_week(auth, store):
    owner, *_ = store
    auth.login(owner.email)
    html = auth.client.get("/owner/team?days=90").get_data(as_text=True)
    assert "Contacts per week" in html
    assert re.search(r'days=90" aria-current="page">90 days', html)


@pytest.mark.parametrize(("query", "message"), [
    ("days=12", "Choose 7, 30 or 90 days."),
    ("start=2026-02-30&end=2026-03-01", "Enter a date as YYYY-MM-DD."),
    ("start=2026-03-10&end=2026-03-01", "The end date must be on or after the start date."),
    ("start=2020-01-01&end=2022-01-01", "Choose a period of at most 366 days."),
])
def test_a_bad_period_is_a_422_that_says_what_to_fix(auth, store, query, message):
    owner, *_ = store
    auth.login(owner.email)
    response = auth.client.get(f"/owner/team?{query}")
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)


def test_another_stores_outreach_and_sales_never_count(auth, store):
    owner, maya, _, today = store
    stranger = make_user(store="Elsewhere", name="Stranger")
    theirs = make_client(stranger)
    touch(stranger, theirs, today, "sold")
    add_purchase(theirs, today, "5000")
    auth.login(owner.email)
    html = auth.client.get("/owner/team").get_data(as_text=True)
    assert "Stranger" not in html
    assert figure(html, "store-contacts") == "0" and figure(html, "store-revenue") == "$0"


@pytest.mark.one_database
def test_htmx_gets_the_team_fragment(auth, store):
    owner, *_ = store
    auth.login(owner.email)
    body = auth.client.get("/owner/team?days=30", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<html" not in body and 'id="team-body"' in body
