"""Clients: search the store's client book as you type."""

from flask import Blueprint, request
from flask_login import current_user, login_required

from ..services.book.search import search_clients
from ..web.render import render

bp = Blueprint("clients", __name__)


@bp.get("/clients")
@login_required
def index():
    """Search by name, phone digits or email; an empty search lists my clients, latest touch first."""
    result = search_clients(current_user, request.args.get("q", "")[:100], tier=request.args.get("tier") or None,
                            mine=request.args.get("mine") == "1")
    return render("clients/index.html", "results", result=result)
