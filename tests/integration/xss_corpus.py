"""An XSS corpus stored in every text column of one store, and the checks that say a page left it inert.

PAYLOADS is the corpus. `seed(owner, associate)` stores it through the real services where a form exists
(segments, campaigns, store events, an uploaded CSV) and as plain rows elsewhere (what an import, an old
version or a careless future form could leave): store k's client k carries payload k in each of its columns,
and so do that client's people, dates, purchases, wishes, appointments, repairs and outreach.

COVERED and EXEMPT together name every String/Text/JSON column of the models; test_xss fails when a new one
is in neither, so a new text field cannot skip the suite.
"""

from __future__ import annotations

import io
import itertools
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from html.parser import HTMLParser

import sqlalchemy as sa
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from jewelpwa.domain.messages import AUTOMATIC, DEFAULT_TEMPLATES
from jewelpwa.extensions import db
from jewelpwa.models import (
    Appointment,
    AuditEvent,
    Client,
    ConsentEvent,
    FollowUp,
    ImportantDate,
    ImportMapping,
    ImportRun,
    LoyaltyPolicy,
    LoyaltyTier,
    Message,
    MessageTemplate,
    Notification,
    Outreach,
    Person,
    Purchase,
    PurchaseItem,
    PushSubscription,
    Referral,
    Repair,
    Store,
    User,
    UserSession,
    WishItem,
)

# Every payload carries MARK, so a check can tell the corpus from the app's own markup.
MARK = "__xss"
PAYLOADS: dict[str, str] = {
    # A raw element: only autoescaping keeps it from being a script (CSP would block it in a browser, but the
    # markup must not be there at all).
    "script": "<script>__xss=1</script>",
    # Leaves a double-quoted attribute (value="…") and opens an element with a handler.
    "img_breakout": '"><img src=x onerror=__xss=1>',
    # Leaves a single-quoted attribute and adds a handler to the same element.
    "quote_breakout": "' onmouseover='__xss=1",
    # Whole value of a field that becomes a link (email, phone, share phone): must never be an href.
    "js_url": "javascript:__xss=1",
    # htmx runs this without any script, so CSP does not help: a GET fired on load.
    "hx_get": "<a hx-get=/__xss hx-trigger=load>",
    # htmx reads data-hx-* just the same.
    "data_hx": "<i data-hx-get=/__xss hx-trigger=load>",
    # htmx's inline handler attribute.
    "hx_on": "<b hx-on:click=__xss=1>",
    # Template injection: rendered as 49 if a value ever reaches render_template_string.
    "template": "__xss{{7*7}}",
    # Closes an edit form's textarea (notes, perks) and starts a script.
    "textarea": "</textarea><script>__xss=1</script>",
    # An SVG handler that fires with no user action.
    "svg": "<svg onload=__xss=1>",
    # Right-to-left override and letters outside Latin-1 before markup: must stay text, and whatever the app
    # derives from it (a file name in a header) must still be sendable.
    "rtl": "\u202eКольца<u>__xss</u>",
    # A line break: would forge a property in the ICS feed or a row in a CSV if written unescaped.
    "crlf": "__xss\r\nBEGIN:VEVENT",
}
NAMES = list(PAYLOADS)

