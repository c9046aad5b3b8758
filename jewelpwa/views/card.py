"""The client card: why now, talking points, timeline, and every section editable in place."""

from flask import Blueprint, abort, request, url_for
from flask_login import current_user, login_required

from ..services.book.card import client_card
from ..services.book.client_edit import SECTIONS, form_values, update_client
from ..services.errors import Invalid
from ..services.owner.audit import record_client_view
from ..web.clock import local_today
from ..web.render import after_mutation, render

bp = Blueprint("card", __name__)
TEMPLATE = "clients/card.html"
SAVED = {"contact": "Contact details saved", "preferences": "Preferences saved",
         "communication": "Communication preferences saved", "notes": "Notes saved"}


def _card(client_id: int):
    return client_card(current_user, client_id, local_today(), show_all=request.args.get("all") == "1")


@bp.get("/clients/<int:client_id>")
@login_required
def show(client_id: int):
    """The whole card; with ?section=name an htmx request gets that section back in view mode (Cancel)."""
    card = _card(client_id)
    section = request.args.get("section")
    block = f"section_{section}" if section in SECTIONS else None
    page = render(TEMPLATE, block, card=card, editing=None, values={}, errors={})
    # Recorded once the card is rendered: on PostgreSQL the row is committed with the request's transaction.
    record_client_view(current_user, card.client.id, request.remote_addr)
    return page


@bp.get("/clients/<int:client_id>/edit/<section>")
@login_required
def edit(client_id: int, section: str):
    """A section as a form: the fragment for htmx, the whole card with that section open for a plain browser."""
    card = _card(client_id)  # another store's client is a 404 before the section name is even looked at
    if section not in SECTIONS:
        abort(404)
    page = render(TEMPLATE, f"section_{section}", card=card, editing=section,
                  values=form_values(card.client, section), errors={})
    record_client_view(current_user, card.client.id, request.remote_addr)
    return page


@bp.post("/clients/<int:client_id>/<section>")
@login_required
def update(client_id: int, section: str):
    """Save one section; bad input comes back as the form with the user's input and a message per field (422)."""
    try:
        update_client(current_user, client_id, section, request.form)
    except Invalid as e:
        card = _card(client_id)
        return render(TEMPLATE, f"section_{section}", card=card, editing=section,
                      values=form_values(card.client, section, request.form), errors=e.errors), 422
    return after_mutation(url_for("card.show", client_id=client_id, _anchor=f"card-{section}"), TEMPLATE,
                          f"section_{section}", SAVED[section], card=_card(client_id), editing=None, values={},
                          errors={}, oob_reach=section in ("contact", "communication", "notes"))
