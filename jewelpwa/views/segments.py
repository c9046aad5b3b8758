"""Segments, campaigns and direct-mail lists (issue 7)."""

from flask import Blueprint

from ..web.render import render
from .pages import manager_required

bp = Blueprint("segments", __name__, url_prefix="/owner/segments")


@bp.get("/")
@manager_required
def index():
    return render("owner/placeholder.html", title="Segments", text="Filter the book, save a segment, start a campaign.")
