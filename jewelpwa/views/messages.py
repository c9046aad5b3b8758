"""Messages to clients: compose and send from the card, the development outbox page, the public unsubscribe
link (one-click, RFC 8058) and the providers' signed webhooks: the SMS provider's status callbacks and inbound
texts, the email provider's (Mailgun's) inbound email and delivery events."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from ..domain.messages import fill
from ..extensions import csrf, db
from ..models import Client, Message, Store
from ..services.access import get_client
from ..services.book.card import client_card
from ..services.errors import Invalid
from ..services.messages.bounces import record_email_event
from ..services.messages.callbacks import record_status, valid_mailgun_signature, valid_signature
from ..services.messages.compose import compose, send_message
from ..services.messages.inbound import receive, receive_email
from ..services.messages.unsubscribe import read_token
from ..services.messages.unsubscribe import unsubscribe as record_unsubscribe
from ..tasks.deliveries import deliver_soon as push_soon
from ..web.clock import local_today
from ..web.render import after_mutation, render

bp = Blueprint("messages", __name__)
TEMPLATE = "messages/compose.html"


def _occasion_and_opening(client_id: int, channel: str) -> tuple[str | None, str | None]:
    """Today's first reason (the {occasion}) and the card's suggested opening line for this channel."""
    card = client_card(current_user, client_id, local_today())
    occasion = card.today.reasons[0].text if card.today and card.today.reasons else None
    link = next((link for link in card.links if link.channel.value == channel), None)
    return occasion, link.opening if link else None


def _page(client_id: int, channel: str, body: str | None = None, subject: str = "", preview: bool = False,
          errors: dict | None = None, status: int = 200):
    occasion, opening = _occasion_and_opening(client_id, channel)
    sheet = compose(current_user, client_id, channel, occasion)
    if body is None:
        chosen = next((t for t in sheet.templates if t.key == request.args.get("template")), None)
        body = chosen.body if chosen else (opening or "")
    shown = fill(body, sheet.values) if preview else None
    return render(TEMPLATE, "compose", sheet=sheet, body=body, subject=subject, preview=shown,
                  errors=errors or {}, occasion=occasion or ""), status


@bp.get("/clients/<int:client_id>/messages/new")
@login_required
def new(client_id: int):
    get_client(current_user, client_id)
    channel = request.args.get("channel", "text")
    if channel not in ("text", "email"):
        abort(404)
    return _page(client_id, channel)


@bp.post("/clients/<int:client_id>/messages")
@login_required
def send(client_id: int):
    get_client(current_user, client_id)  # another store's client is a 404 before the form is even read
    channel = request.form.get("channel", "")
    body, subject = request.form.get("body", ""), request.form.get("subject", "")
    if channel not in ("text", "email"):
        return _page(client_id, "text", body, subject, errors={"body": "Choose text or email, then send."}, status=422)
    if request.form.get("action") == "preview":
        return _page(client_id, channel, body, subject, preview=True)
    occasion = request.form.get("occasion") or None
    try:
        message = send_message(current_user, client_id, channel, body, subject, occasion=occasion,
                               base_url=request.url_root)
    except Invalid as e:
        return _page(client_id, channel, body, subject, errors=e.errors, status=422)
    said = {"queued": "Message queued", "refused": "Not sent"}.get(message.status, "Message saved")
    card = client_card(current_user, client_id, local_today())
    return after_mutation(url_for("card.show", client_id=client_id, _anchor="card-messages"), TEMPLATE, "sent",
                          said if message.status != "refused" else f"Not sent: {message.reason}",
                          card=card, sent_message=message)


@bp.get("/messages/dev")
@login_required
def dev_outbox():
    """What the development transport kept: the owner sees the store's, everyone else their own."""
    query = select(Message, Client).join(Client, Client.id == Message.client_id).where(
        Message.store_id == current_user.store_id, Message.transport == "dev")
    if not current_user.is_manager:
        query = query.where(Message.user_id == current_user.id)
    rows = db.session.execute(query.order_by(Message.id.desc()).limit(200)).all()
    return render_template("messages/dev.html", rows=rows)


@bp.route("/u/<token>", methods=["GET", "POST"])
@csrf.exempt  # a mail client's one-click POST (RFC 8058) carries no session and no token of ours
def unsubscribe(token: str):
    """GET: a page that asks (link scanners open links; only a POST unsubscribes). POST: the opt-out, recorded."""
    found = record_unsubscribe(token) if request.method == "POST" else read_token(token)
    if found is None:
        abort(404)
    client, channel = found
    return render_template("messages/unsubscribe.html", done=request.method == "POST", channel=channel,
                           store=db.session.get(Store, client.store_id), token=token)


@bp.post("/messages/status")
@csrf.exempt  # the provider's callback: its signature is the check
def status_callback():
    if not valid_signature(current_app.config.get("TWILIO_AUTH_TOKEN"), request.url, request.form,
                           request.headers.get("X-Twilio-Signature")):
        abort(403)
    record_status(request.form)
    return "", 204


@bp.post("/messages/inbound/sms")
@csrf.exempt  # the provider's webhook: its signature is the check
def inbound_sms():
    """A client's text to the store's number: kept on the card, or a keyword's consent change. An empty TwiML
    answer: the app sends no automatic reply (the provider answers STOP, START and HELP itself)."""
    if not valid_signature(current_app.config.get("TWILIO_AUTH_TOKEN"), request.url, request.form,
                           request.headers.get("X-Twilio-Signature")):
        abort(403)
    received = receive(request.form.to_dict())
    push_soon(received.notifications)  # saved rows: with the queue down, the sweeper sends them later
    return "<Response/>", 200, {"Content-Type": "text/xml"}


def _mailgun_key() -> str:
    """The signing key, or a 404: without inbound email configured the webhooks are not there."""
    key = current_app.config.get("MAILGUN_SIGNING_KEY")
    if not key or not current_app.config.get("INBOUND_EMAIL_DOMAIN"):
        abort(404)
    return key


@bp.post("/messages/inbound/email")
@csrf.exempt  # the provider's route: its signature is the check
def inbound_email():
    """A client's email to a reply address (Mailgun's route, forward() with the parsed message): kept on the card."""
    form = request.form
    if not valid_mailgun_signature(_mailgun_key(), form.get("timestamp"), form.get("token"), form.get("signature")):
        abort(403)
    received = receive_email(form.to_dict())
    push_soon(received.notifications)
    return "", 200  # 200 even when not attached: any other answer makes Mailgun post it again for 8 hours


@bp.post("/messages/events/email")
@csrf.exempt  # the provider's webhook: its signature is the check
def email_event():
    """Mailgun's delivery events (JSON): "delivered", and "failed" permanent marks the email bounced."""
    key = _mailgun_key()
    payload = request.get_json(silent=True)
    signed = payload.get("signature") if isinstance(payload, dict) else None
    if not isinstance(signed, dict) or not valid_mailgun_signature(key, signed.get("timestamp"), signed.get("token"),
                                                                   signed.get("signature")):
        abort(403)
    record_email_event(payload)
    return "", 204
