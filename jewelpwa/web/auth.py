"""Flask-Login wiring: the session cookie holds a random token whose row can be deleted server-side."""

from __future__ import annotations

from flask import Flask, Response, redirect, request, url_for
from flask_login import AnonymousUserMixin
from werkzeug.wrappers import Response as BaseResponse

from ..extensions import htmx, login_manager
from ..models import User
from ..services.accounts.users import load_session_user


class Anonymous(AnonymousUserMixin):
    role = None
    is_manager = False
    store_name = ""


def _install_user_protocol() -> None:
    """Give the User table the few attributes Flask-Login reads, without making the model import Flask."""
    User.is_authenticated = property(lambda self: True)
    User.is_anonymous = property(lambda self: False)
    User.is_active = property(lambda self: bool(self.active))
    User.get_id = lambda self: self.session_token
    User.store_name = property(lambda self: self.store.name)


def init_login(app: Flask) -> None:
    _install_user_protocol()
    login_manager.init_app(app)
    login_manager.anonymous_user = Anonymous
    login_manager.login_view = "auth.login"
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def _load(token: str) -> User | None:
        return load_session_user(token)

    @login_manager.unauthorized_handler
    def _unauthorized() -> BaseResponse:
        target = url_for("auth.login", next=request.full_path if request.method == "GET" else None)
        if htmx:
            # A login form swapped into a card would be nonsense: send the whole window to sign in.
            return Response("", status=401, headers={"HX-Redirect": target})
        return redirect(target)
