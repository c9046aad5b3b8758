"""Campaigns: a saved segment becomes one follow-up per matching client, through the contact gate.

A campaign is a store-made reason to call, exactly like a store event, so its follow-ups are Kind.STORE_EVENT
with the campaign named in `detail["what"]` (the reason line on Today reads it) and `source` "campaign:<id>".
A new Kind would need its own weight, label, window settings and a migration of the CHECK constraint for
what the engine already treats correctly: a marketing reason with an owner-chosen window.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select

from ...domain.gate import decide, reachable, suggest_channel
from ...domain.inputs import iso_date
from ...domain.proposals import Proposal, dedupe_key
from ...domain.vocab import Channel, Kind
from ...domain.windows import Window
from ...extensions import db
from ...models import AuditEvent, Campaign, Client, Store, User
from ..access import require_manager
from ..engine.client_filter import ClientFilter, conditions
from ..engine.follow_ups import existing_keys, insert_new, row_for
from ..engine.gating import prefs_of, touches_by_client
from ..engine.planner import engine_settings
from ..errors import Invalid
from .segments import filter_of, get_segment

CHANNELS: tuple[tuple[str, str], ...] = (
    ("", "Any channel the client accepts"), ("call", "Call"), ("text", "Text"), ("email", "Email"),
    ("mail", "Mail (a card or letter)"), ("visit", "Invite to visit"),
)
# How an opt-out reads in the result line: "5 opted out of texts".
OPTED_WORDS = {"call": "calls", "text": "texts", "email": "email", "mail": "mail", "visit": "visits"}
MISSING_WORDS = {"call": "no phone number", "text": "no phone number", "email": "no email address",
                 "mail": "no postal address"}
MAX_WINDOW_DAYS = 120


@dataclass(frozen=True)
class CampaignRun:
    campaign: Campaign
    made: int
    already: int
    left_out: dict[str, int]
    unassigned: int

    @property
    def left_out_total(self) -> int:
        return sum(self.left_out.values())

    def summary(self) -> str:
        """ "312 follow-ups made; 14 left out: 9 do not contact, 5 opted out of texts." """
        noun = "follow-up" if self.made == 1 else "follow-ups"
        text = f"{self.made} {noun} made"
        if self.left_out:
            reasons = ", ".join(f"{n} {why}" for why, n in sorted(self.left_out.items(), key=lambda kv: -kv[1]))
            text += f"; {self.left_out_total} left out: {reasons}"
        text += "."
        if self.already:
            text += f" {self.already} already had this campaign."
        if self.unassigned:
            text += f" {self.unassigned} have no associate: assign them to put the follow-ups on a list."
        return text


def _day(value: str | None, name: str, errors: dict[str, str]) -> date | None:
    found = iso_date(value)
    if found is None:
        errors[name] = "Enter a date like 2026-03-14."
    return found


def _parse(form, on: date) -> dict:  # noqa: ANN001 - the form's MultiDict
    errors: dict[str, str] = {}
    name = " ".join((form.get("name") or "").split())
    if not name:
        errors["name"] = "Name the campaign; associates read it on Today, like Sapphire week."
    elif len(name) > 80:
        errors["name"] = "Keep the name under 80 characters; it is the reason line on Today."
    message = (form.get("message") or "").strip() or None
    if message and len(message) > 500:
        errors["message"] = "Keep the message under 500 characters."
    channel = (form.get("channel") or "").strip()
    if channel not in dict(CHANNELS):
        errors["channel"] = "Choose a channel from the list."
    opens_on = _day(form.get("opens_on"), "opens_on", errors)
    due_on = _day(form.get("due_on"), "due_on", errors)
    expires_on = _day(form.get("expires_on"), "expires_on", errors)
    if opens_on and due_on and expires_on:
        if expires_on < on:
            errors["expires_on"] = "The last day has passed; choose today or later."
        elif due_on < opens_on:
            errors["due_on"] = "Due on or after the first day."
        elif expires_on < due_on:
            errors["expires_on"] = "The last day is on or after the due day."
        elif (expires_on - opens_on).days > MAX_WINDOW_DAYS:
            errors["expires_on"] = f"Keep the window under {MAX_WINDOW_DAYS} days; a campaign is a season, not a year."
    if errors:
        raise Invalid("Campaign not started", errors)
    return {"name": name, "message": message, "channel": channel or None, "opens_on": opens_on, "due_on": due_on,
            "expires_on": expires_on}


def default_window(on: date) -> dict[str, str]:
    """Open today, due in two weeks, last day in four: a fortnight to call, two more to catch up."""
    return {"opens_on": on.isoformat(), "due_on": (on + timedelta(days=14)).isoformat(),
            "expires_on": (on + timedelta(days=28)).isoformat()}


def start_campaign(actor: User, segment_id: int, form, on: date) -> CampaignRun:  # noqa: ANN001
    """Create (or find, on a resubmit) the campaign and one follow-up per matching client the gate lets through.

    Do-not-contact clients, clients opted out of the campaign's channel (or without the detail it needs) and
    clients whose frequency tolerance leaves no day inside the window are left out and counted. The dedupe
    key (campaign, client) makes a second run insert nothing already made; clients who newly match get theirs.
    """
    segment = get_segment(actor, segment_id)
    fields = _parse(form, on)
    wanted = filter_of(segment)
    campaign = db.session.scalar(select(Campaign).where(
        Campaign.store_id == actor.store_id, Campaign.segment_id == segment.id, Campaign.name == fields["name"],
        Campaign.opens_on == fields["opens_on"], Campaign.due_on == fields["due_on"],
        Campaign.expires_on == fields["expires_on"]))
    if campaign is None:
        campaign = Campaign(store_id=actor.store_id, segment_id=segment.id, created_by_id=actor.id,
                            filter=wanted.to_dict(), **fields)
        db.session.add(campaign)
        db.session.flush()
        db.session.add(AuditEvent(store_id=actor.store_id, user_id=actor.id, action="campaign_started",
                                  target=f"campaign:{campaign.id}"))
    rows, left_out = _gated_rows(actor.store_id, campaign, wanted, on)
    seen = existing_keys(actor.store_id, [row["dedupe_key"] for row in rows])
    fresh = [row for row in rows if row["dedupe_key"] not in seen]
    unassigned = sum(row["assignee_id"] is None for row in fresh)
    insert_new(fresh)
    campaign.made = (campaign.made or 0) + len(fresh)
    campaign.left_out = dict(left_out)
    db.session.commit()
    return CampaignRun(campaign, len(fresh), len(seen), dict(left_out), unassigned)


def _gated_rows(store_id: int, campaign: Campaign, wanted: ClientFilter, on: date) -> tuple[list[dict], Counter]:
    """Follow-up rows for the matching clients the gate lets through, and the count left out per reason."""
    store = db.session.get_one(Store, store_id)
    settings = engine_settings(store)
    window = Window(campaign.opens_on, campaign.due_on, campaign.expires_on)
    channel = Channel(campaign.channel) if campaign.channel else None
    lookback = max(t.per_days + t.min_gap_days for t in settings.frequency.values())
    touches = touches_by_client(store_id, None, on - timedelta(days=lookback), on)
    source = f"campaign:{campaign.id}"
    detail: dict[str, str | int | None] = {"what": campaign.name, "campaign_id": campaign.id}
    if campaign.message:
        detail["message"] = campaign.message
    if channel:
        detail["channel"] = channel.value
    left_out: Counter = Counter()
    rows: list[dict] = []
    clients = db.session.execute(
        select(Client.id, Client.assigned_to_id, Client.do_not_contact, Client.opted_out, Client.preferred_channel,
               Client.frequency, Client.phone, Client.email, Client.address_line1)
        .where(*conditions(store_id, wanted)))
    for client in clients:
        prefs = prefs_of(client)
        if prefs.do_not_contact:
            left_out["do not contact"] += 1
            continue
        if channel is not None and channel in prefs.opted_out:
            left_out[f"opted out of {OPTED_WORDS[channel.value]}"] += 1
            continue
        if channel is not None and not reachable(channel, prefs):
            left_out[MISSING_WORDS[channel.value]] += 1
            continue
        if channel is None and suggest_channel(prefs) is None:
            left_out["no channel they accept"] += 1
            continue
        # The one contact gate decides the day: frequency tolerance may move it later inside the window.
        decision = decide(Kind.STORE_EVENT, window, prefs, touches.get(client.id, []),
                          settings.tolerance_for(prefs.frequency), on)
        if decision.action in ("expire", "block"):
            left_out["over their contact limit for the window" if decision.action == "expire" else decision.reason] += 1
            continue
        key = dedupe_key(Kind.STORE_EVENT, source, campaign.due_on, f"client:{client.id}")
        proposal = Proposal(Kind.STORE_EVENT, window, campaign.due_on, key, source, detail)
        row = row_for(store_id, client.id, client.assigned_to_id, proposal, on, plan_later=True)
        if decision.action == "move" and decision.show_on:
            row["show_on"] = decision.show_on
        rows.append(row)
    return rows, left_out


def list_campaigns(actor: User, limit: int = 20) -> list[Campaign]:
    """The store's latest campaigns, newest first."""
    require_manager(actor)
    return list(db.session.scalars(select(Campaign).where(Campaign.store_id == actor.store_id)
                                   .order_by(Campaign.created_at.desc(), Campaign.id.desc()).limit(limit)))
