"""Appointments booked from the card (issue 8): book, change, and mark what happened."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, Response, request
from flask_login import current_user, login_required

from ..services.access import get_client
from ..services.book.appointments import (
    CLOSING,
    DURATIONS,
    KIND_LABEL,
    BookingInput,
    book_appointment,
    close_appointment,
    get_appointment,
    move_appointment,
    staff_choices,
    when_text,
)
from ..services.errors import Invalid
from ..web.clock import local_now
from ..web.render import render
from .counter import card_url, go

bp = Blueprint("appointments", __name__)
FORM = "appointments/form.html"


def booking_input() -> BookingInput:
    f = request.form
    return BookingInput(f.get("kind", ""), f.get("on", ""), f.get("at", ""), f.get("duration_min", "30"),
                        f.get("user_id", ""), f.get("note", ""))


def _form_page(client, appt, values: dict, action: str, save):
    """GET shows the form; POST saves and goes to the card, or answers 422 with each field's message."""
    ctx = {"client": client, "appointment": appt, "form": values, "errors": {}, "message": None, "action": action,
           "kinds": KIND_LABEL, "durations": DURATIONS, "staff": staff_choices(current_user),
           "cancel_url": card_url(client.id), "min_on": local_now().date().isoformat()}
    if request.method == "POST":
        try:
            saved = save()
        except Invalid as e:
            ctx.update(form=request.form, errors=e.errors, message=e.message)
            return Response(render(FORM, "appointment_form", **ctx), 422)
        local = local_now(saved.starts_at)
        return go(card_url(client.id), f"{KIND_LABEL[saved.kind]} booked for {when_text(local)}")
    return Response(render(FORM, "appointment_form", **ctx))


@bp.route("/clients/<int:client_id>/appointments/new", methods=["GET", "POST"])
@login_required
def new(client_id: int):
    """Book an appointment for this client: what, when (store time), how long, with whom, a note."""
    client = get_client(current_user, client_id)
    soon = local_now() + timedelta(days=1)
    values = {"kind": request.args.get("kind", "consultation"), "on": soon.date().isoformat(), "at": "11:00",
              "duration_min": "30", "user_id": str(current_user.id)}
    return _form_page(client, None, values, "new",
                      lambda: book_appointment(current_user, client.id, booking_input()))


@bp.route("/appointments/<int:appointment_id>/edit", methods=["GET", "POST"])
@login_required
def edit(appointment_id: int):
    """Move a booked appointment (its push reminders move with it)."""
    line = get_appointment(current_user, appointment_id)
    appt = line.appointment
    values = {"kind": appt.kind, "on": line.starts.date().isoformat(), "at": line.starts.strftime("%H:%M"),
              "duration_min": str(appt.duration_min), "user_id": str(appt.user_id or ""), "note": appt.note or ""}
    return _form_page(line.client, appt, values, "edit",
                      lambda: move_appointment(current_user, appt.id, booking_input()))


@bp.route("/appointments/<int:appointment_id>", methods=["GET", "POST"])
@login_required
def show(appointment_id: int):
    """One appointment, and the form to record what happened: done, no-show or cancelled, with a note."""
    line = get_appointment(current_user, appointment_id)
    ctx = {"line": line, "form": request.form, "errors": {}, "message": None, "closing": CLOSING,
           "cancel_url": card_url(line.client.id)}
    if request.method == "POST":
        status = request.form.get("status", "")
        try:
            close_appointment(current_user, appointment_id, status, request.form.get("note", ""))
        except Invalid as e:
            ctx.update(errors=e.errors, message=e.message)
            return Response(render("appointments/show.html", "appointment_outcome", **ctx), 422)
        said = {"done": "marked done, visit logged", "no_show": "marked no-show: a call to reschedule is on the list",
                "cancelled": "cancelled"}[status]
        return go(card_url(line.client.id), f"{line.label} {said}")
    return Response(render("appointments/show.html", "appointment_outcome", **ctx))
