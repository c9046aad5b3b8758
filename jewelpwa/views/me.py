"""Me: my account, password, devices, calendar feed."""

from flask import Blueprint, make_response, url_for
from flask_login import current_user, login_required

from ..services.data import calendar_feed
from ..services.owner.team_board import week_board
from ..web.clock import local_today
from ..web.render import after_mutation, render

bp = Blueprint("me", __name__)


@bp.app_context_processor
def _feed_state() -> dict:
    # A function, not a value: the password form re-renders this page from another blueprint, and only a
    # page that shows the feed card asks the database.
    return {"calendar_feed_of": calendar_feed.feed_of}


def feed_links(token: str) -> dict[str, str]:
    https = url_for("feeds.calendar", feed_token=token, _external=True)
    return {"https": https, "webcal": "webcal://" + https.split("://", 1)[1]}


@bp.get("/me")
@login_required
def index():
    """Account page, with my last seven days (and the team's, where the owner shares them)."""
    board = week_board(current_user, local_today())
    return render("me/index.html", errors={}, board=board)


@bp.post("/me/calendar-feed")
@login_required
def calendar_feed_new():
    """Create the calendar link, or replace it: the old URL stops working at once. The link is shown once."""
    token = calendar_feed.make_feed(current_user)
    response = make_response(render("me/index.html", "calendar_feed", errors={}, links=feed_links(token)))
    # The secret must not be kept in a cache or the back-forward history.
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/me/calendar-feed/off")
@login_required
def calendar_feed_off():
    """Turn the calendar feed off; the URL answers 404 from now on."""
    calendar_feed.turn_off(current_user)
    return after_mutation(url_for("me.index"), "me/index.html", "calendar_feed",
                          "Calendar feed turned off. Remove the calendar from your phone too.", errors={})
