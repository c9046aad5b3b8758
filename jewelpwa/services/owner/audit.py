"""The audit trail: record who did what, when and from where; read it back in words for the owner."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import cast
from zoneinfo import ZoneInfo

from sqlalchemy import Table, and_, bindparam, insert, literal, or_, select

from ...clock import utcnow
from ...database import ONE_STATEMENT, commit_keeping_loaded, reset_read_only, set_read_only
from ...domain.client_columns import display_name
from ...domain.inputs import iso_date, row_id
from ...extensions import db
from ...models import AuditEvent, Client, User
from ..access import require_manager
from ..errors import Invalid

PAGE_SIZE = 50
# One "opened the card" row per person, client and 10 minutes. An associate on a call flips between the card,
# its sections and Today many times; a row per GET would bury the events that matter (a sign-in from a new
# address, an export) under thousands of identical lines and grow the table by every page view. Ten minutes
# still answers the question an owner asks ("who looked at this client, and when?") to within a visit.
VIEW_EVERY = timedelta(minutes=10)

ACTIONS = {
    "client_viewed": "Client card opened",
    "client_exported": "Client record exported",
    "client_erased": "Client erased",
    "sign_in": "Signed in",
    "sign_in_failed": "Failed sign-in",
    "password_changed": "Password changed",
    "staff_added": "Staff added",
    "role_changed": "Role changed",
    "target_changed": "Daily target changed",
    "staff_deactivated": "Staff deactivated",
    "staff_reactivated": "Staff reactivated",
    "clients_reassigned": "Clients reassigned",
    "export_clients": "Clients exported",
    "export_purchases": "Purchases exported",
    "export_outreach": "Outreach exported",
    "export_archive": "Store archive exported",
    "export_mail_list": "Mail list exported",
    "campaign_started": "Campaign started",
    "campaign_sent": "Campaign sent",
    "store_event_created": "Store event created",
    "store_settings_changed": "Store settings changed",
    "segment_saved": "Segment saved",
    "segment_deleted": "Segment deleted",
    "wish_list_shared": "Wish list shared",
    "wish_links_revoked": "Wish list links revoked",
}
_EXPORTS = {"export_clients": "the client list", "export_purchases": "every purchase",
            "export_outreach": "the outreach log", "export_archive": "the whole store archive",
            "export_mail_list": "a segment's mail list (names and postal addresses)"}
_USER = re.compile(r"user:(\d+)")
_CLIENT = re.compile(r"client:(\d+)")


# Built once with bound parameters (every card runs them; building them per call cost more than running them):
# the look for a recent view, and on PostgreSQL the one statement that writes a view only when there is none.
_RECENT_VIEW = (select(AuditEvent.id).where(
    AuditEvent.store_id == bindparam("store_id"), AuditEvent.created_at > bindparam("since"),
    AuditEvent.user_id == bindparam("user_id"), AuditEvent.action == "client_viewed",
    AuditEvent.target == bindparam("target")).limit(1))
_VIEW_COLUMNS = ("store_id", "user_id", "action", "target", "address", "created_at")
_AUDIT = cast(Table, AuditEvent.__table__)
_VIEW_UNLESS_RECENT = insert(_AUDIT).from_select(
    list(_VIEW_COLUMNS),
    select(*(literal("client_viewed", _AUDIT.c.action.type) if name == "action"
             else bindparam(name, type_=_AUDIT.c[name].type) for name in _VIEW_COLUMNS))
    .where(~_RECENT_VIEW.exists()))


def record_client_view(actor: User, client_id: int, address: str | None, now: datetime | None = None) -> bool:
    """Record that `actor` opened a client's record, at most once per client and VIEW_EVERY; True when written.

    Called by read-only requests after the client was found in the actor's store, with what they read already
    loaded. One statement writes the row only when none of the last VIEW_EVERY is there. On PostgreSQL it runs on
    the request's own connection, in autocommit like the request's reads (database.py; in the request's
    transaction when it has one), committed without expiring what the request loaded (the card would otherwise
    read every section again): no second connection, no BEGIN and COMMIT of its own. On SQLite a GET's transaction is
    a deferred read, and upgrading it to a write fails at once when another writer committed meanwhile (see
    database.py): there the look for a recent row stays in the read, and only a missing row is written, on a
    connection of its own in a short BEGIN IMMEDIATE transaction that waits its turn. Not for writing requests:
    on SQLite their session may already hold the writer lock that connection would wait for.
    """
    now = now or utcnow()
    target = f"client:{client_id}"
    row = {"store_id": actor.store_id, "user_id": actor.id, "action": "client_viewed", "target": target,
           "address": address, "created_at": now}
    session = db.session()
    if session.get_bind().dialect.name != "sqlite":
        # One statement, atomic on its own: a read-only request's autocommit may run it (database.py).
        written = session.execute(_VIEW_UNLESS_RECENT, {**row, "since": now - VIEW_EVERY},
                                  execution_options={ONE_STATEMENT: True})
        commit_keeping_loaded(session)
        return bool(written.rowcount)  # type: ignore[attr-defined]
    if session.scalar(_RECENT_VIEW, {**row, "since": now - VIEW_EVERY}) is not None:
        return False
    token = set_read_only(False)  # a writer: SQLite's BEGIN IMMEDIATE waits its turn instead of failing
    try:
        with db.engine.begin() as connection:
            connection.execute(insert(_AUDIT).values(**row))
    finally:
        reset_read_only(token)
    return True


# ------------------------------------------------------------------------------------------------ reading


@dataclass(frozen=True)
class Line:
    """One event as the owner reads it."""

    id: int
    at: datetime  # store-local
    action: str
    text: str
    address: str | None


@dataclass
class AuditLog:
    lines: list[Line]
    staff: list[tuple[int, str]]
    actions: dict[str, str]
    filters: dict[str, str] = field(default_factory=dict)
    next_before: int | None = None  # the cursor of the next (older) page; None on the last page


def _day(value: str | None, name: str, errors: dict[str, str]) -> date | None:
    if not value:
        return None
    found = iso_date(value)
    if found is None:
        errors[name] = "Use a date like 2026-03-31."
    return found


def _number(value: str | None) -> int | None:
    return row_id(value)


def audit_log(actor: User, action: str | None = None, staff: str | None = None, start: str | None = None,
              end: str | None = None, before: str | None = None) -> AuditLog:
    """The store's audit trail, newest first, 50 at a time; filtered by action, staff member and local dates."""
    require_manager(actor)
    errors: dict[str, str] = {}
    first, last = _day(start, "start", errors), _day(end, "end", errors)
    if first and last and first > last:
        errors["end"] = "The end date is before the start date."
    if errors:
        raise Invalid("Check the dates", errors)
    zone = ZoneInfo(actor.store.timezone)
    conditions = [AuditEvent.store_id == actor.store_id]  # another store's events never come back
    if action:
        conditions.append(AuditEvent.action == action)
    staff_id = _number(staff)
    if staff_id is not None:
        conditions.append(AuditEvent.user_id == staff_id)
    if first:
        conditions.append(AuditEvent.created_at >= datetime.combine(first, time(), zone).astimezone(UTC))
    if last:
        conditions.append(AuditEvent.created_at < datetime.combine(last + timedelta(days=1), time(), zone)
                          .astimezone(UTC))
    cursor_id = _number(before)
    if cursor_id is not None:
        # Keyset paging on (created_at, id), the order the (store_id, created_at) index already holds.
        cursor_at = db.session.scalar(select(AuditEvent.created_at).where(AuditEvent.id == cursor_id,
                                                                          AuditEvent.store_id == actor.store_id))
        if cursor_at is not None:
            conditions.append(or_(AuditEvent.created_at < cursor_at,
                                  and_(AuditEvent.created_at == cursor_at, AuditEvent.id < cursor_id)))
    events = list(db.session.scalars(select(AuditEvent).where(*conditions)
                                     .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
                                     .limit(PAGE_SIZE + 1)))
    more = len(events) > PAGE_SIZE
    events = events[:PAGE_SIZE]
    staff_rows = db.session.execute(select(User.id, User.name, User.email).where(User.store_id == actor.store_id)
                                    .order_by(User.name)).all()
    people = {row.id: row for row in staff_rows}
    clients = _client_names(actor.store_id, events)
    lines = [Line(e.id, e.created_at.astimezone(zone), e.action, describe(e, people, clients), e.address)
             for e in events]
    filters = {k: v for k, v in (("action", action), ("staff", staff), ("start", start), ("end", end)) if v}
    return AuditLog(lines, [(row.id, row.name) for row in staff_rows], ACTIONS, filters,
                    events[-1].id if more else None)


