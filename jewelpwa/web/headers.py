"""Security headers on every response, errors and fragments included."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask, Response, request

from ..database import reset_read_only, set_read_only

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "manifest-src 'self'",
        "worker-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Every dynamic response may differ by these; caches must key on them (STYLE.md, htmx section).
HTMX_VARY = "HX-Request, HX-Boosted, HX-History-Restore-Request"


def init_headers(app: Flask) -> None:
    @app.before_request
    def _mark_read_only() -> None:
        # Reads take no SQLite writer lock; anything that posts starts BEGIN IMMEDIATE (see database.py).
        request.environ["jewelpwa.ro_token"] = set_read_only(request.method in READ_METHODS)

    @app.teardown_request
    def _unmark_read_only(_exc: BaseException | None) -> None:
        token = request.environ.pop("jewelpwa.ro_token", None)
        if token is not None:
            reset_read_only(token)

    # The same on every response (errors, fragments and static files included): appended as the response starts,
    # a list extended once, where setting each on Flask's response object scanned its headers seven times per
    # request (a seventh of a bare request's time).
    static = [("Content-Security-Policy", CSP), ("X-Content-Type-Options", "nosniff"), ("X-Frame-Options", "DENY"),
              ("Referrer-Policy", "same-origin"), ("Cross-Origin-Opener-Policy", "same-origin"),
              ("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")]
    if app.config["SESSION_COOKIE_SECURE"]:
        static.append(("Strict-Transport-Security", "max-age=31536000; includeSubDomains"))
    app.wsgi_app = SecurityHeaders(app.wsgi_app, static)  # type: ignore[method-assign]

    @app.after_request
    def _no_store(response: Response) -> Response:
        if request.endpoint != "static":
            # Client data must not linger in a shared phone's cache or the back-forward cache.
            headers = response.headers
            headers["Cache-Control"] = "no-store"
            headers["Pragma"] = "no-cache"
            response.vary.update(h.strip() for h in HTMX_VARY.split(","))
        return response


class SecurityHeaders:
    """WSGI middleware: the security headers above, added to every response as it starts."""

    def __init__(self, app: Callable, headers: list[tuple[str, str]]) -> None:
        self.app, self.headers = app, headers
        self.names = {name.lower() for name, _ in headers}

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable:
            # Ours win over any the app set, as the after_request hook's assignment did.
            kept = [h for h in headers if h[0].lower() not in self.names]
            return start_response(status, kept + self.headers, exc_info)

        return self.app(environ, start)
