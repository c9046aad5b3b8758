"""Campaigns that send (issue 20): write the message for a segment, preview it, test it on yourself, send it, then
follow each recipient's status and replies. Owner and manager pages; the service looks the campaign up in the
actor's store first (another store's id is 404) and then checks the role (an associate gets 403)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, flash, make_response, redirect, request, url_for
from flask_login import current_user, login_required

from ..services.errors import Invalid
from ..services.messages import campaigns as sending
from ..services.owner.segments import get_segment
from ..web.clock import local_today
from ..web.render import render

bp = Blueprint("campaigns", __name__, url_prefix="/owner/campaigns")
PAGE = "campaigns/show.html"


@bp.context_processor
def _choices() -> dict:
    return {"send_channels": sending.CHANNELS}


def _page(status: int = 200, block: str | None = None, **ctx: Any) -> Response:
    return make_response(render(PAGE, block, **ctx), status)


def _show(campaign_id: int, status: int = 200, form=None, errors=None, message=None) -> Response:  # noqa: ANN001
    campaign = sending.get_campaign(current_user, campaign_id)
    if campaign.send_state is None:  # a campaign of follow-ups: what it made
        return _page(status, campaign=campaign)
    if campaign.send_state == "draft":
        return _page(status, campaign=campaign, form=form or campaign_form(campaign), errors=errors or {},
                     message=message, preview=sending.preview_campaign(current_user, campaign_id))
    return _page(status, campaign=campaign, report=sending.campaign_report(current_user, campaign_id, local_today()))


def campaign_form(campaign) -> dict:  # noqa: ANN001
    return {"name": campaign.name, "send_channel": campaign.send_channel, "subject": campaign.subject or "",
            "body": campaign.body or ""}


@bp.route("/new/<int:segment_id>", methods=["GET", "POST"])
@login_required
def new(segment_id: int):
    """Write a message for a saved segment; saving makes a draft to preview and test before anything goes."""
    segment = get_segment(current_user, segment_id)
    if request.method == "GET":
        return make_response(render("campaigns/new.html", None, segment=segment, errors={},
                                    form={"send_channel": request.args.get("channel", "email")}))
    try:
        campaign = sending.draft_campaign(current_user, segment_id, request.form, local_today())
    except Invalid as exc:
        return make_response(render("campaigns/new.html", None, segment=segment, form=request.form,
                                    errors=exc.errors, message=exc.message), 422)
    return redirect(url_for("campaigns.show", campaign_id=campaign.id), 303)


@bp.route("/<int:campaign_id>", methods=["GET", "POST"])
@login_required
def show(campaign_id: int):
    """A draft: its message, the preview (counts and filled samples), the test; a sent one: each recipient."""
    if request.method == "GET":
        return _show(campaign_id)
    try:
        sending.save_draft(current_user, campaign_id, request.form)
    except Invalid as exc:
        return _show(campaign_id, 422, request.form, exc.errors, exc.message)
    flash("Saved. The preview below uses the new message.", "success")
    return redirect(url_for("campaigns.show", campaign_id=campaign_id), 303)


@bp.post("/<int:campaign_id>/test")
@login_required
def test(campaign_id: int):
    """Send the message, filled for one recipient, to the signed-in user (not a client; not counted)."""
    try:
        said = sending.send_test(current_user, campaign_id, request.form.get("phone"))
    except Invalid as exc:
        return _show(campaign_id, 422, errors=exc.errors, message=exc.message)
    flash(said, "success")
    return redirect(url_for("campaigns.show", campaign_id=campaign_id, _anchor="campaign-test"), 303)


@bp.route("/<int:campaign_id>/send", methods=["GET", "POST"])
@login_required
def send(campaign_id: int):
    """GET: the confirmation (how many, at what pace). POST: send, once; pressing again sends nothing more."""
    campaign = sending.get_campaign(current_user, campaign_id)
    if request.method == "GET" or campaign.send_state != "draft":
        if campaign.send_state != "draft":
            if request.method == "POST":
                flash("This campaign was sent already; nothing more was sent.", "success")
            return redirect(url_for("campaigns.show", campaign_id=campaign_id), 303)
        return make_response(render("campaigns/send.html", None, campaign=campaign, errors={},
                                    preview=sending.preview_campaign(current_user, campaign_id),
                                    pace=current_user.store.messages_per_minute))
    try:
        campaign, started = sending.start_sending(current_user, campaign_id, request.form.get("expected"),
                                                  request.form.get("pace"), base_url=request.url_root)
    except Invalid as exc:
        return make_response(render("campaigns/send.html", None, campaign=campaign, errors=exc.errors,
                                    message=exc.message, preview=sending.preview_campaign(current_user, campaign_id),
                                    pace=request.form.get("pace", "")), 422)
    if started:
        sending.queue_campaign(campaign.id)
        flash("Sending. Each recipient’s status shows below as the messages go.", "success")
    return redirect(url_for("campaigns.show", campaign_id=campaign_id), 303)
