"""The contact gate: the one decision every path that proposes or sends outreach goes through.

decide() answers, for one follow-up of one client on one day: show it, move it later inside its window,
expire it (with the rule that ran it out of window), or block it (do-not-contact, no channel). It never
drops a follow-up silently: every answer carries a reason the app records.

Bundling: several follow-ups for one client on one day are ONE card (ranking.rank_day merges them) and,
when the associate reaches out, ONE touch covering all of them. The gate therefore counts touches (logged
outreach dates), not follow-ups, so a client with a birthday and a care check on the same day is not
punished twice by the frequency tolerance.

Holding for a stronger occasion: a low-weight follow-up (check-in, care, new arrivals, reconnect) that
would show while the client's birthday, anniversary or partner's birthday opens within a few days is held
until that opening day, inside its own window, so both reasons land on one card and the client's
frequency tolerance is spent on the milestone rather than on a routine note just before it.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from jewelpwa.domain.settings import Tolerance
from jewelpwa.domain.vocab import SERVICE_KINDS, Channel, Frequency, Kind
from jewelpwa.domain.windows import Window

# Channels the app suggests, in order; a visit needs nothing but is the client's move, not ours.
_SUGGESTED = (Channel.CALL, Channel.TEXT, Channel.EMAIL)

# Routine follow-ups that can wait a few days for a bigger reason to call, and the gift occasions worth
# waiting for (the yearly dates the store is judged on).
HOLDABLE_KINDS: frozenset[Kind] = frozenset({Kind.CHECK_IN, Kind.CARE, Kind.CLEANING, Kind.NEW_ARRIVALS, Kind.RECONNECT})
STRONGER_KINDS: frozenset[Kind] = frozenset({Kind.ANNIVERSARY, Kind.BIRTHDAY, Kind.PARTNER_BIRTHDAY})


@dataclass(frozen=True)
class ContactPrefs:
    """A client's communication preferences and which contact details the store holds."""

    do_not_contact: bool
    opted_out: frozenset[Channel]
    preferred: Channel | None
    frequency: Frequency
    has_phone: bool
    has_email: bool
    has_address: bool = False


@dataclass(frozen=True)
class GateDecision:
    """What to do with a follow-up today, and why."""

    action: Literal["show", "move", "expire", "block"]
    show_on: date | None
    channel: Channel | None
    reason: str


def reachable(channel: Channel, prefs: ContactPrefs) -> bool:
    """Whether the store holds what `channel` needs and the client has not opted out of it."""
    if channel in prefs.opted_out:
        return False
    needs = {
        Channel.CALL: prefs.has_phone,
        Channel.TEXT: prefs.has_phone,
        Channel.EMAIL: prefs.has_email,
        Channel.MAIL: prefs.has_address,
        Channel.VISIT: True,
    }
    return needs[Channel(channel)]


def suggest_channel(prefs: ContactPrefs) -> Channel | None:
    """The client's preferred channel when usable, else the first usable of call, text, email."""
    if prefs.preferred is not None and reachable(prefs.preferred, prefs):
        return prefs.preferred
    return next((c for c in _SUGGESTED if reachable(c, prefs)), None)


def retry_channel(prefs: ContactPrefs, unanswered: Sequence[Channel], after: int) -> Channel | None:
    """The channel for the next try after `unanswered` (the channels of the tries since the last conversation,
    oldest first, each a voicemail or no answer): like a salesperson, after `after` unanswered calls a text,
    after as many texts an email, each only where the client allows; otherwise (or with `after` 0) the usual
    suggestion (EngineSettings.switch_channel_after)."""
    usual = suggest_channel(prefs)
    if after <= 0 or len(unanswered) < after or len(set(unanswered[-after:])) != 1:
        return usual
    last = unanswered[-1]
    if last not in _SUGGESTED:
        return usual
    others = _SUGGESTED[_SUGGESTED.index(last) + 1:] + _SUGGESTED[:_SUGGESTED.index(last)]
    return next((c for c in others if reachable(c, prefs)), usual)


def _broken_rules(touches: Sequence[date], tolerance: Tolerance, day: date) -> list[str]:
    """The tolerance rules one more touch on `day` would break, in words."""
    past = [t for t in touches if t <= day]
    broken = []
    recent = sum(1 for t in past if (day - t).days < tolerance.per_days)
    if recent >= tolerance.max_touches:
        noun = "touch" if tolerance.max_touches == 1 else "touches"
        broken.append(f"at most {tolerance.max_touches} {noun} in {tolerance.per_days} days")
    if past and (day - max(past)).days < tolerance.min_gap_days:
        noun = "day" if tolerance.min_gap_days == 1 else "days"
        broken.append(f"{tolerance.min_gap_days} {noun} between touches")
    return broken


