"""Upcoming: the next weeks of milestones for my clients."""

from flask import Blueprint
from flask_login import login_required

from ..web.render import render

bp = Blueprint("upcoming", __name__)


@bp.get("/upcoming")
@login_required
def index():
    """Milestones ahead, by week."""
    return render("upcoming/index.html")
