"""Data a browser test makes for itself, so what it asserts never rests on the demo seed's dice or on the day.

The demo store (`live_app.demo`) is drawn around the day the session starts: how many clients an associate
has on Today, which of them have a phone or opted out of texts, whose birthday falls this month all change
with the calendar. A test that needs "three clients on today's list" or "a client who can get texts" makes
them here. A desk is a new associate in a store of their own: what one test logs never empties another
test's list, and the demo store keeps its three associates for the owner's huddles.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from jewelpwa.clock import store_today
from jewelpwa.domain.settings import EngineSettings
from jewelpwa.domain.vocab import Kind
from jewelpwa.extensions import db
from jewelpwa.models import Client, Store, User
from jewelpwa.services.accounts.users import create_user
from jewelpwa.services.book.purchases import ItemInput, record_purchase
from tests.integration.factories import make_client

from .conftest import in_db

PASSWORD = "correct horse battery"
# A sale this many days ago opens its check-in today (DESIGN.md §3: +14, due +21, expires +35): a reason to
# call that stays on the list for three weeks, whatever the season.
CHECK_IN_AFTER = timedelta(days=EngineSettings.default().windows[Kind.CHECK_IN].opens)


@dataclass(frozen=True)
class Desk:
    """An associate who can sign in, and the clients this test put on their list for `today`."""

    email: str
    password: str
    user_id: int
    store_id: int
    client_ids: list[int]
    today: date


def to_call_today(user: User, today: date, **overrides) -> Client:
    """A client who can be called, texted and emailed (phone, email, no opt-out), assigned to `user`, whose
    check-in opens on `today`: a ring bought CHECK_IN_AFTER ago, recorded through the counter's own service."""
    client = make_client(user, **overrides)
    record_purchase(user, client.id, today - CHECK_IN_AFTER,
                    [ItemInput("ring", "1200", metal="platinum", stone="sapphire")], today=today)
    return client


def desk(live_app, tag: str, calls: int = 1, *, target: int | None = None,
         names: tuple[tuple[str, str], ...] = ()) -> Desk:
    """A new associate in a store of their own with `calls` clients on today's list (named from `names`
    first), and a daily target when given. Run it after pinning the live app's clock when the test pins it."""
    unique = uuid.uuid4().hex[:8]

    def make() -> Desk:
        user = create_user(f"{tag}-{unique}@desk.test", f"{tag.capitalize()} Desk", "associate",
                           f"{tag.capitalize()} Store {unique}", PASSWORD)
        if target is not None:
            user.daily_target = target
            db.session.commit()
        today = store_today(db.session.get(Store, user.store_id))
        ids = []
        for n in range(calls):
            first, last = names[n] if n < len(names) else (f"{tag.capitalize()}{n + 1}", "Caller")
            ids.append(to_call_today(user, today, first_name=first, last_name=last).id)
        return Desk(user.email, PASSWORD, user.id, user.store_id, ids, today)

    return in_db(live_app, make)
