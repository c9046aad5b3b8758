"""Today: the associate's ranked call list."""

from flask import Blueprint, redirect, url_for
from flask_login import current_user, login_required

from ..services.clock import store_today
from ..services.today import day_list
from ..web.render import render

bp = Blueprint("today", __name__)


@bp.get("/")
def root():
    return redirect(url_for("today.index"))


@bp.get("/today")
@login_required
def index():
    """The associate's list for today: progress against target, today's cards, then the rest."""
    listing = day_list(current_user, store_today(current_user.store))
    return render("today/index.html", "today_list", listing=listing)
