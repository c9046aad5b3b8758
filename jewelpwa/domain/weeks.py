"""Calendar weeks for the Upcoming screen: the horizon, Monday-based weeks and their labels."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Generic, TypeVar

T = TypeVar("T")


def horizon(on: date, weeks: int) -> tuple[date, date]:
    """The days shown: `on` and the following `weeks` × 7 - 1 days (8 weeks = 56 days, today included)."""
    return on, on + timedelta(days=weeks * 7 - 1)


def week_start(day: date) -> date:
    """The Monday of the week holding `day` (ISO weeks: "Week of Dec 7" is a Monday)."""
    return day - timedelta(days=day.weekday())


def week_label(start: date, on: date) -> str:
    """"This week", "Next week", else "Week of Dec 7" (the week's Monday)."""
    this_week = week_start(on)
    if start == this_week:
        return "This week"
    if start == this_week + timedelta(days=7):
        return "Next week"
    label = f"Week of {start.strftime('%b')} {start.day}"
    return label if start.year == on.year else f"{label}, {start.year}"


@dataclass
class WeekGroup(Generic[T]):
    start: date
    label: str
    items: list[T] = field(default_factory=list)


def group_by_week(items: Iterable[T], on: date, day_of: Callable[[T], date]) -> list[WeekGroup[T]]:
    """Items sorted by day, in week groups in calendar order; weeks without items are left out."""
    groups: dict[date, WeekGroup[T]] = {}
    for item in sorted(items, key=day_of):
        start = week_start(day_of(item))
        if start not in groups:
            groups[start] = WeekGroup(start, week_label(start, on))
        groups[start].items.append(item)
    return [groups[start] for start in sorted(groups)]
