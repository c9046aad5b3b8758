"""Upcoming: the next weeks of milestones for my clients."""

from flask import Blueprint, request
from flask_login import current_user, login_required

from ..services.book.upcoming import upcoming_milestones
from ..web.clock import local_today
from ..web.page_cache import kept, page_key
from ..web.render import render

bp = Blueprint("upcoming", __name__)

WEEKS = 8
PER_WEEK = 40  # a big book has hundreds of dates a week: the phone shows the first, "show all" the rest


@bp.get("/upcoming")
@login_required
def index():
    """Birthdays, anniversaries and family dates of my clients for the next eight weeks, by week."""
    tier = request.args.get("tier") or None
    show_all = request.args.get("all") == "1"
    on = local_today()

    def make() -> str:
        weeks = upcoming_milestones(current_user, on, WEEKS, tier=tier)
        return render("upcoming/index.html", "upcoming_list", weeks=weeks, tier=tier, on=on, horizon_weeks=WEEKS,
                      per_week=None if show_all else PER_WEEK)

    # Eight weeks of a big book's dates take 100-300 ms to gather; reopened with nothing changed, it is kept,
    # also across the associate's outcomes: it shows no follow-up or touch (a do-not-contact moves the store).
    return kept(page_key(on, moved_by_outcomes=False), make)
