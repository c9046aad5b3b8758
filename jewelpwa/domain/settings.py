"""A store's engine settings: windows, reconnect clocks, frequency tolerance; defaults from DESIGN.md §3."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Self, TypeVar

from jewelpwa.domain.vocab import Frequency, Kind, Tier


@dataclass(frozen=True)
class WindowRule:
    """Day offsets from an anchor day (negative = before) for when a follow-up opens, is due, expires."""

    opens: int
    due: int
    expires: int

    def __post_init__(self) -> None:
        if not self.opens <= self.due <= self.expires:
            raise ValueError(
                f"window needs opens <= due <= expires, got {self.opens}, {self.due}, {self.expires}"
            )


@dataclass(frozen=True)
class Tolerance:
    """At most `max_touches` in any `per_days` days, and at least `min_gap_days` between touches."""

    max_touches: int
    per_days: int
    min_gap_days: int

    def __post_init__(self) -> None:
        if self.max_touches < 1 or self.per_days < 1 or self.min_gap_days < 0:
            raise ValueError(
                f"tolerance needs max_touches >= 1, per_days >= 1, min_gap_days >= 0, got "
                f"{self.max_touches}, {self.per_days}, {self.min_gap_days}"
            )


FREQUENCY_PRESETS: dict[Frequency, Tolerance] = {
    Frequency.LOW: Tolerance(1, 30, 14),
    Frequency.NORMAL: Tolerance(2, 30, 7),
    Frequency.HIGH: Tolerance(4, 30, 3),
}

# Anchors: the occasion day for dated kinds (Valentine's Day is Feb 14, the holiday list Dec 24), the
# purchase day for the purchase cadence, the reconnect day, the day a referral was recorded.
# store_event has no rule: its window is the event's own invite day and event day.
DEFAULT_WINDOWS: dict[Kind, WindowRule] = {
    Kind.ANNIVERSARY: WindowRule(-56, -42, 0),
    Kind.BIRTHDAY: WindowRule(-21, -14, 0),
    Kind.PARTNER_BIRTHDAY: WindowRule(-28, -21, 0),
    Kind.FAMILY_DATE: WindowRule(-28, -21, 0),
    Kind.VALENTINES: WindowRule(-28, -14, 0),
    Kind.MOTHERS_DAY: WindowRule(-28, -21, 0),
    Kind.HOLIDAY_LIST: WindowRule(-39, -23, 0),
    Kind.CHECK_IN: WindowRule(14, 21, 35),
    Kind.CARE: WindowRule(90, 100, 130),
    Kind.NEW_ARRIVALS: WindowRule(180, 190, 230),
    Kind.PURCHASE_ANNIVERSARY: WindowRule(358, 365, 380),
    Kind.RECONNECT: WindowRule(0, 7, 30),
    Kind.REFERRAL_THANKS: WindowRule(0, 2, 21),
    Kind.SERVICE: WindowRule(0, 0, 7),
    # Anchored on each six-month mark after the purchase of a piece that benefits from a cleaning
    # (domain/cleaning.py): a month to call and book the free visit.
    Kind.CLEANING: WindowRule(0, 7, 30),
}

DEFAULT_RECONNECT_DAYS: dict[Tier, int] = {Tier.A: 45, Tier.B: 90, Tier.C: 90}

# The store's goal: at least this many touches (conversation, voicemail or message) a year for every
# contactable client (issue 3). Ranking's coverage term and the reconnect pace rule both count against it.
TOUCH_GOAL = 5
# Pace rule (a deviation from DESIGN.md §3, which reconnects after 90 days whatever the client's year):
# on the DESIGN clock alone a client with no dates and no purchases gets at most about 3.5 reconnects and
# the holiday list a year, short of TOUCH_GOAL whatever the ranking does, and a client first reached late
# in the year even fewer. A client with fewer than TOUCH_GOAL touches in the last 12 months is reconnected
# after this many days instead (when that is sooner than the tier's clock); clients on pace keep the
# DESIGN clock. 60 days plus the days a reconnect waits on the list is about 365 / TOUCH_GOAL.
DEFAULT_PACE_RECONNECT_DAYS = 60
# Which touches count towards the pace: those of the last PACE_WINDOW_DAYS, not the whole 12 months. A
# client is on pace when their 12-month count will still be TOUCH_GOAL in PACE_LOOKAHEAD_DAYS even if
# nobody calls them; counting the full 12 months let clients hover at exactly five, dropping to four each
# time the oldest touch aged out, until the next reconnect: some calendar years then held four. Simulated
# second year (simulate_year --days 730): 90.3 % of contactable clients at five on the 12-month count,
# 97.9 % looking 60 days ahead, with occasions done in window unchanged (anniversaries 85.7 -> 86.1 %,
# birthdays 73.8 -> 73.2 %).
PACE_LOOKAHEAD_DAYS = 60
PACE_WINDOW_DAYS = 365 - PACE_LOOKAHEAD_DAYS

E = TypeVar("E")

_KEYS = (
    "windows",
    "reconnect_days",
    "frequency",
    "country",
    "tier_a_share",
    "tier_b_share",
    "max_tries",
    "retry_days",
    "hold_days",
    "pace_reconnect_days",
    "plan_above_target",
    "closed_weekdays",
    "switch_channel_after",
)


@dataclass(frozen=True)
class EngineSettings:
    """Every rule of the engine a store may change; build it with default() or from_dict()."""

    windows: Mapping[Kind, WindowRule]
    reconnect_days: Mapping[Tier, int]
    frequency: Mapping[Frequency, Tolerance]
    country: str = "US"
    tier_a_share: float = 0.2
    tier_b_share: float = 0.3
    # Tries after a voicemail or no answer: 0 = as many as the window leaves room for (issue 18: a fixed three
    # tries lost one occasion in six; a salesperson keeps trying, switching channel, while the day is ahead).
    max_tries: int = 0
    retry_days: int = 2
    # A routine follow-up waits up to this many days for the client's birthday or anniversary to open,
    # so both go on one card (domain.gate.coming_opening); 0 turns holding off.
    hold_days: int = 14
    # The reconnect clock of a client behind the TOUCH_GOAL pace (see DEFAULT_PACE_RECONNECT_DAYS); 0 turns
    # the pace rule off, so every client keeps reconnect_days.
    pace_reconnect_days: int = DEFAULT_PACE_RECONNECT_DAYS
    # How far above an associate's daily target the planner fills a day, in percent: a few more than the
    # target, because some rows go unanswered and a day that ends early pulls ahead from tomorrow.
    plan_above_target: int = 20
    # Days nobody works the lists (0 = Monday ... 6 = Sunday): the planner puts nothing on them.
    closed_weekdays: frozenset[int] = frozenset()
    # Unanswered tries on one channel after which the next try suggests the next channel the client allows
    # (call -> text -> email); 0 keeps the client's best channel. Off by default: on the simulated year's odds
    # (a call completes 53 % of tries, a message 40 %) switching after two unanswered calls cost 4.6 points of
    # birthdays done in window. A store whose clients answer texts better turns it on.
    switch_channel_after: int = 0

    def day_capacity(self, target: int) -> int:
        """Rows the planner puts on one associate's working day: the target plus plan_above_target percent."""
        return max(target, 0) + -(-max(target, 0) * self.plan_above_target // 100)

    def reconnect_every(self, tier: Tier, pace_touches: int | None = None) -> int:
        """Days without a conversation before a reconnect: the tier's clock, or the pace clock when sooner
        and the client had fewer than TOUCH_GOAL touches in the last PACE_WINDOW_DAYS (None: not counted)."""
        every = self.reconnect_days[Tier(tier)]
        behind = pace_touches is not None and pace_touches < TOUCH_GOAL
        if behind and self.pace_reconnect_days:
            return min(every, self.pace_reconnect_days)
        return every

    @classmethod
    def default(cls) -> Self:
        """The defaults of DESIGN.md §3."""
        return cls(dict(DEFAULT_WINDOWS), dict(DEFAULT_RECONNECT_DAYS), dict(FREQUENCY_PRESETS))

    def tolerance_for(self, freq: Frequency) -> Tolerance:
        """The frequency tolerance a client's preference stands for."""
        return self.frequency[Frequency(freq)]

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Self:
        """Defaults overridden by a store's JSON settings; ValueError names the bad key or value."""
        if not isinstance(d, Mapping):
            raise ValueError(f"settings must be an object, got {d!r}")
        unknown = sorted(set(d) - set(_KEYS))
        if unknown:
            raise ValueError(f"unknown setting {unknown[0]!r}")
        base = cls.default()
        windows = dict(base.windows)
        for key, value in _section(d, "windows").items():
            kind = _enum(Kind, key, "windows")
            if kind is Kind.STORE_EVENT:
                raise ValueError("windows.store_event: a store event's window is its invite day to its day")
            numbers = _ints(value, 3, f"windows.{key}", minimum=None)
            try:
                windows[kind] = WindowRule(*numbers)
            except ValueError as exc:
                raise ValueError(f"windows.{key}: {exc}") from None
        reconnect = dict(base.reconnect_days)
        for key, value in _section(d, "reconnect_days").items():
            reconnect[_enum(Tier, str(key).upper(), "reconnect_days")] = _int(
                value, f"reconnect_days.{key}", 1
            )
        frequency = dict(base.frequency)
        for key, value in _section(d, "frequency").items():
            freq = _enum(Frequency, key, "frequency")
            numbers = _ints(value, 3, f"frequency.{key}", 0)
            try:
                frequency[freq] = Tolerance(*numbers)
            except ValueError as exc:
                raise ValueError(f"frequency.{key}: {exc}") from None
        country = d.get("country", base.country)
        if not (isinstance(country, str) and len(country.strip()) == 2 and country.strip().isalpha()):
            raise ValueError(f"country must be a two-letter code, got {country!r}")
        a_share = _share(d.get("tier_a_share", base.tier_a_share), "tier_a_share")
        b_share = _share(d.get("tier_b_share", base.tier_b_share), "tier_b_share")
        if a_share + b_share > 1:
            raise ValueError(f"tier_a_share + tier_b_share must be at most 1, got {a_share} + {b_share}")
        return cls(
            windows=windows,
            reconnect_days=reconnect,
            frequency=frequency,
            country=country.strip().upper(),
            tier_a_share=a_share,
            tier_b_share=b_share,
            max_tries=_int(d.get("max_tries", base.max_tries), "max_tries", 0),
            retry_days=_int(d.get("retry_days", base.retry_days), "retry_days", 1),
            hold_days=_int(d.get("hold_days", base.hold_days), "hold_days", 0),
            pace_reconnect_days=_int(d.get("pace_reconnect_days", base.pace_reconnect_days),
                                     "pace_reconnect_days", 0),
            plan_above_target=_bounded(d.get("plan_above_target", base.plan_above_target), "plan_above_target",
                                       0, 100),
            switch_channel_after=_bounded(d.get("switch_channel_after", base.switch_channel_after),
                                          "switch_channel_after", 0, 10),
            closed_weekdays=frozenset(_bounded(v, "closed_weekdays", 0, 6) for v in _list(
                d.get("closed_weekdays", sorted(base.closed_weekdays)), "closed_weekdays")),
        )

    def to_dict(self) -> dict[str, Any]:
        """The JSON-able form from_dict() reads back."""
        return {
            "windows": {str(k): [r.opens, r.due, r.expires] for k, r in self.windows.items()},
            "reconnect_days": {str(k): v for k, v in self.reconnect_days.items()},
            "frequency": {
                str(k): [t.max_touches, t.per_days, t.min_gap_days] for k, t in self.frequency.items()
            },
            "country": self.country,
            "tier_a_share": self.tier_a_share,
            "tier_b_share": self.tier_b_share,
            "max_tries": self.max_tries,
            "retry_days": self.retry_days,
            "hold_days": self.hold_days,
            "pace_reconnect_days": self.pace_reconnect_days,
            "plan_above_target": self.plan_above_target,
            "closed_weekdays": sorted(self.closed_weekdays),
            "switch_channel_after": self.switch_channel_after,
        }


def _section(d: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = d.get(key, {})
    if not isinstance(value, Mapping):
        raise ValueError(f"{key} must be an object, got {value!r}")
    return value


def _enum(enum: type[E], key: Any, section: str) -> E:
    try:
        return enum(key)  # type: ignore[call-arg]
    except ValueError:
        raise ValueError(f"{section}: unknown key {key!r}") from None


def _int(value: Any, name: str, minimum: int | None) -> int:
    # bool is an int in Python but `true` in a settings form is a mistake, not a 1.
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{name} must be a whole number, got {value!r}")
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value!r}")
    return value


def _bounded(value: Any, name: str, minimum: int, maximum: int) -> int:
    number = _int(value, name, minimum)
    if number > maximum:
        raise ValueError(f"{name} must be at most {maximum}, got {value!r}")
    return number


def _list(value: Any, name: str) -> list[Any]:
    if not isinstance(value, list | tuple):
        raise ValueError(f"{name} must be a list, got {value!r}")
    return list(value)


def _ints(value: Any, count: int, name: str, minimum: int | None) -> list[int]:
    if not isinstance(value, list | tuple) or len(value) != count:
        raise ValueError(f"{name} must be a list of {count} whole numbers, got {value!r}")
    return [_int(v, name, minimum) for v in value]


def _share(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise ValueError(f"{name} must be a fraction between 0 and 1, got {value!r}")
    return float(value)
