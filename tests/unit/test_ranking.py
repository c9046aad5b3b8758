from datetime import date, timedelta

import pytest

from jewelpwa.domain.ranking import (
    Candidate,
    assign_tiers,
    rank_day,
    score,
    tier_for_percent_rank,
    urgency,
)
from jewelpwa.domain.settings import EngineSettings
from jewelpwa.domain.vocab import Kind, Tier
from jewelpwa.domain.windows import Window

S = EngineSettings.default()
ON = date(2026, 2, 1)
WINDOW = Window(date(2026, 1, 20), date(2026, 2, 1), date(2026, 3, 1))


def cand(
    fid, client, kind=Kind.BIRTHDAY, tier=Tier.B, window=WINDOW, detail=None, occasion_on=date(2026, 3, 1)
):
    return Candidate(fid, client, kind, window, occasion_on, tier, detail or {})


def test_two_reasons_that_read_the_same_on_one_card_say_their_day():
    # Two watches bought five days apart: both check-ins are "stainless steel watch, 2 weeks".
    watch = {"piece": "stainless steel watch"}
    first = cand(1, 7, Kind.CHECK_IN, detail=watch, occasion_on=date(2026, 1, 12))
    second = cand(2, 7, Kind.CHECK_IN, detail=watch, occasion_on=date(2026, 1, 17))
    [card] = rank_day([first, second], ON)
    assert sorted(r.text for r in card.reasons) == [
        "Check-in · stainless steel watch, 2 weeks · Jan 12", "Check-in · stainless steel watch, 2 weeks · Jan 17"]
    # Reasons that already differ are left as they are.
    [card] = rank_day([first, cand(3, 7, Kind.CARE, detail=watch)], ON)
    assert all("Jan 12" not in r.text for r in card.reasons)


def test_several_reasons_for_one_client_become_one_card():
    cards = rank_day([cand(1, 7), cand(2, 7, Kind.CARE, detail={"piece": "opal ring"}), cand(3, 8)], ON)
    assert [c.client_id for c in cards].count(7) == 1
    card = next(c for c in cards if c.client_id == 7)
    assert card.follow_up_ids == [1, 2]
    assert [r.kind for r in card.reasons] == [Kind.BIRTHDAY, Kind.CARE]
    assert card.reasons[0].weight >= card.reasons[1].weight


def test_bundled_card_scores_max_plus_a_quarter_of_the_rest():
    a, b = cand(1, 7), cand(2, 7, Kind.CARE)
    card = rank_day([a, b], ON)[0]
    assert card.score == pytest.approx(score(a, ON) + 0.25 * score(b, ON))
    assert card.score > rank_day([cand(3, 8)], ON)[0].score


def test_milestone_anniversary_outranks_an_ordinary_one():
    plain = cand(1, 7, Kind.ANNIVERSARY, detail={"years": 12, "milestone": 0})
    milestone = cand(2, 8, Kind.ANNIVERSARY, detail={"years": 25, "milestone": 1})
    assert [c.client_id for c in rank_day([plain, milestone], ON)] == [8, 7]


def test_tier_a_outranks_tier_c_for_the_same_reason():
    assert [c.client_id for c in rank_day([cand(1, 7, tier=Tier.C), cand(2, 8, tier=Tier.A)], ON)] == [8, 7]


def test_a_follow_up_on_its_last_day_outranks_one_just_opened():
    fresh = cand(1, 7, window=Window(ON, ON + timedelta(days=10), ON + timedelta(days=20)))
    last_day = cand(2, 8, window=Window(ON - timedelta(days=20), ON - timedelta(days=10), ON))
    assert [c.client_id for c in rank_day([fresh, last_day], ON)] == [8, 7]


@pytest.mark.parametrize(
    "window",
    [
        WINDOW,
        Window(ON, ON, ON + timedelta(days=7)),
        Window(ON, ON + timedelta(days=7), ON + timedelta(days=7)),
        Window(ON, ON, ON),
    ],
)
def test_urgency_starts_at_one_ends_at_three_and_never_falls(window):
    days = [
        window.opens_on + timedelta(days=n) for n in range(-3, (window.expires_on - window.opens_on).days + 4)
    ]
    values = [urgency(window, d) for d in days]
    assert values == sorted(values)
    assert urgency(window, window.expires_on) == 3.0
    assert urgency(window, window.opens_on - timedelta(days=1)) == 1.0


def test_urgency_is_one_and_a_half_on_the_due_day():
    assert urgency(WINDOW, WINDOW.due_on) == 1.5


def test_equal_scores_order_by_client_id_so_the_list_is_stable():
    cards = rank_day([cand(1, 9), cand(2, 3), cand(3, 5)], ON)
    assert [c.client_id for c in cards] == [3, 5, 9]
    assert [c.client_id for c in rank_day(reversed([cand(1, 9), cand(2, 3), cand(3, 5)]), ON)] == [3, 5, 9]


def test_why_explains_the_card():
    anniversary = cand(
        1,
        7,
        Kind.ANNIVERSARY,
        Tier.A,
        Window(date(2026, 1, 17), date(2026, 1, 31), date(2026, 3, 14)),
        {"years": 25, "milestone": 1},
        date(2026, 3, 14),
    )
    card = rank_day([anniversary], date(2026, 1, 28))[0]
    assert card.why == "25th anniversary Mar 14 · 6 weeks · top spender · due in 3 days"


