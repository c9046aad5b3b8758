"""Owner and manager pages for the tablet: huddles, team, staff, store settings."""

from flask import Blueprint

from ..web.render import render
from .pages import manager_required

bp = Blueprint("owner", __name__, url_prefix="/owner")


@bp.get("/huddle")
@manager_required
def huddle():
    """Morning and evening huddle."""
    return render("owner/placeholder.html", title="Huddle",
                  text="The morning and evening huddle will show each associate's list and results here.")


@bp.get("/team")
@manager_required
def team():
    """Team results."""
    return render("owner/placeholder.html", title="Team",
                  text="Team results over 7, 30 and 90 days will appear here.")


@bp.get("/staff")
@manager_required
def staff():
    """Staff accounts."""
    return render("owner/placeholder.html", title="Staff",
                  text="Adding staff, roles and targets from the tablet comes next; use the CLI meanwhile.")


@bp.get("/settings")
@manager_required
def settings():
    """Store settings."""
    return render("owner/placeholder.html", title="Store",
                  text="Timezone, country, morning hour and engine windows will be editable here.")