def _client_names(store_id: int, events: list[AuditEvent]) -> dict[int, str]:
    ids = {int(m.group(1)) for e in events if e.target and (m := _CLIENT.match(e.target))}
    if not ids:
        return {}
    rows = db.session.execute(select(Client.id, Client.first_name, Client.last_name, Client.erased_at)
                              .where(Client.store_id == store_id, Client.id.in_(ids))).all()
    return {r.id: "Erased client" if r.erased_at else display_name(r.first_name, r.last_name) for r in rows}


def describe(event: AuditEvent, people: dict, clients: dict[int, str]) -> str:  # noqa: C901 - one case per action
    """The event in words: "Maria opened Anna Lopez's card"."""
    who_row = people.get(event.user_id)
    who = who_row.name if who_row else "A former staff member"
    target = event.target or ""
    staff_ids = [int(i) for i in _USER.findall(target)]
    named = [people[i].name if i in people else "a former staff member" for i in staff_ids]
    client = _CLIENT.match(target)
    client_name = (clients.get(int(client.group(1)), "a client of another store") if client else "a client")
    detail = target.split(":", 2)[2] if target.count(":") >= 2 else ""
    match event.action:
        case "client_viewed":
            return f"{who} opened {client_name}'s card"
        case "client_exported":
            return f"{who} exported everything held about {client_name}"
        case "client_erased":
            return f"{who} erased the personal data of {client_name}"
        case "sign_in":
            return f"{who} signed in"
        case "sign_in_failed":
            return f"Failed sign-in for {who_row.email}" if who_row else "Failed sign-in for an unknown account"
        case "password_changed":
            return f"{who} changed their password"
        case "staff_added" if named:
            return f"{who} added {named[0]} as {detail or 'staff'}"
        case "role_changed" if named and "->" in detail:
            old, new = detail.split("->", 1)
            return f"{who} changed {named[0]}'s role from {old} to {new}"
        case "target_changed" if named and "->" in detail:
            old, new = detail.split("->", 1)
            return f"{who} changed {named[0]}'s daily target from {old} to {new}"
        case "staff_deactivated" if named:
            return f"{who} deactivated {named[0]}'s account"
        case "staff_reactivated" if named:
            return f"{who} reactivated {named[0]}'s account"
        case "clients_reassigned":
            count, to = target.split(" ", 1)[0], named[-1] if named else "another associate"
            if len(named) < 2:  # "from user:-": the clients had nobody
                return f"{who} gave {count} unassigned clients to {to}"
            return f"{who} moved {count} clients from {named[0]} to {to}"
        case "wish_list_shared":
            # A link anyone holding it can open without a login: the owner should see who made one.
            whose = f"{client_name}'s wish list" if detail == "own" else f"a wish list from {client_name}'s card"
            return f"{who} made a share link to {whose}"
        case "wish_links_revoked":
            return f"{who} revoked {detail} share link{'' if detail == '1' else 's'} from {client_name}'s card"
        case action if action in _EXPORTS:
            return f"{who} exported {_EXPORTS[action]}"
    return f"{who}: {ACTIONS.get(event.action, event.action.replace('_', ' ')).lower()}"
