"""Per-user calendar feeds (ICS) behind a secret URL (issue 7): no login, the token is the key."""

from flask import Blueprint, Response

from ..services.data import calendar_feed

bp = Blueprint("feeds", __name__)


@bp.get("/feeds/<feed_token>.ics")
def calendar(feed_token: str):
    """The feed a phone's calendar subscribes to; a wrong, rotated or turned-off token is 404."""
    body = calendar_feed.feed_text(feed_token)
    return Response(body, mimetype="text/calendar",
                    headers={"Content-Disposition": 'inline; filename="jewelpwa.ics"'})
