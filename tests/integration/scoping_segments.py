"""Store B rows for test_scoping's URL walk: segments, campaigns, feeds (issue 7).

FACTORIES maps a route argument to a function(store_b_user) -> row; WORDS maps a word argument to a real value.
"""

import itertools
from datetime import date

from jewelpwa.extensions import db
from jewelpwa.models import Campaign, Segment

_numbers = itertools.count(1)


def make_segment(user) -> Segment:
    """A saved segment of store B (every store B client, so a leak would show its whole book)."""
    row = Segment(store_id=user.store_id, name=f"Store B segment {next(_numbers)}", filter={}, created_by_id=user.id)
    db.session.add(row)
    db.session.commit()
    return row


def make_campaign(user) -> Campaign:
    """A draft campaign of store B that would send to its whole book (a leak would show its preview)."""
    segment = make_segment(user)
    on = date(2026, 6, 10)
    row = Campaign(store_id=user.store_id, segment_id=segment.id, name=f"Store B campaign {next(_numbers)}",
                   filter={}, opens_on=on, due_on=on, expires_on=on, send_channel="email", channel="email",
                   subject="Store B news", body="Hi {first_name}", send_state="draft", created_by_id=user.id)
    db.session.add(row)
    db.session.commit()
    return row


FACTORIES: dict = {"segment_id": make_segment, "campaign_id": make_campaign}
# The feed URL is public and keyed by its secret: a token no feed has must be 404 (tests/integration/
# test_calendar_feed.py opens a real one).
WORDS: dict = {"feed_token": "not-a-real-feed-token-0123456789abcdefghijkl"}
