"""Today: the ranked call list (filled by the engine work)."""

from flask import Blueprint, redirect, url_for
from flask_login import login_required

from ..web.render import render

bp = Blueprint("today", __name__)


@bp.get("/")
def root():
    return redirect(url_for("today.index"))


@bp.get("/today")
@login_required
def index():
    """The associate's list for today."""
    return render("today/index.html", "today_list")
