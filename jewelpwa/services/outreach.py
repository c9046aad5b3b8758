"""log_outreach: record a touch and let the engine complete, move or close the client's follow-ups."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import select

from ..domain.outcomes import FollowUpState, apply_outcome
from ..domain.vocab import COMPLETING_OUTCOMES, TOUCH_OUTCOMES, Channel, Kind, Outcome, Status
from ..domain.windows import Window
from ..extensions import db
from ..models import ConsentEvent, FollowUp, Outreach, OutreachFollowUp, User
from .access import get_client
from .clock import store_now
from .errors import Invalid
from .gating import LIVE
from .planner import engine_settings


@dataclass
class Logged:
    outreach: Outreach
    changed: int
    replayed: bool = False


def _state(f: FollowUp) -> FollowUpState:
    return FollowUpState(f.id, Kind(f.kind), Window(f.opens_on, f.due_on, f.expires_on), Status(f.status), f.show_on, f.tries)


def log_outreach(actor: User, client_id: int, channel: str, outcome: str, note: str | None = None,
                 now: datetime | None = None, idempotency_key: str | None = None,
                 snooze_until: date | None = None) -> Logged:
    """Store the touch once (the offline outbox replays with the same key) and apply the engine's rules."""
    client = get_client(actor, client_id)
    errors = {}
    if channel not in {c.value for c in Channel}:
        errors["channel"] = "Choose call, text, email, visit or mail."
    if outcome not in {o.value for o in Outcome}:
        errors["outcome"] = "Choose what happened: reached, voicemail, no answer, replied, booked, sold, not now or do not contact."
    if note and len(note) > 2000:
        errors["note"] = "Keep the note under 2,000 characters."
    if errors:
        raise Invalid("Outreach not saved", errors)
    if idempotency_key:
        earlier = db.session.scalar(select(Outreach).where(Outreach.store_id == actor.store_id,
                                                           Outreach.idempotency_key == idempotency_key))
        if earlier is not None:
            return Logged(earlier, 0, replayed=True)

    store = actor.store
    local = store_now(store, now)
    on = local.date()
    result = Outcome(outcome)
    if result is Outcome.NOT_NOW and (snooze_until is None or snooze_until <= on):
        raise Invalid("Pick a later day", {"snooze_until": "Pick a day after today for “not now”."})

    outreach = Outreach(store_id=store.id, client_id=client.id, user_id=actor.id, channel=channel, outcome=outcome,
                        note=(note or "").strip() or None, occurred_at=local.astimezone(UTC), occurred_on=on,
                        idempotency_key=idempotency_key)
    db.session.add(outreach)
    live = {f.id: f for f in db.session.scalars(
        select(FollowUp).where(FollowUp.client_id == client.id, FollowUp.status.in_(LIVE)))}
    changes = apply_outcome(result, [_state(f) for f in live.values()], on, engine_settings(store),
                            snooze_until=snooze_until)
    for change in changes:
        follow_up = live[change.id]
        outreach.covered.append(OutreachFollowUp(follow_up=follow_up, previous={
            "status": follow_up.status, "show_on": follow_up.show_on.isoformat(), "tries": follow_up.tries,
            "note": follow_up.note}))
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
        db.session.add(ConsentEvent(store_id=store.id, client_id=client.id, user_id=actor.id, channel=None,
                                    what="do_not_contact", value="asked during outreach"))
    db.session.commit()
    return Logged(outreach, len(changes))
