from datetime import date, timedelta

import pytest

from jewelpwa.domain.gate import ContactPrefs, decide, next_allowed_on, suggest_channel
from jewelpwa.domain.settings import FREQUENCY_PRESETS, Tolerance
from jewelpwa.domain.vocab import Channel, Frequency, Kind
from jewelpwa.domain.windows import Window

NORMAL = FREQUENCY_PRESETS[Frequency.NORMAL]
ON = date(2026, 3, 10)
WINDOW = Window(date(2026, 3, 1), date(2026, 3, 8), date(2026, 3, 31))


def prefs(**changes):
    base = dict(
        do_not_contact=False,
        opted_out=frozenset(),
        preferred=None,
        frequency=Frequency.NORMAL,
        has_phone=True,
        has_email=True,
    )
    return ContactPrefs(**(base | changes))


def days_ago(*days):
    return [ON - timedelta(days=d) for d in days]


def test_do_not_contact_blocks_marketing():
    d = decide(Kind.BIRTHDAY, WINDOW, prefs(do_not_contact=True), [], NORMAL, ON)
    assert (d.action, d.reason) == ("block", "do not contact")


def test_do_not_contact_still_shows_service():
    d = decide(Kind.SERVICE, WINDOW, prefs(do_not_contact=True), [], NORMAL, ON)
    assert (d.action, d.show_on, d.channel) == ("show", ON, Channel.CALL)


def test_service_is_not_held_back_by_frequency_tolerance():
    assert decide(Kind.SERVICE, WINDOW, prefs(), days_ago(1, 2), NORMAL, ON).action == "show"


@pytest.mark.parametrize(
    ("changes", "channel"),
    [
        ({}, Channel.CALL),
        ({"preferred": Channel.TEXT}, Channel.TEXT),
        ({"preferred": Channel.TEXT, "opted_out": frozenset({Channel.TEXT})}, Channel.CALL),
        ({"opted_out": frozenset({Channel.CALL})}, Channel.TEXT),
        ({"opted_out": frozenset({Channel.CALL, Channel.TEXT})}, Channel.EMAIL),
        ({"has_phone": False}, Channel.EMAIL),
        ({"preferred": Channel.EMAIL, "has_email": False}, Channel.CALL),
        ({"preferred": Channel.MAIL, "has_address": True}, Channel.MAIL),
        ({"preferred": Channel.MAIL}, Channel.CALL),
        ({"preferred": Channel.VISIT}, Channel.VISIT),
        ({"has_phone": False, "has_email": False}, None),
        ({"opted_out": frozenset({Channel.CALL, Channel.TEXT, Channel.EMAIL})}, None),
    ],
)
def test_opt_outs_and_contact_details_steer_the_channel(changes, channel):
    assert suggest_channel(prefs(**changes)) == channel


def test_no_accepted_channel_blocks_marketing_with_a_reason():
    d = decide(Kind.CARE, WINDOW, prefs(has_phone=False, has_email=False), [], NORMAL, ON)
    assert (d.action, d.reason) == ("block", "no channel the client accepts")


def test_within_tolerance_shows_today():
    d = decide(Kind.BIRTHDAY, WINDOW, prefs(), days_ago(20), NORMAL, ON)
    assert (d.action, d.show_on, d.channel) == ("show", ON, Channel.CALL)


def test_too_soon_after_last_touch_moves_later_inside_the_window():
    d = decide(Kind.BIRTHDAY, WINDOW, prefs(), days_ago(3), NORMAL, ON)
    assert (d.action, d.show_on) == ("move", ON + timedelta(days=4))
    assert "7 days between touches" in d.reason


def test_two_touches_in_thirty_days_moves_until_the_oldest_leaves_the_period():
    d = decide(Kind.BIRTHDAY, WINDOW, prefs(), days_ago(25, 10), NORMAL, ON)
    assert (d.action, d.show_on) == ("move", ON + timedelta(days=5))
    assert "at most 2 touches in 30 days" in d.reason


def test_moving_past_the_window_expires_with_the_rule_named():
    short = Window(date(2026, 3, 1), date(2026, 3, 8), date(2026, 3, 12))
    d = decide(Kind.BIRTHDAY, short, prefs(), days_ago(2), NORMAL, ON)
    assert d.action == "expire" and "7 days between touches" in d.reason


