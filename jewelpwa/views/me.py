"""Me: my account, password, devices."""

from flask import Blueprint, render_template
from flask_login import login_required

bp = Blueprint("me", __name__)


@bp.get("/me")
@login_required
def index():
    """Account page."""
    return render_template("me/index.html", errors={})
