"""The contact gate applied to a store's showing follow-ups: move, expire or block, never a silent drop."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import chain

from sqlalchemy import String, cast, func, literal, or_, select, update

from ...clock import utcnow
from ...domain import proposals as P
from ...domain.gate import STRONGER_KINDS, ContactPrefs, decide, protect_days, suggest_channel
from ...domain.occasions import month_days_between
from ...domain.settings import EngineSettings
from ...domain.vocab import TOUCH_OUTCOMES, Channel, Frequency, Kind, Status
from ...domain.windows import Window
from ...extensions import db
from ...models import Client, FollowUp, ImportantDate, Outreach, Person
from ..batching import among, chunks
from .proposing import pace_touches, yearly_kind

LIVE = (Status.OPEN.value, Status.SNOOZED.value)


def showing(store_id: int, on: date):
    """Follow-ups on a list on `on`: live, shown from today or earlier, window holding the day."""
    return (FollowUp.store_id == store_id, FollowUp.status.in_(LIVE), FollowUp.show_on <= on,
            FollowUp.opens_on <= on, FollowUp.expires_on >= on)


SHOWING_COLUMNS = (FollowUp.status, FollowUp.show_on, FollowUp.opens_on, FollowUp.expires_on)


def shows(row, on: date) -> bool:  # noqa: ANN001 - a row carrying SHOWING_COLUMNS
    """`showing` in Python, for the few rows a query reads by id or client instead of by window."""
    return row.status in LIVE and row.show_on <= on and row.opens_on <= on and row.expires_on >= on


def prefs_of(client) -> ContactPrefs:  # noqa: ANN001 - a Client row or a row with the same columns
    return ContactPrefs(
        do_not_contact=bool(client.do_not_contact),
        opted_out=frozenset(Channel(c) for c in (client.opted_out or [])),
        preferred=Channel(client.preferred_channel) if client.preferred_channel else None,
        frequency=Frequency(client.frequency),
        has_phone=bool(client.phone), has_email=bool(client.email), has_address=bool(client.address_line1),
    )


def touches_by_client(store_id: int, client_ids: list[int] | None, since: date, until: date) -> dict[int, list[date]]:
    """Days of touches the client noticed (not unanswered rings), for frequency tolerance."""
    query = select(Outreach.client_id, Outreach.occurred_on).where(
        Outreach.store_id == store_id, Outreach.occurred_on >= since, Outreach.occurred_on <= until,
        Outreach.outcome.in_([o.value for o in TOUCH_OUTCOMES]))
    if client_ids is not None:
        query = query.where(Outreach.client_id.in_(client_ids))
    touches: dict[int, list[date]] = defaultdict(list)
    for client_id, day in db.session.execute(query):
        touches[client_id].append(day)
    return touches


def touch_counts(store_id: int, on: date) -> dict[int, int]:
    """Touches per client in the pace window up to `on` (proposing.pace_touches; one grouped read)."""
    return {client_id: count for client_id, count in db.session.execute(pace_touches(store_id, on))}


def _touch_query(store_id: int, since: date, until: date):
    return select(Outreach.client_id).where(
        Outreach.store_id == store_id, Outreach.occurred_on >= since, Outreach.occurred_on <= until,
        Outreach.outcome.in_([o.value for o in TOUCH_OUTCOMES]))


def _may_need_gating(store_id: int, on: date, since: date):
    """Which showing follow-ups the gate can answer differently than "show" today (a superset).

    Without a touch in the lookback the tolerance cannot bind, so a follow-up that already showed stays
    shown unless its client is do-not-contact or may have no channel left. Those, every follow-up
    reaching its show day today (new, moved, snoozed) and every client touched lately are gated; the
    rest (most of the book on a steady day) need no decision and are not read at all.
    """
    return or_(FollowUp.show_on == on, _may_be_blocked(), FollowUp.client_id.in_(_touch_query(store_id, since, on)))


def _may_be_blocked():
    """Clients the gate may block whatever else holds: do-not-contact, or maybe no channel left (a superset)."""
    opted = func.coalesce(cast(Client.opted_out, String), "[]")
    opted_any = opted.not_in(["[]", "null"])
    # No channel is possible only without a phone or with an opt-out, and the same for email.
    return or_(Client.do_not_contact.is_(True), (Client.phone.is_(None) | opted_any) & (Client.email.is_(None) | opted_any))


def upcoming_openings(store_id: int, client_ids: set[int] | None, on: date,
                      settings: EngineSettings) -> dict[int, list[date]]:
    """Days within the longest hold (domain.gate.protect_days) after `on` when a client's birthday, anniversary or partner's birthday opens
    (of these clients; None: of every client)."""
    if client_ids is not None and not client_ids or settings.hold_days <= 0:
        return {}
    horizon = on + timedelta(days=protect_days("A", settings.hold_days))  # the longest hold of any tier
    rules = [settings.windows[k] for k in STRONGER_KINDS]
    # Occasions opening in (on, horizon] lie in (on - opens, horizon - opens]: only those month-days.
    first = on + timedelta(days=1 - max(r.opens for r in rules))
    last = horizon - timedelta(days=min(r.opens for r in rules))
    mds = sorted(m * 100 + d for m, d in month_days_between(first, last))
    columns = (ImportantDate.client_id, ImportantDate.id, ImportantDate.person_id, ImportantDate.kind,
               ImportantDate.month, ImportantDate.day, ImportantDate.year)
    in_horizon = (ImportantDate.store_id == store_id, ImportantDate.md.in_(mds))
    # The client's own dates, then their people's, instead of one outer join: most dates have no person, and
    # PostgreSQL hashed those NULL keys into one bucket (131,072 batches, 110 s of a 1M-client plan).
    own = db.session.execute(select(*columns, literal(None).label("relation"))
                             .where(*in_horizon, ImportantDate.person_id.is_(None)))
    of_people = db.session.execute(select(*columns, Person.relation)
                                   .join(Person, Person.id == ImportantDate.person_id).where(*in_horizon))
    openings: dict[int, list[date]] = defaultdict(list)
    # The opening day depends on the kind and the month-day, and on the year only for a date in the last
    # two years (no occasion yet on or before it): a plan asks for a few hundred distinct answers, not one
    # per date (225k dates fall in the horizon at 1M clients).
    opening_of: dict[tuple, date | None] = {}
    for row in chain(own, of_people):
        if client_ids is not None and row.client_id not in client_ids:
            continue
        kind = yearly_kind(row.person_id, row.relation, row.kind)
        if kind not in STRONGER_KINDS:
            continue
        year = row.year if row.year is not None and row.year >= horizon.year - 1 else None
        key = (kind, row.month, row.day, year)
        if key not in opening_of:
            # A window opening in (on, horizon] holds `horizon` or the day halfway: every window of these kinds
            # is at least 22 days long and the longest hold 30 (protect_days), so two probes find it.
            opening_of[key] = None
            for probe in (horizon, on + (horizon - on) / 2):
                found = P.yearly_date_proposal(kind=kind, source="", month=row.month, day=row.day, year=year,
                                               on=probe, settings=settings)
                if found is not None and on < found.window.opens_on <= horizon:
                    opening_of[key] = found.window.opens_on
                    break
        if (opening := opening_of[key]) is not None:
            openings[row.client_id].append(opening)
    return openings


PREFS_COLUMNS = (Client.id, Client.do_not_contact, Client.opted_out, Client.preferred_channel, Client.frequency,
                 Client.phone, Client.email, Client.address_line1)


@dataclass
class GateInputs:
    """What the gate reads once per plan: touches in the lookback, coming occasions, and the preferences of
    every client whose follow-ups can get another answer than "show" (touched, waiting, maybe no channel)."""

    on: date
    settings: EngineSettings
    touches: dict[int, list[date]]
    openings: dict[int, list[date]]
    prefs: dict[int, ContactPrefs]
    tiers: dict[int, str] = field(default_factory=dict)  # of the clients with an occasion coming (the hold)
    plain: dict[int, bool] = field(default_factory=dict)
    moved: int = 0
    closed: int = 0

    def decision(self, client_id: int, kind: str, opens_on: date, due_on: date, expires_on: date):  # noqa: ANN201
        """decide() for one follow-up; None when it simply shows (the common case, answered per client)."""
        prefs = self.prefs.get(client_id)
        if prefs is None:  # not read: gate_inputs reads every client whose follow-ups can be other than shown
            return None
        if client_id not in self.touches and client_id not in self.openings and opens_on <= self.on:
            # No touch to keep apart from and nothing to wait for: decide() can only show it or block the
            # client, so ask once per client instead of once per follow-up (a first plan gates the book).
            if client_id not in self.plain:
                self.plain[client_id] = not prefs.do_not_contact and suggest_channel(prefs) is not None
            if self.plain[client_id]:
                return None
        return decide(Kind(kind), Window(opens_on, due_on, expires_on), prefs, self.touches.get(client_id, []),
                      self.settings.tolerance_for(prefs.frequency), self.on, self.openings.get(client_id, ()),
                      protect_days(self.tiers.get(client_id, "C"), self.settings.hold_days))

    def apply(self, values: dict) -> None:
        """Gate a follow-up row about to be inserted (a follow_ups.row_for dict), in place."""
        client_id = values["client_id"]
        if client_id not in self.prefs and client_id not in self.openings:
            return  # no touch, nothing to wait for, a channel: it shows, without a call
        decision = self.decision(client_id, values["kind"], values["opens_on"], values["due_on"], values["expires_on"])
        if decision is None or decision.action == "show":
            return
        if decision.action == "move":
            values["show_on"] = decision.show_on
            self.moved += 1
        else:
            values.update(status=_closing_status(decision), note=decision.reason[:200], closed_at=utcnow())
            self.closed += 1


def gate_inputs(store_id: int, on: date, settings: EngineSettings) -> GateInputs:
    """Read what gating the store's follow-ups on `on` needs, for every client at once."""
    lookback = max(t.per_days + t.min_gap_days for t in settings.frequency.values())
    touches = touches_by_client(store_id, None, on - timedelta(days=lookback), on)
    openings = upcoming_openings(store_id, None, on, settings)
    prefs = {row.id: prefs_of(row) for row in db.session.execute(
        select(*PREFS_COLUMNS).where(Client.store_id == store_id, _may_be_blocked()))}
    wanted = sorted((touches.keys() | openings.keys()) - prefs.keys())
    for chunk in among(Client.id, wanted):
        prefs.update((row.id, prefs_of(row)) for row in db.session.execute(
            select(*PREFS_COLUMNS).where(Client.store_id == store_id, chunk)))
    tiers: dict[int, str] = {}
    for chunk in among(Client.id, sorted(openings)):
        tiers.update({row.id: row.tier for row in db.session.execute(
            select(Client.id, Client.tier).where(Client.store_id == store_id, chunk))})
    return GateInputs(on, settings, touches, openings, prefs, tiers)


