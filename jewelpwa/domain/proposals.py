"""What the planner may create on a day: one Proposal per reason whose window holds that day."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from jewelpwa.domain.occasions import anniversary_years, is_milestone, mothers_day_on, yearly_on
from jewelpwa.domain.settings import EngineSettings
from jewelpwa.domain.vocab import Kind, Tier
from jewelpwa.domain.windows import Window, store_event_window, window_for

Detail = Mapping[str, str | int | None]
REFERRAL_REASONS = frozenset({"referral", "first_purchase"})


@dataclass(frozen=True)
class Proposal:
    """A follow-up the planner may insert; dedupe_key makes inserting it twice a no-op."""

    kind: Kind
    window: Window
    occasion_on: date
    dedupe_key: str
    source: str
    detail: Detail = field(default_factory=dict)


def dedupe_key(kind: Kind, source: str, occasion_on: date, qualifier: str | None = None) -> str:
    """Stable text naming one reason once per store: kind, source, optional qualifier, occasion day."""
    middle = f"{source}:{qualifier}" if qualifier else source
    return f"{kind}:{middle}:{occasion_on.isoformat()}"


def _yearly(
    kind: Kind, occasion_in: Callable[[int], date | None], on: date, settings: EngineSettings
) -> tuple[date, Window] | None:
    # Last, this and next year's occurrences: a window may straddle New Year either way
    # (a Jan 10 birthday opens in December; a store may let windows run past the day).
    for year in (on.year - 1, on.year, on.year + 1):
        occasion_on = occasion_in(year)
        if occasion_on is None:
            continue
        window = window_for(kind, occasion_on, settings)
        if window.contains(on):
            return occasion_on, window
    return None


def yearly_date_proposal(
    *,
    kind: Kind,
    source: str,
    month: int,
    day: int,
    year: int | None,
    on: date,
    settings: EngineSettings,
    detail: Detail | None = None,
) -> Proposal | None:
    """The yearly date's follow-up whose window holds `on`, with years and milestone for anniversaries."""

    def occasion_in(y: int) -> date | None:
        # With a known year, the day itself (wedding, birth) is no occasion yet, nor anything before it.
        return None if year is not None and y <= year else yearly_on(month, day, y)

    found = _yearly(kind, occasion_in, on, settings)
    if found is None:
        return None
    occasion_on, window = found
    facts = dict(detail or {})
    if kind is Kind.ANNIVERSARY and year is not None:
        years = anniversary_years(year, occasion_on)
        facts["years"] = years
        facts["milestone"] = int(is_milestone(years))
    return Proposal(kind, window, occasion_on, dedupe_key(kind, source, occasion_on), source, facts)


def _client_yearly(
    kind: Kind, client_id: int, occasion_in: Callable[[int], date], on: date, settings: EngineSettings
) -> Proposal | None:
    found = _yearly(kind, occasion_in, on, settings)
    if found is None:
        return None
    occasion_on, window = found
    source = f"client:{client_id}"
    return Proposal(kind, window, occasion_on, dedupe_key(kind, source, occasion_on), source, {})


def valentines_proposal(client_id: int, on: date, settings: EngineSettings) -> Proposal | None:
    """Valentine's Day for a client with a partner, when its window holds `on`."""
    return _client_yearly(Kind.VALENTINES, client_id, lambda y: date(y, 2, 14), on, settings)


def holiday_list_proposal(client_id: int, on: date, settings: EngineSettings) -> Proposal | None:
    """The holiday list (anchor Dec 24) for a contactable client, when its window holds `on`."""
    return _client_yearly(Kind.HOLIDAY_LIST, client_id, lambda y: date(y, 12, 24), on, settings)


def mothers_day_proposal(client_id: int, on: date, settings: EngineSettings) -> Proposal | None:
    """Mother's Day in the store's country, when its window holds `on`."""
    return _client_yearly(
        Kind.MOTHERS_DAY, client_id, lambda y: mothers_day_on(y, settings.country), on, settings
    )


def reconnect_proposal(
    client_id: int,
    last_reached_on: date | None,
    first_seen_on: date,
    tier: Tier,
    on: date,
    settings: EngineSettings,
    pace_touches: int | None = None,
) -> Proposal | None:
    """A reconnect follow-up when the client has gone their reconnect period without a conversation.

    The period is the tier's clock, or the pace clock for a client with fewer than TOUCH_GOAL touches in
    the PACE_WINDOW_DAYS up to `on` (settings.reconnect_every); `pace_touches` None means not counted: tier
    clock.
    """
    since_on = last_reached_on or first_seen_on
    every = settings.reconnect_every(Tier(tier), pace_touches)
    # The clock repeats: a client nobody reached in one reconnect window comes back a cycle later
    # rather than falling out of the book for good. The earliest cycle holding `on` wins so the
    # planner keeps proposing the same row.
    expires = settings.windows[Kind.RECONNECT].expires
    cycle = max(1, -(-((on - since_on).days - expires) // every))  # first cycle not yet expired on `on`
    while True:
        anchor_on = since_on + timedelta(days=every * cycle)
        window = window_for(Kind.RECONNECT, anchor_on, settings)
        if window.opens_on > on:
            return None
        if window.contains(on):
            break
        cycle += 1
    source = f"client:{client_id}"
    detail: dict[str, str | int | None] = {"since": since_on.isoformat(), "never_reached": int(last_reached_on is None)}
    if every < settings.reconnect_days[Tier(tier)]:
        detail["pace"] = 1  # sooner than the tier's clock: the client is behind the five-a-year pace
    return Proposal(
        Kind.RECONNECT, window, anchor_on, dedupe_key(Kind.RECONNECT, source, anchor_on), source, detail
    )


def referral_thanks_proposal(
    referral_id: int, recorded_on: date, on: date, settings: EngineSettings, reason: str = "referral"
) -> Proposal | None:
    """Thanks for a referral (reason "referral") or for the referred client's first purchase ("first_purchase")."""
    if reason not in REFERRAL_REASONS:
        raise ValueError(f"referral thanks reason must be one of {sorted(REFERRAL_REASONS)}, got {reason!r}")
    window = window_for(Kind.REFERRAL_THANKS, recorded_on, settings)
    if not window.contains(on):
        return None
    source = f"referral:{referral_id}"
    # Both thanks may exist for one referral, so the reason is part of the key (only when not the plain one,
    # which keeps the usual kind:source:date shape).
    key = dedupe_key(Kind.REFERRAL_THANKS, source, recorded_on, None if reason == "referral" else reason)
    return Proposal(Kind.REFERRAL_THANKS, window, recorded_on, key, source, {"reason": reason})


def store_event_proposal(
    event_id: int, client_id: int, invite_on: date, event_on: date, on: date
) -> Proposal | None:
    """An invitation to a store event, from its invite day to the event day."""
    window = store_event_window(invite_on, event_on)
    if not window.contains(on):
        return None
    source = f"event:{event_id}"
    # One event invites many clients, so the client is part of the key to keep it unique per store.
    key = dedupe_key(Kind.STORE_EVENT, source, event_on, f"client:{client_id}")
    return Proposal(Kind.STORE_EVENT, window, event_on, key, source, {})
