"""Repairs and services: intake, status, pickups (issue 8)."""

from flask import Blueprint

from ..web.render import render
from .pages import manager_required

bp = Blueprint("repairs", __name__, url_prefix="/repairs")


@bp.get("/")
@manager_required
def index():
    return render("owner/placeholder.html", title="Repairs", text="Repairs taken in, at the bench and ready for pickup.")
