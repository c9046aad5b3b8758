"""Helpers shared by the simple page blueprints."""

from __future__ import annotations

from functools import wraps

from flask_login import current_user, login_required

from ..services.access import require_manager


def manager_required(view):
    """Owner pages: associates get 403 (they know the page exists; it is just not theirs)."""

    @login_required
    @wraps(view)
    def wrapped(*args, **kwargs):
        require_manager(current_user)
        return view(*args, **kwargs)

    return wrapped
