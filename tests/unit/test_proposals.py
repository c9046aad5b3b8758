from datetime import date, timedelta

import pytest

from jewelpwa.domain.cadence import purchase_cadence
from jewelpwa.domain.proposals import (
    holiday_list_proposal,
    mothers_day_proposal,
    reconnect_proposal,
    referral_thanks_proposal,
    store_event_proposal,
    valentines_proposal,
    yearly_date_proposal,
)
from jewelpwa.domain.settings import EngineSettings
from jewelpwa.domain.vocab import Kind, Tier
from jewelpwa.domain.windows import Window, store_event_window, window_for

S = EngineSettings.default()
DAY = timedelta(days=1)


def _yearly(kind, month, day, year=None):
    return lambda on: yearly_date_proposal(
        kind=kind, source="date:1", month=month, day=day, year=year, on=on, settings=S
    )


# (name, proposal on a day, opening day, expiry day): every planner-made kind at its window's edges.
EDGES = [
    ("anniversary", _yearly(Kind.ANNIVERSARY, 3, 14), date(2026, 1, 17), date(2026, 3, 14)),
    ("birthday", _yearly(Kind.BIRTHDAY, 6, 3), date(2026, 5, 13), date(2026, 6, 3)),
    ("partner_birthday", _yearly(Kind.PARTNER_BIRTHDAY, 6, 3), date(2026, 5, 6), date(2026, 6, 3)),
    ("family_date", _yearly(Kind.FAMILY_DATE, 9, 1), date(2026, 8, 4), date(2026, 9, 1)),
    ("valentines", lambda on: valentines_proposal(7, on, S), date(2026, 1, 17), date(2026, 2, 14)),
    ("holiday_list", lambda on: holiday_list_proposal(7, on, S), date(2026, 11, 15), date(2026, 12, 24)),
    ("mothers_day", lambda on: mothers_day_proposal(7, on, S), date(2026, 4, 12), date(2026, 5, 10)),
    (
        "reconnect",
        lambda on: reconnect_proposal(7, date(2026, 1, 1), date(2020, 1, 1), Tier.B, on, S),
        date(2026, 4, 1),
        date(2026, 5, 1),
    ),
    (
        "reconnect tier A",
        lambda on: reconnect_proposal(7, date(2026, 1, 1), date(2020, 1, 1), Tier.A, on, S),
        date(2026, 2, 15),
        date(2026, 3, 17),
    ),
    (
        "referral_thanks",
        lambda on: referral_thanks_proposal(2, date(2026, 3, 1), on, S),
        date(2026, 3, 1),
        date(2026, 3, 22),
    ),
    (
        "store_event",
        lambda on: store_event_proposal(3, 7, date(2026, 3, 1), date(2026, 3, 20), on),
        date(2026, 3, 1),
        date(2026, 3, 20),
    ),
]


@pytest.mark.parametrize(("name", "propose", "opens_on", "expires_on"), EDGES, ids=[e[0] for e in EDGES])
def test_window_edges_day_before_opening_absent_opening_and_expiry_present_day_after_absent(
    name, propose, opens_on, expires_on
):
    assert propose(opens_on - DAY) is None
    assert propose(opens_on).window.opens_on == opens_on
    assert propose(expires_on).window.expires_on == expires_on
    assert propose(expires_on + DAY) is None


CADENCE = [
    (Kind.CHECK_IN, 14, 21, 35),
    (Kind.CARE, 90, 100, 130),
    (Kind.NEW_ARRIVALS, 180, 190, 230),
    (Kind.PURCHASE_ANNIVERSARY, 358, 365, 380),
    (Kind.SERVICE, 0, 0, 7),
]


@pytest.mark.parametrize(("kind", "opens", "due", "expires"), CADENCE)
@pytest.mark.parametrize("anchor_on", [date(2026, 1, 5), date(2027, 12, 20), date(2028, 2, 29)])
def test_day_after_windows_hold_exactly_their_days(kind, opens, due, expires, anchor_on):
    window = window_for(kind, anchor_on, S)
    assert window == Window(anchor_on + opens * DAY, anchor_on + due * DAY, anchor_on + expires * DAY)
    assert not window.contains(window.opens_on - DAY)
    assert window.contains(window.opens_on) and window.contains(window.expires_on)
    assert not window.contains(window.expires_on + DAY)


