"""log_outreach and undo_outreach: record a touch and let the engine complete, move or close the client's
follow-ups; take it back within a few minutes, restoring exactly what it changed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import bindparam, func, select

from ...clock import store_now, utcnow
from ...data_version import only_pages_of
from ...database import commit_keeping_loaded
from ...domain.outcomes import FollowUpState, apply_outcome
from ...domain.vocab import (
    COMPLETING_OUTCOMES,
    TOUCH_OUTCOMES,
    AppointmentStatus,
    Channel,
    Kind,
    Outcome,
    Status,
)
from ...domain.windows import Window
from ...extensions import db
from ...models import Appointment, Client, ConsentEvent, FollowUp, Outreach, OutreachFollowUp, Purchase, User
from ..access import get_client, get_scoped
from ..engine.gating import LIVE
from ..engine.planner import engine_settings
from ..errors import Invalid, NotAllowed
from ..push import appointment_reminders as reminders

# Long enough to notice a mis-tap and take it back; short enough that huddle numbers settle.
UNDO_MINUTES = 15
KEY_MAX = 64

OUTCOME_LABEL = {
    Outcome.REACHED: "Reached", Outcome.VOICEMAIL: "Voicemail", Outcome.NO_ANSWER: "No answer",
    Outcome.REPLIED: "Replied", Outcome.BOOKED: "Booked", Outcome.SOLD: "Sold", Outcome.NOT_NOW: "Not now",
    Outcome.DO_NOT_CONTACT: "Do not contact",
}


@dataclass
class Logged:
    outreach: Outreach
    changed: int
    replayed: bool = False


@dataclass
class Undone:
    client: Client
    outcome: Outcome
    restored: int


def _state(f: FollowUp) -> FollowUpState:
    return FollowUpState(f.id, Kind(f.kind), Window(f.opens_on, f.due_on, f.expires_on), Status(f.status), f.show_on, f.tries)


TAP_TRUSTED_FOR = timedelta(hours=72)
CLOCK_SKEW = timedelta(minutes=5)


def tap_time(tapped_at: datetime | None, now: datetime | None = None) -> datetime:
    """The phone's tap time when it is plausible (the last 72 hours, a few minutes of clock skew), else now.

    A phone's clock can be wrong or forged; an outcome can only be moved within the time an outbox plausibly
    holds it, so the day's counts and the engine's clocks are never rewritten far back or into the future."""
    now = now or utcnow()
    if tapped_at is None or tapped_at.tzinfo is None:
        return now
    if now - TAP_TRUSTED_FOR <= tapped_at <= now + CLOCK_SKEW:
        return min(tapped_at, now)
    return now


def log_outreach(actor: User, client_id: int, channel: str, outcome: str, note: str | None = None,
                 now: datetime | None = None, idempotency_key: str | None = None,
                 snooze_until: date | None = None, tapped_at: datetime | None = None) -> Logged:
    """Store the touch once (the offline outbox replays with the same key) and apply the engine's rules.

    `tapped_at` is when the associate tapped, sent by the offline outbox: the touch belongs to that day, not to
    the moment the signal came back (see tap_time for how far a phone's clock is trusted)."""
    logged = stage_outreach(actor, client_id, channel, outcome, note, now, idempotency_key, snooze_until, tapped_at)
    if not logged.replayed:
        commit_keeping_loaded(db.session())
    return logged


def check_touch(channel: str, outcome: str, note: str | None, idempotency_key: str | None) -> dict[str, str]:
    """What is wrong with a touch as posted, field by field (empty when nothing is)."""
    errors = {}
    if channel not in {c.value for c in Channel}:
        errors["channel"] = "Choose how you contacted them: call, text, email, visit or mail."
    if outcome not in {o.value for o in Outcome}:
        errors["outcome"] = "Choose what happened: reached, voicemail, no answer, replied, booked, sold, not now or do not contact."
    if note and len(note) > 2000:
        errors["note"] = "Keep the note under 2,000 characters."
    if idempotency_key and len(idempotency_key) > KEY_MAX:
        errors["idempotency_key"] = f"The outbox key is longer than {KEY_MAX} characters."
    return errors


_LIVE_FOLLOW_UPS = select(FollowUp).where(FollowUp.client_id == bindparam("client_id"), FollowUp.status.in_(LIVE))


def stage_outreach(actor: User, client_id: int, channel: str, outcome: str, note: str | None = None,
                   now: datetime | None = None, idempotency_key: str | None = None,
                   snooze_until: date | None = None, tapped_at: datetime | None = None) -> Logged:
    """log_outreach without the commit: a Sold with its sale, or a Booked with its appointment, commit together."""
    client = get_client(actor, client_id)
    errors = check_touch(channel, outcome, note, idempotency_key)
    if errors:
        raise Invalid("Outreach not saved", errors)
    if idempotency_key:
        earlier = db.session.scalar(select(Outreach).where(Outreach.store_id == actor.store_id,
                                                           Outreach.idempotency_key == idempotency_key))
        if earlier is not None:
            return Logged(earlier, 0, replayed=True)

    store = actor.store
    local = store_now(store, tap_time(tapped_at, now))
    on = local.date()
    result = Outcome(outcome)
    if result is Outcome.NOT_NOW and (snooze_until is None or snooze_until <= on):
        raise Invalid("Pick a later day", {"snooze_until": "Pick a day after today for “not now”."})

    # The client's live follow-ups are read before the touch is added: added first, the read's autoflush wrote the
    # touch, and appending to the now-persistent touch's `covered` then read that (empty) collection back.
    live = {f.id: f for f in db.session.scalars(_LIVE_FOLLOW_UPS, {"client_id": client.id})}
    # With its client object (not only the id): the answer's row reads `outreach.client`, which would otherwise be
    # loaded again once the request let go of this one.
    outreach = Outreach(store_id=store.id, client=client, client_id=client.id, user_id=actor.id, channel=channel,
                        outcome=outcome, note=(note or "").strip() or None, occurred_at=local.astimezone(UTC),
                        occurred_on=on, idempotency_key=idempotency_key)
    db.session.add(outreach)
    changes = apply_outcome(result, [_state(f) for f in live.values()], on, engine_settings(store),
                            snooze_until=snooze_until)
    for change in changes:
        follow_up = live[change.id]
        outreach.covered.append(OutreachFollowUp(follow_up=follow_up, previous={
            "status": follow_up.status, "show_on": follow_up.show_on.isoformat(), "tries": follow_up.tries,
            "note": follow_up.note,
            "closed_at": follow_up.closed_at.isoformat() if follow_up.closed_at else None}))
        follow_up.status, follow_up.show_on, follow_up.tries = change.status.value, change.show_on, change.tries
        follow_up.note = change.note or follow_up.note
        if change.status.value not in LIVE:
            follow_up.closed_at = local.astimezone(UTC)

    if result in TOUCH_OUTCOMES:
        client.last_touch_on = max(client.last_touch_on or on, on)
    if result in COMPLETING_OUTCOMES:
        # Restarts the reconnect clock: the next reconnect is counted from this conversation.
        client.last_reached_on = max(client.last_reached_on or on, on)
    if result is Outcome.DO_NOT_CONTACT and not client.do_not_contact:
        client.do_not_contact = True
        db.session.flush()  # the outreach id names the consent event, so an undo knows which one it made
        db.session.add(ConsentEvent(store_id=store.id, client_id=client.id, user_id=actor.id, channel=None,
                                    what="do_not_contact", value=_consent_value(outreach)))
    _changes_pages_of(actor, client, result, list(live.values()))
    db.session.flush()
    return Logged(outreach, len(changes))


# What an outcome or its undo writes: the touch, the follow-ups it moved, the client's clocks.
OUTCOME_TABLES = ("outreaches", "outreach_follow_ups", "follow_ups", "clients")


def _changes_pages_of(actor: User, client: Client, outcome: Outcome, follow_ups: list[FollowUp]) -> None:
    """An outcome changes the kept pages of whoever can see this client on theirs, not the whole store's
    (jewelpwa/data_version.py): the associate who logged it (their done count), the assignee of each of the
    client's live follow-ups (their Today shows the client's row, its clocks included) and the client's own
    associate. So another associate's Today is not made again after every tap. A do-not-contact (rare) is shown
    on pages an outcome otherwise leaves alone (Upcoming), so it moves the whole store's pages as before."""
    if outcome is Outcome.DO_NOT_CONTACT:
        return
    users = {actor.id, client.assigned_to_id, *(f.assignee_id for f in follow_ups)}
    only_pages_of(db.session(), actor.store_id, users, OUTCOME_TABLES)


def _consent_value(outreach: Outreach) -> str:
    return f"asked during outreach #{outreach.id}"


def summary(outreach: Outreach) -> str:
    """What the associate just did, in a few words: "Reached · 2 follow-ups completed", "Voicemail · back on Nov 24"."""
    outcome = Outcome(outreach.outcome)
    label = OUTCOME_LABEL[outcome]
    follow_ups = [link.follow_up for link in outreach.covered]
    live = sorted(f.show_on for f in follow_ups if f.status in LIVE)
    if outcome in COMPLETING_OUTCOMES:
        done = sum(f.status == Status.DONE for f in follow_ups)
        return f"{label} · {done} follow-up{'s' if done != 1 else ''} completed" if done else f"{label} · logged"
    if outcome is Outcome.DO_NOT_CONTACT:
        return f"{label} · {len(follow_ups)} follow-up{'s' if len(follow_ups) != 1 else ''} closed"
    if live:
        return f"{label} · back on {live[0].strftime('%b')} {live[0].day}"
    if follow_ups:
        return f"{label} · off the list ({follow_ups[0].note})" if follow_ups[0].note else f"{label} · off the list"
    return f"{label} · logged"


def _last_day(client_id: int, outcomes: frozenset[Outcome]) -> date | None:
    """The latest remaining touch of these outcomes, or sale: a sale in the store is a conversation too
    (the demo store's clocks count them), so an undo must not wind a clock back past one."""
    touched = db.session.scalar(select(func.max(Outreach.occurred_on)).where(
        Outreach.client_id == client_id, Outreach.outcome.in_([o.value for o in outcomes])))
    bought = db.session.scalar(select(func.max(Purchase.purchased_on)).where(Purchase.client_id == client_id))
    return max((d for d in (touched, bought) if d is not None), default=None)


def _cancel_booking(appt: Appointment, now: datetime) -> None:
    """Cancelled, not deleted: the card's service section and the audit keep what was booked and taken back."""
    if appt.status == AppointmentStatus.BOOKED:
        appt.status, appt.closed_at, appt.outcome_note = AppointmentStatus.CANCELLED, now, "Booked outcome undone"
        reminders.drop_reminders(appt, "booked outcome undone")


def undo_outreach(actor: User, outreach_id: int, now: datetime | None = None) -> Undone:
    """Take back a touch its author logged in the last 15 minutes: follow-ups, clocks and consent as they were."""
    outreach = get_scoped(actor, Outreach, outreach_id)
    if outreach.user_id != actor.id:
        raise NotAllowed("only the associate who logged a touch can undo it")
    age = (now or utcnow()) - outreach.occurred_at
    if age > timedelta(minutes=UNDO_MINUTES):
        raise Invalid(f"Too late to undo: a logged touch can be undone for {UNDO_MINUTES} minutes. "
                      "Log what really happened as a new outcome instead.", {"outreach": "older than 15 minutes"})
    if outreach.purchase_id is not None:
        # A sale is money, follow-ups, spend and tier: it is not taken back by a tap on a toast.
        raise Invalid("This Sold came with a recorded sale, so it cannot be undone here. "
                      "Ask the owner to correct the sale.", {"outreach": "has a sale"})
    client = get_client(actor, outreach.client_id)
    outcome = Outcome(outreach.outcome)
    restored = 0
    if outreach.appointment_id is not None:
        # The booking made with this Booked goes with it: an undone "booked" leaves no appointment behind.
        _cancel_booking(db.session.get_one(Appointment, outreach.appointment_id), now or utcnow())
    for link in outreach.covered:
        follow_up, previous = link.follow_up, link.previous
        follow_up.status = previous["status"]
        follow_up.show_on = date.fromisoformat(previous["show_on"])
        follow_up.tries = previous["tries"]
        follow_up.note = previous.get("note")
        closed_at = previous.get("closed_at")
        follow_up.closed_at = datetime.fromisoformat(closed_at) if closed_at else None
        restored += 1
    if outcome is Outcome.DO_NOT_CONTACT and client.do_not_contact and db.session.scalar(
            select(ConsentEvent.id).where(ConsentEvent.client_id == client.id, ConsentEvent.what == "do_not_contact",
                                          ConsentEvent.value == _consent_value(outreach)).limit(1)):
        client.do_not_contact = False
        db.session.add(ConsentEvent(store_id=client.store_id, client_id=client.id, user_id=actor.id, channel=None,
                                    what="contact_ok", value="undo"))
    day = outreach.occurred_on
    db.session.delete(outreach)
    db.session.flush()
    # Only a clock this touch could have moved is recomputed: the remaining rows decide it.
    if client.last_touch_on == day:
        client.last_touch_on = _last_day(client.id, TOUCH_OUTCOMES)
    if client.last_reached_on == day:
        client.last_reached_on = _last_day(client.id, COMPLETING_OUTCOMES)
    _changes_pages_of(actor, client, outcome, [*db.session.scalars(
        select(FollowUp).where(FollowUp.client_id == client.id, FollowUp.status.in_(LIVE)))])
    db.session.commit()
    return Undone(client, outcome, restored)