def gate_showing(store_id: int, on: date, settings: EngineSettings, inputs: GateInputs | None = None) -> tuple[int, int]:
    """Run the store's showing follow-ups that can change today through the gate; returns (moved, expired or
    skipped). The planner gates its new rows with the same inputs before they are written (GateInputs.apply):
    reading a first plan's rows back to gate them cost 36 s at 1M clients on PostgreSQL."""
    inputs = inputs or gate_inputs(store_id, on, settings)
    lookback = max(t.per_days + t.min_gap_days for t in settings.frequency.values())
    rows = db.session.execute(
        select(FollowUp.id, FollowUp.client_id, FollowUp.kind, FollowUp.opens_on, FollowUp.due_on,
               FollowUp.expires_on, *PREFS_COLUMNS[1:])
        .join(Client, Client.id == FollowUp.client_id)
        .where(FollowUp.store_id == store_id, FollowUp.status.in_(LIVE), FollowUp.show_on <= on,
               FollowUp.expires_on >= on, _may_need_gating(store_id, on, on - timedelta(days=lookback)))
    ).all()
    for row in rows:
        if row.client_id not in inputs.prefs:
            inputs.prefs[row.client_id] = prefs_of(row)
    moves: dict[date, list[int]] = defaultdict(list)
    closes: dict[tuple[str, str], list[int]] = defaultdict(list)
    for row in rows:
        decision = inputs.decision(row.client_id, row.kind, row.opens_on, row.due_on, row.expires_on)
        if decision is None or decision.action == "show":
            continue
        if decision.action == "move":
            moves[decision.show_on].append(row.id)
        else:
            closes[(_closing_status(decision), decision.reason[:200])].append(row.id)
    now = utcnow()
    for show_on, ids in moves.items():
        _update(ids, show_on=show_on)
    for (status, note), ids in closes.items():
        _update(ids, status=status, note=note, closed_at=now)
    return sum(map(len, moves.values())), sum(map(len, closes.values()))


def _closing_status(decision) -> str:  # noqa: ANN001 - a GateDecision that expires or blocks
    return Status.EXPIRED.value if decision.action == "expire" else Status.SKIPPED.value


def _update(ids: list[int], **values) -> None:
    for chunk in chunks(ids):
        db.session.execute(update(FollowUp).where(FollowUp.id.in_(chunk)).values(**values),
                           execution_options={"synchronize_session": False})
