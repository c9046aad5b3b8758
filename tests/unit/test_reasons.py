from datetime import date

import pytest

from jewelpwa.domain.reasons import reason_text, span
from jewelpwa.domain.vocab import Kind

ON = date(2026, 1, 31)


@pytest.mark.parametrize(
    ("days", "text"),
    [
        (0, "today"),
        (1, "tomorrow"),
        (2, "2 days"),
        (13, "13 days"),
        (14, "2 weeks"),
        (20, "2 weeks"),
        (42, "6 weeks"),
        (59, "8 weeks"),
        (60, "2 months"),
        (97, "3 months"),
    ],
)
def test_day_distances_read_like_speech(days, text):
    assert span(days) == text


@pytest.mark.parametrize(
    ("kind", "occasion_on", "on", "detail", "text"),
    [
        (
            Kind.ANNIVERSARY,
            date(2026, 3, 14),
            ON,
            {"years": 25, "milestone": 1},
            "25th anniversary Mar 14 · 6 weeks",
        ),
        (
            Kind.ANNIVERSARY,
            date(2026, 3, 14),
            ON,
            {"years": 12, "milestone": 0},
            "12th anniversary Mar 14 · 6 weeks",
        ),
        (Kind.ANNIVERSARY, date(2026, 3, 14), ON, {}, "Anniversary Mar 14 · 6 weeks"),
        (Kind.BIRTHDAY, date(2026, 6, 3), date(2026, 5, 22), {}, "Birthday Jun 3 · 12 days"),
        (Kind.BIRTHDAY, date(2026, 6, 3), date(2026, 6, 3), {}, "Birthday Jun 3 · today"),
        (Kind.BIRTHDAY, date(2026, 6, 3), date(2026, 6, 2), {}, "Birthday Jun 3 · tomorrow"),
        (Kind.BIRTHDAY, date(2026, 1, 10), date(2025, 12, 25), {}, "Birthday Jan 10 · 2 weeks"),
        (
            Kind.PARTNER_BIRTHDAY,
            date(2026, 6, 3),
            date(2026, 5, 20),
            {"name": "Anna"},
            "Anna's birthday Jun 3 · 2 weeks",
        ),
        (
            Kind.PARTNER_BIRTHDAY,
            date(2026, 6, 3),
            date(2026, 5, 20),
            {},
            "Partner's birthday Jun 3 · 2 weeks",
        ),
        (
            Kind.FAMILY_DATE,
            date(2026, 6, 3),
            date(2026, 5, 20),
            {"name": "Emma", "label": "Graduation"},
            "Emma's graduation Jun 3 · 2 weeks",
        ),
        (
            Kind.VALENTINES,
            date(2026, 2, 14),
            ON,
            {"name": "Anna"},
            "Valentine's Day for Anna Feb 14 · 2 weeks",
        ),
        (Kind.MOTHERS_DAY, date(2026, 5, 10), date(2026, 4, 19), {}, "Mother's Day May 10 · 3 weeks"),
        (Kind.HOLIDAY_LIST, date(2026, 12, 24), date(2026, 12, 1), {}, "Holiday list Dec 24 · 3 weeks"),
        (Kind.HOLIDAY_LIST, date(2026, 12, 24), date(2026, 12, 1), {"gift": 1, "name": "Anna"},
         "Gift for Anna Dec 24 · 3 weeks"),
        (
            Kind.STORE_EVENT,
            date(2026, 3, 20),
            date(2026, 3, 15),
            {"what": "Spring trunk show"},
            "Spring trunk show Mar 20 · 5 days",
        ),
        (
            Kind.CARE,
            date(2026, 1, 5),
            date(2026, 4, 10),
            {"piece": "opal ring"},
            "Care check · opal ring, 3 months",
        ),
        (
            Kind.CHECK_IN,
            date(2026, 1, 5),
            date(2026, 1, 19),
            {"piece": "sapphire pendant"},
            "Check-in · sapphire pendant, 2 weeks",
        ),
        (
            Kind.NEW_ARRIVALS,
            date(2026, 1, 5),
            date(2026, 7, 5),
            {"piece": "opal ring", "category": "ring"},
            "New arrivals in ring · 6 months since the opal ring",
        ),
        (
            Kind.PURCHASE_ANNIVERSARY,
            date(2025, 1, 5),
            date(2026, 1, 3),
            {"piece": "diamond studs"},
            "1 year since the diamond studs",
        ),
        (
            Kind.RECONNECT,
            date(2026, 4, 1),
            date(2026, 5, 5),
            {"since": "2026-01-01", "never_reached": 0},
            "No conversation in 4 months",
        ),
        (
            Kind.RECONNECT,
            date(2026, 4, 1),
            date(2026, 4, 1),
            {"since": "2026-01-01", "never_reached": 1},
            "No conversation yet · client for 3 months",
        ),
        (
            # On the pace clock (sooner than the tier's): the card says why.
            Kind.RECONNECT,
            date(2026, 4, 1),
            date(2026, 4, 3),
            {"since": "2026-02-01", "never_reached": 0, "pace": 1, "pace_touches": 2},
            "No conversation in 2 months · short of 5 touches a year",
        ),
        (
            Kind.REFERRAL_THANKS,
            date(2026, 3, 1),
            date(2026, 3, 2),
            {"reason": "referral", "name": "Maria"},
            "Referral thanks · referred Maria",
        ),
        (
            Kind.REFERRAL_THANKS,
            date(2026, 3, 1),
            date(2026, 3, 2),
            {"reason": "first_purchase", "name": "Maria"},
            "Referral thanks · Maria's first purchase",
        ),
        (
            Kind.REFERRAL_THANKS,
            date(2026, 3, 1),
            date(2026, 3, 1),
            {"reason": "referral"},
            "Referral thanks · recorded today",
        ),
        (
            Kind.SERVICE,
            date(2026, 3, 3),
            date(2026, 3, 2),
            {"what": "Repair ready for pickup"},
            "Repair ready for pickup Mar 3 · tomorrow",
        ),
    ],
)
def test_reason_texts(kind, occasion_on, on, detail, text):
    assert reason_text(kind, occasion_on, on, detail) == text


def test_an_occasion_just_passed_says_ago():
    assert reason_text(Kind.BIRTHDAY, date(2026, 6, 3), date(2026, 6, 6), {}) == "Birthday Jun 3 · 3 days ago"


def test_every_kind_has_a_reason_text():
    for kind in Kind:
        assert reason_text(kind, date(2026, 3, 1), date(2026, 3, 1), {"since": "2026-01-01"})