# Columns the corpus fills, with where the value shows (or could show) in the app.
COVERED: dict[str, str] = {
    "stores.name": "store name: page header, share page, wish-list messages",
    "users.email": "staff list, assignment, sign-in audit",
    "users.name": "staff names on every owner page, Me, team board",
    "loyalty_tiers.name": "tier names: card, lists, settings form",
    "loyalty_tiers.perks": "perks: card, settings textarea",
    "loyalty_policies.share_phone": "the share page's tel: link",
    "loyalty_policies.trade_up_categories": "settings form",
    "store_events.name": "event list, Today reason line (via create_event)",
    "store_events.description": "event list",
    "store_events.client_filter": "event filter echoed in the form (stone via create_event)",
    "clients.client_number": "card, search, exports",
    "clients.first_name": "everywhere",
    "clients.last_name": "everywhere",
    "clients.search_name": "derived from the names (folded: no accents, lower case)",
    "clients.email": "card mailto: link, contact form",
    "clients.phone": "card tel:/sms: links, contact form",
    "clients.phone2": "card tel: link",
    "clients.company": "imported from exports; clients CSV",
    "clients.preferred_name": "imported from exports; clients CSV",
    "clients.address_line1": "contact section, direct-mail CSV",
    "clients.address_line2": "contact section, direct-mail CSV",
    "clients.city": "contact section, direct-mail CSV",
    "clients.region": "contact section, direct-mail CSV",
    "clients.postal_code": "contact section, direct-mail CSV",
    "clients.loyalty_tier": "tier badge on Today, card, search",
    "clients.notes": "card notes, notes textarea",
    "clients.metals": "preferences chips, talking points",
    "clients.stones": "preferences chips, talking points",
    "clients.brands": "preferences chips",
    "clients.styles": "preferences chips",
    "clients.tags": "tags chips, segment filter",
    "clients.source": "card, exports",
    "people.name": "card people, reasons on Today, wish lists",
    "people.notes": "card people",
    "important_dates.label": "card dates, custom-date reasons, upcoming, calendar",
    "purchases.receipt_number": "timeline",
    "purchases.occasion": "timeline, talking points",
    "purchases.note": "timeline",
    "purchase_items.description": "timeline, care reasons, trade-up",
    "purchase_items.category": "timeline, segment category",
    "purchase_items.metal": "timeline, talking points",
    "purchase_items.stone": "timeline, talking points",
    "purchase_items.brand": "timeline",
    "wish_items.description": "card wish list, share page /w/<token>",
    "wish_items.category": "wish list",
    "wish_items.metal": "wish list",
    "wish_items.stone": "wish list",
    "follow_ups.detail": "reason lines (planner copies names and labels; campaigns their message)",
    "follow_ups.note": "'off the list' line after not now",
    "outreaches.note": "timeline",
    "outreaches.idempotency_key": "sent by the phone's outbox",
    "appointments.note": "appointment page, card, huddle",
    "appointments.outcome_note": "appointment page, card timeline",
    "repairs.item": "repairs list, card, Today pickup reason",
    "repairs.work": "repairs list, card",
    "segments.name": "segment list, campaign page",
    "segments.filter": "builder form values (stone, tags via save_segment)",
    "campaigns.name": "campaign list, Today reason",
    "campaigns.message": "campaign list, Today opening line, ICS description",
    "campaigns.filter": "copied from the segment",
    "campaigns.subject": "a sending campaign's page: the message, the preview's filled samples, the test email",
    "campaigns.body": "a sending campaign's page: the message, the preview's filled samples, each message row",
    "import_mappings.columns": "mapping screen (header -> field, remembered)",
    "import_runs.filename": "data page",
    "import_runs.header": "mapping screen (the uploaded CSV's headers)",
    "import_runs.report": "rejected rows with their cells (from the uploaded CSV)",
    "import_runs.error": "data page, a failed step",
    "push_subscriptions.endpoint": "sent by the browser",
    "push_subscriptions.p256dh": "sent by the browser",
    "push_subscriptions.auth": "sent by the browser",
    "push_subscriptions.label": "Me > devices",
    "notifications.title": "push payload (built from client names)",
    "notifications.body": "push payload",
    "notifications.url": "push click target",
    "notifications.last_error": "push service's answer",
    "messages.to_address": "the card's compose sheet (To ...) and the development outbox",
    "messages.subject": "the development outbox",
    "messages.body": "the card's Messages, the development outbox",
    "messages.reason": "the card's Messages (a provider's words on failure)",
    "messages.provider_id": "kept for the status callback, shown nowhere",
    "message_templates.label": "Settings > Messages, the compose sheet's template buttons",
    "message_templates.subject": "Settings > Messages",
    "message_templates.body": "Settings > Messages, the compose sheet once chosen",
    "stores.postal_address": "the settings form; the foot of marketing emails",
    "audit_events.target": "audit trail (failed sign-ins carry the typed email)",
    "audit_events.address": "audit trail (from the request)",
    "user_sessions.user_agent": "sent by the browser",
}

