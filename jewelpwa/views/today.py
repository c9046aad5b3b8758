"""Today: the associate's ranked call list."""

from flask import Blueprint, redirect, request, url_for
from flask_login import current_user, login_required

from ..services.book.appointments import day_appointments
from ..services.book.today import today_page
from ..web.clock import local_today
from ..web.page_cache import kept, page_key
from ..web.render import render

bp = Blueprint("today", __name__)

MORE_PAGE = 50


@bp.get("/")
def root():
    return redirect(url_for("today.index"))


@bp.get("/today")
@login_required
def index():
    """The associate's list for today: progress against target, today's rows, then "More" fifty at a time.

    "More" is read when it is opened (`?more=50`): in holiday season it holds thousands of clients, and the
    first screen should cost ten rows, not sixty."""
    more = min(max(request.args.get("more", 0, type=int), 0), 5000)
    on = local_today()

    def make() -> str:
        page = today_page(current_user, on, more_limit=more)
        return render("today/index.html", "today_list", page=page, appointments=day_appointments(current_user, on))

    # Kept for a minute while nothing in the store changes (web/page_cache.py): reopening Today is the
    # commonest request of the day.
    return kept(page_key(on), make)
