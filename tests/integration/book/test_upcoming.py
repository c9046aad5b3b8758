"""Upcoming: my clients' milestones for the next eight weeks, grouped by week."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from jewelpwa.clock import store_today
from jewelpwa.extensions import db
from jewelpwa.models import Store
from jewelpwa.services.book.upcoming import upcoming_milestones

from ..conftest import make_user
from ..factories import add_date, add_person, make_client

WEDNESDAY = date(2026, 11, 25)
HX = {"HX-Request": "true"}


def flat(weeks) -> list[tuple[str, str, date, str]]:
    return [(w.label, m.client_name, m.on, m.what) for w in weeks for m in w.items]


def test_birthday_ten_days_ahead_lands_in_the_right_week():
    me = make_user()
    anna = make_client(me, first_name="Anna", last_name="Lind")
    add_date(anna, "birthday", 12, 5, 1980)  # Saturday Dec 5: next week seen from Wednesday Nov 25
    assert flat(upcoming_milestones(me, WEDNESDAY)) == [("Next week", "Anna Lind", date(2026, 12, 5),
                                                         "Birthday, turns 46")]
    # Seen from Sunday Nov 22, Dec 2 (10 days on) is two Mondays away.
    add_date(anna, "custom", 12, 2)
    labels = {(label, on) for label, _, on, _ in flat(upcoming_milestones(me, date(2026, 11, 22)))}
    assert ("Week of Nov 30", date(2026, 12, 2)) in labels
    assert ("Week of Nov 30", date(2026, 12, 5)) in labels


def test_dates_this_week_and_today_are_shown_and_yesterday_is_not():
    me = make_user()
    anna = make_client(me, first_name="Anna", last_name="Lind")
    add_date(anna, "birthday", 11, 25)
    add_date(anna, "anniversary", 11, 27)
    add_date(anna, "custom", 11, 24)
    rows = flat(upcoming_milestones(me, WEDNESDAY))
    assert [(label, on) for label, _, on, _ in rows] == [("This week", date(2026, 11, 25)),
                                                       ("This week", date(2026, 11, 27))]


def test_twenty_fifth_anniversary_is_marked_as_a_milestone():
    me = make_user()
    ben = make_client(me, first_name="Ben", last_name="Cole")
    add_date(ben, "anniversary", 12, 14, 2001)
    carla = make_client(me, first_name="Carla", last_name="Diaz")
    add_date(carla, "anniversary", 12, 15, 2003)
    items = [m for w in upcoming_milestones(me, WEDNESDAY) for m in w.items]
    assert [(m.what, m.milestone) for m in items] == [("25th anniversary", True), ("23rd anniversary", False)]


def test_partner_and_family_dates_name_the_person():
    me = make_user()
    ben = make_client(me, first_name="Ben", last_name="Cole")
    add_date(ben, "birthday", 12, 1, person=add_person(ben, "Maya", "partner"))
    add_date(ben, "birthday", 12, 2, person=add_person(ben, "Tom", "child"))
    whats = [what for *_, what in flat(upcoming_milestones(me, WEDNESDAY))]
    assert whats == ["Maya's birthday (partner)", "Tom's birthday (child)"]


def test_feb_29_shows_on_feb_28_in_a_common_year():
    me = make_user()
    leap = make_client(me, first_name="Leap", last_name="Day")
    add_date(leap, "birthday", 2, 29, 1988)
    rows = flat(upcoming_milestones(me, date(2027, 2, 20)))
    assert [(on, what) for _, _, on, what in rows] == [(date(2027, 2, 28), "Birthday, turns 39")]
    rows = flat(upcoming_milestones(me, date(2028, 2, 20)))
    assert [on for _, _, on, _ in rows] == [date(2028, 2, 29)]


def test_dates_beyond_eight_weeks_are_not_shown():
    me = make_user()
    far = make_client(me, first_name="Far", last_name="Away")
    add_date(far, "birthday", 1, 19)  # 55 days after Nov 25: the last day shown
    add_date(far, "anniversary", 1, 20)  # 56 days: one past eight weeks
    rows = flat(upcoming_milestones(me, WEDNESDAY))
    assert [on for _, _, on, _ in rows] == [date(2027, 1, 19)]


def test_another_associates_clients_and_erased_clients_are_not_in_my_list():
    me, colleague = make_user(), make_user()
    add_date(make_client(colleague, first_name="Theirs", last_name="Client"), "birthday", 12, 1)
    gone = make_client(me, first_name="Gone", last_name="Client")
    add_date(gone, "birthday", 12, 1)
    gone.erased_at = datetime(2026, 11, 1, tzinfo=UTC)
    db.session.commit()
    mine = make_client(me, first_name="Mine", last_name="Client")
    add_date(mine, "birthday", 12, 1)
    assert [name for _, name, _, _ in flat(upcoming_milestones(me, WEDNESDAY))] == ["Mine Client"]


def test_tier_filter():
    me = make_user()
    add_date(make_client(me, first_name="Alpha", last_name="A", tier="A"), "birthday", 12, 1)
    add_date(make_client(me, first_name="Charlie", last_name="C", tier="C"), "birthday", 12, 1)
    assert [name for _, name, _, _ in flat(upcoming_milestones(me, WEDNESDAY, tier="A"))] == ["Alpha A"]


def test_page_groups_by_week_and_links_each_client_to_the_card(client, auth):
    me = make_user()
    today = store_today(db.session.get(Store, me.store_id))
    ahead = today + timedelta(days=3)
    anna = make_client(me, first_name="Anna", last_name="<b>Lind</b>")
    add_date(anna, "anniversary", ahead.month, ahead.day, ahead.year - 25)
    auth.login(me.email)
    response = client.get("/upcoming")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" in page
    assert f'href="/clients/{anna.id}"' in page and "25th anniversary" in page and "chip-gold" in page
    assert "&lt;b&gt;Lind&lt;/b&gt;" in page and "<b>Lind</b>" not in page
    assert ("This week" in page) or ("Next week" in page)


@pytest.mark.one_database
def test_htmx_request_answers_the_list_fragment_and_empty_state(client, auth):
    me = make_user()
    auth.login(me.email)
    response = client.get("/upcoming?tier=A", headers=HX)
    fragment = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in fragment and 'id="upcoming-list"' in fragment
    assert "Nothing in the next 8 weeks" in fragment


def test_upcoming_needs_sign_in(client):
    response = client.get("/upcoming")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_crowded_week_shows_the_first_rows_milestones_first_and_a_show_all_link(client, auth, monkeypatch):
    from jewelpwa.views import upcoming as view

    monkeypatch.setattr(view, "PER_WEEK", 2)
    me = make_user()
    today = store_today(db.session.get(Store, me.store_id))
    for name in ("Ann", "Bea", "Cy"):
        add_date(make_client(me, first_name=name, last_name="Crowd"), "birthday", today.month, today.day)
    ruby = make_client(me, first_name="Zed", last_name="Ruby")
    add_date(ruby, "anniversary", today.month, today.day, today.year - 40)
    auth.login(me.email)
    page = client.get("/upcoming").get_data(as_text=True)
    assert "Zed Ruby" in page and "40th anniversary" in page and "Ann Crowd" in page
    assert "Bea Crowd" not in page and "Show all 4 dates of this week" in page
    everything = client.get("/upcoming?all=1").get_data(as_text=True)
    assert "Bea Crowd" in everything and "Cy Crowd" in everything and "Show all" not in everything