TEMPLATE_KEYS = tuple(a.key for a in AUTOMATIC) + tuple(t.key for t in DEFAULT_TEMPLATES)

# Columns the corpus leaves alone, and why no user text can reach them.
EXEMPT: dict[str, str] = {
    "stores.slug": "derived from the name: lower-case letters, digits and dashes",
    "stores.timezone": "validated against the zoneinfo database",
    "stores.country": "two characters",
    "stores.locale": "one of domain.locales.LOCALES (the settings refuse anything else)",
    "stores.currency": "one of domain.locales.currencies(), three capital letters",
    "import_runs.date_order": "one of day_first / month_first, checked by set_mapping",
    "clients.phone_kind": "mobile / home / work, from the importer's own word list (import_mapping._PHONE_KINDS)",
    "clients.phone2_kind": "mobile / home / work, from the importer's own word list",
    "stores.settings": "engine numbers and presets, validated as numbers",
    "stores.team_figures": "one of private/shared",
    "import_mappings.kind": "CHECK: clients or purchases",
    "import_runs.kind": "CHECK: clients or purchases",
    "import_runs.encoding": "the detected codec's name",
    "import_runs.delimiter": "one character",
    "import_runs.status": "CHECK: a step name",
    "import_runs.mapping": "field names from the app's own list",
    "store_events.kind": "one of the app's event kinds",
    "users.password_hash": "a hash",
    "users.role": "CHECK: a role",
    "users.calendar_token": "app-generated token",
    "calendar_feeds.token_hash": "a hash",
    "share_links.token_hash": "a hash",
    "user_sessions.token_hash": "a hash",
    "audit_events.action": "the app's action names",
    "clients.phone_digits": "digits only, derived from the phone",
    "client_search_terms.term": "SQLite's search index (words of search_name, digits): read by search, never shown",
    "clients.country": "two characters",
    "stores.sms_from": "E.164 as phonenumbers wrote it (+ and digits), checked in Owner → Settings",
    "clients.time_zone": "an IANA zone name, checked against the tz database (domain.time_zones.is_zone)",
    "clients.email_bounced_to": "a copy of a bounced message's to_address, compared, never shown",
    "clients.tier": "CHECK: A/B/C",
    "clients.ring_size": "ten characters: too short for any payload that runs",
    "clients.preferred_channel": "CHECK: a channel",
    "clients.frequency": "CHECK: a frequency",
    "clients.opted_out": "channel names, checked by the contact form",
    "people.relation": "CHECK: a relation",
    "important_dates.kind": "CHECK: a date kind",
    "appointments.kind": "CHECK: an appointment kind",
    "appointments.status": "CHECK: a status",
    "wish_items.status": "CHECK: open/bought/removed",
    "trade_up_credits.status": "CHECK: available/used/void",
    "consent_events.channel": "a channel, written by the app",
    "consent_events.what": "CHECK: a consent change",
    "consent_events.value": "a frequency or channel name, written by the app",
    "follow_ups.kind": "CHECK: a kind",
    "follow_ups.status": "CHECK: a status",
    "follow_ups.source": "app-made source key",
    "follow_ups.dedupe_key": "app-made key",
    "outreaches.channel": "CHECK: a channel",
    "outreaches.outcome": "CHECK: an outcome",
    "outreach_follow_ups.previous": "undo snapshot of a follow-up's own fields, never rendered",
    "repairs.status": "CHECK: a repair status",
    "campaigns.channel": "a channel from the form's list",
    "campaigns.left_out": "the app's reason names with counts",
    "campaigns.send_channel": "CHECK: text or email",
    "campaigns.send_state": "CHECK: draft, sending or sent",
    "campaigns.send_base_url": "the app's own address (request.url_root), copied to its messages' base_url",
    "push_subscriptions.vapid_key_id": "the server's key id",
    "notifications.key": "app-made key",
    "notifications.tag": "app-made tag",
    "notifications.urgency": "one of the Web Push urgencies",
    "notifications.status": "a sending status",
    "messages.channel": "one of text/email (check constraint)",
    "messages.kind": "one of marketing/transactional (check constraint)",
    "messages.direction": "one of out/in (check constraint)",
    "messages.status": "a sending status (check constraint)",
    "messages.transport": "app-made: smtp, twilio or dev",
    "messages.base_url": "the app's own address (request.url_root), made into links by url_for",
    "messages.auto_key": "app-made: auto:<kind>:<table>:<id>",
    "message_templates.key": "one of the app's template keys (domain.messages); the form's key is checked",
}


