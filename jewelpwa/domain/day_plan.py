"""Planning the days: each open follow-up onto one day of its window, within each associate's capacity.

A list is a day's work, not a backlog (issue 18). Every morning the planner lays the open follow-ups onto the
coming days, for their associate, at most `capacity` clients a working day, highest value first:

- Order: promises already made (service) first, then the occasions the store is judged on (anniversaries,
  birthdays, a partner's birthday, referral thanks), then everything else; by value inside each class (kind
  weight x milestone x tier value x coverage, domain.ranking.score without urgency), then by the last day.
  So the lowest-value reasons are the ones that find no room, never an anniversary for a check-in.
- Place an occasion on the earliest working day from the day it may show (the gate's show_on: tolerance,
  holding, a retry's wait) to its last day that still has room: early, so a voicemail leaves days for another try.
- Routine reasons in two passes. Which: by value, each into the latest day with room before its last day (the
  classic greedy for unit jobs with deadlines: it keeps the most valuable set that can all be done). When: the
  chosen ones again, soonest last day first, into the earliest day with room, so today is full and nothing
  chosen misses its window. Value alone, each on its earliest day, let a top client's care note that could wait
  three weeks take the last day of a quiet client's reconnect (a year's simulation let 2,254 reconnects go).
- Bundle: a client already placed on a day inside this follow-up's window takes it on that day, at no cost: one
  card, one touch.
- Protect the valuable: a routine reason (check-in, care, cleaning, new arrivals, reconnect) of a client who has
  a birthday, anniversary or partner's birthday open only rides along on that occasion's day; it never spends one
  of the client's few touches just before or inside the occasion's window.
- What does not fit in the horizon stays unplanned and is planned again tomorrow; what runs out of window
  unplanned is let go (the planner's expiry says so, with the reason kept).

Pure: no database, `on` given. Placing a follow-up is O(alpha) with a next-free-day pointer per associate, so a
first plan of a 1M-client book (900k follow-ups) stays a few seconds of Python.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from jewelpwa.domain.gate import HOLDABLE_KINDS, STRONGER_KINDS
from jewelpwa.domain.vocab import SERVICE_KINDS, Kind

# The occasions placed before any routine reason, whatever the client's tier.
OCCASION_KINDS: frozenset[Kind] = frozenset(STRONGER_KINDS | {Kind.REFERRAL_THANKS})


def plan_class(kind: Kind) -> int:
    """0 a promise (service), 1 an occasion, 2 the rest: placed in that order."""
    if kind in SERVICE_KINDS:
        return 0
    return 1 if kind in OCCASION_KINDS else 2


@dataclass(frozen=True)
class PlanItem:
    """One open follow-up as the planner sees it."""

    follow_up_id: int
    client_id: int
    assignee_id: int
    kind: Kind
    first_on: date  # the first day it may show (show_on, or the plan day when earlier)
    last_on: date  # the window's last day
    value: float


@dataclass
class DayPlan:
    """Where each follow-up goes: a day, or nowhere in the horizon yet."""

    placed: dict[int, date]
    unplaced: list[int]

    def per_day(self) -> dict[date, int]:
        counts: dict[date, int] = defaultdict(int)
        for day in self.placed.values():
            counts[day] += 1
        return dict(counts)


class _FreeDays:
    """Days 0..horizon-1 of one associate with room left: find(i) is the first such day >= i (horizon: none),
    last(i) the last such day <= i (-1: none); both near O(1) with path-compressed pointers."""

    def __init__(self, horizon: int, closed: Iterable[int], capacity: int) -> None:
        self.room = [max(capacity, 0)] * horizon
        self.horizon = horizon
        self.right = list(range(horizon + 1))  # day -> itself when it has room, else a later day
        self.left = list(range(horizon + 1))  # day + 1 -> day + 1 when day has room, else an earlier one (0: none)
        for day in [*closed, *(range(horizon) if capacity <= 0 else ())]:
            self.room[day] = 0
            self._full(day)

    @staticmethod
    def _root(parent: list[int], i: int) -> int:
        root = i
        while parent[root] != root:
            root = parent[root]
        while parent[i] != root:  # path compression
            parent[i], i = root, parent[i]
        return root

    def find(self, i: int) -> int:
        return self._root(self.right, i)

    def last(self, i: int) -> int:
        return self._root(self.left, i + 1) - 1

    def take(self, i: int) -> None:
        self.room[i] -= 1
        if self.room[i] <= 0:
            self._full(i)

    def give_back(self, i: int) -> None:
        """Undo a take (the routine pass chooses with one placement and then places again)."""
        if self.room[i] <= 0:
            self.right[i], self.left[i + 1] = i, i + 1
        self.room[i] += 1

    def _full(self, i: int) -> None:
        self.right[i] = i + 1
        self.left[i + 1] = i


def plan_days(items: Iterable[PlanItem], on: date, horizon_days: int, capacity: Mapping[int, int],
              closed_weekdays: frozenset[int] = frozenset()) -> DayPlan:
    """Place each follow-up on a day in [on, on + horizon_days) (see the module's rules)."""
    ordered = sorted(items, key=lambda i: (plan_class(i.kind), -i.value, i.last_on, i.follow_up_id))
    closed = [d for d in range(horizon_days) if (on + timedelta(days=d)).weekday() in closed_weekdays]
    free: dict[int, _FreeDays] = {}

    def days_of(assignee_id: int) -> _FreeDays:
        if assignee_id not in free:
            free[assignee_id] = _FreeDays(horizon_days, closed, capacity.get(assignee_id, 0))
        return free[assignee_id]

    client_days: dict[int, list[int]] = defaultdict(list)
    guarded = {i.client_id for i in ordered if i.kind in STRONGER_KINDS}
    placed: dict[int, date] = {}
    unplaced: list[int] = []

    def span(item: PlanItem) -> tuple[int, int]:
        return max((item.first_on - on).days, 0), min((item.last_on - on).days, horizon_days - 1)

    def ride_along(item: PlanItem, lo: int, hi: int) -> int | None:
        return next((d for d in client_days[item.client_id] if lo <= d <= hi), None)

    def put(item: PlanItem, day: int | None) -> None:
        if day is None:
            unplaced.append(item.follow_up_id)
        else:
            placed[item.follow_up_id] = on + timedelta(days=day)

    routine = []
    for item in ordered:
        if plan_class(item.kind) == 2:
            routine.append(item)
            continue
        lo, hi = span(item)
        day = ride_along(item, lo, hi) if lo <= hi else None
        if day is None and lo <= hi:
            days = days_of(item.assignee_id)
            if (found := days.find(lo)) <= hi:
                days.take(found)
                client_days[item.client_id].append(found)
                day = found
        put(item, day)

    # Which routine reasons: by value, each on the latest day with room (or riding along with its client).
    chosen: list[tuple[PlanItem, int]] = []
    for item in routine:
        lo, hi = span(item)
        if lo > hi:
            put(item, None)
        elif (day := ride_along(item, lo, hi)) is not None:
            put(item, day)
        elif item.kind in HOLDABLE_KINDS and item.client_id in guarded:
            put(item, None)  # the client's touches are kept for their occasion
        elif (found := days_of(item.assignee_id).last(hi)) >= lo:
            days_of(item.assignee_id).take(found)
            chosen.append((item, found))
        else:
            put(item, None)
    # When: the chosen again, soonest last day first, each on the earliest day with room.
    for item, day in chosen:
        days_of(item.assignee_id).give_back(day)
    for item, _ in sorted(chosen, key=lambda pair: (pair[0].last_on, -pair[0].value, pair[0].follow_up_id)):
        lo, hi = span(item)
        days = days_of(item.assignee_id)
        day = ride_along(item, lo, hi)
        if day is None:
            found = days.find(lo)
            if found > hi:  # not expected after the first pass; the latest day with room is the fallback
                found = days.last(hi)
            if lo <= found <= hi:
                days.take(found)
                client_days[item.client_id].append(found)
                day = found
        put(item, day)
    return DayPlan(placed, unplaced)
