"""The owner's audit page, and the "from where" of every audit row written during a request."""

from __future__ import annotations

from flask import Blueprint, has_request_context, request
from flask_login import current_user
from sqlalchemy import event

from ..models import AuditEvent
from ..services.errors import Invalid
from ..services.owner.audit import audit_log
from ..web.render import render
from .pages import manager_required

bp = Blueprint("audit", __name__, url_prefix="/owner")
FILTERS = ("action", "staff", "start", "end")


def _fill_address(_mapper, _connection, row: AuditEvent) -> None:
    # Role changes, reassignments, staff changes and other services write their rows without an address (their
    # callers never passed one). The sign-in audit uses request.remote_addr; every row written while serving a
    # request gets the same, so "from where" is never blank for a person's action. Workers have no request.
    if row.address is None and has_request_context():
        row.address = request.remote_addr


@bp.record_once
def _install(_state) -> None:
    if not event.contains(AuditEvent, "before_insert", _fill_address):
        event.listen(AuditEvent, "before_insert", _fill_address)


@bp.get("/audit")
@manager_required
def index():
    """Who did what, when and from where: newest first, 50 a page, filtered by action, person and dates."""
    args = {name: request.args.get(name) or None for name in FILTERS}
    try:
        log = audit_log(current_user, before=request.args.get("before"), **args)
    except Invalid as e:
        return render("audit/index.html", "audit_body", log=None, args=args, errors=e.errors,
                      message=e.message), 422
    return render("audit/index.html", "audit_body", log=log, args=args, errors={})
