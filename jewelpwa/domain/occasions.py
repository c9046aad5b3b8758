"""Calendar arithmetic for yearly occasions: leap days, Easter, Mother's Day, milestones."""

import calendar
from datetime import date, timedelta

MILESTONE_YEARS: tuple[int, ...] = (1, 5, 10, 15, 20, 25, 30, 40, 50, 60)

# Countries that keep Mothering Sunday, three weeks before Easter.
_MOTHERING_SUNDAY = frozenset({"GB", "UK", "IE"})
# Spain (Día de la Madre) and Portugal (Dia da Mãe) keep the first Sunday of May.
_FIRST_SUNDAY_OF_MAY = frozenset({"ES", "PT"})


def yearly_on(month: int, day: int, year: int) -> date:
    """The day a yearly (month, day) falls on in `year`; 29 Feb falls on 28 Feb in common years."""
    if month == 2 and day == 29 and not calendar.isleap(year):
        return date(year, 2, 28)
    return date(year, month, day)


def next_yearly_on(month: int, day: int, on: date) -> date:
    """The first occurrence of a yearly (month, day) on or after `on`."""
    this_year = yearly_on(month, day, on.year)
    return this_year if this_year >= on else yearly_on(month, day, on.year + 1)


def easter_on(year: int) -> date:
    """Gregorian Easter Sunday (anonymous Meeus/Jones/Butcher algorithm)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    el = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * el) // 451
    month, day = divmod(h + el - 7 * m + 114, 31)
    return date(year, month, day + 1)


def _nth_sunday(year: int, month: int, n: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(6 - first.weekday()) % 7 + 7 * (n - 1))


def _last_sunday(year: int, month: int) -> date:
    last = date(year, month, calendar.monthrange(year, month)[1])
    return last - timedelta(days=(last.weekday() + 1) % 7)


def mothers_day_on(year: int, country: str) -> date:
    """Mother's Day in `country` (ISO 3166 alpha-2); unknown countries get the second Sunday of May."""
    code = country.strip().upper()
    if code in _MOTHERING_SUNDAY:
        return easter_on(year) - timedelta(days=21)
    if code == "MX":
        return date(year, 5, 10)
    if code in _FIRST_SUNDAY_OF_MAY:
        return _nth_sunday(year, 5, 1)
    if code == "FR":
        # Fête des mères moves to the first Sunday of June when Pentecost takes the last Sunday of May.
        last = _last_sunday(year, 5)
        return _nth_sunday(year, 6, 1) if last == easter_on(year) + timedelta(days=49) else last
    return _nth_sunday(year, 5, 2)


def anniversary_years(start_year: int | None, occasion_on: date) -> int | None:
    """How many years the occasion marks, or None when the start year is unknown or not yet reached."""
    if start_year is None:
        return None
    years = occasion_on.year - start_year
    return years if years >= 1 else None


def is_milestone(years: int | None) -> bool:
    """Whether an anniversary of `years` is one worth celebrating louder."""
    return years in MILESTONE_YEARS


def ordinal(n: int) -> str:
    """English ordinal: 1st, 2nd, 3rd, 11th, 25th."""
    if 10 <= n % 100 <= 20:
        suffix = "th"
    else:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def month_days_between(start: date, end: date) -> set[tuple[int, int]]:
    """Every (month, day) whose yearly occurrence falls in [start, end], 29 Feb included via 28 Feb."""
    if end < start:
        return set()
    if (end - start).days >= 366:
        # A span this long holds every day of a leap year, so every (month, day) occurs.
        return {(d.month, d.day) for d in _days(date(2000, 1, 1), date(2000, 12, 31))}
    found = set()
    for day in _days(start, end):
        found.add((day.month, day.day))
        if day.month == 2 and day.day == 28 and not calendar.isleap(day.year):
            found.add((2, 29))
    return found


def _days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]
