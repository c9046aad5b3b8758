"""The demo store has a past: a newcomer opening it on any day of the year sees a year of the engine's work in
book health, the huddles, the team report and its attribution, not zeros."""

from __future__ import annotations

import re
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from jewelpwa.demo.seed import STAFF, seed_demo_store
from jewelpwa.extensions import db
from jewelpwa.models import Client, FollowUp, Outreach, Purchase

from ..conftest import Auth, new_client

CLIENTS = 120

# A year of the engine's days per seed: SQLite only (the services' SQL is tested on both databases elsewhere,
# and the bench runs the same loop on PostgreSQL).
pytestmark = pytest.mark.one_database


def figure(html: str, name: str) -> str:
    match = re.search(rf'data-figure="{name}">([^<]*)<', html)
    assert match, f"no figure {name}"
    return match.group(1).strip()


def percent(text: str) -> float:
    assert text.endswith("%"), text
    return float(text.rstrip("%"))


def money(text: str) -> float:
    return float(re.sub(r"[^\d.]", "", text) or 0)


@pytest.mark.parametrize("today", [date(2026, 3, 3), date(2026, 12, 6)], ids=["march", "december"])
def test_a_newcomer_sees_a_year_of_work_on_any_day(app, clock, today):
    clock.set_day(today)
    demo = seed_demo_store(clients=CLIENTS, today=today)
    owner = Auth(new_client(app))
    assert owner.login(STAFF[0][0], demo.password).status_code == 303

    health = owner.client.get("/owner/health").get_data(as_text=True)
    assert percent(figure(health, "at-goal")) > 0, "nobody at five touches a year"
    met = [(int(covered), int(occasions)) for covered, occasions in re.findall(
        r'data-figure="covered">(\d+)<[^\n]*data-figure="occasions">(\d+)<', health)]
    assert len(met) == 3 and all(n > 0 for _, n in met), met
    assert sum(c for c, _ in met) > 0 and percent(figure(health, "coverage")) > 0

    yesterday = today - timedelta(days=1 if today.weekday() != 0 else 2)  # closed on Sundays
    evening = owner.client.get(f"/owner/huddle?view=evening&date={yesterday.isoformat()}").get_data(as_text=True)
    assert int(figure(evening, "store-contacts")) > 0
    # The small book here leaves an associate a day with an empty list now and then; the team worked.
    assert re.search(r'data-figure="contacted">[1-9]', evening), "nobody's results yesterday"

    team = owner.client.get("/owner/team?days=90").get_data(as_text=True)
    assert int(figure(team, "store-contacts").replace(",", "")) > 0
    assert int(figure(team, "store-sales")) > 0 and money(figure(team, "store-revenue")) > 0, "no attributed sale"

    # Nobody was called before they first walked in, though the year brought new faces.
    first_seen = dict(db.session.execute(select(Client.id, Client.first_seen_on)).all())
    touched = db.session.execute(select(Outreach.client_id, func.min(Outreach.occurred_on))
                                 .group_by(Outreach.client_id)).all()
    assert any(first_seen[cid] > today - timedelta(days=365) for cid, _ in touched)
    assert all(first >= first_seen[cid] for cid, first in touched)


def test_the_past_is_the_engines_work_at_realistic_times_and_the_drawn_book_is_all_there(app, clock):
    today = date(2026, 3, 3)
    clock.set_day(today)
    demo = seed_demo_store(clients=CLIENTS, today=today, past_days=60)
    outreach = db.session.scalars(select(Outreach)).all()
    assert outreach and all(today - timedelta(days=60) <= o.occurred_on < today for o in outreach)
    assert {"call", "text"} <= {o.channel for o in outreach}
    hours = {o.occurred_at.astimezone(ZoneInfo("America/New_York")).hour for o in outreach}
    assert min(hours) >= 9 and max(hours) <= 17 and len(hours) >= 4, hours
    assert all(o.created_at == o.occurred_at for o in outreach), "timestamps tell the simulated time"
    assert any(o.note for o in outreach) and any(not o.note for o in outreach)
    # Worked from the engine's lists: each touch covers a follow-up the planner made.
    assert db.session.scalar(select(func.count()).select_from(FollowUp)) > 0
    assert db.session.scalar(select(func.count()).select_from(Client)) == CLIENTS == demo.clients
    # The drawn sales of the past were rung up on their day, beside five years before it.
    sales = db.session.scalars(select(Purchase)).all()
    assert len(sales) == demo.purchases
    assert any(p.purchased_on >= today - timedelta(days=60) for p in sales)
    assert min(p.purchased_on for p in sales) < today - timedelta(days=4 * 365)
