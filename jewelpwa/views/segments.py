"""Segments, campaigns and direct-mail lists (issue 7): owner and manager pages on the tablet."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, flash, make_response, redirect, request, url_for
from flask_login import current_user, login_required

from ..services.engine.client_filter import CHOICES, ClientFilter, FormDict
from ..services.errors import Invalid
from ..services.owner import campaigns, direct_mail
from ..services.owner import segments as seg
from ..services.owner.assignment import assignable
from ..web.clock import local_today
from ..web.locale import current_locale
from ..web.render import render
from .pages import manager_required

bp = Blueprint("segments", __name__, url_prefix="/owner/segments")
# Routes with a segment id take login only: the service looks the row up in the actor's store first (another
# store's id is 404, as test_scoping walks it) and then checks the role (an associate gets 403).


@bp.context_processor
def _choices() -> dict:
    return {"filter_choices": CHOICES, "channels": campaigns.CHANNELS}


def _builder(form, errors=None, **extra) -> dict:  # noqa: ANN001 - the form, query string or saved filter
    """What the builder shows: the fields as typed, per-field errors, and the live count with a sample."""
    errors = dict(errors or {})
    preview = None
    try:
        preview = seg.preview(current_user, ClientFilter.parse(form, locale=current_locale()))
    except Invalid as exc:
        errors.update(exc.errors)
    return {"form": form, "errors": errors, "preview": preview,
            "associates": [(u.id, u.name) for u in assignable(current_user)], **extra}


def _page(template: str, block: str | None, status: int = 200, **ctx: Any) -> Response:
    response = make_response(render(template, block, **ctx), status)
    return response


@bp.route("/", methods=["GET", "POST"])
@manager_required
def index():
    """The filter builder with a live count, the saved segments and the latest campaigns."""
    if request.method == "POST":
        try:
            segment = seg.save_segment(current_user, request.form)
        except Invalid as exc:
            return _page("segments/index.html", None, 422, message=exc.message, **_index_context(request.form, exc.errors))
        flash(f"Saved segment {segment.name}.", "success")
        return redirect(url_for("segments.edit", segment_id=segment.id), 303)
    block = "segment_count" if request.args.get("count_only") else None
    return _page("segments/index.html", block, **_index_context(request.args))


def _index_context(form, errors=None) -> dict:  # noqa: ANN001
    return _builder(form, errors, saved=seg.list_segments(current_user), campaign_list=campaigns.list_campaigns(current_user),
                    names=seg.staff_names(current_user), filter_of=seg.filter_of)


@bp.route("/<int:segment_id>", methods=["GET", "POST"])
@login_required
def edit(segment_id: int):
    """One saved segment: change its filter, start a campaign, download its mail list, delete it."""
    segment = seg.get_segment(current_user, segment_id)
    if request.method == "POST":
        try:
            seg.save_segment(current_user, request.form, segment_id)
        except Invalid as exc:
            return _page("segments/edit.html", None, 422, message=exc.message,
                         **_edit_context(segment, request.form, exc.errors))
        flash(f"Saved segment {segment.name}.", "success")
        return redirect(url_for("segments.edit", segment_id=segment.id), 303)
    form = FormDict({"name": segment.name, **(segment.filter or {})})
    return _page("segments/edit.html", None, **_edit_context(segment, form))


def _edit_context(segment, form, errors=None) -> dict:  # noqa: ANN001
    return _builder(form, errors, segment=segment, mail=direct_mail.mail_counts(current_user, segment.id))


@bp.post("/<int:segment_id>/delete")
@login_required
def delete(segment_id: int):
    """Delete a saved segment (its campaigns and their follow-ups stay)."""
    name = seg.delete_segment(current_user, segment_id)
    flash(f"Deleted segment {name}.", "success")
    if request.headers.get("HX-Request"):
        return Response("", 200, {"HX-Redirect": url_for("segments.index")})
    return redirect(url_for("segments.index"), 303)


@bp.route("/<int:segment_id>/campaign", methods=["GET", "POST"])
@login_required
def campaign(segment_id: int):
    """Start a campaign from a segment: one follow-up per matching client the contact gate lets through."""
    segment = seg.get_segment(current_user, segment_id)
    today = local_today()
    ctx: dict[str, Any] = {"segment": segment, "describe": seg.filter_of(segment).describe(seg.staff_names(current_user), current_locale()),
           "preview": seg.preview(current_user, seg.filter_of(segment)), "today": today}
    if request.method == "GET":
        return _page("segments/campaign.html", "campaign_form", form=campaigns.default_window(today), errors={}, **ctx)
    try:
        run = campaigns.start_campaign(current_user, segment_id, request.form, today)
    except Invalid as exc:
        return _page("segments/campaign.html", "campaign_form", 422, form=request.form, errors=exc.errors,
                     message=exc.message, **ctx)
    flash(run.summary(), "success")
    if request.headers.get("HX-Request"):
        return Response("", 200, {"HX-Redirect": url_for("segments.index")})
    return redirect(url_for("segments.index"), 303)


@bp.get("/<int:segment_id>/mail.csv")
@login_required
def mail_list(segment_id: int):
    """The segment's direct-mail list as CSV: name and postal address of those who may get mail."""
    filename, text = direct_mail.mail_csv(current_user, segment_id, request.remote_addr)
    return Response("\ufeff" + text, mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