def next_allowed_on(touches: Sequence[date], tolerance: Tolerance, on: date) -> date:
    """The earliest day >= on when one more touch keeps the client's frequency tolerance."""
    day = on
    # Past the last touch plus a full period and the gap, no rule can bind any more.
    latest = max(touches, default=on)
    limit = max(on, latest) + timedelta(days=tolerance.per_days + tolerance.min_gap_days)
    while day < limit and _broken_rules(touches, tolerance, day):
        day += timedelta(days=1)
    return day


# How far ahead a client's occasion protects their touches, by value: a top client's routine reasons wait (or
# ride along) for up to a whole tolerance period before their birthday or anniversary opens, so a higher tier
# never reaches its occasion with fewer touches left than a lower one (issue 18: the same simulated year
# had tier A partner birthdays done 64 % against 75 % for the book, the allowance spent on routine notes).
PROTECT_DAYS: dict[str, int] = {"A": 30, "B": 21}


def protect_days(tier: str, hold_days: int) -> int:
    """The hold for a client of `tier`: the store's hold_days, lengthened for the top tiers (0 stays off)."""
    return 0 if hold_days <= 0 else max(hold_days, PROTECT_DAYS.get(str(tier), 0))


def coming_opening(kind: Kind, openings: Sequence[date], on: date, hold_days: int) -> date | None:
    """The first day after `on`, at most `hold_days` ahead, when one of the client's stronger occasions
    (STRONGER_KINDS) opens its window, for a holdable kind; None otherwise."""
    if kind not in HOLDABLE_KINDS or hold_days <= 0:
        return None
    last = on + timedelta(days=hold_days)
    return min((d for d in openings if on < d <= last), default=None)


def decide(
    kind: Kind,
    window: Window,
    prefs: ContactPrefs,
    touches: Sequence[date],
    tolerance: Tolerance,
    on: date,
    openings: Sequence[date] = (),
    hold_days: int = 0,
) -> GateDecision:
    """Show, move, expire or block one follow-up of a client on day `on`, with the reason.

    `openings` and `hold_days` (see coming_opening) let a routine follow-up wait for a stronger occasion of the
    same client; without them the answer is the tolerance rule alone.
    """
    service = kind in SERVICE_KINDS
    if prefs.do_not_contact and not service:
        return GateDecision("block", None, None, "do not contact")
    channel = suggest_channel(prefs)
    if channel is None and not service:
        return GateDecision("block", None, None, "no channel the client accepts")
    if on > window.expires_on:
        return GateDecision("expire", None, channel, f"window closed on {window.expires_on.isoformat()}")
    start_on = max(on, window.opens_on)
    if service:
        # Appointment reminders and pickups are what the client asked for; they are not held back by the
        # marketing frequency tolerance.
        allowed_on, broken = start_on, []
    else:
        allowed_on, broken = (
            next_allowed_on(touches, tolerance, start_on),
            _broken_rules(touches, tolerance, start_on),
        )
    rule = "; ".join(broken)
    coming = None if service else coming_opening(kind, openings, start_on, hold_days)
    if coming is not None and coming > window.expires_on:
        # The routine reason ends before the client's birthday or anniversary opens, a few days on: calling now
        # would spend one of the client's few touches just before the occasion the store is judged on.
        return GateDecision("expire", None, channel,
                            f"let go: kept the client's touches for an occasion opening {coming.isoformat()}")
    if coming is not None:
        held_allowed = next_allowed_on(touches, tolerance, coming)
        # Holding must not cost the follow-up its window: if the tolerance would then run it out, it
        # is decided as if nothing were coming.
        if held_allowed <= window.expires_on:
            return GateDecision(
                "move", held_allowed, channel, f"held for a stronger occasion opening {coming.isoformat()}"
            )
    if allowed_on > window.expires_on:
        return GateDecision("expire", None, channel, f"frequency limit: {rule}, past the window")
    if allowed_on > on:
        why = f"frequency limit: {rule}" if broken else "window not open yet"
        return GateDecision("move", allowed_on, channel, why)
    return GateDecision(
        "show",
        on,
        channel,
        "within contact rules" if channel else "no channel the client accepts; service shown anyway",
    )


def tolerance_refusal(touches: Sequence[date], tolerance: Tolerance, on: date) -> str | None:
    """Why one more marketing touch on `on` would break the client's frequency tolerance (None: it keeps it).

    An automatic message cannot move later inside a window the way a follow-up does: it is sent on its day or
    not at all, so the gate's answer is refused, with the rule, never a silent drop."""
    broken = _broken_rules(touches, tolerance, on)
    return f"Frequency limit ({'; '.join(broken)}): nothing was sent." if broken else None