def test_count_rule_past_the_window_says_so():
    short = Window(date(2026, 3, 1), date(2026, 3, 8), date(2026, 3, 12))
    d = decide(Kind.BIRTHDAY, short, prefs(), days_ago(20, 10), NORMAL, ON)
    assert d.action == "expire" and "at most 2 touches in 30 days" in d.reason


def test_a_window_already_closed_expires():
    d = decide(Kind.BIRTHDAY, WINDOW, prefs(), [], NORMAL, date(2026, 4, 1))
    assert d.action == "expire" and "2026-03-31" in d.reason


def test_a_window_not_yet_open_moves_to_its_opening_day():
    d = decide(Kind.BIRTHDAY, WINDOW, prefs(), [], NORMAL, date(2026, 2, 20))
    assert (d.action, d.show_on) == ("move", WINDOW.opens_on)


@pytest.mark.parametrize(
    ("freq", "touches", "expected"),
    [
        (Frequency.LOW, days_ago(20), ON + timedelta(days=10)),
        (Frequency.LOW, days_ago(31), ON),
        (Frequency.NORMAL, days_ago(7), ON),
        (Frequency.NORMAL, days_ago(6), ON + timedelta(days=1)),
        (Frequency.HIGH, days_ago(3, 10, 20), ON),
        (Frequency.HIGH, days_ago(2, 10, 20), ON + timedelta(days=1)),
        (Frequency.HIGH, days_ago(3, 10, 20, 29), ON + timedelta(days=1)),
    ],
)
def test_presets_low_normal_high(freq, touches, expected):
    assert next_allowed_on(touches, FREQUENCY_PRESETS[freq], ON) == expected


def test_a_touch_today_holds_further_touches_back_by_the_gap():
    assert next_allowed_on([ON], NORMAL, ON) == ON + timedelta(days=7)


@pytest.mark.parametrize("offset", range(0, 60, 3))
def test_next_allowed_day_keeps_both_rules(offset):
    tolerance = Tolerance(3, 30, 5)
    touches = days_ago(1, 8, 14, 40)
    day = next_allowed_on(touches, tolerance, ON + timedelta(days=offset))
    assert sum(1 for t in touches if day - timedelta(days=30) < t <= day) < 3
    assert all((day - t).days >= 5 for t in touches if t <= day)
    # ...and it is the earliest such day.
    earlier = day - timedelta(days=1)
    if earlier >= ON + timedelta(days=offset):
        recent = sum(1 for t in touches if earlier - timedelta(days=30) < t <= earlier)
        gap_ok = all((earlier - t).days >= 5 for t in touches if t <= earlier)
        assert recent >= 3 or not gap_ok


# Holding a routine follow-up for a stronger occasion of the same client (one card, one touch).
CHECK_IN = Window(date(2026, 3, 1), date(2026, 3, 8), date(2026, 3, 22))


def test_check_in_waits_for_a_birthday_opening_within_two_weeks():
    d = decide(Kind.CHECK_IN, CHECK_IN, prefs(), [], NORMAL, ON, openings=[ON + timedelta(days=5)], hold_days=14)
    assert (d.action, d.show_on) == ("move", ON + timedelta(days=5))
    assert d.reason == "held for a stronger occasion opening 2026-03-15"


@pytest.mark.parametrize("kind", [Kind.CARE, Kind.NEW_ARRIVALS, Kind.RECONNECT])
def test_other_routine_kinds_wait_too(kind):
    d = decide(kind, CHECK_IN, prefs(), [], NORMAL, ON, openings=[ON + timedelta(days=3)], hold_days=14)
    assert (d.action, d.show_on) == ("move", ON + timedelta(days=3))


@pytest.mark.parametrize(
    ("kind", "opens_in", "why"),
    [
        (Kind.BIRTHDAY, 5, "an occasion is never held back"),
        (Kind.CHECK_IN, 15, "beyond the two weeks"),
        (Kind.CHECK_IN, 0, "opening today: both already show together"),
    ],
)
def test_no_hold(kind, opens_in, why):
    d = decide(kind, CHECK_IN, prefs(), [], NORMAL, ON, openings=[ON + timedelta(days=opens_in)], hold_days=14)
    assert (d.action, d.show_on) == ("show", ON), why


