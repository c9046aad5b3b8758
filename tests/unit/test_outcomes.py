from datetime import date, timedelta

import pytest

from jewelpwa.domain.outcomes import FollowUpState, apply_outcome, restarts_reconnect
from jewelpwa.domain.settings import EngineSettings
from jewelpwa.domain.vocab import Kind, Outcome, Status
from jewelpwa.domain.windows import Window

S = EngineSettings.default()
ON = date(2026, 3, 10)
IN_WINDOW = Window(date(2026, 3, 1), date(2026, 3, 8), date(2026, 3, 31))
LATER = Window(date(2026, 4, 5), date(2026, 4, 15), date(2026, 5, 15))


def fu(id_, kind=Kind.BIRTHDAY, window=IN_WINDOW, status=Status.OPEN, tries=0):
    return FollowUpState(id_, kind, window, status, window.opens_on, tries)


@pytest.mark.parametrize("outcome", [Outcome.REACHED, Outcome.REPLIED, Outcome.BOOKED, Outcome.SOLD])
def test_a_conversation_completes_in_window_follow_ups_only(outcome):
    changes = apply_outcome(outcome, [fu(1), fu(2, Kind.CARE, LATER), fu(3, status=Status.SNOOZED)], ON, S)
    assert {(c.id, c.status) for c in changes} == {(1, Status.DONE), (3, Status.DONE)}
    assert restarts_reconnect(outcome)


@pytest.mark.parametrize(
    "outcome", [Outcome.VOICEMAIL, Outcome.NO_ANSWER, Outcome.NOT_NOW, Outcome.DO_NOT_CONTACT]
)
def test_only_a_conversation_restarts_the_reconnect_clock(outcome):
    assert not restarts_reconnect(outcome)


@pytest.mark.parametrize(("outcome", "days"), [(Outcome.VOICEMAIL, 2), (Outcome.NO_ANSWER, 1)])
def test_a_voicemail_waits_two_days_and_a_ring_nobody_heard_one(outcome, days):
    [change] = apply_outcome(outcome, [fu(1), fu(2, Kind.CARE, LATER)], ON, S)
    assert (change.id, change.status, change.show_on, change.tries) == (1, Status.OPEN, ON + timedelta(days=days), 1)


def test_no_fixed_number_of_tries_while_the_window_has_room():
    [change] = apply_outcome(Outcome.NO_ANSWER, [fu(1, tries=7)], ON, S)
    assert (change.status, change.tries) == (Status.OPEN, 8)


def test_a_store_may_still_cap_the_tries():
    capped = EngineSettings.from_dict({"max_tries": 3})
    [change] = apply_outcome(Outcome.NO_ANSWER, [fu(1, tries=2)], ON, capped)
    assert (change.status, change.tries, change.note) == (Status.SKIPPED, 3, "no answer after 3 tries")


def test_retry_that_would_fall_past_the_window_expires():
    [change] = apply_outcome(Outcome.VOICEMAIL, [fu(1)], date(2026, 3, 30), S)
    assert change.status is Status.EXPIRED and "past the window" in change.note


def test_not_now_snoozes_inside_the_window():
    [change] = apply_outcome(Outcome.NOT_NOW, [fu(1)], ON, S, snooze_until=date(2026, 3, 20))
    assert (change.status, change.show_on) == (Status.SNOOZED, date(2026, 3, 20))


def test_not_now_past_the_window_expires():
    [change] = apply_outcome(Outcome.NOT_NOW, [fu(1)], ON, S, snooze_until=date(2026, 4, 20))
    assert (change.status, change.note) == (Status.EXPIRED, "client asked to wait past the window")


@pytest.mark.parametrize("snooze_until", [None, ON, ON - timedelta(days=1)])
def test_not_now_needs_a_later_day(snooze_until):
    with pytest.raises(ValueError):
        apply_outcome(Outcome.NOT_NOW, [fu(1)], ON, S, snooze_until=snooze_until)


def test_do_not_contact_skips_every_marketing_follow_up_but_not_service():
    follow_ups = [fu(1), fu(2, Kind.CARE, LATER), fu(3, Kind.SERVICE)]
    changes = apply_outcome(Outcome.DO_NOT_CONTACT, follow_ups, ON, S)
    assert {(c.id, c.status) for c in changes} == {(1, Status.SKIPPED), (2, Status.SKIPPED)}
    assert all(c.note == "client asked not to be contacted" for c in changes)


@pytest.mark.parametrize("status", [Status.DONE, Status.SKIPPED, Status.EXPIRED])
def test_closed_follow_ups_are_left_alone(status):
    assert apply_outcome(Outcome.REACHED, [fu(1, status=status)], ON, S) == []


def test_store_settings_change_retries():
    patient = EngineSettings.from_dict({"max_tries": 5, "retry_days": 3})
    [change] = apply_outcome(Outcome.VOICEMAIL, [fu(1, tries=2)], ON, patient)
    assert (change.status, change.show_on, change.tries) == (Status.OPEN, ON + timedelta(days=3), 3)
