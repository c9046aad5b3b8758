"""Repairs and services: intake at the counter, one-tap status moves, the pickup call, overdue pickups."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, select, update

from ...clock import utcnow
from ...domain.inputs import iso_date
from ...domain.money import field_message
from ...domain.proposals import Proposal, dedupe_key
from ...domain.vocab import Kind, Status
from ...domain.windows import window_for
from ...extensions import db
from ...models import Client, FollowUp, Repair, RepairStatus, User
from ..access import get_client, get_scoped
from ..engine.follow_ups import insert_new, row_for
from ..engine.gating import LIVE
from ..engine.planner import engine_settings
from ..errors import Invalid
from ..messages import automatic

# One tap moves a repair one step along; cancelling is possible until it is picked up.
NEXT: dict[str, RepairStatus] = {
    RepairStatus.RECEIVED: RepairStatus.AT_THE_BENCH,
    RepairStatus.AT_THE_BENCH: RepairStatus.READY,
    RepairStatus.READY: RepairStatus.PICKED_UP,
}
OPEN = (RepairStatus.RECEIVED, RepairStatus.AT_THE_BENCH, RepairStatus.READY)
STATUS_LABEL = {RepairStatus.RECEIVED: "Received", RepairStatus.AT_THE_BENCH: "At the bench",
                RepairStatus.READY: "Ready for pickup", RepairStatus.PICKED_UP: "Picked up",
                RepairStatus.CANCELLED: "Cancelled"}
MOVE_LABEL = {RepairStatus.AT_THE_BENCH: "To the bench", RepairStatus.READY: "Mark ready",
              RepairStatus.PICKED_UP: "Picked up"}
# A piece ready this many days and still not collected is an overdue pickup worth a second call.
PICKUP_OVERDUE_DAYS = 7
FILTERS = ("open", "overdue", *(s.value for s in RepairStatus), "all")


@dataclass
class RepairLine:
    repair: Repair
    client: Client
    overdue: str | None  # why it is overdue, in words, or None

    @property
    def status_label(self) -> str:
        return STATUS_LABEL[RepairStatus(self.repair.status)]

    @property
    def next_status(self) -> RepairStatus | None:
        return NEXT.get(RepairStatus(self.repair.status))

    @property
    def move_label(self) -> str | None:
        step = self.next_status
        return MOVE_LABEL[step] if step else None



def _local_day(actor: User, moment: datetime | None) -> date | None:
    if moment is None:
        return None
    return moment.astimezone(ZoneInfo(actor.store.timezone)).date()


def overdue_reason(repair: Repair, ready_on: date | None, today: date) -> str | None:
    """ "Ready 9 days, not picked up" or "Promised Nov 20": why a repair needs a call, or None."""
    if repair.status == RepairStatus.READY and ready_on is not None and (today - ready_on).days > PICKUP_OVERDUE_DAYS:
        return f"Ready {(today - ready_on).days} days, not picked up"
    if repair.status in (RepairStatus.RECEIVED, RepairStatus.AT_THE_BENCH) and repair.promised_on \
            and repair.promised_on < today:
        return f"Promised {repair.promised_on.strftime('%b %-d')}, not ready"
    return None


def _line(actor: User, repair: Repair, client: Client, today: date) -> RepairLine:
    return RepairLine(repair, client, overdue_reason(repair, _local_day(actor, repair.ready_at), today))


def take_in_repair(actor: User, client_id: int, item: str, work: str, promised_on: str, quote: str,
                   today: date, now: datetime | None = None) -> Repair:
    """Take in a piece for work: what it is, what to do, when it is promised, the price quoted."""
    client = get_client(actor, client_id)
    item, work = (item or "").strip(), (work or "").strip()
    errors: dict[str, str] = {}
    if not item or len(item) > 200:
        errors["item"] = "Say what the piece is (200 characters at most), e.g. “Diamond solitaire ring”."
    if not work or len(work) > 2000:
        errors["work"] = "Say what work to do (2,000 characters at most), e.g. “Resize from 6 to 7”."
    promised = None
    if (promised_on or "").strip():
        promised = iso_date(promised_on)
        if promised is None:
            errors["promised_on"] = "Pick the day it is promised."
        else:
            if promised < today:
                errors["promised_on"] = "That day has passed: promise a day from today on."
    price = None
    if (quote or "").strip():
        try:
            price = actor.store.locale_rules.parse_money(quote, "Quote")
        except ValueError as exc:
            errors["quote"] = field_message(exc)
    if errors:
        raise Invalid("Repair not saved: fix the fields marked below.", errors)
    repair = Repair(store_id=client.store_id, client_id=client.id, taken_by_id=actor.id, item=item, work=work,
                    promised_on=promised, quote=price, status=RepairStatus.RECEIVED, received_at=now or utcnow())
    db.session.add(repair)
    db.session.commit()
    return repair


def move_repair(actor: User, repair_id: int, status: str, now: datetime | None = None) -> Repair:
    """Move a repair one step (received → at the bench → ready → picked up) or cancel it.

    "ready" makes a service follow-up for the client's associate to call for pickup; "picked up" (or a
    cancel) completes it. Commits once."""
    repair = get_scoped(actor, Repair, repair_id)
    get_client(actor, repair.client_id)
    now = now or utcnow()
    current = RepairStatus(repair.status)
    wanted = RepairStatus(status) if status in {s.value for s in RepairStatus} else None
    allowed = NEXT.get(current) == wanted or (wanted == RepairStatus.CANCELLED and current in OPEN)
    if wanted is None or not allowed:
        raise Invalid("Repair not moved", {"status": f"A repair {STATUS_LABEL[current].lower()} cannot go to "
                                                     f"“{status.replace('_', ' ')}”."})
    repair.status = wanted
    setattr(repair, f"{wanted}_at", now)
    if wanted == RepairStatus.READY:
        _pickup_follow_up(actor, repair, now)
        automatic.stage_repair_ready(actor, repair, now)  # "your ring is ready", when the store has it on
    elif wanted in (RepairStatus.PICKED_UP, RepairStatus.CANCELLED):
        done = wanted == RepairStatus.PICKED_UP
        db.session.execute(
            update(FollowUp).where(FollowUp.store_id == repair.store_id, FollowUp.source == f"repair:{repair.id}",
                                   FollowUp.status.in_(LIVE))
            .values(status=(Status.DONE if done else Status.SKIPPED).value,
                    note="picked up" if done else "repair cancelled", closed_at=now),
            execution_options={"synchronize_session": False})
    db.session.commit()
    return repair


def _pickup_follow_up(actor: User, repair: Repair, now: datetime) -> None:
    """ "Repair ready for pickup: ring resize", for the client's associate, showing today."""
    client = db.session.get_one(Client, repair.client_id)
    on = now.astimezone(ZoneInfo(actor.store.timezone)).date()
    window = window_for(Kind.SERVICE, on, engine_settings(actor.store))
    source = f"repair:{repair.id}"
    what = f"Repair ready for pickup: {repair.item}"
    proposal = Proposal(Kind.SERVICE, window, on, dedupe_key(Kind.SERVICE, source, on, "ready"), source,
                        {"what": what[:120]})
    insert_new([row_for(client.store_id, client.id, client.assigned_to_id or repair.taken_by_id or actor.id,
                        proposal, on)])


