"""Owner and manager pages for the tablet: huddles, team results, book health, milestone calendar."""

from flask import Blueprint

from ..web.render import render
from .pages import manager_required

bp = Blueprint("owner", __name__, url_prefix="/owner")


def _placeholder(title: str, text: str):
    return render("owner/placeholder.html", title=title, text=text)


@bp.get("/huddle")
@manager_required
def huddle():
    """Morning and evening huddle."""
    return _placeholder("Huddle", "The morning and evening huddle will show each associate's list and results here.")


@bp.get("/team")
@manager_required
def team():
    """Team results."""
    return _placeholder("Team", "Team results over 7, 30 and 90 days will appear here.")


@bp.get("/health")
@manager_required
def health():
    """Book health."""
    return _placeholder("Book health", "Reach, touches per client and milestone coverage will appear here.")


@bp.get("/calendar")
@manager_required
def calendar():
    """Milestone calendar."""
    return _placeholder("Calendar", "A month of anniversaries and birthdays will appear here.")
