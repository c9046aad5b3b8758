"""The request's "now" and "today": the signed-in user's store clock (jewelpwa.clock), read once per request."""

from __future__ import annotations

from datetime import date, datetime

from flask import g
from flask_login import current_user

from ..clock import store_now, store_today


def local_now(moment: datetime | None = None) -> datetime:
    """`moment` (default: now) on the signed-in user's store clock."""
    return store_now(current_user.store, moment)


def local_today() -> date:
    """The signed-in user's store day; one request is one day, even across midnight."""
    if "local_today" not in g:
        g.local_today = store_today(current_user.store)
    return g.local_today