def text_columns() -> set[str]:
    """Every String, Text and JSON column of the models, as table.column."""
    return {f"{table.name}.{column.name}" for table in db.metadata.sorted_tables for column in table.columns
            if isinstance(column.type, sa.String | sa.Text | sa.JSON)}


def fitting(index: int, table: str, column: str) -> str:
    """Payload `index`, or the next one that fits the column (PostgreSQL refuses a longer value)."""
    length = getattr(db.metadata.tables[table].columns[column].type, "length", None)
    for step in range(len(NAMES)):
        payload = PAYLOADS[NAMES[(index + step) % len(NAMES)]]
        if length is None or len(payload) <= length:
            return payload
    raise AssertionError(f"no payload fits {table}.{column}")


@dataclass
class Seeded:
    owner_id: int
    associate_id: int
    client_ids: list[int] = field(default_factory=list)
    share_token: str = ""
    feed_token: str = ""


def seed(owner: User, associate: User, today: date, plan: bool = True) -> Seeded:
    """The whole corpus in one store: one client per payload with everything a client can have.

    plan=False leaves out the day's plan, segments, campaigns and events (a second a test on a slow database)
    for tests that only read the client rows."""
    from jewelpwa.services.book.share_links import create_share_link
    from jewelpwa.services.data.calendar_feed import make_feed

    store = db.session.get(Store, owner.store_id)
    store.name = "".join(p for p in PAYLOADS.values() if len(p) < 25)[:120]
    store.postal_address = "".join(PAYLOADS.values())[:300]
    owner, associate = db.session.get(User, owner.id), db.session.get(User, associate.id)
    owner.name, associate.name = PAYLOADS["img_breakout"], PAYLOADS["quote_breakout"]
    sid = store.id
    out = Seeded(owner.id, associate.id)
    add = db.session.add
    numbers = itertools.count(1)
    for k, name in enumerate(NAMES):
        p = PAYLOADS[name]
        # Other staff: names and emails (an import or an old form could have stored any text).
        add(User(store_id=sid, email=f"{p}{k}@x.test", name=p, password_hash="x", role="associate"))
        add(LoyaltyTier(store_id=sid, name=fitting(k, "loyalty_tiers", "name"), min_spend=Decimal(100 * k), perks=p))
        c = Client(store_id=sid, client_number=fitting(k, "clients", "client_number"), first_name=p, last_name=p,
                   search_name=f"{p} {p}".lower(), email=p, phone=p, phone2=p, address_line1=p, address_line2=p,
                   city=p, region=p, postal_code=fitting(k, "clients", "postal_code"),
                   company=fitting(k, "clients", "company"), preferred_name=fitting(k, "clients", "preferred_name"),
                   loyalty_tier=fitting(k, "clients", "loyalty_tier"), notes=p, metals=[p], stones=[p], brands=[p],
                   styles=[p], tags=[p], source=fitting(k, "clients", "source"), assigned_to_id=associate.id,
                   first_seen_on=date(2024, 1, 1), frequency="normal")
        add(c)
        db.session.flush()
        out.client_ids.append(c.id)
        person = Person(store_id=sid, client_id=c.id, name=p, relation="partner", notes=p)
        add(person)
        db.session.flush()
        # Dates in the next weeks so the planner puts these clients on Today and Upcoming with their labels.
        for offset, who, kind in ((2 + k % 5, None, "birthday"), (9 + k, person.id, "custom")):
            on = today + timedelta(days=offset)
            add(ImportantDate(store_id=sid, client_id=c.id, person_id=who, kind=kind,
                              label=fitting(k, "important_dates", "label"), month=on.month, day=on.day,
                              year=1990, md=on.month * 100 + on.day))
        bought = Purchase(store_id=sid, client_id=c.id, associate_id=associate.id,
                          purchased_on=today - timedelta(days=40 + k), total=Decimal("900"),
                          receipt_number=fitting(k, "purchases", "receipt_number"),
                          occasion=fitting(k, "purchases", "occasion"), note=p, recipient_person_id=person.id)
        bought.items.append(PurchaseItem(store_id=sid, price=Decimal("900"), description=p,
                                         category=fitting(k, "purchase_items", "category"),
                                         metal=fitting(k, "purchase_items", "metal"),
                                         stone=fitting(k, "purchase_items", "stone"),
                                         brand=fitting(k, "purchase_items", "brand")))
        add(bought)
        for who in (None, person.id):
            add(WishItem(store_id=sid, client_id=c.id, person_id=who, description=p,
                         category=fitting(k, "wish_items", "category"), metal=fitting(k, "wish_items", "metal"),
                         stone=fitting(k, "wish_items", "stone"), price_hint=Decimal("500")))
        now = datetime.now(UTC)
        add(Outreach(store_id=sid, client_id=c.id, user_id=associate.id, channel="call", outcome="reached", note=p,
                     occurred_at=now - timedelta(days=3), occurred_on=today - timedelta(days=3),
                     idempotency_key=fitting(k, "outreaches", "idempotency_key") + str(next(numbers))))
        add(Appointment(store_id=sid, client_id=c.id, user_id=associate.id, kind="consultation",
                        starts_at=now + timedelta(hours=1 + k), duration_min=30, status="booked", note=p))
        add(Appointment(store_id=sid, client_id=c.id, user_id=associate.id, kind="cleaning",
                        starts_at=now - timedelta(days=1, hours=k), duration_min=30, status="done", note=p,
                        outcome_note=p, closed_at=now))
        add(Repair(store_id=sid, client_id=c.id, taken_by_id=associate.id, item=p, work=p,
                   status="ready" if k % 2 else "received", promised_on=today - timedelta(days=k % 3),
                   ready_at=now if k % 2 else None))
        add(ConsentEvent(store_id=sid, client_id=c.id, user_id=associate.id, channel="text", what="opt_in"))
        add(Notification(store_id=sid, user_id=associate.id, key=f"k{k}", title=p, body=p,
                         url=fitting(k, "notifications", "url"), tag="t", last_error=p))
        add(Message(store_id=sid, client_id=c.id, user_id=associate.id, channel="email", to_address=p[:254],
                    subject=p[:200], body=p, status="failed", reason=p, provider_id=p[:200], transport="dev"))
        if k < len(TEMPLATE_KEYS):  # one row per key and store
            add(MessageTemplate(store_id=sid, key=TEMPLATE_KEYS[k], label=p[:80], subject=p[:200], body=p,
                                enabled=False, delay_days=1 if TEMPLATE_KEYS[k] == "thank_you" else None))
        add(AuditEvent(store_id=sid, user_id=owner.id, action="sign_in_failed", target=p,
                       address=fitting(k, "audit_events", "address")))
        add(UserSession(store_id=sid, user_id=owner.id, token_hash=f"{k:064d}", user_agent=p))
        add(PushSubscription(store_id=sid, user_id=associate.id, endpoint=f"https://push.invalid/{k}/{p}",
                             p256dh=p, auth=p, label=p))
    db.session.flush()
    clients = out.client_ids
    for a, b in zip(clients, clients[1:], strict=False):
        add(Referral(store_id=sid, referrer_id=b, referred_id=a, recorded_on=today - timedelta(days=20)))
    add(LoyaltyPolicy(store_id=sid, trade_up_enabled=True, trade_up_percent=100,
                      trade_up_categories=list(PAYLOADS.values()), share_phone=PAYLOADS["js_url"]))
    add(ImportMapping(store_id=sid, kind="clients", columns={p: "first_name" for p in PAYLOADS.values()}))
    add(ImportRun(store_id=sid, user_id=owner.id, kind="purchases", filename=PAYLOADS["svg"] + ".csv",
                  data=b"x", header=list(PAYLOADS.values()), mapping=[], status="failed",
                  error=PAYLOADS["textarea"], report={"summary": PAYLOADS["script"], "rejected": []},
                  finished_at=datetime.now(UTC)))
    db.session.commit()
    if plan:
        _plan(db.session.get(User, owner.id), today)
    associate = db.session.get(User, associate.id)
    sending = create_share_link(associate, clients[0], None, lambda token: f"/w/{token}")
    out.share_token = sending.url.rsplit("/", 1)[1]
    out.feed_token = make_feed(associate)
    return out


