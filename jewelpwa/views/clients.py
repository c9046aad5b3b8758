"""Clients: search and the client card."""

from flask import Blueprint
from flask_login import login_required

from ..web.render import render

bp = Blueprint("clients", __name__)


@bp.get("/clients")
@login_required
def index():
    """Search the store's client book."""
    return render("clients/index.html")
