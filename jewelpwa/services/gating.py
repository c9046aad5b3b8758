"""The contact gate applied to a store's showing follow-ups: move, expire or block, never a silent drop."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select, update

from ..domain.gate import ContactPrefs, decide
from ..domain.settings import EngineSettings
from ..domain.vocab import TOUCH_OUTCOMES, Channel, Frequency, Kind, Status
from ..domain.windows import Window
from ..extensions import db
from ..models import Client, FollowUp, Outreach
from .batching import chunks

LIVE = (Status.OPEN.value, Status.SNOOZED.value)


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


def gate_showing(store_id: int, on: date, settings: EngineSettings) -> tuple[int, int]:
    """Run every follow-up showing on `on` through the gate; returns (moved, expired or skipped)."""
    rows = db.session.execute(
        select(FollowUp.id, FollowUp.client_id, FollowUp.kind, FollowUp.opens_on, FollowUp.due_on,
               FollowUp.expires_on, Client.do_not_contact, Client.opted_out, Client.preferred_channel,
               Client.frequency, Client.phone, Client.email, Client.address_line1)
        .join(Client, Client.id == FollowUp.client_id)
        .where(FollowUp.store_id == store_id, FollowUp.status.in_(LIVE), FollowUp.show_on <= on,
               FollowUp.expires_on >= on)
    ).all()
    lookback = max(t.per_days + t.min_gap_days for t in settings.frequency.values())
    touches = touches_by_client(store_id, None, on - timedelta(days=lookback), on)
    moves: dict[date, list[int]] = defaultdict(list)
    closes: dict[tuple[str, str], list[int]] = defaultdict(list)
    prefs_by_client: dict[int, ContactPrefs] = {}
    for row in rows:
        prefs = prefs_by_client.get(row.client_id) or prefs_by_client.setdefault(row.client_id, prefs_of(row))
        decision = decide(Kind(row.kind), Window(row.opens_on, row.due_on, row.expires_on), prefs,
                          touches.get(row.client_id, []), settings.tolerance_for(prefs.frequency), on)
        if decision.action == "move":
            moves[decision.show_on].append(row.id)
        elif decision.action == "expire":
            closes[(Status.EXPIRED.value, decision.reason[:200])].append(row.id)
        elif decision.action == "block":
            closes[(Status.SKIPPED.value, decision.reason[:200])].append(row.id)
    now = datetime.now(UTC)
    for show_on, ids in moves.items():
        _update(ids, show_on=show_on)
    for (status, note), ids in closes.items():
        _update(ids, status=status, note=note, closed_at=now)
    return sum(map(len, moves.values())), sum(map(len, closes.values()))


def _update(ids: list[int], **values) -> None:
    for chunk in chunks(ids):
        db.session.execute(update(FollowUp).where(FollowUp.id.in_(chunk)).values(**values),
                           execution_options={"synchronize_session": False})
