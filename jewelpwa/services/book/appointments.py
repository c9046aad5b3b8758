"""Appointments: book from the card, the associate's day, outcomes afterwards (issue 8)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, select, update

from ...clock import utcnow
from ...domain.inputs import iso_date, row_id, whole_number
from ...domain.proposals import Proposal, dedupe_key
from ...domain.vocab import AppointmentKind, AppointmentStatus, Kind, Status
from ...domain.windows import window_for
from ...extensions import db
from ...models import Appointment, Client, FollowUp, User
from ..access import get_client, get_scoped
from ..engine.follow_ups import insert_new, row_for
from ..engine.gating import LIVE
from ..engine.planner import engine_settings
from ..errors import Invalid
from ..messages import automatic
from ..push import appointment_reminders as reminders
from .outreach import log_outreach

KIND_LABEL: dict[str, str] = {
    AppointmentKind.CONSULTATION: "Consultation",
    AppointmentKind.CLEANING: "Cleaning",
    AppointmentKind.REPAIR_PICKUP: "Repair pickup",
    AppointmentKind.PRIVATE_VIEWING: "Private viewing",
    AppointmentKind.VIRTUAL: "Virtual",
}
DURATIONS = (15, 30, 45, 60, 90, 120)
NOTE_MAX = 500
CLOSING = (AppointmentStatus.DONE, AppointmentStatus.NO_SHOW, AppointmentStatus.CANCELLED)


@dataclass(frozen=True)
class BookingInput:
    """The booking form as typed: every field a string, checked by book_appointment."""

    kind: str = ""
    on: str = ""
    at: str = ""
    duration_min: str = "30"
    user_id: str = ""
    note: str = ""


@dataclass
class AppointmentLine:
    """One appointment as a list shows it, with store-local start and end."""

    appointment: Appointment
    client: Client
    starts: datetime
    ends: datetime
    with_whom: str | None = None

    @property
    def label(self) -> str:
        return KIND_LABEL.get(self.appointment.kind, "Appointment")

    @property
    def when(self) -> str:
        """ "Thu 3 Dec 2:30 pm"."""
        return when_text(self.starts)


def when_text(local: datetime) -> str:
    return f"{local.strftime('%a %-d %b')} {local.strftime('%-I:%M %p').lower()}"



def _tz(actor: User) -> ZoneInfo:
    return ZoneInfo(actor.store.timezone)


def staff_choices(actor: User) -> list[User]:
    """Who an appointment can be with: the store's active staff, by name."""
    return list(db.session.scalars(select(User).where(User.store_id == actor.store_id, User.active.is_(True))
                                   .order_by(User.name, User.id)))


def _parse(actor: User, form: BookingInput, now: datetime, ignore_id: int | None) -> dict[str, Any]:
    """Every field checked at once; Invalid names each bad field with what to fix."""
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    if form.kind not in KIND_LABEL:
        errors["kind"] = "Choose what the appointment is for."
    values["kind"] = form.kind
    day = clock = None
    day = iso_date(form.on)
    if day is None:
        errors["on"] = "Pick the day of the appointment."
    try:
        clock = time.fromisoformat(form.at.strip())
    except ValueError:
        errors["at"] = "Pick a time, like 14:30."
    duration = whole_number(form.duration_min, 0, 10_000) or 0
    if not 5 <= duration <= 480:
        errors["duration_min"] = "Choose how long it takes: 5 minutes to 8 hours."
    values["duration_min"] = duration
    user = None
    if form.user_id.strip():
        user_id = row_id(form.user_id)
        user = db.session.get(User, user_id) if user_id else None
        if user is None or user.store_id != actor.store_id or not user.active:
            errors["user_id"] = "Choose someone on the store's staff."
            user = None
    else:
        user = actor
    values["user_id"] = user.id if user else None
    note = (form.note or "").strip()
    if len(note) > NOTE_MAX:
        errors["note"] = f"Keep the note under {NOTE_MAX} characters."
    values["note"] = note or None
    if day and clock:
        starts = datetime.combine(day, clock.replace(second=0, microsecond=0), tzinfo=_tz(actor)).astimezone(UTC)
        values["starts_at"] = starts
        if starts <= now:
            errors["at"] = "That time has passed: pick a time later than now."
        elif user and duration and (clash := _overlap(user, starts, duration, ignore_id)) is not None:
            local = clash.starts_at.astimezone(_tz(actor))
            who = "You have" if user.id == actor.id else f"{user.name} has"
            errors["at"] = (f"{who} another appointment then ({KIND_LABEL[clash.kind].lower()} at "
                            f"{local.strftime('%-I:%M %p').lower()}, {clash.duration_min} min): pick another time.")
    if errors:
        raise Invalid("Appointment not booked: fix the fields marked below.", errors)
    return values


