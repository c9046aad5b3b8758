"""Security headers on every response, errors and fragments included."""

from __future__ import annotations

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

    @app.after_request
    def _secure_headers(response: Response) -> Response:
        headers = response.headers
        headers["Content-Security-Policy"] = CSP
        headers["X-Content-Type-Options"] = "nosniff"
        headers["X-Frame-Options"] = "DENY"
        headers["Referrer-Policy"] = "same-origin"
        headers["Cross-Origin-Opener-Policy"] = "same-origin"
        headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=()"
        if app.config["SESSION_COOKIE_SECURE"]:
            headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        if request.endpoint != "static":
            # Client data must not linger in a shared phone's cache or the back-forward cache.
            headers["Cache-Control"] = "no-store"
            headers["Pragma"] = "no-cache"
            response.vary.update(h.strip() for h in HTMX_VARY.split(","))
        return response
