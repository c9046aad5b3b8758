"""The card's service part: the client's appointments (ahead, and those waiting for an outcome) and repairs."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import bindparam, select

from ...clock import utcnow
from ...domain.vocab import AppointmentStatus
from ...extensions import db
from ...models import Appointment, Client, User
from .appointments import AppointmentLine, appointment_lines, day_bounds
from .repairs import RepairLine, client_repairs


@dataclass
class ServicePart:
    """What the card shows about the client's appointments and repairs."""

    upcoming: list[AppointmentLine] = field(default_factory=list)
    to_close: list[AppointmentLine] = field(default_factory=list)
    repairs: list[RepairLine] = field(default_factory=list)

    @property
    def next(self) -> AppointmentLine | None:
        return self.upcoming[0] if self.upcoming else None


# Built once, the client and the first day as bound parameters (built per request it cost more than running it).
_APPOINTMENTS = (select(Appointment, Client, User.name).join(Client, Client.id == Appointment.client_id)
                 .outerjoin(User, User.id == Appointment.user_id)
                 .where(Appointment.client_id == bindparam("client_id"),
                        Appointment.status == AppointmentStatus.BOOKED, Appointment.starts_at >= bindparam("since"))
                 .order_by(Appointment.starts_at, Appointment.id))


def card_part(actor: User, client: Client, on: date, now: datetime | None = None, appointments: bool = True,
              repairs: bool = True) -> ServicePart:
    """What the card shows about this client's appointments and repairs (`appointments`/`repairs` False: the
    caller knows the client has none, and nothing is read)."""
    now = now or utcnow()
    start, _ = day_bounds(actor, on)
    rows = (db.session.execute(_APPOINTMENTS, {"client_id": client.id, "since": start - timedelta(days=30)}).all()
            if appointments else [])
    part = ServicePart(repairs=client_repairs(actor, client, on, now) if repairs else [])
    for line in appointment_lines(actor, rows):
        # Booked and already started: waiting for its outcome (done, no-show); otherwise still ahead.
        (part.to_close if line.starts <= now else part.upcoming).append(line)
    return part
