"""Sold and Booked in the same flow: the sheet that captures the sale or the appointment, then one save.

The outcome form's Sold and Booked buttons post here (formaction) and get the sheet; nothing is stored until the
sheet is saved (save=1), then the outcome and what it captured are stored together or not at all."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import uuid4

from flask import Blueprint, render_template, request, url_for
from flask_login import current_user, login_required

from ..domain.vocab import ItemCategory, Relation
from ..models import Client
from ..services.access import get_client
from ..services.book.appointments import DURATIONS, KIND_LABEL, staff_choices, when_text
from ..services.book.capture import SaleInput, log_booked, log_sold_sale, sheet_occasion
from ..services.book.outreach import summary
from ..services.errors import Invalid
from ..web.clock import local_now, local_today
from ..web.locale import money
from ..web.redirects import local_path
from .appointments import booking_input
from .counter import OCCASIONS, item_rows, posted_occasion, sale_items
from .outreach import answer_logged, for_today, row_answer

bp = Blueprint("capture", __name__)

SHEET_ITEM_ROWS = 2  # blank rows are ignored; more items go through the counter's sale form


def _next() -> str:
    return local_path(request.form.get("next"), url_for("today.index"))


def _sheet(client: Client, sheet: str, status: int = 200, **context: Any):
    """The sheet inside the client's Today row (htmx from Today), else as a page (no JavaScript, the card)."""
    f = request.form
    ctx = {"sheet": sheet, "sheet_client": client, "sheet_channel": f.get("channel", ""),
           "sheet_note": f.get("note", ""), "sheet_next": _next(), "sheet_view": f.get("view", ""),
           # The outbox's key when the outcome form sent one: a double save stores the sheet once.
           "sheet_key": (f.get("idempotency_key") or "").strip()[:64] or uuid4().hex,
           "errors": {}, "message": None, **context}
    if for_today():
        return row_answer(client, **ctx), status
    return render_template("outreach/sheet.html", **ctx), status


@bp.post("/clients/<int:client_id>/outreach/sale")
@login_required
def sale(client_id: int):
    """Sold: the sale sheet, prefilled; saved, the outcome and the sale are stored together, linked."""
    client = get_client(current_user, client_id)
    sale_ctx: dict[str, Any] = {"occasions": OCCASIONS, "categories": list(ItemCategory), "relations": list(Relation),
                "item_count": SHEET_ITEM_ROWS}
    if request.form.get("save") != "1":
        occasion = sheet_occasion(current_user, client.id, local_today()) or ""
        return _sheet(client, "sale", form={"occasion": occasion}, rows=[], **sale_ctx)
    rows, f = item_rows(), request.form
    try:
        captured = log_sold_sale(current_user, client.id, f.get("channel", ""), f.get("note"),
                                 SaleInput(sale_items(rows), posted_occasion(), f.get("recipient", "")),
                                 local_today(), idempotency_key=f.get("idempotency_key") or None)
    except Invalid as e:
        return _sheet(client, "sale", 422, form=f, rows=rows, errors=e.errors, message=e.message, **sale_ctx)
    total = captured.purchase.total if captured.purchase else 0
    said = f"{summary(captured.logged.outreach)} · sale {money(total)} saved"
    return answer_logged(captured.logged.outreach, said, _next(), undoable=False)


@bp.post("/clients/<int:client_id>/outreach/booking")
@login_required
def booking(client_id: int):
    """Booked: the appointment picker (kind, day, time, with whom); saved, the outcome and the appointment together."""
    client = get_client(current_user, client_id)
    booking_ctx: dict[str, Any] = {"kinds": KIND_LABEL, "durations": DURATIONS, "staff": staff_choices(current_user),
                   "min_on": local_today().isoformat()}
    if request.form.get("save") != "1":
        tomorrow = (local_now() + timedelta(days=1)).date().isoformat()
        values = {"kind": "consultation", "on": tomorrow, "at": "11:00", "duration_min": "30",
                  "user_id": str(current_user.id)}
        return _sheet(client, "booking", form=values, **booking_ctx)
    f = request.form
    try:
        captured = log_booked(current_user, client.id, f.get("channel", ""), f.get("note"), booking_input(),
                              idempotency_key=f.get("idempotency_key") or None)
    except Invalid as e:
        return _sheet(client, "booking", 422, form=f, errors=e.errors, message=e.message, **booking_ctx)
    appt = captured.appointment
    said = summary(captured.logged.outreach)
    if appt is not None:
        said += f" · {KIND_LABEL[appt.kind].lower()} {when_text(local_now(appt.starts_at))}"
    return answer_logged(captured.logged.outreach, said, _next())
