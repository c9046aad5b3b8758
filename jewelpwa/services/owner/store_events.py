"""Store events (trunk show, gemstone roundtable, special buy): a filtered set of clients gets an invitation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from ...domain import proposals as P
from ...domain.inputs import iso_date
from ...domain.vocab import Kind
from ...extensions import db
from ...models import AuditEvent, Client, FollowUp, StoreEvent, User
from ..access import require_manager
from ..engine.client_filter import ClientFilter, conditions
from ..engine.follow_ups import existing_keys, insert_new, row_for
from ..errors import Invalid

EVENT_KINDS: tuple[tuple[str, str], ...] = (
    ("trunk_show", "Trunk show"), ("gemstone_roundtable", "Gemstone roundtable"), ("special_buy", "Special buy"),
)
KIND_NAMES = dict(EVENT_KINDS)


@dataclass(frozen=True)
class InviteCount:
    invited: int
    left_out: int


def count_invites(actor: User, wanted: ClientFilter) -> InviteCount:
    """Clients the filter matches: how many will be invited and how many are left out (do not contact)."""
    require_manager(actor)
    wanted.check_store(actor.store_id)
    rows = dict(db.session.execute(
        select(Client.do_not_contact, func.count()).where(*conditions(actor.store_id, wanted))
        .group_by(Client.do_not_contact)).all())
    return InviteCount(rows.get(False, 0), rows.get(True, 0))


@dataclass(frozen=True)
class EventCreated:
    event: StoreEvent
    invited: int
    already: int
    left_out: int


def _parse_day(value: str | None, field: str, errors: dict[str, str]) -> date | None:
    found = iso_date(value)
    if found is None:
        errors[field] = "Enter a date."
    return found


def create_event(actor: User, form, on: date) -> EventCreated:  # noqa: ANN001 - the form's MultiDict
    """Create the event and one store_event follow-up per matching contactable client (idempotent on resubmit).

    The same name, kind and days in one store are the same event: a resubmitted form finds it, and the
    dedupe keys (event and client) make the invitations a no-op the second time.
    """
    require_manager(actor)
    errors: dict[str, str] = {}
    name = (form.get("name") or "").strip()
    kind = (form.get("kind") or "").strip()
    description = (form.get("description") or "").strip() or None
    if not name:
        errors["name"] = "Give the event a name, like Spring trunk show."
    elif len(name) > 120:
        errors["name"] = "Keep the name under 120 characters."
    if kind not in KIND_NAMES:
        errors["kind"] = "Choose trunk show, gemstone roundtable or special buy."
    invite_on = _parse_day(form.get("invite_on"), "invite_on", errors)
    event_on = _parse_day(form.get("event_on"), "event_on", errors)
    if invite_on and event_on:
        if event_on < on:
            errors["event_on"] = "The event day has passed; choose today or later."
        elif invite_on > event_on:
            errors["invite_on"] = "Invite on or before the event day."
    try:
        wanted = ClientFilter.parse(form, actor.store_id, actor.store.locale_rules)
    except Invalid as exc:
        errors.update(exc.errors)
    if errors or invite_on is None or event_on is None:  # a missing day has its message in errors
        raise Invalid("Event not created", errors)
    event = db.session.scalar(select(StoreEvent).where(
        StoreEvent.store_id == actor.store_id, StoreEvent.name == name, StoreEvent.kind == kind,
        StoreEvent.invite_on == invite_on, StoreEvent.event_on == event_on))
    if event is None:
        event = StoreEvent(store_id=actor.store_id, name=name, kind=kind, invite_on=invite_on, event_on=event_on,
                           description=description, client_filter=wanted.to_dict())
        db.session.add(event)
        db.session.flush()
        db.session.add(AuditEvent(store_id=actor.store_id, user_id=actor.id, action="store_event_created",
                                  target=f"event:{event.id}"))
    else:
        wanted = ClientFilter.from_dict(event.client_filter)
    # The contact gate's first rule: do-not-contact clients get no marketing follow-up; they are counted.
    chosen = conditions(actor.store_id, wanted)
    left_out = db.session.scalar(select(func.count()).select_from(Client).where(
        *chosen, Client.do_not_contact.is_(True))) or 0
    # Proposals are computed for the first day the window holds (today, or the invite day if later), so the
    # planner finds the same keys on the invite day and makes nothing twice; they show from the invite day.
    first_day = max(on, invite_on)
    rows = []
    for client_id, assignee_id in db.session.execute(
            select(Client.id, Client.assigned_to_id).where(*chosen, Client.do_not_contact.is_(False))):
        found = P.store_event_proposal(event.id, client_id, invite_on, event_on, first_day)
        if found is None:  # never: first_day is inside the window by construction
            continue
        proposal = P.Proposal(Kind.STORE_EVENT, found.window, found.occasion_on, found.dedupe_key, found.source,
                              {"what": name})
        rows.append(row_for(actor.store_id, client_id, assignee_id, proposal, on, plan_later=True))
    seen = existing_keys(actor.store_id, [row["dedupe_key"] for row in rows])
    fresh = [row for row in rows if row["dedupe_key"] not in seen]
    insert_new(fresh)
    db.session.commit()
    return EventCreated(event, len(fresh), len(seen), left_out)


def list_events(actor: User) -> list[StoreEvent]:
    """The store's events, the next one first, then past ones."""
    require_manager(actor)
    return list(db.session.scalars(select(StoreEvent).where(StoreEvent.store_id == actor.store_id)
                                   .order_by(StoreEvent.event_on.desc(), StoreEvent.id.desc()).limit(100)))


def invite_counts(actor: User, event_ids: list[int]) -> dict[int, int]:
    """Invitations made per event (follow-ups with its source)."""
    require_manager(actor)
    if not event_ids:
        return {}
    rows = db.session.execute(select(FollowUp.source, func.count()).where(
        FollowUp.store_id == actor.store_id, FollowUp.kind == Kind.STORE_EVENT.value,
        FollowUp.source.in_([f"event:{i}" for i in event_ids])).group_by(FollowUp.source))
    return {int(source.split(":", 1)[1]): count for source, count in rows}