def test_a_routine_reason_ending_before_the_occasion_opens_is_let_go_to_keep_the_touches():
    # The birthday opens Mar 23, after the check-in's last day (Mar 22): the check-in would spend a touch
    # nine days before the birthday's window, so it is let go, and says why.
    d = decide(Kind.CHECK_IN, CHECK_IN, prefs(), [], NORMAL, ON, openings=[ON + timedelta(days=13)], hold_days=14)
    assert (d.action, d.reason) == ("expire", "let go: kept the client's touches for an occasion opening 2026-03-23")


def test_holding_off_in_settings_shows_at_once():
    d = decide(Kind.CHECK_IN, CHECK_IN, prefs(), [], NORMAL, ON, openings=[ON + timedelta(days=5)], hold_days=0)
    assert d.action == "show"


def test_held_day_still_keeps_the_frequency_tolerance():
    # Touched 3 days ago: the opening day in 2 days is inside the 7-day gap, so the hold ends on day 4.
    d = decide(Kind.CHECK_IN, CHECK_IN, prefs(), days_ago(3), NORMAL, ON,
               openings=[ON + timedelta(days=2)], hold_days=14)
    assert (d.action, d.show_on) == ("move", ON + timedelta(days=4))


def test_a_hold_that_would_run_out_the_window_is_not_taken():
    # Two touches in the last 30 days: after the opening on Mar 20 the next allowed day is past Mar 22.
    window = Window(date(2026, 3, 1), date(2026, 3, 8), date(2026, 3, 22))
    touches = [date(2026, 2, 25), date(2026, 3, 10)]
    held = decide(Kind.CHECK_IN, window, prefs(), touches, NORMAL, ON, openings=[date(2026, 3, 20)], hold_days=14)
    plain = decide(Kind.CHECK_IN, window, prefs(), touches, NORMAL, ON)
    assert held == plain


def test_a_store_switching_after_two_unanswered_calls_gets_a_text_next():
    from jewelpwa.domain.gate import retry_channel

    both = prefs()
    assert retry_channel(both, [], 2) is Channel.CALL
    assert retry_channel(both, [Channel.CALL], 2) is Channel.CALL
    assert retry_channel(both, [Channel.CALL, Channel.CALL], 2) is Channel.TEXT
    assert retry_channel(both, [Channel.CALL, Channel.CALL, Channel.TEXT, Channel.TEXT], 2) is Channel.EMAIL


def test_a_store_that_keeps_the_best_channel_never_switches():
    from jewelpwa.domain.gate import retry_channel

    assert retry_channel(prefs(), [Channel.CALL] * 5, 0) is Channel.CALL


def test_the_switch_skips_a_channel_the_client_refused():
    from jewelpwa.domain.gate import retry_channel

    no_texts = prefs(opted_out=frozenset({Channel.TEXT}))
    assert retry_channel(no_texts, [Channel.CALL, Channel.CALL], 2) is Channel.EMAIL
    phone_only = prefs(has_email=False, opted_out=frozenset({Channel.TEXT}))
    assert retry_channel(phone_only, [Channel.CALL, Channel.CALL], 2) is Channel.CALL


def test_a_top_clients_occasion_protects_their_touches_longer():
    from jewelpwa.domain.gate import protect_days

    assert [protect_days(t, 14) for t in "ABC"] == [30, 21, 14]
    assert protect_days("A", 0) == 0  # holding turned off stays off
    # A tier A client's check-in 25 days before the birthday opens waits for it; a tier C client's does not.
    window = Window(date(2026, 3, 1), date(2026, 3, 8), date(2026, 4, 30))
    opening = [ON + timedelta(days=25)]
    top = decide(Kind.CHECK_IN, window, prefs(), [], NORMAL, ON, openings=opening, hold_days=protect_days("A", 14))
    quiet = decide(Kind.CHECK_IN, window, prefs(), [], NORMAL, ON, openings=opening, hold_days=protect_days("C", 14))
    assert (top.action, top.show_on) == ("move", ON + timedelta(days=25))
    assert quiet.action == "show"
