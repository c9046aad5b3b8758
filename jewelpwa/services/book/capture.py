"""log_sold_sale and log_booked: a Sold outcome with the sale it made, a Booked outcome with the appointment it
made, each stored in one commit or not at all, the outreach linked to what it captured."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TypeVar

from ...domain.vocab import Kind, Outcome
from ...extensions import db
from ...models import Appointment, Purchase, User
from ..access import get_client
from ..errors import Invalid
from .appointments import BookingInput, stage_appointment
from .outreach import Logged, check_touch, stage_outreach
from .purchases import ItemInput
from .sales import stage_sale
from .today import today_row

T = TypeVar("T")

# The sale sheet's occasion, from the reason the client is on the list (a gift for the anniversary...).
OCCASION_OF_KIND = {Kind.ANNIVERSARY: "anniversary", Kind.BIRTHDAY: "birthday", Kind.PARTNER_BIRTHDAY: "birthday",
                    Kind.VALENTINES: "valentines", Kind.MOTHERS_DAY: "mothers_day", Kind.HOLIDAY_LIST: "holiday"}


def sheet_occasion(actor: User, client_id: int, on: date) -> str | None:
    """The occasion of the client's top reason today, to prefill the sale sheet (None when it names none)."""
    row = today_row(actor, get_client(actor, client_id).id, on)
    return OCCASION_OF_KIND.get(row.card.reasons[0].kind) if row and row.card.reasons else None


@dataclass(frozen=True)
class SaleInput:
    """The sale sheet as typed; the day is the outreach's and the associate the one logging it."""

    items: list[ItemInput] = field(default_factory=list)
    occasion: str | None = None
    recipient: str = ""
    new_recipient_name: str = ""
    new_recipient_relation: str = ""


@dataclass
class Captured:
    logged: Logged
    purchase: Purchase | None = None
    appointment: Appointment | None = None


def _together(actor: User, client_id: int, channel: str, outcome: Outcome, note: str | None,
              idempotency_key: str | None, now: datetime | None, stage: Callable[[], T],
              message: str) -> tuple[Logged, T | None]:
    """Stage the touch and what it captured; any error in either rolls both back and names every bad field."""
    get_client(actor, client_id)  # another store's client is a 404 before anything is checked
    errors = check_touch(channel, outcome.value, note, idempotency_key)
    logged = None
    if not errors:
        logged = stage_outreach(actor, client_id, channel, outcome.value, note, now, idempotency_key)
        if logged.replayed:  # the same sheet posted twice: the first one stored everything
            return logged, None
    captured = None
    try:
        captured = stage()
    except Invalid as e:
        errors.update(e.errors)
    if errors or logged is None or captured is None:
        db.session.rollback()
        raise Invalid(message, errors)
    return logged, captured


def log_sold_sale(actor: User, client_id: int, channel: str, note: str | None, sale: SaleInput, today: date,
                  idempotency_key: str | None = None, now: datetime | None = None) -> Captured:
    """Sold, with the sale entered on its sheet: linked, so the evening huddle counts the revenue at once."""
    logged, result = _together(
        actor, client_id, channel, Outcome.SOLD, note, idempotency_key, now,
        lambda: stage_sale(actor, client_id, "", sale.items, sale.occasion, sale.recipient, sale.new_recipient_name,
                           sale.new_recipient_relation, "", today),
        "Sale not saved: nothing was logged. Fix the fields marked below.")
    if result is None:
        purchase = db.session.get(Purchase, logged.outreach.purchase_id) if logged.outreach.purchase_id else None
        return Captured(logged, purchase=purchase)
    logged.outreach.purchase_id = result.purchase.id
    db.session.commit()
    return Captured(logged, purchase=result.purchase)


def log_booked(actor: User, client_id: int, channel: str, note: str | None, booking: BookingInput,
               idempotency_key: str | None = None, now: datetime | None = None) -> Captured:
    """Booked, with the appointment picked on its sheet (kind, day, time, with whom) and its push reminders."""
    logged, appointment = _together(
        actor, client_id, channel, Outcome.BOOKED, note, idempotency_key, now,
        lambda: stage_appointment(actor, client_id, booking, now),
        "Appointment not booked: nothing was logged. Fix the fields marked below.")
    if appointment is None:
        found = db.session.get(Appointment, logged.outreach.appointment_id) if logged.outreach.appointment_id else None
        return Captured(logged, appointment=found)
    logged.outreach.appointment_id = appointment.id
    db.session.commit()
    return Captured(logged, appointment=appointment)
