"""Owner and manager administration on the tablet: staff, client assignment, store settings and events."""

from flask import Blueprint

from ..web.render import render
from .pages import manager_required

bp = Blueprint("admin", __name__, url_prefix="/owner")


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
