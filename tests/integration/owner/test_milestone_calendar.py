"""The milestone calendar: a month of anniversaries and birthdays, milestone years marked, filtered by associate."""

from __future__ import annotations

import re

import pytest

from tests.integration.conftest import make_user
from tests.integration.factories import add_date, add_person, make_client


@pytest.fixture
def store():
    owner = make_user(store="Calendar Store", role="owner")
    maya = make_user(store="Calendar Store", name="Maya")
    daniel = make_user(store="Calendar Store", name="Daniel")
    return owner, maya, daniel


def cell(html: str, day: str) -> str:
    start = html.index(f'id="day-{day}"')
    return html[start:html.index("</td>", start)]


def get(auth, owner, query: str):
    if not getattr(auth, "signed_in", False):
        auth.login(owner.email)
        auth.signed_in = True
    return auth.client.get(f"/owner/calendar?{query}")


def test_a_month_shows_anniversaries_birthdays_and_partners_birthdays_on_their_days(auth, store):
    owner, maya, daniel = store
    anna = make_client(maya, first_name="Anna", last_name="Berg")
    add_date(anna, "anniversary", 6, 14, 2001)  # 25th in 2026: a milestone year
    add_date(anna, "birthday", 6, 3, 1980)
    add_date(anna, "birthday", 6, 20, 1979, person=add_person(anna, "Tom", "partner"))
    add_date(anna, "birthday", 7, 1, 1980)  # another month
    add_date(make_client(daniel, first_name="Ben", last_name="Cole"), "anniversary", 6, 14, 2003)  # 23rd: no
    html = get(auth, owner, "month=2026-06").get_data(as_text=True)
    assert "June 2026" in html
    day = cell(html, "2026-06-14")
    assert "Anna Berg" in day and "25th anniversary" in day and "milestone-year" in day
    assert "Ben Cole" in day and "23rd anniversary" in day
    assert day.index("Anna Berg") < day.index("Ben Cole")  # milestones first
    assert re.search(r'data-figure="count">2<', day)
    assert "Tom&#39;s birthday (partner)" in cell(html, "2026-06-20")
    assert "Birthday" in cell(html, "2026-06-03")
    assert 'data-figure="anniversaries">2<' in html and 'data-figure="birthdays">1<' in html
    assert 'data-figure="partner-birthdays">1<' in html


def test_the_filter_shows_one_associates_clients(auth, store):
    owner, maya, daniel = store
    add_date(make_client(maya, first_name="Anna", last_name="Berg"), "birthday", 6, 3)
    add_date(make_client(daniel, first_name="Ben", last_name="Cole"), "birthday", 6, 3)
    html = get(auth, owner, f"month=2026-06&associate={daniel.id}").get_data(as_text=True)
    assert "Ben Cole" in html and "Anna Berg" not in html
    assert f'<option value="{daniel.id}" selected>' in html
    assert f"month=2026-07&amp;associate={daniel.id}" in html  # next month keeps the filter


def test_previous_and_next_month_links_cross_the_year(auth, store):
    owner, *_ = store
    html = get(auth, owner, "month=2026-01").get_data(as_text=True)
    assert 'href="/owner/calendar?month=2025-12" rel="prev"' in html
    assert 'href="/owner/calendar?month=2026-02" rel="next"' in html


def test_a_29_february_falls_on_the_28th_in_a_common_year(auth, store):
    owner, maya, _ = store
    add_date(make_client(maya, first_name="Leap", last_name="Day"), "birthday", 2, 29, 1992)
    html = get(auth, owner, "month=2027-02").get_data(as_text=True)
    assert "Leap Day" in cell(html, "2027-02-28")
    assert "Leap Day" in cell(get(auth, owner, "month=2028-02").get_data(as_text=True), "2028-02-29")


def test_a_busy_day_shows_three_names_and_a_count(auth, store):
    owner, maya, _ = store
    for _ in range(5):
        add_date(make_client(maya), "birthday", 6, 9)
    day = cell(get(auth, owner, "month=2026-06").get_data(as_text=True), "2026-06-09")
    assert day.count('<a href="/clients/') == 3 and "and 2 more" in day


def section(html: str, element_id: str) -> str:
    start = html.index(f'id="{element_id}"')
    return html[start:html.index("</section>", start)]


def test_and_n_more_opens_the_whole_day_and_keeps_the_associate_filter(auth, store):
    owner, maya, daniel = store
    names = [f"Client{n} Maya" for n in range(6)]
    for name in names:
        first, last = name.split()
        add_date(make_client(maya, first_name=first, last_name=last), "birthday", 6, 9)
    add_date(make_client(daniel, first_name="Dan", last_name="Other"), "birthday", 6, 9)
    month = get(auth, owner, f"month=2026-06&associate={maya.id}").get_data(as_text=True)
    more = re.search(r'<p class="day-more"><a href="([^"]+)">and 3 more', cell(month, "2026-06-09"))
    assert more, cell(month, "2026-06-09")
    link = more.group(1).replace("&amp;", "&")
    assert link.endswith("#day-detail") and f"associate={maya.id}" in link and "day=9" in link

    opened = auth.client.get(link.split("#")[0]).get_data(as_text=True)
    day = section(opened, "day-detail")
    assert "Tuesday, June 9" in day and re.search(r'data-figure="day-total">6<', day)
    assert sorted(re.findall(r'>(Client\d Maya)</a>', day)) == names and "Dan Other" not in day
    # The month is still there, its cell still showing three.
    assert cell(opened, "2026-06-09").count('<a href="/clients/') == 3


@pytest.mark.parametrize("query", ["month=2026-02&day=29", "month=2026-06&day=0", "month=2026-06&day=x"])
def test_a_day_outside_the_month_is_a_422(auth, store, query):
    owner, *_ = store
    response = get(auth, owner, query)
    assert response.status_code == 422 and "Choose a day of the month." in response.get_data(as_text=True)


def test_another_stores_dates_and_associates_stay_out(auth, store):
    owner, *_ = store
    stranger = make_user(store="Elsewhere", name="Stranger")
    add_date(make_client(stranger, first_name="Far", last_name="Away"), "birthday", 6, 3)
    html = get(auth, owner, "month=2026-06").get_data(as_text=True)
    assert "Far Away" not in html and "Stranger" not in html
    assert get(auth, owner, f"month=2026-06&associate={stranger.id}").status_code == 404


@pytest.mark.parametrize("query", ["month=2026-13", "month=june", "associate=abc"])
def test_a_bad_month_or_associate_is_a_422(auth, store, query):
    owner, *_ = store
    response = get(auth, owner, query)
    assert response.status_code == 422
    assert "Enter a month as YYYY-MM." in response.get_data(as_text=True) or "Choose an associate" in \
        response.get_data(as_text=True)


@pytest.mark.one_database
def test_htmx_gets_the_calendar_fragment(auth, store):
    owner, *_ = store
    auth.login(owner.email)
    body = auth.client.get("/owner/calendar", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<html" not in body and 'id="calendar-body"' in body
