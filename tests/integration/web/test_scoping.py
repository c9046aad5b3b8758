"""Every id-bearing URL answers 404 to a user of another store, and no store B row changes.

The test walks the URL map: a new route with an id in it fails here until it has a row factory below,
so scoping cannot be forgotten.
"""

from __future__ import annotations

from sqlalchemy import func, select

from jewelpwa.extensions import db
from jewelpwa.models import PushSubscription

from .. import scoping_data, scoping_relations, scoping_segments, scoping_service
from ..conftest import make_user
from ..factories import make_client


def make_device(user) -> PushSubscription:
    row = PushSubscription(store_id=user.store_id, user_id=user.id, endpoint=f"https://push.example/{user.id}",
                           p256dh="BPublicKey", auth="secret", vapid_key_id="1")
    db.session.add(row)
    db.session.commit()
    return row


def make_outreach(user):
    from datetime import UTC, date, datetime

    from jewelpwa.models import Outreach
    client = make_client(user)
    row = Outreach(store_id=user.store_id, client_id=client.id, user_id=user.id, channel="call", outcome="reached",
                   occurred_at=datetime.now(UTC), occurred_on=date.today())
    db.session.add(row)
    db.session.commit()
    return row


def make_staff(user):
    """Another staff member of store B."""
    return make_user(store=user.store.name, role="associate")


# Route arguments that are words, not rows: a real value, so the walk reaches the code behind it.
WORDS = {"section": "notes", **scoping_data.WORDS, **scoping_segments.WORDS, **scoping_service.WORDS,
         **scoping_relations.WORDS}

# Route argument -> the store B row it names.
FACTORIES = {
    "device_id": make_device,
    "client_id": make_client,
    "outreach_id": make_outreach,
    "user_id": make_staff,
    **scoping_data.FACTORIES,
    **scoping_segments.FACTORIES,
    **scoping_service.FACTORIES,
    **scoping_relations.FACTORIES,
}


def test_every_id_bearing_url_of_store_b_is_404_for_store_a(app, client, auth):
    store_a_user = make_user(store="Store A")
    store_b_user = make_user(store="Store B")
    auth.login(store_a_user.email)
    token = auth.csrf("/me")
    rules = [r for r in app.url_map.iter_rules() if r.arguments and r.endpoint != "static"]
    assert rules, "expected id-bearing routes"
    made = []
    for rule in rules:
        missing_factories = set(rule.arguments) - set(FACTORIES) - set(WORDS)
        assert not missing_factories, f"{rule.rule}: add a factory for {missing_factories} to this test"
        rows = {arg: FACTORIES[arg](store_b_user) for arg in rule.arguments if arg in FACTORIES}
        made.extend(rows.values())
        values = {arg: WORDS[arg] for arg in rule.arguments if arg in WORDS}
        path = rule.build({**values, **{arg: row.id for arg, row in rows.items()}})[1]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(path, method=method, headers={"X-CSRFToken": token})
            assert response.status_code == 404, f"{method} {path} answered {response.status_code}"
    db.session.expire_all()
    gone = [row for row in made if db.session.get(type(row), row.id) is None]
    assert not gone, f"store B rows removed through store A: {gone}"
    assert db.session.scalar(select(func.count(PushSubscription.id))) == sum(
        isinstance(row, PushSubscription) for row in made)
