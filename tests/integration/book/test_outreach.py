"""log_outreach and record_purchase: the engine's rules applied to real rows."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from jewelpwa.extensions import db
from jewelpwa.models import Client, ConsentEvent, FollowUp, Outreach, Store
from jewelpwa.services.book.outreach import log_outreach
from jewelpwa.services.book.purchases import ItemInput, cadence_of, record_purchase
from jewelpwa.services.engine.planner import plan_store_day
from jewelpwa.services.errors import Invalid, NotFound

from ..conftest import make_user
from ..factories import add_date, make_client

ON = date(2026, 11, 22)
NOON = datetime(2026, 11, 22, 17, tzinfo=UTC)  # midday in New York


def planned_client(user, **overrides):
    # First seen 340 days before ON: between two reconnect windows on the 90-day clock and on the 60-day
    # pace clock alike (days 300-330 and 360-390), so the planned follow-ups are the birthday and the
    # holiday list only.
    overrides.setdefault("first_seen_on", ON - timedelta(days=340))
    client = make_client(user, **overrides)
    add_date(client, "birthday", 12, 5)
    plan_store_day(db.session.get(Store, user.store_id), ON)
    return client


def live(client) -> list[FollowUp]:
    return list(db.session.scalars(select(FollowUp).where(FollowUp.client_id == client.id).order_by(FollowUp.kind)))


def test_reached_completes_follow_ups_in_window_and_restarts_reconnect():
    user = make_user()
    client = planned_client(user)
    logged = log_outreach(user, client.id, "call", "reached", "Talked about Anna's gift", now=NOON)
    assert logged.changed == 2  # birthday and holiday list
    assert {f.status for f in live(client)} == {"done"}
    assert db.session.get(Client, client.id).last_reached_on == ON


def test_voicemail_moves_follow_up_two_days_no_answer_one_and_a_third_try_is_not_the_last():
    user = make_user()
    client = planned_client(user)
    log_outreach(user, client.id, "call", "voicemail", now=NOON)
    assert {f.show_on for f in live(client)} == {ON + timedelta(days=2)}
    log_outreach(user, client.id, "call", "no_answer", now=NOON + timedelta(days=2))
    assert {f.show_on for f in live(client)} == {ON + timedelta(days=3)}
    log_outreach(user, client.id, "call", "no_answer", now=NOON + timedelta(days=3))
    # Three tries used to skip the reason; the window still has room, so it is tried again tomorrow.
    assert {(f.status, f.tries, f.show_on) for f in live(client)} == {("open", 3, ON + timedelta(days=4))}


def test_not_now_needs_a_later_day_and_snoozes_until_it():
    user = make_user()
    client = planned_client(user)
    with pytest.raises(Invalid) as error:
        log_outreach(user, client.id, "call", "not_now", now=NOON)
    assert "snooze_until" in error.value.errors
    assert db.session.scalar(select(func.count(Outreach.id))) == 0  # nothing half-written
    log_outreach(user, client.id, "call", "not_now", now=NOON, snooze_until=ON + timedelta(days=5))
    assert {(f.status, f.show_on) for f in live(client)} == {("snoozed", ON + timedelta(days=5))}


def test_do_not_contact_outcome_records_consent_and_skips_marketing():
    user = make_user()
    client = planned_client(user)
    log_outreach(user, client.id, "call", "do_not_contact", now=NOON)
    assert db.session.get(Client, client.id).do_not_contact is True
    assert {f.status for f in live(client)} == {"skipped"}
    assert db.session.scalar(select(func.count(ConsentEvent.id)).where(ConsentEvent.what == "do_not_contact")) == 1


def test_replayed_outbox_entry_is_stored_once():
    user = make_user()
    client = planned_client(user)
    first = log_outreach(user, client.id, "text", "replied", now=NOON, idempotency_key="k-123")
    again = log_outreach(user, client.id, "text", "replied", now=NOON, idempotency_key="k-123")
    assert again.replayed and again.outreach.id == first.outreach.id
    assert db.session.scalar(select(func.count(Outreach.id))) == 1


def test_another_stores_client_is_not_found():
    mine, theirs = make_user(store="Mine"), make_user(store="Theirs")
    client = make_client(theirs)
    with pytest.raises(NotFound):
        log_outreach(mine, client.id, "call", "reached", now=NOON)


def test_a_sale_schedules_its_cadence_at_once():
    user = make_user()
    client = make_client(user)
    purchase = record_purchase(user, client.id, ON, [ItemInput("ring", "$2,400.00", metal="platinum", stone="opal")],
                               occasion="anniversary", today=ON)
    rows = cadence_of(purchase)
    assert [r.kind for r in rows] == ["check_in", "care", "new_arrivals", "purchase_anniversary"]
    assert rows[0].opens_on == ON + timedelta(days=14)
    assert "opal" in rows[1].detail["advice"].lower()
    assert db.session.get(Client, client.id).spend_24m == 2400


def test_a_sale_with_bad_input_says_what_to_fix_and_writes_nothing():
    user = make_user()
    client = make_client(user)
    with pytest.raises(Invalid) as error:
        record_purchase(user, client.id, ON + timedelta(days=1), [ItemInput("", "twelve")], today=ON)
    assert set(error.value.errors) == {"purchased_on", "items-0-price", "items-0-category"}
    assert db.session.scalar(select(func.count(FollowUp.id))) == 0


def test_each_outcome_is_summed_up_in_a_few_words_for_the_row_and_toast():
    from jewelpwa.services.book.outreach import summary
    user = make_user()
    reached, voicemail, quiet = planned_client(user), planned_client(user), planned_client(user)
    assert summary(log_outreach(user, reached.id, "call", "reached", now=NOON).outreach) == \
        "Reached · 2 follow-ups completed"
    assert summary(log_outreach(user, voicemail.id, "call", "voicemail", now=NOON).outreach) == \
        "Voicemail · back on Nov 24"
    assert summary(log_outreach(user, quiet.id, "call", "do_not_contact", now=NOON).outreach) == \
        "Do not contact · 2 follow-ups closed"


def test_an_outbox_key_longer_than_the_column_is_refused_before_anything_is_written():
    user = make_user()
    client = planned_client(user)
    with pytest.raises(Invalid) as error:
        log_outreach(user, client.id, "call", "reached", now=NOON, idempotency_key="k" * 65)
    assert "idempotency_key" in error.value.errors
    assert db.session.scalar(select(func.count(Outreach.id))) == 0


def test_a_boosted_outcome_form_from_the_client_card_redirects_back_to_the_card(auth):
    user = make_user()
    auth.login(user.email)
    client = make_client(user)
    response = auth.post(f"/clients/{client.id}/outreach",
                         {"channel": "text", "outcome": "replied", "next": f"/clients/{client.id}"},
                         headers={"HX-Request": "true", "HX-Boosted": "true"})
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/clients/{client.id}")
    assert db.session.scalar(select(Outreach.outcome)) == "replied"
