"""Wish lists a gift-giver can open: the public, revocable page /w/<token>, and the card's send and revoke actions."""

from __future__ import annotations

from flask import Blueprint, Response, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response as BaseResponse

from ..domain.inputs import row_id
from ..services.access import get_client
from ..services.book import share_links
from ..services.errors import Invalid
from ..web.render import render, wants_fragment

bp = Blueprint("share", __name__)


def _person_id() -> int | None:
    value = request.form.get("person_id", "")
    return row_id(value)


def _to_card(client_id: int, message: str, category: str = "success") -> BaseResponse:
    flash(message, category)
    location = url_for("card.show", client_id=client_id) + "#card-wishes"
    if wants_fragment():
        return Response("", 200, {"HX-Redirect": location})
    return redirect(location, code=303)


@bp.get("/w/<token>")
def shared(token: str):
    """What the giver sees: the first name of whose list it is, its open items, and the store. No login."""
    wish_list = share_links.shared_list(token)
    response = make_response(render_template("share/list.html", wish_list=wish_list))
    # Private by design: kept out of search engines, and never cached on the way.
    response.headers["X-Robots-Tag"] = "noindex, nofollow, noarchive"
    return response


@bp.post("/clients/<int:client_id>/wish-lists/share")
@login_required
def send(client_id: int):
    """A new private link to one list, with a text and an e-mail ready to send; the link is shown this once."""
    client = get_client(current_user, client_id)
    try:
        sending = share_links.create_share_link(current_user, client.id, _person_id(),
                                                lambda token: url_for("share.shared", token=token, _external=True))
    except Invalid as exc:
        return _to_card(client.id, exc.errors.get("share") or exc.message, "error")
    return render("share/send.html", "send_panel", client=client, sending=sending)


@bp.post("/clients/<int:client_id>/wish-lists/revoke")
@login_required
def revoke(client_id: int):
    """Every link to this list stops working at once."""
    client = get_client(current_user, client_id)
    count = share_links.revoke_list_links(current_user, client.id, _person_id())
    return _to_card(client.id, f"{count} link{'' if count == 1 else 's'} revoked: they no longer open the list"
                    if count else "No live links to revoke")