def _plan(owner: User, today: date) -> None:
    """Through the real services: the day's follow-ups (reasons copy names and labels) and the owner's forms."""
    from jewelpwa.services.engine.planner import plan_store_day
    from jewelpwa.services.owner.campaigns import start_campaign
    from jewelpwa.services.owner.segments import save_segment
    from jewelpwa.services.owner.store_events import create_event

    sid = owner.store_id
    plan_store_day(db.session.get(Store, sid), today)
    owner = db.session.get(User, owner.id)
    segments = [save_segment(owner, MultiDict({"name": PAYLOADS["script"]}))]  # the whole book
    for k, name in enumerate(NAMES[1:], 1):
        form = MultiDict({"name": PAYLOADS[name], "stone": fitting(k, "purchase_items", "stone"),
                          "tags": PAYLOADS[name].replace(",", "")})
        segments.append(save_segment(owner, form))
    window = {"opens_on": today.isoformat(), "due_on": (today + timedelta(days=7)).isoformat(),
              "expires_on": (today + timedelta(days=14)).isoformat()}
    for k, name in enumerate(NAMES):
        # Half over the whole book (follow-ups carry the message), half over a payload filter (kept on it).
        form = MultiDict({"name": f"{fitting(k, 'campaigns', 'name')} {k}", "message": PAYLOADS[name], "channel": "",
                          **window})
        start_campaign(owner, segments[0 if k % 2 else k].id, form, today)
        create_event(owner, MultiDict({"name": PAYLOADS[name] + f" {k}", "kind": "trunk_show",
                                       "description": PAYLOADS[name], "stone": fitting(k, "purchase_items", "stone"),
                                       "invite_on": today.isoformat(),
                                       "event_on": (today + timedelta(days=10 + k)).isoformat()}), today)
    # Campaigns that send, one of each state: the draft's page previews the corpus filled into the message, the
    # sent one lists each recipient (their payload names, the refusal reasons) and the message.
    from jewelpwa.services.messages.campaigns import draft_campaign, send_batch, start_sending

    for k, state in enumerate(("draft", "sent")):
        name = NAMES[(k + 3) % len(NAMES)]
        made = draft_campaign(owner, segments[0].id, MultiDict({
            "name": f"{fitting(k + 3, 'campaigns', 'name')} {state}", "send_channel": "email",
            "subject": fitting(k + 3, "campaigns", "subject"), "body": "{first_name} " + PAYLOADS[name]}), today)
        if state == "sent":
            start_sending(owner, made.id, "0", "600", base_url="http://localhost/")
            while not send_batch(made.id).done:
                pass
    # A "not now" note on a follow-up: what the outcome form's note leaves on it.
    for k, row in enumerate(db.session.scalars(select(FollowUp).where(FollowUp.store_id == sid)
                                               .order_by(FollowUp.id).limit(len(NAMES)))):
        row.note = PAYLOADS[NAMES[k]]
    db.session.commit()


