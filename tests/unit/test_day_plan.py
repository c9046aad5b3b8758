"""Planning the days: capacity per associate and working day, value order, bundling, protecting occasions."""

from datetime import date, timedelta

from jewelpwa.domain.day_plan import PlanItem, plan_days
from jewelpwa.domain.vocab import Kind

MON = date(2026, 12, 7)  # a Monday


def item(fid, client, kind=Kind.RECONNECT, value=1.0, first=MON, last=MON + timedelta(days=20), who=1):
    return PlanItem(fid, client, who, kind, first, last, value)


def test_a_day_holds_the_associates_capacity_and_the_rest_moves_to_the_next_days():
    items = [item(i, i, value=float(i)) for i in range(1, 8)]
    plan = plan_days(items, MON, 14, {1: 3})
    assert plan.per_day() == {MON: 3, MON + timedelta(days=1): 3, MON + timedelta(days=2): 1}
    # Same last day: highest value first, the three best clients are today's.
    assert {fid for fid, day in plan.placed.items() if day == MON} == {7, 6, 5}


def test_each_associate_has_their_own_days():
    items = [item(1, 1, who=1), item(2, 2, who=1), item(3, 3, who=2)]
    plan = plan_days(items, MON, 14, {1: 1, 2: 1})
    assert plan.placed == {1: MON, 2: MON + timedelta(days=1), 3: MON}


def test_occasions_come_before_routine_reasons_whatever_the_value():
    routine = item(1, 1, Kind.CHECK_IN, value=9.0)  # a top client's check-in
    birthday = item(2, 2, Kind.BIRTHDAY, value=2.0)  # a quiet client's birthday
    plan = plan_days([routine, birthday], MON, 14, {1: 1})
    assert plan.placed == {2: MON, 1: MON + timedelta(days=1)}


def test_what_finds_no_room_before_its_last_day_is_left_unplanned_lowest_value_first():
    items = [item(1, 1, value=5.0, last=MON), item(2, 2, value=1.0, last=MON)]
    plan = plan_days(items, MON, 14, {1: 1})
    assert plan.placed == {1: MON} and plan.unplaced == [2]


def test_a_routine_reason_that_can_wait_leaves_today_to_one_on_its_last_day():
    # A top client's note with three weeks left and a quiet client's reconnect on its last day: both get done.
    items = [item(1, 1, value=5.0), item(2, 2, value=1.0, last=MON)]
    plan = plan_days(items, MON, 14, {1: 1})
    assert plan.placed == {2: MON, 1: MON + timedelta(days=1)}


def test_nothing_is_planned_before_it_may_show_or_after_its_window():
    later = item(1, 1, first=MON + timedelta(days=3))
    plan = plan_days([later, item(2, 2, first=MON + timedelta(days=30), last=MON + timedelta(days=40))],
                     MON, 14, {1: 5})
    assert plan.placed == {1: MON + timedelta(days=3)} and plan.unplaced == [2]


def test_closed_days_get_nothing():
    items = [item(i, i) for i in range(1, 4)]
    plan = plan_days(items, MON + timedelta(days=5), 14, {1: 1}, closed_weekdays=frozenset({6}))  # from Saturday
    assert sorted(plan.placed.values()) == [MON + timedelta(days=5), MON + timedelta(days=7), MON + timedelta(days=8)]


def test_a_clients_second_reason_rides_on_the_same_day_at_no_cost():
    plan = plan_days([item(1, 1, Kind.BIRTHDAY, value=5.0), item(2, 1, Kind.CARE), item(3, 2)], MON, 14, {1: 2})
    assert plan.placed == {1: MON, 2: MON, 3: MON}


def test_a_routine_reason_never_spends_a_touch_apart_from_the_clients_occasion():
    # The anniversary may show from Saturday (the gate keeps the client's tolerance); the care note's window
    # ends Thursday. Today has room, but the care note is not planned on its own: the client's touches are
    # kept for the anniversary.
    anniversary = item(1, 1, Kind.ANNIVERSARY, value=3.0, first=MON + timedelta(days=5))
    care = item(2, 1, Kind.CARE, value=8.0, last=MON + timedelta(days=3))
    plan = plan_days([anniversary, care], MON, 14, {1: 5})
    assert plan.placed == {1: MON + timedelta(days=5)} and plan.unplaced == [2]


def test_no_capacity_plans_nothing():
    assert plan_days([item(1, 1)], MON, 14, {1: 0}).unplaced == [1]
    assert plan_days([item(1, 1, who=9)], MON, 14, {1: 3}).unplaced == [1]  # an associate not in the team
