"""Data in and out: import, export and privacy (issue 7)."""

from flask import Blueprint

from ..web.render import render
from .pages import manager_required

bp = Blueprint("data", __name__, url_prefix="/owner/data")


@bp.get("/")
@manager_required
def index():
    return render("owner/placeholder.html", title="Import and export", text="Import from a point-of-sale export, export the book, privacy requests.")