def test_window_rejects_dates_out_of_order():
    with pytest.raises(ValueError):
        Window(date(2026, 3, 2), date(2026, 3, 1), date(2026, 3, 5))


def test_store_events_have_no_settings_rule_but_their_own_window():
    with pytest.raises(ValueError):
        window_for(Kind.STORE_EVENT, date(2026, 3, 1), S)
    assert store_event_window(date(2026, 3, 1), date(2026, 3, 20)) == Window(
        date(2026, 3, 1), date(2026, 3, 1), date(2026, 3, 20)
    )


def test_january_birthday_seen_in_december_belongs_to_next_year():
    p = _yearly(Kind.BIRTHDAY, 1, 10)(date(2025, 12, 25))
    assert p.occasion_on == date(2026, 1, 10)
    assert p.window.opens_on == date(2025, 12, 20)
    assert p.dedupe_key == "birthday:date:1:2026-01-10"


def test_january_anniversary_window_opens_in_november_of_the_year_before():
    p = _yearly(Kind.ANNIVERSARY, 1, 5, 2001)(date(2025, 11, 10))
    assert p.occasion_on == date(2026, 1, 5)
    assert p.detail["years"] == 25 and p.detail["milestone"] == 1


@pytest.mark.parametrize(
    ("on", "occasion_on"),
    [
        (date(2027, 2, 1), date(2027, 2, 28)),
        (date(2028, 2, 29), date(2028, 2, 29)),
        (date(2100, 2, 28), date(2100, 2, 28)),
    ],
)
def test_feb_29_anniversary_falls_on_feb_28_in_common_years(on, occasion_on):
    p = _yearly(Kind.ANNIVERSARY, 2, 29, 2000)(on)
    assert p.occasion_on == occasion_on


def test_feb_29_birthday_in_common_year_expires_feb_28():
    propose = _yearly(Kind.BIRTHDAY, 2, 29)
    assert propose(date(2027, 2, 28)).occasion_on == date(2027, 2, 28)
    assert propose(date(2027, 3, 1)) is None


def test_anniversary_detail_carries_years_and_milestone_only_with_a_known_year():
    assert _yearly(Kind.ANNIVERSARY, 3, 14, 2014)(date(2026, 2, 1)).detail == {"years": 12, "milestone": 0}
    assert _yearly(Kind.ANNIVERSARY, 3, 14)(date(2026, 2, 1)).detail == {}


def test_wedding_day_itself_is_not_an_anniversary():
    assert _yearly(Kind.ANNIVERSARY, 3, 14, 2026)(date(2026, 2, 1)) is None
    assert _yearly(Kind.ANNIVERSARY, 3, 14, 2026)(date(2027, 2, 1)).detail["years"] == 1


def test_caller_detail_is_kept():
    p = yearly_date_proposal(
        kind=Kind.PARTNER_BIRTHDAY,
        source="person:45",
        month=6,
        day=3,
        year=None,
        on=date(2026, 5, 20),
        settings=S,
        detail={"name": "Anna"},
    )
    assert p.detail == {"name": "Anna"} and p.dedupe_key == "partner_birthday:person:45:2026-06-03"


def test_store_country_sets_mothers_day():
    gb = EngineSettings.from_dict({"country": "GB"})
    p = mothers_day_proposal(7, date(2026, 3, 1), gb)
    assert p.occasion_on == date(2026, 3, 15)
    assert mothers_day_proposal(7, date(2026, 3, 1), S) is None


def test_reconnect_clock_runs_from_first_seen_when_never_reached():
    p = reconnect_proposal(7, None, date(2026, 1, 1), Tier.C, date(2026, 4, 5), S)
    assert p.occasion_on == date(2026, 4, 1)
    assert p.detail == {"since": "2026-01-01", "never_reached": 1}
    assert p.dedupe_key == "reconnect:client:7:2026-04-01"


