"""One-tap outcome logging and its undo."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..database import only_reads_from_now
from ..domain.inputs import iso_date
from ..extensions import db, htmx
from ..models import Client, Outreach
from ..services.access import get_client
from ..services.book.outreach import log_outreach, summary, undo_outreach
from ..services.book.today import today_row
from ..services.engine.day_lists import CallList, done_count
from ..services.errors import Invalid
from ..web.clock import local_today
from ..web.redirects import local_path
from ..web.render import toast_trigger, wants_fragment

bp = Blueprint("outreach", __name__)

SNOOZE_DAYS = 7


@bp.app_context_processor
def _snooze_days() -> dict:
    """The outcome form is included by other pages too: its "not now" date defaults to a week from today."""
    def day(offset: int) -> str:
        if not current_user.is_authenticated:
            return ""
        return (local_today() + timedelta(days=offset)).isoformat()
    return {"outreach_snooze_default": lambda: day(SNOOZE_DAYS), "outreach_snooze_min": lambda: day(1)}


def _day(value: str | None) -> date | None:
    return iso_date(value)


def _moment(value: str | None) -> datetime | None:
    """The outbox's ISO tap time ("2026-11-22T15:04:05.123Z"); anything else is ignored, not an error."""
    try:
        moment = datetime.fromisoformat(value) if value and len(value) <= 40 else None
    except ValueError:
        return None
    return moment if moment and iso_date(moment.date().isoformat()) else None


def for_today() -> bool:
    """A Today row asked: its form says view=today, or htmx targets a row-<id> element."""
    return wants_fragment() and (request.values.get("view") == "today" or (htmx.target or "").startswith("row-"))


def row_answer(client: Client, **context) -> str:
    """The client's Today row as it now stands (or a compact logged row) plus the progress, swapped out of band."""
    on = local_today()
    progress = CallList(on, current_user.daily_target, done_count(current_user, on), [])
    row = render_template("today/_row.html", item=today_row(current_user, client.id, on), client=client,
                          client_id=client.id, **context)
    return row + render_template("today/_progress.html", listing=progress, oob=True)


@bp.post("/clients/<int:client_id>/outreach")
@login_required
def log(client_id: int):
    """Log what happened on a call, text or visit; htmx gets the updated row, a plain browser a 303."""
    form, next_url = request.form, local_path(request.form.get("next"), url_for("today.index"))
    outcome = form.get("outcome", "")
    try:
        logged = log_outreach(current_user, client_id, form.get("channel", ""), outcome, form.get("note"),
                              idempotency_key=(form.get("idempotency_key") or "").strip() or None,
                              snooze_until=_day(form.get("snooze_until")) if outcome == "not_now" else None,
                              tapped_at=_moment(form.get("occurred_at")))
    except Invalid as error:
        return _invalid(client_id, error, next_url)
    only_reads_from_now(db.session())  # committed: the answer only reads
    return answer_logged(logged.outreach, summary(logged.outreach), next_url)


def answer_logged(outreach: Outreach, said: str, next_url: str, undoable: bool = True):
    """After a touch is stored: the Today row (or a "logged" note) and a toast for htmx, a 303 for a browser.

    The toast and the row offer the same Undo (one URL: js/app.js keeps them in step); a touch that captured a
    sale offers none (undo_outreach refuses it)."""
    if not wants_fragment():
        flash(said, "success")
        return redirect(next_url, code=303)
    undo_url = url_for("outreach.undo", outreach_id=outreach.id, next=next_url) if undoable else None
    if for_today():
        body = row_answer(outreach.client, said=said, undo_url=undo_url)
        toast = {"undo_url": undo_url, "undo_target": f"#row-{outreach.client_id}"} if undo_url else {}
    else:
        body = render_template("outreach/_logged.html", said=said, undo_url=undo_url, next_url=next_url,
                               target=htmx.target)
        toast = {"undo_url": undo_url, **({"undo_target": f"#{htmx.target}"} if htmx.target else {})} if undo_url else {}
    return Response(body, headers=toast_trigger(said, **toast))


def _invalid(client_id: int, error: Invalid, next_url: str):
    """Nothing was stored: the same form again with what to fix (in the row for htmx, as a page without JS)."""
    errors = error.errors or {"outcome": error.message}
    context = dict(outcome_errors=errors, outcome_note=request.form.get("note", ""), outcome_open=True,
                   outcome_channel=request.form.get("channel", ""))
    if for_today():
        return row_answer(get_client(current_user, client_id), **context), 422
    target = f"#{htmx.target}" if wants_fragment() and htmx.target else None
    template = "outreach/_invalid.html" if wants_fragment() else "outreach/invalid.html"
    return render_template(template, message=error.message, outcome_client_id=client_id, outcome_next=next_url,
                           outcome_target=target, **context), 422


@bp.post("/outreach/<int:outreach_id>/undo")
@login_required
def undo(outreach_id: int):
    """Take back a touch logged in the last 15 minutes: htmx gets the restored row, a plain browser a 303."""
    next_url = local_path(request.values.get("next"), url_for("today.index"))
    try:
        undone = undo_outreach(current_user, outreach_id)
    except Invalid as error:
        if wants_fragment():  # the row stays as it is; the toast says why
            return Response(status=204, headers=toast_trigger(error.message, category="error"))
        return render_template("errors/error.html", status=422, title="Not undone", text=error.message), 422
    only_reads_from_now(db.session())  # committed, as in log()
    said = f"Undone: {undone.client.display_name} is back as before"
    if for_today():
        return Response(row_answer(undone.client), headers=toast_trigger(said))
    flash(said, "success")
    if htmx and not htmx.boosted:
        return Response(status=204, headers={"HX-Redirect": next_url, **toast_trigger(said)})
    return redirect(next_url, code=303)
