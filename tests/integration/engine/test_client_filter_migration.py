"""Migration 0016: the filters stored before the one client filter (store events', segments', campaigns') come out
in its keys and words, on SQLite and PostgreSQL, pick the same clients, and go back on a downgrade."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from jewelpwa.extensions import db
from jewelpwa.services.engine.client_filter import ClientFilter
from jewelpwa.services.errors import Invalid
from tests.integration.migrating import app_at, insert_row, insert_store

BEFORE = "0015"

# (stored before 0016, stored after it)
EVENTS = [
    ({"tiers": ["A", "B"], "assigned_to_id": 7, "category": "ring", "stone": "sapphire", "min_spend": "2500"},
     {"tier": ["A", "B"], "assigned_to_id": 7, "category": "ring", "stone": "sapphire", "spend_min": "2500"}),
    # What Decimal() let through is written as the money parser reads it; a minimum rounds up to the cent.
    ({"min_spend": "1E+3"}, {"spend_min": "1000"}),
    ({"min_spend": "99.995"}, {"spend_min": "100"}),
    ({"min_spend": "-0"}, {"spend_min": "0"}),
    # Unset, as the old reader saw it; a key it ignored.
    ({"tiers": [], "assigned_to_id": 0, "min_spend": "", "colour": "white"}, {}),
    ({}, {}),
    # Only a hand-made request could store this; kept, so the planner invites nobody rather than everybody.
    ({"category": "gala"}, {"category": "gala"}),
]
SEGMENTS = [
    ({"stone": "opal", "category": "ring", "spend_min": "1E+3", "spend_max": "2000.999", "tier": ["A"],
      "touched_before": "2026-01-31", "anniversary_month": 3, "birthday_month": 12, "has_partner": "yes",
      "assigned_to_id": 5, "tags": "bridal, vip"},
     {"stone": "opal", "category": "ring", "spend_min": "1000", "spend_max": "2000.99", "tier": ["A"],
      "touched_before": "2026-01-31", "anniversary_month": 3, "birthday_month": 12, "has_partner": "yes",
      "assigned_to_id": 5, "tags": "bridal, vip"}),
    ({"tags": "gala"}, {"tags": "gala"}),
    ({}, {}),
]
CAMPAIGNS = [({"spend_max": "1E+4", "tags": "gala"}, {"spend_max": "10000", "tags": "gala"})]


def _filters(conn, name: str, column: str) -> list:
    table = sa.Table(name, sa.MetaData(), autoload_with=conn)
    return [row[0] for row in conn.execute(sa.select(table.c[column]).order_by(table.c.id))]


def _book(conn) -> int:
    store = insert_store(conn)
    day = date(2026, 3, 1)
    for old, _ in EVENTS:
        insert_row(conn, "store_events", {"store_id": store, "name": "Show", "invite_on": day, "event_on": day,
                                       "client_filter": old})
    for n, (old, _) in enumerate(SEGMENTS):
        insert_row(conn, "segments", {"store_id": store, "name": f"Segment {n}", "filter": old})
    for old, _ in CAMPAIGNS:
        insert_row(conn, "campaigns", {"store_id": store, "name": "Week", "opens_on": day, "due_on": day,
                                    "expires_on": day, "filter": old})
    return store


def test_stored_filters_come_out_in_the_one_filters_keys_and_go_back(fresh_url, redis_url):
    with app_at(BEFORE, fresh_url, redis_url):
        with db.engine.begin() as conn:
            store = _book(conn)
        upgrade()
        with db.engine.connect() as conn:
            assert _filters(conn, "store_events", "client_filter") == [new for _, new in EVENTS]
            assert _filters(conn, "segments", "filter") == [new for _, new in SEGMENTS]
            assert _filters(conn, "campaigns", "filter") == [new for _, new in CAMPAIGNS]
        # Every one reads as the one filter, meaning what the old reader meant.
        assert ClientFilter.from_dict(EVENTS[0][1]) == ClientFilter(
            tiers=("A", "B"), assigned_to_id=7, category="ring", stone="sapphire", spend_min=Decimal(2500))
        assert ClientFilter.from_dict(SEGMENTS[0][1]).spend_max == Decimal("2000.99")
        for _, new in EVENTS[1:-1] + SEGMENTS + CAMPAIGNS:
            ClientFilter.from_dict(new)
        with pytest.raises(Invalid):
            ClientFilter.from_dict(EVENTS[-1][1])

        # Down again: store events get their old names back (the values stay in the new words).
        downgrade(revision=BEFORE)
        with db.engine.connect() as conn:
            back = _filters(conn, "store_events", "client_filter")
        assert back[0] == {"tiers": ["A", "B"], "assigned_to_id": 7, "category": "ring", "stone": "sapphire",
                           "min_spend": "2500"}
        assert back[1:] == [{"min_spend": "1000"}, {"min_spend": "100"}, {"min_spend": "0"}, {}, {},
                            {"category": "gala"}]

        # An event filtering by what the old events form could not say stops the downgrade, which changes
        # nothing: the old code would ignore that field and invite more clients than the owner chose.
        upgrade()
        with db.engine.begin() as conn:
            insert_row(conn, "store_events", {"store_id": store, "name": "Modest", "invite_on": date(2026, 3, 1),
                                           "event_on": date(2026, 3, 1), "client_filter": {"spend_max": "100"}})
        with pytest.raises(SystemExit):  # Flask-Migrate prints the migration's message and exits 1
            downgrade(revision=BEFORE)
        with db.engine.connect() as conn:
            assert _filters(conn, "store_events", "client_filter")[-1] == {"spend_max": "100"}
            assert conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar() != BEFORE