def test_why_says_when_it_is_the_last_day():
    card = rank_day([cand(1, 7, occasion_on=WINDOW.expires_on)], WINDOW.expires_on)[0]
    assert card.why.endswith("· last day")


def test_tiers_by_percentile_of_spend_with_zero_spend_in_c():
    spend = {n: float(n * 100) for n in range(1, 11)} | {99: 0.0}
    tiers = assign_tiers(spend, S)
    assert [tiers[n] for n in range(10, 0, -1)] == [Tier.A, Tier.A, Tier.B, Tier.B, Tier.B] + [Tier.C] * 5
    assert tiers[99] is Tier.C


def test_equal_spenders_share_the_higher_tier_and_a_lone_spender_is_a():
    assert set(assign_tiers({1: 500.0, 2: 500.0, 3: 500.0}, S).values()) == {Tier.A}
    assert assign_tiers({1: 900.0, 2: 100.0, 3: 100.0, 4: 100.0, 5: 50.0}, S)[3] is Tier.B
    assert assign_tiers({1: 250.0, 2: 0.0}, S) == {1: Tier.A, 2: Tier.C}


@pytest.mark.parametrize(
    ("pr", "tier"),
    [(1.0, Tier.A), (0.8, Tier.A), (0.79, Tier.B), (0.5, Tier.B), (0.49, Tier.C), (0.0, Tier.C)],
)
def test_tier_for_percent_rank_thresholds(pr, tier):
    assert tier_for_percent_rank(pr, S) is tier


# Coverage: clients short of five touches in the pace window rank higher; unknown counts change nothing.
@pytest.mark.parametrize(("touches", "factor"), [(0, 2.0), (2, 1.6), (4, 1.2), (5, 1.0), (12, 1.0)])
def test_coverage_lifts_clients_short_of_five_touches(touches, factor):
    plain = score(cand(1, 7), ON)
    assert score(cand(1, 7, detail={"pace_touches": touches}), ON) == pytest.approx(plain * factor)


def test_rows_made_with_the_older_12_month_count_keep_their_lift():
    # Follow-ups made before the pace window was shortened carry "touches_12m"; they stay on lists for weeks.
    assert score(cand(1, 7, detail={"touches_12m": 2}), ON) == score(cand(1, 7, detail={"pace_touches": 2}), ON)
    assert score(cand(1, 7, detail={"touches_12m": 2}), ON) > score(cand(1, 7), ON)


def test_follow_ups_without_a_touch_count_rank_as_before():
    assert score(cand(1, 7, detail={"pace_touches": None}), ON) == score(cand(1, 7), ON)


def test_a_quiet_tier_c_client_passes_a_busy_tier_b_client_for_the_same_reason():
    busy = cand(1, 7, tier=Tier.B, detail={"pace_touches": 9})
    quiet = cand(2, 8, tier=Tier.C, detail={"pace_touches": 0})
    assert [c.client_id for c in rank_day([busy, quiet], ON)] == [8, 7]


def test_tier_a_still_leads_a_quiet_tier_c_client():
    busy = cand(1, 7, tier=Tier.A, detail={"pace_touches": 9})
    quiet = cand(2, 8, tier=Tier.C, detail={"pace_touches": 0})
    assert [c.client_id for c in rank_day([busy, quiet], ON)] == [7, 8]


# On pace: a client with five or more touches in 12 months has routine reasons rank at half their score,
# so the clients still short of five come first; the gift occasions, service and referral thanks do not wait.
@pytest.mark.parametrize(
    ("kind", "touches", "factor"),
    [
        (Kind.RECONNECT, 4, 1.2),
        (Kind.RECONNECT, 5, 0.5),
        (Kind.CARE, 9, 0.5),
        (Kind.HOLIDAY_LIST, 5, 0.5),
        (Kind.CHECK_IN, 6, 0.5),
        (Kind.RECONNECT, None, 1.0),
        (Kind.BIRTHDAY, 9, 1.0),
        (Kind.ANNIVERSARY, 5, 1.0),
        (Kind.PARTNER_BIRTHDAY, 12, 1.0),
        (Kind.SERVICE, 7, 1.0),
        (Kind.REFERRAL_THANKS, 5, 1.0),
    ],
)
def test_routine_reasons_of_a_client_on_pace_rank_at_half(kind, touches, factor):
    plain = score(cand(1, 7, kind), ON)
    assert score(cand(1, 7, kind, detail={"pace_touches": touches}), ON) == pytest.approx(plain * factor)


def test_a_tier_c_reconnect_short_of_five_passes_a_tier_b_reconnect_on_pace():
    on_pace = cand(1, 7, Kind.RECONNECT, tier=Tier.B, detail={"pace_touches": 5})
    short = cand(2, 8, Kind.RECONNECT, tier=Tier.C, detail={"pace_touches": 3})
    assert [c.client_id for c in rank_day([on_pace, short], ON)] == [8, 7]


def test_a_tier_a_milestone_anniversary_on_pace_still_leads_a_quiet_tier_c_reconnect():
    milestone = cand(1, 7, Kind.ANNIVERSARY, tier=Tier.A, detail={"pace_touches": 12, "milestone": 1})
    quiet = cand(2, 8, Kind.RECONNECT, tier=Tier.C, detail={"pace_touches": 0})
    assert [c.client_id for c in rank_day([quiet, milestone], ON)] == [7, 8]
