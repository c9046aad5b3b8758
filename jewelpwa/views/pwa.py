"""The service worker must be served from the root so its scope covers the whole app."""

from flask import Blueprint, current_app, send_from_directory

bp = Blueprint("pwa", __name__)


@bp.get("/sw.js")
def service_worker():
    """The service worker script, never cached by HTTP (the browser checks it for updates)."""
    response = send_from_directory(current_app.static_folder, "js/sw.js", mimetype="text/javascript", max_age=0)
    response.headers["Service-Worker-Allowed"] = "/"
    return response


@bp.get("/healthz")
def health():
    """For the load balancer and `make run`'s readiness wait."""
    return {"ok": True}
