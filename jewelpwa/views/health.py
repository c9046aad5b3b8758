"""Probes for load balancers, process managers and `make run`: anonymous, no session, no client data."""

from __future__ import annotations

from flask import Blueprint, current_app

from ..services.readiness import readiness

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def alive():
    """The process answers. Cheap on purpose: the offline page's probe and `make run`'s wait poll it."""
    return {"ok": True}


@bp.get("/readyz")
def ready():
    """200 when the store can do its work (database at the migrations' head, Redis, a worker, the scheduler);
    503 naming what failed: {"ok": false, "failed": ["worker"], "checks": {"worker": "no heartbeat for 312 s", ...}}."""
    result = readiness(current_app.config["REDIS_URL"])
    body = {"ok": result.ok, "checks": result.checks}
    if not result.ok:
        body["failed"] = result.failed
    return body, 200 if result.ok else 503