def _overlap(user: User, starts: datetime, duration: int, ignore_id: int | None) -> Appointment | None:
    """The user's other booked appointment that overlaps [starts, starts + duration), if any."""
    ends = starts + timedelta(minutes=duration)
    # Appointments last at most 8 hours, so only those starting in the 8 hours before can still be running.
    near = db.session.scalars(select(Appointment).where(
        Appointment.user_id == user.id, Appointment.status == AppointmentStatus.BOOKED,
        Appointment.starts_at < ends, Appointment.starts_at > starts - timedelta(hours=8)))
    for other in near:
        other_starts = other.starts_at
        if other.id != ignore_id and other_starts < ends and other_starts + timedelta(minutes=other.duration_min) > starts:
            return other
    return None


def book_appointment(actor: User, client_id: int, form: BookingInput, now: datetime | None = None) -> Appointment:
    """Book an appointment for a client (with me unless told otherwise) and queue its push reminders."""
    appt = stage_appointment(actor, client_id, form, now)
    db.session.commit()
    return appt


def stage_appointment(actor: User, client_id: int, form: BookingInput, now: datetime | None = None) -> Appointment:
    """book_appointment without the commit (a Booked outcome and its appointment are stored together)."""
    client = get_client(actor, client_id)
    now = now or utcnow()
    values = _parse(actor, form, now, None)
    appt = Appointment(store_id=client.store_id, client_id=client.id, status=AppointmentStatus.BOOKED, **values)
    db.session.add(appt)
    if appt.kind == AppointmentKind.CLEANING:
        # The free-cleaning offer did its job: it leaves the list instead of asking the client again.
        db.session.execute(
            update(FollowUp).where(FollowUp.client_id == client.id, FollowUp.kind == Kind.CLEANING.value,
                                   FollowUp.status.in_(LIVE))
            .values(status=Status.DONE.value, note="cleaning booked", closed_at=now),
            execution_options={"synchronize_session": False})
    db.session.flush()  # the reminders' key names the appointment's id
    reminders.queue_reminders(appt, now)
    # The client's confirmation (when the store has it on) is stored with the booking; the sweeper sends it.
    automatic.stage_confirmation(actor, appt, now)
    return appt


def move_appointment(actor: User, appointment_id: int, form: BookingInput, now: datetime | None = None) -> Appointment:
    """Change a booked appointment's time, length, kind, associate or note; its pending reminders are replaced."""
    appt = get_scoped(actor, Appointment, appointment_id)
    now = now or utcnow()
    if appt.status != AppointmentStatus.BOOKED:
        raise Invalid("Only a booked appointment can be changed.", {"status": "This appointment is already closed."})
    values = _parse(actor, form, now, appt.id)
    old_key = reminders.reminder_key(appt)
    for name, value in values.items():
        setattr(appt, name, value)
    reminders.replace_reminders(appt, old_key, now)
    db.session.commit()
    return appt