def test_reconnect_comes_back_a_cycle_later_when_nobody_reached_the_client():
    p = reconnect_proposal(7, date(2026, 1, 1), date(2020, 1, 1), Tier.B, date(2026, 7, 5), S)
    assert p.occasion_on == date(2026, 6, 30)
    assert reconnect_proposal(7, date(2026, 1, 1), date(2020, 1, 1), Tier.B, date(2026, 6, 1), S) is None


# Reached on Jan 1, tier C: behind the pace (4 touches in 12 months) the clock runs 60 days, on pace 90.
@pytest.mark.parametrize(
    ("touches", "on", "anchor_on"),
    [
        (4, date(2026, 3, 1), None),  # the day before the pace window opens
        (4, date(2026, 3, 2), date(2026, 3, 2)),  # opens 60 days after the conversation
        (4, date(2026, 4, 1), date(2026, 3, 2)),  # its last day (+30)
        (4, date(2026, 4, 2), None),  # between two pace cycles: the next opens May 1
        (4, date(2026, 5, 1), date(2026, 5, 1)),
        (5, date(2026, 3, 2), None),  # on pace: DESIGN's 90-day clock
        (5, date(2026, 4, 1), date(2026, 4, 1)),
        (None, date(2026, 3, 2), None),  # not counted: DESIGN's clock
        (None, date(2026, 4, 1), date(2026, 4, 1)),
    ],
)
def test_reconnect_comes_sooner_for_a_client_behind_five_touches_a_year(touches, on, anchor_on):
    p = reconnect_proposal(7, date(2026, 1, 1), date(2020, 1, 1), Tier.C, on, S, pace_touches=touches)
    assert (p.occasion_on if p else None) == anchor_on
    if p is not None:
        assert p.dedupe_key == f"reconnect:client:7:{anchor_on.isoformat()}"
        assert p.detail.get("pace") == (1 if touches == 4 else None)


def test_pace_rule_leaves_tier_a_on_its_own_sooner_clock():
    p = reconnect_proposal(7, date(2026, 1, 1), date(2020, 1, 1), Tier.A, date(2026, 2, 15), S, pace_touches=0)
    assert p.occasion_on == date(2026, 2, 15) and "pace" not in p.detail


def test_referral_and_first_purchase_thanks_have_distinct_keys():
    a = referral_thanks_proposal(2, date(2026, 3, 1), date(2026, 3, 2), S)
    b = referral_thanks_proposal(2, date(2026, 3, 1), date(2026, 3, 2), S, reason="first_purchase")
    assert a.dedupe_key == "referral_thanks:referral:2:2026-03-01"
    assert b.dedupe_key == "referral_thanks:referral:2:first_purchase:2026-03-01"
    with pytest.raises(ValueError):
        referral_thanks_proposal(2, date(2026, 3, 1), date(2026, 3, 2), S, reason="thanks")


def test_store_event_key_is_unique_per_client():
    a = store_event_proposal(3, 7, date(2026, 3, 1), date(2026, 3, 20), date(2026, 3, 5))
    b = store_event_proposal(3, 8, date(2026, 3, 1), date(2026, 3, 20), date(2026, 3, 5))
    assert a.source == b.source == "event:3" and a.dedupe_key != b.dedupe_key


def test_every_dedupe_key_over_a_year_is_unique_per_reason():
    keys = set()
    for n in range(366):
        on = date(2026, 1, 1) + n * DAY
        for p in (
            valentines_proposal(7, on, S),
            holiday_list_proposal(7, on, S),
            _yearly(Kind.BIRTHDAY, 1, 10)(on),
        ):
            if p is not None:
                keys.add(p.dedupe_key)
    keys.update(p.dedupe_key for p in purchase_cadence(9, date(2026, 1, 5), [], S))
    # Valentine's 2026, holiday list 2026, birthdays Jan 10 2026 and 2027, four cadence follow-ups.
    assert len(keys) == 8