def csv_with_payloads() -> bytes:
    """A point-of-sale CSV whose headers and cells are the corpus: some rows import, some are rejected."""
    buffer = io.StringIO()
    headers = ["Customer #", "First Name", "Last Name", "Email", "Birthday", *PAYLOADS.values()]
    buffer.write(",".join(_csv_cell(h) for h in headers) + "\r\n")
    for k, p in enumerate(PAYLOADS.values()):
        # Every other row has a bad email and a bad birthday: rejected, with its cells quoted on the data page.
        cells = [f"X-{k}", p, p, p if k % 2 else f"c{k}@example.com", p if k % 2 else "02/14/1985"]
        buffer.write(",".join(_csv_cell(c) for c in [*cells, *PAYLOADS.values()]) + "\r\n")
    return buffer.getvalue().encode("utf-8")


def _csv_cell(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


# --------------------------------------------------------------------------------------------- the checks

URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "poster", "background", "xlink:href", "ping",
                  "hx-get", "hx-post", "hx-put", "hx-patch", "hx-delete", "data-hx-get", "data-hx-post"}
# htmx attributes whose value is only text shown to the user (window.confirm / prompt), escaped by Jinja.
TEXT_HX_ATTRIBUTES = {"hx-confirm", "hx-prompt"}
_INVISIBLE = re.compile(r"[\x00-\x20\u00a0\u200b-\u200f\u2028-\u202e\ufeff]")


