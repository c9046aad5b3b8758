"""Automatic messages: the store's thank-you after a sale, appointment confirmation and reminder, repair ready, and
birthday and anniversary greetings, each on or off per store and in the store's own words (templates.py).

Each one is a `messages` row like any other (the outbox sends it: claim, commit, send; texts wait for quiet hours),
named once per store by its `auto_key` (`auto:thank_you:purchase:123`, unique per store): a job run twice, two
schedulers, or a catch-up after downtime find the key taken and add nothing.

Who may get one (docs/messages.md, "Automatic messages"): do-not-contact stops every message, transactional ones
too; an opt-out of a channel (STOP on texts, the unsubscribe link on email) stops every message on that channel,
so a confirmation goes by the other channel or not at all. Marketing ones (thank-you, greetings) also pass the
client's frequency tolerance (domain.gate); one the gate refuses is recorded `refused` with the rule, never dropped
in silence. A message that goes records the touch on its true channel, as compose does.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ...clock import utcnow
from ...domain.gate import ContactPrefs, reachable, tolerance_refusal
from ...domain.messages import BODY_MAX, SUBJECT_MAX, anniversary_occasion, auto_key, fill
from ...domain.occasions import anniversary_years, is_milestone, month_days_between, ordinal
from ...domain.vocab import AppointmentStatus, Channel, DateKind, Frequency
from ...extensions import db
from ...models import Appointment, Client, ImportantDate, Message, Purchase, PurchaseItem, Repair, Store, User
from ..book.outreach import stage_outreach
from ..engine.gating import touches_by_client
from ..engine.planner import engine_settings
from .compose import address_of, merge_values
from .delivery import quiet_zone, refusal_for, text_waits_until
from .templates import StoreTemplate, store_templates

# A thank-you the job could not send on its day (the worker was down) still goes this many days late; after that
# it would read as an afterthought.
THANK_YOU_CATCH_UP_DAYS = 2
_ORDER = (Channel.TEXT, Channel.EMAIL)


def channel_for(client: Client, country: str) -> tuple[str, str | None]:
    """The channel an automatic message takes and its address: the client's preferred of text and email when the
    gate finds it reachable (an address the app can use, not opted out), else the first reachable; when none is,
    the preferred (or text) with no address, so the refusal names why."""
    addresses = {c: address_of(client, c, country) for c in _ORDER}
    prefs = ContactPrefs(do_not_contact=bool(client.do_not_contact),
                         opted_out=frozenset(Channel(c) for c in (client.opted_out or []) if c in set(Channel)),
                         preferred=None, frequency=Frequency(client.frequency),
                         has_phone=addresses[Channel.TEXT] is not None, has_email=addresses[Channel.EMAIL] is not None)
    preferred = client.preferred_channel if client.preferred_channel in _ORDER else None
    order = ([Channel(preferred)] if preferred else []) + [c for c in _ORDER if c != preferred]
    chosen = next((c for c in order if reachable(c, prefs)), None)
    if chosen is None:
        fallback = order[0]
        return fallback.value, None if fallback in prefs.opted_out else addresses[fallback]
    return chosen.value, addresses[chosen]


def _frequency_refusal(store: Store, client: Client, on: date) -> str | None:
    tolerance = engine_settings(store).tolerance_for(Frequency(client.frequency))
    since = on - timedelta(days=tolerance.per_days + tolerance.min_gap_days)
    touches = touches_by_client(store.id, [client.id], since, on).get(client.id, [])
    return tolerance_refusal(touches, tolerance, on)


def stage_automatic(store: Store, kind: str, source: str, client: Client, sender: User, values: dict[str, str],
                    now: datetime, templates: dict[str, StoreTemplate] | None = None) -> Message | None:
    """Queue (or refuse, with the reason) one automatic message, with its touch; no commit. None when the store
    has it off or it exists already (its key is taken: by an earlier run, or by another scheduler right now)."""
    templates = templates if templates is not None else store_templates(store.id)
    chosen = templates[kind]
    if not chosen.enabled or chosen.automatic is None:
        return None
    key = auto_key(kind, source)
    if db.session.scalar(select(Message.id).where(Message.store_id == store.id, Message.auto_key == key)):
        return None
    transactional = chosen.automatic.transactional
    channel, address = channel_for(client, store.country)
    text = fill(chosen.template.body, values)[:BODY_MAX]
    subject = fill(chosen.template.subject or "", values)[:SUBJECT_MAX] or None
    message = Message(store_id=store.id, client_id=client.id, user_id=sender.id, channel=channel,
                      kind="transactional" if transactional else "marketing", to_address=address or "",
                      subject=subject if channel == "email" else None, body=text, attempts=0, created_at=now,
                      auto_key=key)
    why = refusal_for(client, store, channel, address, "transactional" if transactional else "marketing")
    on = now.astimezone(ZoneInfo(store.timezone)).date()
    if why is None and not transactional:
        why = _frequency_refusal(store, client, on)
    try:
        # A savepoint: a second scheduler that wrote the same key first wins, and this one steps back cleanly.
        with db.session.begin_nested():
            if why is not None:
                message.status, message.reason, message.next_try_at = "refused", why, now
            else:
                label = chosen.automatic.label
                logged = stage_outreach(sender, client.id, channel, "voicemail",
                                        note=f"Automatic {'text' if channel == 'text' else 'email'}: {label}", now=now)
                waits = text_waits_until(quiet_zone(client, store), now) if channel == "text" else None
                message.status, message.next_try_at = "queued", waits or now
                db.session.flush()
                message.outreach_id = logged.outreach.id
            db.session.add(message)
            db.session.flush()
    except IntegrityError:
        return None
    return message


def _sender(store_id: int, *candidates: int | None) -> User | None:
    """Who the message is from ({associate}): the first of the given staff still working in the store (a departed
    associate signs nothing), else an owner or manager."""
    for user_id in candidates:
        user = db.session.get(User, user_id) if user_id is not None else None
        if user is not None and user.store_id == store_id and user.active:
            return user
    return db.session.scalar(select(User).where(User.store_id == store_id, User.active.is_(True))
                             .order_by((User.role == "owner").desc(), (User.role == "manager").desc(), User.id))


def _when(store: Store, starts_at: datetime) -> dict[str, str]:
    local = starts_at.astimezone(ZoneInfo(store.timezone))
    rules = store.locale_rules
    # CLDR writes "11:00\u202fAM": a narrow no-break space is outside the GSM-7 alphabet, and one such character
    # makes a whole text UCS-2 (70 characters a segment instead of 160), so plain spaces go in messages.
    return {name: value.replace("\u202f", " ").replace("\u00a0", " ")
            for name, value in (("date", rules.day(local.date(), "weekday")), ("time", rules.time(local)))}


def stage_confirmation(actor: User, appointment: Appointment, now: datetime) -> Message | None:
    """The booking's confirmation, in the booking's own commit (transactional)."""
    store, client = actor.store, db.session.get_one(Client, appointment.client_id)
    sender = _sender(store.id, appointment.user_id, actor.id)
    if sender is None:
        return None
    values = merge_values(sender, client) | _when(store, appointment.starts_at)
    return stage_automatic(store, "appointment_confirmation", f"appointment:{appointment.id}", client, sender,
                           values, now)


def stage_repair_ready(actor: User, repair: Repair, now: datetime) -> Message | None:
    """"Your ring is ready", in the commit that marks the repair ready (transactional)."""
    store, client = actor.store, db.session.get_one(Client, repair.client_id)
    sender = _sender(store.id, client.assigned_to_id, repair.taken_by_id, actor.id)
    if sender is None:
        return None
    values = merge_values(sender, client, piece=repair.item)
    return stage_automatic(store, "repair_ready", f"repair:{repair.id}", client, sender, values, now)


def queue_due(store_id: int, now: datetime | None = None) -> list[int]:
    """Queue the store's automatic messages that are due today in its time zone (from its morning hour on), and
    commit once; returns the ids that may go now (texts inside quiet hours wait for the sweeper)."""
    now = now or utcnow()
    store = db.session.get_one(Store, store_id)
    local = now.astimezone(ZoneInfo(store.timezone))
    if local.hour < store.morning_hour:  # nothing goes out before the store's day starts
        return []
    today = local.date()
    templates = store_templates(store.id)
    made = [*_thank_yous(store, today, now, templates), *_reminders(store, today, now, templates),
            *_greetings(store, today, now, templates)]
    db.session.commit()
    return [m.id for m in made if m.status == "queued" and m.next_try_at <= now]


def _live_clients():
    return (Client.erased_at.is_(None),)


def _thank_yous(store: Store, today: date, now: datetime, templates: dict[str, StoreTemplate]) -> Iterable[Message]:
    chosen = templates["thank_you"]
    if not chosen.enabled:
        return
    last = today - timedelta(days=chosen.delay_days or 1)
    rows = db.session.execute(
        select(Purchase, Client).join(Client, Client.id == Purchase.client_id)
        .where(Purchase.store_id == store.id, *_live_clients(),
               Purchase.purchased_on <= last, Purchase.purchased_on >= last - timedelta(days=THANK_YOU_CATCH_UP_DAYS))
        .order_by(Purchase.id)).all()
    for purchase, client in rows:
        sender = _sender(store.id, purchase.associate_id, client.assigned_to_id)
        if sender is None:
            continue
        item = db.session.execute(select(PurchaseItem.description, PurchaseItem.category)
                                  .where(PurchaseItem.purchase_id == purchase.id).order_by(PurchaseItem.id)
                                  .limit(1)).first()
        values = merge_values(sender, client, purchase.occasion,
                              piece=(item.description or item.category or "piece") if item is not None else None)
        if (staged := stage_automatic(store, "thank_you", f"purchase:{purchase.id}", client, sender, values, now,
                                      templates)) is not None:
            yield staged


def _reminders(store: Store, today: date, now: datetime, templates: dict[str, StoreTemplate]) -> Iterable[Message]:
    if not templates["appointment_reminder"].enabled:
        return
    tz = ZoneInfo(store.timezone)
    tomorrow = datetime.combine(today + timedelta(days=1), time(), tz)
    booked_before = datetime.combine(today, time(), tz)  # booked today: the confirmation just said it
    rows = db.session.execute(
        select(Appointment, Client).join(Client, Client.id == Appointment.client_id)
        .where(Appointment.store_id == store.id, *_live_clients(), Appointment.status == AppointmentStatus.BOOKED,
               Appointment.starts_at >= tomorrow, Appointment.starts_at < tomorrow + timedelta(days=1),
               Appointment.created_at < booked_before)
        .order_by(Appointment.starts_at, Appointment.id)).all()
    for appointment, client in rows:
        sender = _sender(store.id, appointment.user_id, client.assigned_to_id)
        if sender is None:
            continue
        values = merge_values(sender, client) | _when(store, appointment.starts_at)
        if (staged := stage_automatic(store, "appointment_reminder", f"appointment:{appointment.id}", client, sender,
                                      values, now, templates)) is not None:
            yield staged


def _greetings(store: Store, today: date, now: datetime, templates: dict[str, StoreTemplate]) -> Iterable[Message]:
    kinds = [k for k in (DateKind.BIRTHDAY, DateKind.ANNIVERSARY) if templates[k.value].enabled]
    if not kinds:
        return
    rows = db.session.execute(
        select(ImportantDate, Client).join(Client, Client.id == ImportantDate.client_id)
        .where(ImportantDate.store_id == store.id, ImportantDate.person_id.is_(None), *_live_clients(),
               ImportantDate.kind.in_([k.value for k in kinds]),
               ImportantDate.md.in_([m * 100 + d for m, d in month_days_between(today, today)]))
        .order_by(ImportantDate.id)).all()
    for important, client in rows:
        sender = _sender(store.id, client.assigned_to_id)
        if sender is None:
            continue
        values = merge_values(sender, client)
        if important.kind == DateKind.ANNIVERSARY:
            years = anniversary_years(important.year, today)
            values |= {"years": ordinal(years) if years else "",
                       "occasion": anniversary_occasion(years, is_milestone(years))}
        else:
            values["occasion"] = "your birthday"
        source = f"date:{important.id}:{today.year}"  # once a year
        if (staged := stage_automatic(store, important.kind, source, client, sender, values, now,
                                      templates)) is not None:
            yield staged
