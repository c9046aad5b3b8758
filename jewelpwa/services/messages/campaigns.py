"""Campaigns that send: a segment's clients get one email or text each, through the contact gate, at the store's pace.

A campaign of follow-ups (services/owner/campaigns.py) puts reasons to call on Today; this one writes to the
clients itself. The owner writes the message (merge fields as on the card), previews it filled for real
recipients with the counts (who will get it, who is left out and why), sends a test to themself, then sends.

Exactly once per recipient: the send job (tasks/jobs.send_campaign) makes the message rows in batches, one row per
(campaign, client) under a unique index, each batch one commit: the rows, the refused ones with their reason, and
for each message that will go an outreach on its true channel ("voicemail", the engine's touch for a message
left; docs/messages.md) linked from the row. A worker killed mid-batch commits nothing; the sweeper re-enqueues a
campaign still sending and the next batch starts where the last commit ended. Two jobs racing on one batch: the
index lets one commit. Delivery is the sending core's (delivery.py): the rows' next_try_at are spread at the
store's pace (`stores.messages_per_minute`), and texts are never timed inside quiet hours.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from flask import current_app
from redis.exceptions import RedisError
from sqlalchemy import and_, exists, func, select
from sqlalchemy.exc import IntegrityError

from ...clock import store_today, utcnow
from ...domain.attribution import ATTRIBUTION_DAYS
from ...domain.campaigns import LEFT_OUT_ORDER, left_out_key, left_out_label, spread
from ...domain.client_columns import display_name, phone_e164
from ...domain.gate import tolerance_refusal
from ...domain.messages import BODY_MAX, SUBJECT_MAX, fill
from ...extensions import db
from ...models import AuditEvent, Campaign, Client, Message, Store, User
from ...tasks import queues
from ..access import get_scoped, require_manager
from ..book.outreach import stage_outreach
from ..engine.client_filter import ClientFilter, conditions
from ..engine.gating import prefs_of, touches_by_client
from ..engine.planner import engine_settings
from ..errors import Invalid
from ..owner.segments import filter_of, get_segment
from ..owner.team_report import attributed_sales
from ..push.outbox import setting
from .compose import address_of, deliver_soon, merge_values
from .delivery import refusal_for, text_waits_until
from .transports import Outgoing, transport_for

CHANNELS = (("email", "Email"), ("text", "Text"))
BATCH = 100  # recipients per commit of the send job (CAMPAIGN_SEND_BATCH overrides it)
SAMPLES = 3
SHOWN = 500  # recipients listed on the campaign page; the totals count them all


@dataclass(frozen=True)
class Decided:
    """One matching client, decided: where the message goes, or why it does not (key and the refusal's words)."""

    client: Client
    address: str | None
    left_out: str | None
    reason: str | None


@dataclass(frozen=True)
class Sample:
    client_id: int
    name: str
    to: str
    subject: str | None
    body: str


@dataclass(frozen=True)
class Preview:
    will_send: int
    left_out: list[tuple[str, int]]  # label, count; in the rules' order
    samples: list[Sample]

    @property
    def left_out_total(self) -> int:
        return sum(n for _, n in self.left_out)


@dataclass(frozen=True)
class Batch:
    made: int  # rows made by this batch (queued and refused)
    going: int  # of which will go
    rows: int  # the campaign's rows after it
    done: bool


@dataclass(frozen=True)
class RecipientRow:
    message: Message
    name: str
    replied: bool


@dataclass
class Report:
    campaign: Campaign
    totals: dict[str, int]
    rows: list[RecipientRow]
    replies: list[tuple[Message, str]]
    replied: int
    sales: int
    revenue: Decimal
    recipients: int = 0
    reasons: list[tuple[str, int]] = field(default_factory=list)


# --------------------------------------------------------------------------------------------- the campaign

def get_campaign(actor: User, campaign_id: int) -> Campaign:
    """The store's campaign (another store's id is 404 before the role check answers 403)."""
    campaign = get_scoped(actor, Campaign, campaign_id)
    require_manager(actor)
    return campaign


def _message_fields(form) -> tuple[dict, dict[str, str]]:  # noqa: ANN001 - the form's MultiDict
    errors: dict[str, str] = {}
    name = " ".join((form.get("name") or "").split())
    if not name:
        errors["name"] = "Name the campaign, like Sapphire week; the store sees it, clients do not."
    elif len(name) > 80:
        errors["name"] = "Keep the name under 80 characters."
    channel = form.get("send_channel") or ""
    if channel not in dict(CHANNELS):
        errors["send_channel"] = "Choose email or text."
    subject = " ".join((form.get("subject") or "").split()) or None
    if channel == "email" and not subject:
        errors["subject"] = "Write a subject line for the email."
    elif subject and len(subject) > SUBJECT_MAX:
        errors["subject"] = f"Keep the subject under {SUBJECT_MAX} characters."
    body = (form.get("body") or "").replace("\r\n", "\n").strip()
    if not body:
        errors["body"] = "Write the message."
    elif len(body) > BODY_MAX:
        errors["body"] = f"Keep the message under {BODY_MAX:,} characters (now {len(body):,})."
    return {"name": name, "send_channel": channel, "subject": subject if channel == "email" else None,
            "body": body}, errors


def draft_campaign(actor: User, segment_id: int, form, on: date) -> Campaign:  # noqa: ANN001
    """A draft that sends: the segment's filter as it is now, the message as written; nothing goes yet."""
    segment = get_segment(actor, segment_id)
    fields, errors = _message_fields(form)
    if errors:
        raise Invalid("Campaign not saved", errors)
    # The window columns are the follow-up campaign's; a sending campaign is of its day.
    campaign = Campaign(store_id=actor.store_id, segment_id=segment.id, created_by_id=actor.id,
                        filter=filter_of(segment).to_dict(), opens_on=on, due_on=on, expires_on=on,
                        channel=fields["send_channel"], send_state="draft", **fields)
    db.session.add(campaign)
    db.session.commit()
    return campaign


def save_draft(actor: User, campaign_id: int, form) -> Campaign:  # noqa: ANN001
    """Change a draft's name or message (a campaign that is sending keeps the message it went with)."""
    campaign = get_campaign(actor, campaign_id)
    if campaign.send_state != "draft":
        raise Invalid("Campaign already sent", {"body": "This campaign has been sent; its message cannot change."})
    fields, errors = _message_fields(form)
    if errors:
        raise Invalid("Campaign not saved", errors)
    for key, value in fields.items():
        setattr(campaign, key, value)
    campaign.channel = fields["send_channel"]
    db.session.commit()
    return campaign


# ------------------------------------------------------------------------------------------ who gets it

def _decide(store: Store, campaign: Campaign, clients: list[Client], on: date) -> list[Decided]:
    """Each client through the one consent rule (domain.messages.refusal) and the contact gate's frequency
    tolerance (domain.gate.tolerance_refusal: a message goes on its day or not at all)."""
    channel = campaign.send_channel or "email"
    settings = engine_settings(store)
    lookback = max(t.per_days + t.min_gap_days for t in settings.frequency.values())
    touches = touches_by_client(store.id, [c.id for c in clients], on - timedelta(days=lookback), on) \
        if len(clients) <= 1000 else touches_by_client(store.id, None, on - timedelta(days=lookback), on)
    decided = []
    for client in clients:
        address = address_of(client, channel, store.country)
        opted = set(client.opted_out or [])
        key = left_out_key(channel, do_not_contact=client.do_not_contact, opted_out=opted, address=address,
                           postal_address_set=bool(store.postal_address))
        reason = refusal_for(client, store, channel, address)
        if key is None and reason is not None:
            key = "bounced"  # the one refusal beyond left_out_key's: a hard bounce at this very address
        if key is None:
            # The gate's rule for a message sent on its day or not at all, the one automatic messages use.
            reason = tolerance_refusal(touches.get(client.id, []), settings.tolerance_for(prefs_of(client).frequency),
                                       on)
            key = "frequency" if reason else None
        decided.append(Decided(client, address, key, reason))
    return decided


def _matching(campaign: Campaign, limit: int | None = None, pending_only: bool = False) -> list[Client]:
    query = select(Client).where(*conditions(campaign.store_id, ClientFilter.from_dict(campaign.filter or {})))
    if pending_only:
        query = query.where(~exists().where(Message.campaign_id == campaign.id, Message.client_id == Client.id))
    query = query.order_by(Client.id)
    if limit is not None:
        query = query.limit(limit)
    return list(db.session.scalars(query))


def _voices(store_id: int) -> dict[int, User]:
    return {u.id: u for u in db.session.scalars(select(User).where(User.store_id == store_id, User.active))}


def _values(campaign: Campaign, client: Client, sender: User, voices: dict[int, User]) -> dict[str, str]:
    """The card's merge fields; {associate} is the client's own associate (the voice they know), else the
    sender, and {occasion} the campaign's name."""
    voice = voices.get(client.assigned_to_id or 0) or sender
    return merge_values(voice, client, occasion=campaign.name)


def _filled(campaign: Campaign, values: dict[str, str]) -> tuple[str | None, str]:
    subject = fill(campaign.subject or "", values) or None if campaign.send_channel == "email" else None
    return subject, fill(campaign.body or "", values)


def preview_campaign(actor: User, campaign_id: int, now: datetime | None = None) -> Preview:
    """Who will get it and who is left out (counted by reason), and the message filled for a few recipients."""
    campaign = get_campaign(actor, campaign_id)
    store = actor.store
    decided = _decide(store, campaign, _matching(campaign), store_today(store, now or utcnow()))
    counts = Counter(d.left_out for d in decided if d.left_out)
    left_out = [(left_out_label(k, campaign.send_channel or "email"), counts[k]) for k in LEFT_OUT_ORDER if counts[k]]
    voices = _voices(store.id)
    samples = []
    for d in [d for d in decided if d.left_out is None][:SAMPLES]:
        subject, body = _filled(campaign, _values(campaign, d.client, actor, voices))
        samples.append(Sample(d.client.id, display_name(d.client.first_name, d.client.last_name), d.address or "",
                              subject, body))
    return Preview(sum(d.left_out is None for d in decided), left_out, samples)


# ------------------------------------------------------------------------------------------ a test send

def send_test(actor: User, campaign_id: int, phone: str | None = None) -> str:
    """The message filled for one recipient, sent now to the signed-in user's own address (email) or mobile
    (text): marked test, no message row (it is on no card and counted nowhere), no outreach. Returns what
    happened, in words."""
    campaign = get_campaign(actor, campaign_id)
    if campaign.send_state is None:
        raise Invalid("Test not sent", {"test": "This campaign makes follow-ups; it has no message to send."})
    store = actor.store
    channel = campaign.send_channel or "email"
    if channel == "email":
        to = actor.email
        if not store.postal_address:
            raise Invalid("Test not sent", {"test": left_out_label("no_postal_address", channel).capitalize() + "."})
    else:
        to = phone_e164(phone or "", store.country) or ""
        if not to:
            raise Invalid("Test not sent", {"phone": "Enter your mobile number, like (555) 010-2030."})
    decided = _decide(store, campaign, _matching(campaign, limit=50), store_today(store))
    pick = next((d for d in decided if d.left_out is None), decided[0] if decided else None)
    if pick is None:
        raise Invalid("Test not sent", {"test": "No client is in this segment to fill the merge fields with."})
    subject, body = _filled(campaign, _values(campaign, pick.client, actor, _voices(store.id)))
    # The footer's link in a test leads to the campaign page, not to a client's opt-out: the owner clicking it
    # must not unsubscribe the client whose name filled the fields.
    base = campaign.send_base_url or current_app.config.get("PUBLIC_URL") or "http://localhost/"
    outgoing = Outgoing(id=0, channel=channel, to=to, body=body,
                        subject=f"[Test] {subject or store.name}" if channel == "email" else None,
                        sender_name=store.name,
                        unsubscribe_url=f"{base.rstrip('/')}/owner/campaigns/{campaign.id}" if channel == "email" else None,
                        postal_address=store.postal_address or "")
    transport = transport_for(channel, current_app.config)
    answer = transport.send(outgoing if channel == "email" else Outgoing(
        id=0, channel=channel, to=to, body=f"[Test] {body}", sender_name=store.name))
    if answer.outcome != "sent":
        raise Invalid("Test not sent", {"test": f"The test did not go: {answer.error or 'the provider refused it'}."})
    if transport.name == "dev":
        return f"Test kept in development, not delivered (nothing is configured to send {channel})."
    return f"Test sent to {to}, filled for {pick.client.first_name}."


# ------------------------------------------------------------------------------------------ the send

def start_sending(actor: User, campaign_id: int, expected: str | None, pace: str | None,
                  base_url: str | None = None, now: datetime | None = None) -> tuple[Campaign, bool]:
    """Confirm and start: the campaign goes to 'sending' once (a second press changes nothing) and its job is
    queued. Returns the campaign and whether this press started it."""
    campaign = get_campaign(actor, campaign_id)
    if campaign.send_state != "draft":
        return campaign, False
    per_minute = (pace or "").strip()
    if not per_minute.isascii() or not per_minute.isdigit() or not 1 <= int(per_minute) <= 600:
        raise Invalid("Campaign not sent", {"pace": "Enter how many messages a minute, from 1 to 600."})
    if not (expected or "").isdigit():
        raise Invalid("Campaign not sent", {"expected": "Open the confirmation again and send from there."})
    now = now or utcnow()
    actor.store.messages_per_minute = int(per_minute)
    campaign.send_state, campaign.sent_by_id, campaign.send_started_at = "sending", actor.id, now
    campaign.send_next_at, campaign.send_base_url = now, (base_url or "")[:200] or None
    db.session.add(AuditEvent(store_id=actor.store_id, user_id=actor.id, action="campaign_sent",
                              target=f"campaign:{campaign.id}"))
    db.session.commit()
    return campaign, True


def _sender(campaign: Campaign) -> User | None:
    """Who the outreach is logged for: the owner or manager who pressed Send, else any active manager."""
    user = db.session.get(User, campaign.sent_by_id) if campaign.sent_by_id else None
    if user is not None and user.store_id == campaign.store_id:
        return user
    return db.session.scalar(select(User).where(User.store_id == campaign.store_id, User.active,
                                                User.role.in_(("owner", "manager"))).order_by(User.id).limit(1))


def batch_size() -> int:
    return max(1, int(setting("CAMPAIGN_SEND_BATCH", BATCH)))


def send_batch(campaign_id: int, now: datetime | None = None) -> Batch:
    """The send job's step: one message row for each of the next recipients without one, in one commit."""
    now = now or utcnow()
    campaign = db.session.get(Campaign, campaign_id)
    sender = _sender(campaign) if campaign is not None else None
    if campaign is None or campaign.send_state != "sending" or sender is None:
        db.session.rollback()
        return Batch(0, 0, 0, True)
    store = db.session.get_one(Store, campaign.store_id)
    size = batch_size()
    clients = _matching(campaign, limit=size, pending_only=True)
    decided = _decide(store, campaign, clients, store_today(store, now))
    voices = _voices(store.id)
    channel = campaign.send_channel or "email"
    quiet = (lambda t: text_waits_until(store.timezone, t)) if channel == "text" else None
    times, after = spread(sum(d.reason is None for d in decided), max(campaign.send_next_at or now, now),
                          store.messages_per_minute, quiet)
    slots = iter(times)
    going: list[Message] = []
    word = "Email" if channel == "email" else "Text"
    try:
        for d in decided:
            subject, body = _filled(campaign, _values(campaign, d.client, sender, voices))
            message = Message(store_id=store.id, client_id=d.client.id, user_id=sender.id, campaign_id=campaign.id,
                              channel=channel, kind="marketing", to_address=d.address or "", subject=subject,
                              body=body, attempts=0, created_at=now, base_url=campaign.send_base_url)
            if d.reason:
                message.status, message.reason, message.next_try_at = "refused", d.reason, now
            else:
                logged = stage_outreach(sender, d.client.id, channel, "voicemail",
                                        note=f"{word} from the campaign “{campaign.name}”", now=now)
                message.status, message.next_try_at, message.outreach_id = "queued", next(slots), logged.outreach.id
                going.append(message)
            db.session.add(message)
        campaign.send_next_at = after
        done = len(clients) < size
        if done:
            campaign.send_state, campaign.send_finished_at = "sent", now
        db.session.flush()
        due = [m.id for m in going if m.next_try_at <= now]  # read before the commit expires them
        db.session.commit()
    except IntegrityError:
        # Another job made this batch's rows first (a duplicate from the sweeper): theirs stand, ours go.
        db.session.rollback()
        return Batch(0, 0, rows_of(campaign_id), False)
    deliver_soon(due)
    return Batch(len(decided), len(going), rows_of(campaign_id), done)


def rows_of(campaign_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(Message).where(Message.campaign_id == campaign_id)) or 0


def campaigns_sending() -> list[tuple[int, int]]:
    """The sweeper's work: (campaign id, rows made) of every campaign still making its messages."""
    ids = list(db.session.scalars(select(Campaign.id).where(Campaign.send_state == "sending")))
    return [(i, rows_of(i)) for i in ids]


# ------------------------------------------------------------------------------------------ the report

def campaign_report(actor: User, campaign_id: int, today: date) -> Report:
    """Per recipient: the message's status (with the reason), whether they replied; the totals; the replies
    (a client's inbound message after the campaign's); the sales within 30 days the campaign's touches earned."""
    campaign = get_campaign(actor, campaign_id)
    sent = select(Message).where(Message.store_id == actor.store_id, Message.campaign_id == campaign.id)
    totals = dict(db.session.execute(
        select(Message.status, func.count()).where(Message.store_id == actor.store_id,
                                                   Message.campaign_id == campaign.id)
        .group_by(Message.status)).all())
    ours = sent.subquery()
    reply_rows = db.session.execute(
        select(Message, Client.first_name, Client.last_name)
        .join(ours, and_(ours.c.client_id == Message.client_id, ours.c.status != "refused"))
        .join(Client, Client.id == Message.client_id)
        .where(Message.store_id == actor.store_id, Message.direction == "in",
               Message.created_at >= ours.c.created_at)
        .order_by(Message.created_at.desc(), Message.id.desc())).all()
    replied_ids = {row[0].client_id for row in reply_rows}
    rows = [RecipientRow(m, display_name(first, last), m.client_id in replied_ids) for m, first, last in
            db.session.execute(select(Message, Client.first_name, Client.last_name)
                               .join(Client, Client.id == Message.client_id)
                               .where(Message.store_id == actor.store_id, Message.campaign_id == campaign.id)
                               .order_by(Message.id).limit(SHOWN))]
    reasons = Counter(m.reason or "" for m in db.session.scalars(sent.where(Message.status == "refused")))
    sales, revenue = _sales(campaign, today)
    return Report(campaign, totals, rows, [(m, display_name(f, la)) for m, f, la in reply_rows[:50]],
                  len(replied_ids), sales, revenue, sum(totals.values()), reasons.most_common())


def _sales(campaign: Campaign, today: date) -> tuple[int, Decimal]:
    """Sales credited to the campaign's touches: the store's outreach attribution (team report), kept where the
    touch it credits is one of this campaign's messages."""
    touches = {row.outreach_id: row.created_at for row in db.session.execute(
        select(Message.outreach_id, Message.created_at).where(Message.store_id == campaign.store_id,
                                                              Message.campaign_id == campaign.id,
                                                              Message.outreach_id.is_not(None)))}
    if not touches or campaign.send_started_at is None:
        return 0, Decimal("0")
    store = db.session.get_one(Store, campaign.store_id)
    first = store_today(store, campaign.send_started_at)
    last = min(today, store_today(store, campaign.send_finished_at or utcnow()) + timedelta(days=ATTRIBUTION_DAYS))
    credits = [c for c in attributed_sales(campaign.store_id, first, last) if c.outreach_id in touches]
    return len(credits), sum((c.sale.total for c in credits), Decimal("0"))


def queue_campaign(campaign_id: int) -> bool:
    """Put a campaign's first batch on the queue; with Redis away the sweeper starts it on its next pass."""
    try:
        return queues.enqueue_campaign(queues.connect(current_app.config["REDIS_URL"]), campaign_id,
                                       rows_of(campaign_id))
    except RedisError:
        current_app.logger.warning("queue unavailable; campaign %d left to the sweeper", campaign_id)
        return False
