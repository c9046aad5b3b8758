"""What logging an outreach does to the client's follow-ups."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from jewelpwa.domain.settings import EngineSettings
from jewelpwa.domain.vocab import COMPLETING_OUTCOMES, RETRY_OUTCOMES, SERVICE_KINDS, Kind, Outcome, Status
from jewelpwa.domain.windows import Window

_LIVE = frozenset({Status.OPEN, Status.SNOOZED})


@dataclass(frozen=True)
class FollowUpState:
    """A follow-up as the outcome rules need it."""

    id: int
    kind: Kind
    window: Window
    status: Status
    show_on: date
    tries: int


@dataclass(frozen=True)
class Change:
    """The new state of one follow-up after an outcome, with the note to record."""

    id: int
    status: Status
    show_on: date
    tries: int
    note: str


def restarts_reconnect(outcome: Outcome) -> bool:
    """Whether the outcome was a real conversation, which restarts the reconnect clock."""
    return outcome in COMPLETING_OUTCOMES


def _after(
    fu: FollowUpState, outcome: Outcome, on: date, settings: EngineSettings, snooze_until: date | None
) -> Change | None:
    if outcome is Outcome.DO_NOT_CONTACT:
        # Applies to every live marketing follow-up, in window or not: the client said stop.
        if fu.kind in SERVICE_KINDS:
            return None
        return Change(fu.id, Status.SKIPPED, fu.show_on, fu.tries, "client asked not to be contacted")
    if not fu.window.contains(on):
        return None
    if outcome in COMPLETING_OUTCOMES:
        return Change(fu.id, Status.DONE, fu.show_on, fu.tries, f"done: {outcome}")
    if outcome in RETRY_OUTCOMES:
        tries = fu.tries + 1
        if settings.max_tries and tries >= settings.max_tries:
            return Change(fu.id, Status.SKIPPED, fu.show_on, tries, f"no answer after {tries} tries")
        # A ring nobody heard can be tried again tomorrow; a voicemail or a message waits retry_days (and
        # the gate then keeps the client's frequency tolerance). No fixed number of tries: the window decides.
        wait = 1 if outcome is Outcome.NO_ANSWER else settings.retry_days
        show_on = on + timedelta(days=wait)
        if show_on > fu.window.expires_on:
            return Change(
                fu.id, Status.EXPIRED, fu.show_on, tries, "no answer, and the next try falls past the window"
            )
        return Change(fu.id, Status.OPEN, show_on, tries, f"{outcome}, try again {show_on.isoformat()}")
    assert snooze_until is not None  # checked by apply_outcome
    if snooze_until > fu.window.expires_on:
        return Change(fu.id, Status.EXPIRED, fu.show_on, fu.tries, "client asked to wait past the window")
    return Change(
        fu.id,
        Status.SNOOZED,
        snooze_until,
        fu.tries,
        f"client asked to wait until {snooze_until.isoformat()}",
    )


def apply_outcome(
    outcome: Outcome,
    follow_ups: Sequence[FollowUpState],
    on: date,
    settings: EngineSettings,
    snooze_until: date | None = None,
) -> list[Change]:
    """The changes one logged outcome makes to a client's open and snoozed follow-ups."""
    outcome = Outcome(outcome)
    if outcome is Outcome.NOT_NOW and (snooze_until is None or snooze_until <= on):
        raise ValueError(f"not_now needs snooze_until after {on.isoformat()}, got {snooze_until}")
    changes = []
    for fu in follow_ups:
        if fu.status not in _LIVE:
            continue
        change = _after(fu, outcome, on, settings, snooze_until)
        if change is not None:
            changes.append(change)
    return changes