def close_appointment(actor: User, appointment_id: int, status: str, note: str = "",
                      now: datetime | None = None) -> Appointment:
    """Mark done (logs a visit, reached), no-show (a follow-up to reschedule) or cancelled, with a note."""
    appt = get_scoped(actor, Appointment, appointment_id)
    now = now or utcnow()
    note = (note or "").strip()
    errors = {}
    if status not in {s.value for s in CLOSING}:
        errors["status"] = "Choose done, no-show or cancelled."
    elif appt.status != AppointmentStatus.BOOKED:
        errors["status"] = f"This appointment is already marked {appt.status.replace('_', ' ')}."
    elif status != AppointmentStatus.CANCELLED and appt.starts_at > now:
        errors["status"] = "It has not started yet: mark it done or no-show afterwards, or cancel it."
    if len(note) > NOTE_MAX:
        errors["note"] = f"Keep the note under {NOTE_MAX} characters."
    if errors:
        raise Invalid("Appointment not updated", errors)
    appt.status, appt.outcome_note, appt.closed_at = status, note or None, now
    reminders.drop_reminders(appt, f"appointment {status}")
    if status == AppointmentStatus.DONE:
        # The visit is a conversation: logged through the outreach service so the engine's rules apply
        # (open follow-ups in window are done, the reconnect clock restarts). It commits the appointment too.
        label = KIND_LABEL[appt.kind]
        log_outreach(actor, appt.client_id, "visit", "reached", f"{label}: {note}" if note else label, now=now)
        return appt
    if status == AppointmentStatus.NO_SHOW:
        _reschedule_follow_up(actor, appt, now)
    db.session.commit()
    return appt


def _reschedule_follow_up(actor: User, appt: Appointment, now: datetime) -> None:
    """A service follow-up for the client's associate: call to book the missed appointment again."""
    client = db.session.get_one(Client, appt.client_id)
    on = now.astimezone(_tz(actor)).date()
    window = window_for(Kind.SERVICE, on, engine_settings(actor.store))
    source = f"appointment:{appt.id}"
    proposal = Proposal(Kind.SERVICE, window, on, dedupe_key(Kind.SERVICE, source, on, "no_show"), source,
                        {"what": f"Reschedule missed {KIND_LABEL[appt.kind].lower()}"})
    insert_new([row_for(client.store_id, client.id, client.assigned_to_id or appt.user_id or actor.id, proposal, on)])


def day_bounds(actor: User, on: date) -> tuple[datetime, datetime]:
    start = datetime.combine(on, time.min, tzinfo=_tz(actor))
    return start.astimezone(UTC), (start + timedelta(days=1)).astimezone(UTC)


def appointment_lines(actor: User, rows) -> list[AppointmentLine]:
    tz = _tz(actor)
    lines = []
    for appt, client, who in rows:
        starts = appt.starts_at.astimezone(tz)
        lines.append(AppointmentLine(appt, client, starts, starts + timedelta(minutes=appt.duration_min), who))
    return lines


# Built once with bound parameters: every fresh Today reads it, and building it cost more than running it.
_DAY_APPOINTMENTS = (
    select(Appointment, Client, User.name).join(Client, Client.id == Appointment.client_id)
    .outerjoin(User, User.id == Appointment.user_id)
    .where(Appointment.store_id == bindparam("store_id"), Appointment.user_id == bindparam("user_id"),
           Appointment.starts_at >= bindparam("start"), Appointment.starts_at < bindparam("end"),
           Appointment.status != AppointmentStatus.CANCELLED, Client.erased_at.is_(None))
    .order_by(Appointment.starts_at, Appointment.id))


def day_appointments(actor: User, on: date) -> list[AppointmentLine]:
    """The associate's appointments on `on` (not the cancelled ones), shown at the top of Today."""
    start, end = day_bounds(actor, on)
    rows = db.session.execute(_DAY_APPOINTMENTS, {"store_id": actor.store_id, "user_id": actor.id, "start": start,
                                                  "end": end})
    return appointment_lines(actor, rows)


def get_appointment(actor: User, appointment_id: int) -> AppointmentLine:
    """One appointment of the actor's store, as a line."""
    appt = get_scoped(actor, Appointment, appointment_id)
    get_client(actor, appt.client_id)
    who = db.session.get_one(User, appt.user_id).name if appt.user_id else None
    return appointment_lines(actor, [(appt, appt.client, who)])[0]
