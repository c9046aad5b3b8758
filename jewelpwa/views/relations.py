"""Loyalty tiers, trade-up policy and top referrers (issue 8)."""

from flask import Blueprint

from ..web.render import render
from .pages import manager_required

bp = Blueprint("relations", __name__, url_prefix="/owner/loyalty")


@bp.get("/")
@manager_required
def index():
    return render("owner/placeholder.html", title="Loyalty", text="Loyalty tiers, trade-up credit policy and top referrers.")
