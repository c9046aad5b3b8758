"""Error pages: service errors mapped to status codes, rendered with the same headers as any page."""

from __future__ import annotations

from flask import Flask, render_template, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from ..extensions import login_manager
from ..services.errors import Invalid, NotAllowed, NotFound

# The only write a signed-out visitor may make; every other write needs a session first.
SIGNED_OUT_WRITES = {"auth.login"}

MESSAGES = {
    400: ("Something was wrong with that request", "Go back and try again."),
    403: ("Not for your role", "This page is for the store's owner or managers."),
    404: ("Not found", "That page or client does not exist here."),
    405: ("Not allowed", "That action is not available here."),
    413: ("Too much at once", "That was more than JewelPWA takes in one request."),
    422: ("Please check the form", "Some details need fixing before they can be saved."),
    429: ("Too many attempts", "Wait a minute, then try again."),
    500: ("Something broke on our side", "Nothing you did caused this. Try again in a moment."),
}


def error_page(status: int, detail: str | None = None) -> tuple[str, int]:
    title, text = MESSAGES.get(status, MESSAGES[500])
    return render_template("errors/error.html", status=status, title=title, text=detail or text), status


def init_errors(app: Flask) -> None:
    @app.errorhandler(NotFound)
    def _not_found(_e: NotFound):
        return error_page(404)

    @app.errorhandler(NotAllowed)
    def _not_allowed(_e: NotAllowed):
        return error_page(403)

    @app.errorhandler(Invalid)
    def _invalid(e: Invalid):
        return error_page(422, e.message)

    @app.errorhandler(CSRFError)
    def _csrf(_e: CSRFError):
        if not current_user.is_authenticated and request.endpoint not in SIGNED_OUT_WRITES:
            # An ended session takes its form token with it: the honest answer is "sign in", not "expired form".
            # The phone's outbox keeps a write that meets a 400 and drops nothing, but waits for a sign-in on a
            # 401; answering 400 here also rendered a page whose fresh token cookie could overwrite the login
            # page's, so the outcome waited on the sign-in page with no way to send it.
            return login_manager.unauthorized()
        return error_page(400, "This form has expired or did not come from JewelPWA. Reload the page and try again.")

    @app.errorhandler(HTTPException)
    def _http(e: HTTPException):
        return error_page(e.code or 500)

    @app.errorhandler(Exception)
    def _crash(e: Exception):
        app.logger.exception("unhandled error: %s", type(e).__name__)
        return error_page(500)