class InertCheck(HTMLParser):
    """Parses one response and lists every place the corpus became markup or code instead of text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.seen: set[str] = set()  # payload names found as text or attribute values (the corpus got here)
        self.query_names: set[str] = set()  # fields of the page's GET forms: what its query string may carry
        self._script = False
        self._get_form = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self._script = True
        if tag == "form":
            self._get_form = (dict(attrs).get("method") or "get").lower() == "get"
        if self._get_form and tag in ("input", "select", "textarea") and dict(attrs).get("name"):
            self.query_names.add(dict(attrs)["name"] or "")
        for name, value in attrs:
            value = value or ""
            self._saw(value)
            if MARK in name:
                self.problems.append(f"<{tag}> has an attribute named from the corpus: {name}")
            if name.startswith("on") and MARK in value:
                self.problems.append(f"<{tag} {name}={value!r}>: an event handler from the corpus")
            hx = name.startswith(("hx-", "data-hx-")) and name not in TEXT_HX_ATTRIBUTES
            if hx and MARK in value:
                self.problems.append(f"<{tag} {name}={value!r}>: an htmx attribute from the corpus")
            if name in URL_ATTRIBUTES or name.startswith(("hx-", "data-hx-")):
                bare = _INVISIBLE.sub("", value).lower()
                if bare.startswith(("javascript:", "vbscript:", "data:text/html")):
                    self.problems.append(f"<{tag} {name}={value!r}>: a script URL")
            if name == "srcdoc" and MARK in value:
                self.problems.append(f"<{tag} srcdoc>: a document from the corpus")

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._script = False
        if tag == "form":
            self._get_form = False

    def handle_data(self, data: str) -> None:
        if self._script and MARK in data:
            self.problems.append(f"<script> holds corpus text: {data[:80]!r}")
        self._saw(data)

    def _saw(self, text: str) -> None:
        if MARK in text:
            self.seen.update(n for n, p in PAYLOADS.items() if p in text or _squeezed(p) in text)


def _squeezed(payload: str) -> str:
    """Forms that collapse whitespace store the CRLF payload as one line."""
    return " ".join(payload.split())


def inert(body: str) -> InertCheck:
    check = InertCheck()
    check.feed(body)
    check.close()
    if MARK + "49" in body:
        check.problems.append("{{7*7}} was evaluated: a stored value went through a template")
    return check
