"""Repairs and services: the store's repair list for all staff, intake from the card, one-tap status moves."""

from __future__ import annotations

from flask import Blueprint, Response, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..services.access import get_client
from ..services.book.repairs import (
    FILTERS,
    STATUS_LABEL,
    get_repair,
    list_repairs,
    move_repair,
    take_in_repair,
)
from ..services.errors import Invalid
from ..web.clock import local_today
from ..web.redirects import local_path
from ..web.render import render, toast_trigger, wants_fragment
from .counter import card_url, go

bp = Blueprint("repairs", __name__, url_prefix="/repairs")
FILTER_LABEL = {"open": "Open", "overdue": "Overdue", **{str(k): v for k, v in STATUS_LABEL.items()}, "all": "All"}
MOVED = {"at_the_bench": "At the bench", "ready": "Ready: a pickup call is on the list", "picked_up": "Picked up",
         "cancelled": "Repair cancelled"}

@bp.get("/")
@login_required
def index():
    """The store's repairs: open ones first by promised day; filters by status and overdue."""
    which = request.args.get("show", "open")
    which = which if which in FILTERS else "open"
    lines = list_repairs(current_user, which, local_today())
    return Response(render("repairs/index.html", "repair_list", lines=lines, which=which,
                           filters=FILTER_LABEL, back=url_for("repairs.index", show=which)))

@bp.route("/intake/<int:client_id>", methods=["GET", "POST"])
@login_required
def intake(client_id: int):
    """Take in a repair for this client: the piece, the work, the promised day, the price quoted."""
    client = get_client(current_user, client_id)
    ctx = {"client": client, "form": request.form, "errors": {}, "message": None, "cancel_url": card_url(client.id),
           "min_on": local_today().isoformat()}
    if request.method == "POST":
        f = request.form
        try:
            repair = take_in_repair(current_user, client.id, f.get("item", ""), f.get("work", ""),
                                    f.get("promised_on", ""), f.get("quote", ""), local_today())
        except Invalid as e:
            ctx.update(errors=e.errors, message=e.message)
            return Response(render("repairs/intake.html", "repair_form", **ctx), 422)
        return go(card_url(client.id), f"Repair taken in: {repair.item}")
    return Response(render("repairs/intake.html", "repair_form", **ctx))

@bp.post("/<int:repair_id>/status")
@login_required
def move(repair_id: int):
    """One tap: the next status (or cancel). htmx gets the row back in place with a toast; a browser a 303."""
    status = request.form.get("status", "")
    back = local_path(request.form.get("back"), url_for("repairs.index"))
    try:
        move_repair(current_user, repair_id, status)
    except Invalid as e:
        if wants_fragment():
            return Response("", 409, toast_trigger(e.errors.get("status", e.message), kind="error"))
        return redirect(back, code=303)
    line = get_repair(current_user, repair_id, local_today())
    if wants_fragment():
        body = render_template("repairs/_row.html", line=line, back=back, show_client=bool(request.form.get("show_client")))
        return Response(body, 200, toast_trigger(f"{line.repair.item}: {MOVED[status]}"))
    return go(back, f"{line.repair.item}: {MOVED[status]}")