def get_repair(actor: User, repair_id: int, today: date) -> RepairLine:
    repair = get_scoped(actor, Repair, repair_id)
    return _line(actor, repair, get_client(actor, repair.client_id), today)


def list_repairs(actor: User, which: str, today: date, limit: int = 200) -> list[RepairLine]:
    """The store's repairs for every staff member: open ones by default, or one status, overdue, all."""
    which = which if which in FILTERS else "open"
    query = (select(Repair, Client).join(Client, Client.id == Repair.client_id)
             .where(Repair.store_id == actor.store_id, Client.erased_at.is_(None)))
    if which in ("open", "overdue"):
        query = query.where(Repair.status.in_([s.value for s in OPEN]))
    elif which != "all":
        query = query.where(Repair.status == which)
    if which == "overdue":
        # Open repairs are few; the overdue rule (with its store-local ready day) is the one the card uses.
        lines = [_line(actor, r, c, today) for r, c in db.session.execute(query.order_by(Repair.id))]
        return [line for line in lines if line.overdue][:limit]
    query = query.order_by(Repair.promised_on.is_(None), Repair.promised_on, Repair.id.desc()).limit(limit)
    return [_line(actor, r, c, today) for r, c in db.session.execute(query)]


# Built once (the card reads it on every request): building it per call cost more than running it.
_CLIENT_REPAIRS = (select(Repair).where(Repair.client_id == bindparam("client_id"),
                                        Repair.store_id == bindparam("store_id"))
                   .order_by(Repair.id.desc()).limit(20))


def client_repairs(actor: User, client: Client, today: date, now: datetime | None = None) -> list[RepairLine]:
    """The client's open repairs, and those picked up or cancelled in the last 30 days."""
    since = (now or utcnow()) - timedelta(days=30)
    rows = db.session.scalars(_CLIENT_REPAIRS, {"client_id": client.id, "store_id": actor.store_id})
    return [_line(actor, r, client, today) for r in rows
            if r.status in OPEN or (r.picked_up_at or r.cancelled_at or r.received_at) >= since]
