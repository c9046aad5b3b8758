"""Owner and manager pages for the tablet: huddles, team results, book health, milestone calendar."""

from flask import Blueprint, current_app, request
from flask_login import current_user

from ..services.errors import Invalid
from ..services.owner.background import background_stopped
from ..services.owner.book_health import book_health
from ..services.owner.capacity import capacity
from ..services.owner.huddle import huddle as huddle_of
from ..services.owner.milestone_calendar import month_calendar
from ..services.owner.team_report import PERIODS, team_report
from ..web.clock import local_today
from ..web.render import render
from .pages import manager_required

bp = Blueprint("owner", __name__, url_prefix="/owner")


@bp.get("/huddle")
@manager_required
def huddle():
    """Morning huddle (each associate's list, top reasons, appointments) or evening huddle (results)."""
    try:
        result = huddle_of(current_user, request.args.get("view"), request.args.get("date"))
    except Invalid as e:
        return render("owner/huddle.html", "huddle_body", result=None, errors=e.errors, message=e.message), 422
    # The morning huddle also says what the book asked of the team this month and what was let go, and whether
    # background work (planning, reminders) has stopped.
    morning = result.view == "morning"
    room = capacity(current_user, result.on) if morning else None
    stopped = background_stopped(current_user, current_app.config["REDIS_URL"]) if morning else None
    return render("owner/huddle.html", "huddle_body", result=result, errors={}, capacity=room, stopped=stopped)


@bp.get("/team")
@manager_required
def team():
    """Team results over 7, 30 or 90 days or a chosen range, with a leaderboard and a trend chart."""
    args = {k: request.args.get(k) for k in ("days", "start", "end")}
    try:
        report = team_report(current_user, local_today(), **args)
    except Invalid as e:
        return render("owner/team.html", "team_body", report=None, periods=PERIODS, args=args, errors=e.errors,
                      message=e.message), 422
    return render("owner/team.html", "team_body", report=report, periods=PERIODS, args=args, errors={})


@bp.get("/health")
@manager_required
def health():
    """Book health: reach by tier, touches against five a year, milestone coverage, repeat buyers, spend."""
    today = local_today()
    return render("owner/health.html", health=book_health(current_user, today), capacity=capacity(current_user, today))


@bp.get("/calendar")
@manager_required
def calendar():
    """A month of client anniversaries and birthdays, optionally one associate's clients only."""
    args = {k: request.args.get(k) for k in ("month", "associate", "day")}
    try:
        month = month_calendar(current_user, local_today(), **args)
    except Invalid as e:
        return render("owner/calendar.html", "calendar_body", month=None, errors=e.errors, message=e.message), 422
    return render("owner/calendar.html", "calendar_body", month=month, errors={})
