"""Sign in, sign out, change password."""

from __future__ import annotations

from flask import Blueprint, g, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf.csrf import generate_csrf

from ..services.accounts import users as accounts
from ..services.errors import Invalid
from ..web.errors import error_page
from ..web.limits import account_key, address_key, sign_in_limit
from ..web.redirects import local_path
from ..web.render import after_mutation, render

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Email and password; a failed attempt counts against both the account and the address."""
    next_url = local_path(request.values.get("next"), url_for("today.index"))
    if current_user.is_authenticated:
        return redirect(next_url)
    if request.method == "GET":
        return render_template("auth/login.html", error=None, email="", next_url=next_url)
    email = request.form.get("email", "")
    attempt = (account_key(), address_key())
    if not sign_in_limit().take(attempt):  # counted before the password is checked: see web/limits.py
        return error_page(429)
    signed_in = accounts.authenticate(email, request.form.get("password", ""), request.remote_addr,
                                      request.headers.get("User-Agent"))
    if signed_in is None:
        error = "That email and password do not match an active account."
        return render_template("auth/login.html", error=error, email=email, next_url=next_url), 401
    sign_in_limit().give_back(attempt)
    login_user(signed_in.user)
    # A new token for the signed-in session: one read from the sign-in page (or planted before it) must not
    # carry over into the account's session (flask-wtf keeps the raw token in the session under this name).
    session.pop("csrf_token", None)
    g.pop("csrf_token", None)
    generate_csrf()  # made now, so the first page after sign-in is kept under the token it shows (page_cache)
    return redirect(next_url, code=303)


@bp.post("/logout")
@login_required
def logout():
    """End this device's session server-side, then forget the cookie."""
    accounts.end_session(current_user.session_token)
    logout_user()
    return redirect(url_for("auth.login"), code=303)


@bp.post("/me/password")
@login_required
def change_password():
    """Change the password; every other signed-in device is signed out."""
    form = request.form
    try:
        accounts.change_password(current_user, form.get("current_password", ""), form.get("new_password", ""),
                                 form.get("confirm_password", ""), keep_token=current_user.session_token)
    except Invalid as e:
        return render("me/index.html", "password_form", errors=e.errors), 422
    return after_mutation(url_for("me.index"), "me/index.html", "password_form",
                          "Password changed. Your other devices are signed out and your calendar link is "
                          "turned off: make a new one under Calendar feed.", errors={})
