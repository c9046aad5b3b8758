"""Book health: reach by tier, touches against five a year, milestone coverage, repeat buyers, spend, DNC."""

from __future__ import annotations

from datetime import timedelta

import pytest

from jewelpwa.clock import store_today
from jewelpwa.extensions import db
from jewelpwa.models import FollowUp
from tests.integration.conftest import make_user
from tests.integration.factories import add_purchase, make_client
from tests.integration.owner.test_huddle import figure, touch
from tests.integration.owner.test_team_report import row


@pytest.fixture
def store():
    owner = make_user(store="Health Store", role="owner")
    maya = make_user(store="Health Store", name="Maya")
    return owner, maya, store_today(owner.store)


def page(auth, owner) -> str:
    auth.login(owner.email)
    response = auth.client.get("/owner/health")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def past_follow_up(user, client, kind: str, occasion_on, status: str = "expired") -> FollowUp:
    row = FollowUp(store_id=client.store_id, client_id=client.id, assignee_id=user.id, kind=kind, status=status,
                   opens_on=occasion_on - timedelta(days=21), due_on=occasion_on - timedelta(days=14),
                   expires_on=occasion_on, occasion_on=occasion_on, show_on=occasion_on - timedelta(days=21),
                   source="test", dedupe_key=f"{kind}:{client.id}:{occasion_on}")
    db.session.add(row)
    db.session.commit()
    return row


def test_clients_not_reached_in_ninety_days_are_counted_by_tier(auth, store):
    owner, maya, today = store
    make_client(maya, tier="A", last_reached_on=today - timedelta(days=10))
    make_client(maya, tier="A", last_reached_on=today - timedelta(days=91))
    make_client(maya, tier="B")  # never reached
    make_client(maya, tier="B", last_reached_on=today - timedelta(days=90))  # exactly 90 days: still warm
    make_client(maya, tier="C", do_not_contact=True)  # cannot be reached: not counted as neglect
    html = page(auth, owner)
    assert figure(row(html, "cold-A"), "cold") == "1" and figure(row(html, "cold-A"), "share") == "50%"
    assert figure(row(html, "cold-B"), "cold") == "1"
    assert figure(row(html, "cold-C"), "cold") == "0"
    assert figure(html, "cold-share") == "50%"
    assert figure(html, "dnc") == "1"


def test_touches_per_client_fall_into_bands_against_the_goal_of_five(auth, store):
    owner, maya, today = store
    clients = [make_client(maya) for _ in range(4)]
    for n, client in zip((0, 2, 4, 6), clients, strict=True):
        for k in range(n):
            touch(maya, client, today - timedelta(days=30 * k + 1), "reached")
    touch(maya, clients[0], today - timedelta(days=2), "no_answer")  # an unanswered ring is not a touch
    touch(maya, clients[0], today - timedelta(days=400), "reached")  # older than a year
    html = page(auth, owner)
    bands = [figure(html[html.index(f'id="touches-{i}"'):], "clients") for i in range(1, 5)]
    assert bands == ["1", "1", "1", "1"]
    assert figure(html, "at-goal") == "25%"


def test_milestone_coverage_counts_follow_ups_met_inside_their_window(auth, store):
    owner, maya, today = store
    done, talked, missed, late = (make_client(maya) for _ in range(4))
    past_follow_up(maya, done, "anniversary", today - timedelta(days=40), status="done")
    past_follow_up(maya, talked, "birthday", today - timedelta(days=100))
    touch(maya, talked, today - timedelta(days=110), "reached")  # inside its window
    past_follow_up(maya, missed, "birthday", today - timedelta(days=200))
    touch(maya, missed, today - timedelta(days=150), "reached")  # after the window: too late
    past_follow_up(maya, late, "anniversary", today - timedelta(days=400))  # more than a year ago: left out
    html = page(auth, owner)
    assert figure(html, "coverage") == "67%"
    anniversaries = html[html.index("<th scope=\"row\">Anniversary</th>"):]
    assert figure(anniversaries, "covered") == "1" and figure(anniversaries, "occasions") == "1"


def test_repeat_purchase_rate_and_spend_per_client(auth, store):
    owner, maya, today = store
    twice, once, never = make_client(maya), make_client(maya), make_client(maya)
    add_purchase(twice, today - timedelta(days=30), "1000")
    add_purchase(twice, today - timedelta(days=900), "5000")  # older than 24 months: repeat, but not spend
    add_purchase(once, today - timedelta(days=10), "500")
    assert never
    html = page(auth, owner)
    assert figure(html, "buyers") == "2"
    assert figure(html, "repeat-rate") == "50%"
    assert figure(html, "spend") == "$1,500"
    assert figure(html, "spend-per-client") == "$500"  # 1,500 over three clients


def test_another_stores_book_is_never_counted(auth, store):
    owner, maya, today = store
    stranger = make_user(store="Elsewhere", name="Stranger")
    for _ in range(3):
        add_purchase(make_client(stranger, do_not_contact=True), today, "800")
    make_client(maya)
    html = page(auth, owner)
    assert figure(html, "dnc") == "0" and figure(html, "buyers") == "0" and figure(html, "spend") == "$0"
