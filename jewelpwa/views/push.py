"""Notifications & devices under Me: enable push on this phone, list and remove devices, send a test."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request, url_for
from flask_login import current_user, login_required

from ..services.errors import Invalid
from ..services.push.devices import list_devices, subscribe, unsubscribe
from ..services.push.messages import queue_test_push
from ..services.push.vapid import current_key
from ..tasks.deliveries import deliver_soon
from ..web.render import after_mutation, render

bp = Blueprint("push", __name__)


def _devices_page(message: str | None = None, **extra):
    return after_mutation(url_for("push.devices"), "push/devices.html", "devices", message or "",
                          devices=list_devices(current_user), **extra)


@bp.get("/me/devices")
@login_required
def devices():
    """My devices and the button that enables notifications on this one."""
    return render("push/devices.html", "devices", devices=list_devices(current_user))


@bp.post("/me/devices")
@login_required
def add_device():
    """Save the push subscription push.js got from the browser (JSON, CSRF in the X-CSRFToken header)."""
    data = request.get_json(silent=True)
    data = data if isinstance(data, dict) else {}
    key = data.get("applicationServerKey")
    try:
        device = subscribe(current_user, data.get("subscription") or {}, data.get("label"),
                           request.headers.get("User-Agent"), key if isinstance(key, str) else None)
    except Invalid as e:
        return jsonify(error=e.message, errors=e.errors), 422
    return jsonify(id=device.id, label=device.label), 201


@bp.post("/me/devices/<int:device_id>/delete")
@login_required
def remove_device(device_id: int):
    """Stop notifications to one of my devices."""
    unsubscribe(current_user, device_id)
    return _devices_page("Device removed. It gets no more notifications.")


@bp.post("/me/devices/test")
@login_required
def send_test():
    """Queue a test notification to all my devices."""
    ids = queue_test_push(current_user)
    deliver_soon(ids)  # saved rows: with the queue down, the sweeper sends them later
    n = len(ids)
    message = f"Test notification on its way to {n} device{'s' if n != 1 else ''}." if n else \
        "No devices yet: enable notifications first."
    return _devices_page(message)


@bp.get("/me/push-key")
@login_required
def push_key():
    """The application server key (VAPID public key) that new subscriptions use."""
    key = current_key(current_app.instance_path)
    if key is None:
        return jsonify(error="Push is not set up on the server yet."), 503
    return jsonify(key=key.application_server_key, id=key.key_id)
