"""Campaigns that send, the pure part: who is left out in which words, and the pace with quiet hours."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from jewelpwa.domain.campaigns import left_out_key, left_out_label, spread

T0 = datetime(2026, 6, 10, 16, 0, tzinfo=UTC)


@pytest.mark.parametrize(("channel", "kwargs", "key"), [
    ("email", {"do_not_contact": True, "opted_out": {"email"}, "address": None}, "do_not_contact"),
    ("email", {"do_not_contact": False, "opted_out": {"email"}, "address": "a@b.c"}, "opted_out"),
    ("text", {"do_not_contact": False, "opted_out": {"email"}, "address": None}, "no_address"),
    ("email", {"do_not_contact": False, "opted_out": set(), "address": "a@b.c", "postal_address_set": False},
     "no_postal_address"),
    ("text", {"do_not_contact": False, "opted_out": set(), "address": "+14155550101", "postal_address_set": False},
     None),
])
def test_left_out_reasons_come_in_the_consent_rules_order(channel, kwargs, key):
    assert left_out_key(channel, **{"postal_address_set": True, **kwargs}) == key


def test_left_out_labels_name_the_channel():
    assert left_out_label("opted_out", "text") == "opted out of texts"
    assert left_out_label("no_address", "email") == "no email address"


def test_spread_paces_the_messages_and_carries_on_from_the_next_slot():
    times, after = spread(3, T0, per_minute=30)
    assert times == [T0, T0 + timedelta(seconds=2), T0 + timedelta(seconds=4)]
    assert after == T0 + timedelta(seconds=6)


def test_spread_moves_a_slot_in_quiet_hours_to_their_end_and_keeps_the_pace_after_it():
    morning = T0 + timedelta(hours=10)
    quiet_from = T0 + timedelta(seconds=3)

    def waits_until(t: datetime) -> datetime | None:
        return morning if quiet_from <= t < morning else None

    times, _ = spread(4, T0, per_minute=30, waits_until=waits_until)
    assert times == [T0, T0 + timedelta(seconds=2), morning, morning + timedelta(seconds=2)]
