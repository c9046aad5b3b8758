"""update_client: edit one section of a client card in place, with validation and an append-only consent ledger."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from sqlalchemy import update

from ...clock import store_today, utcnow
from ...domain.client_columns import MAX_PHONE_DIGITS, client_columns, phone_digits, phone_e164
from ...domain.emails import is_email
from ...domain.line_rules import is_no_pitch, with_no_pitch
from ...domain.time_zones import implied_zone, is_zone
from ...domain.vocab import SERVICE_KINDS, Channel, Frequency, Status
from ...extensions import db
from ...models import Client, ConsentEvent, FollowUp, User
from ..access import get_client
from ..engine.gating import LIVE
from ..errors import Invalid, NotFound

SECTIONS = ("contact", "preferences", "communication", "notes")
# Channels a client can opt out of one by one; a visit is the client's own move, so it has no opt-out.
OPT_OUT_CHANNELS = (Channel.CALL, Channel.TEXT, Channel.EMAIL, Channel.MAIL)
PREFERRED_CHANNELS = (Channel.CALL, Channel.TEXT, Channel.EMAIL, Channel.MAIL, Channel.VISIT)
NOTES_MAX = 2000
DNC_NOTE = "do not contact"  # the gate's own words when it blocks a follow-up for the same reason
LIST_FIELDS = ("metals", "stones", "brands", "styles")
# Shape check only: the store types it from a card or a receipt; a full RFC parser would reject nothing useful.
# US/Canada sizes (0-16 in quarters, "6.5", "7 1/2") or UK/Australian letters ("N", "N 1/2", "N½").
_RING_SIZE = re.compile(r"^(\d{1,2}(\.\d{1,2})?( ?1/2| ?1/4| ?3/4)?|[A-Za-z]( ?1/2|½)?|[Zz]\+\d)$")
_FORM_ORDER = ("first_name", "last_name", "phone", "phone2", "email", "address_line1", "address_line2", "city",
               "region", "postal_code", "country")
_LENGTHS = {"first_name": 80, "last_name": 80, "email": 254, "phone": 40, "phone2": 40, "address_line1": 200,
            "address_line2": 200, "city": 100, "region": 100, "postal_code": 20}


def split_list(text: str | None) -> list[str]:
    """ "Gold, gold , platinum,," -> ["Gold", "platinum"]: trimmed, empty parts dropped, first spelling kept."""
    seen: set[str] = set()
    items = []
    for part in (text or "").split(","):
        item = " ".join(part.split())
        if item and item.lower() not in seen:
            seen.add(item.lower())
            items.append(item[:60])
    return items


def _text(fields: Mapping[str, Any], name: str) -> str:
    value = fields.get(name)
    if isinstance(value, list):
        value = value[0] if value else ""
    return (value or "").strip()


def _values(fields: Mapping[str, Any], name: str) -> list[str]:
    """Every value of a repeated field (checkboxes), from a form MultiDict or a plain dict of lists."""
    if hasattr(fields, "getlist"):
        return [v for v in fields.getlist(name) if v]
    value = fields.get(name)
    if value is None:
        return []
    return [v for v in ([value] if isinstance(value, str) else list(value)) if v]


def _checked(fields: Mapping[str, Any], name: str) -> bool:
    return _text(fields, name) in ("1", "on", "true", "yes")


def _phone_error(phone: str) -> str | None:
    digits = phone_digits(phone) or ""
    if phone and len(digits) < 7:
        return "Enter a phone number with at least 7 digits, e.g. (555) 010-2030."
    if len(digits) > MAX_PHONE_DIGITS:
        return f"A phone number has at most {MAX_PHONE_DIGITS} digits: check this one."
    return None


def _contact(actor: User, client: Client, fields: Mapping[str, Any]) -> None:
    values = {name: _text(fields, name) for name in _LENGTHS}
    values["country"] = _text(fields, "country").upper()
    found = {}
    if not values["first_name"]:
        found["first_name"] = "Enter the client's first name."
    if values["email"] and not is_email(values["email"]):
        found["email"] = "Enter an email like name@example.com."
    for name in ("phone", "phone2"):
        if message := _phone_error(values[name]):
            found[name] = message
    if values["country"] and not re.fullmatch(r"[A-Z]{2}", values["country"]):
        found["country"] = "Use the two-letter country code, e.g. US or GB."
    for name, limit in _LENGTHS.items():
        if len(values[name]) > limit and name not in found:
            found[name] = f"Keep this under {limit} characters."
    if found:
        # In the form's order, so the form can put the focus on the first field to fix.
        errors = {name: found[name] for name in _FORM_ORDER if name in found}
        raise Invalid("Contact details not saved", errors)
    for name, value in values.items():
        setattr(client, name, value or None)
    client.last_name = values["last_name"]  # NOT NULL: an unknown last name is ""
    # Search reads these two columns, never the raw ones: they must follow every edit.
    for column, derived in client_columns(client.first_name, client.last_name, client.phone,
                                          actor.store.country).items():
        setattr(client, column, derived)
    if not client.time_zone:  # a zone someone chose stays; else the mobile's own, when it names one
        client.time_zone = implied_zone(phone_e164(client.phone, actor.store.country), actor.store.timezone)


def _preferences(actor: User, client: Client, fields: Mapping[str, Any]) -> None:
    ring_size = _text(fields, "ring_size")
    if ring_size and (len(ring_size) > 10 or not _RING_SIZE.match(ring_size)):
        raise Invalid("Preferences not saved", {"ring_size": "Enter a ring size like 6.5 or N."})
    for name in LIST_FIELDS:
        setattr(client, name, split_list(_text(fields, name)))
    client.ring_size = ring_size.upper() if ring_size.isalpha() else ring_size or None


def _notes(actor: User, client: Client, fields: Mapping[str, Any]) -> None:
    notes = (fields.get("notes") or "").strip()
    if len(notes) > NOTES_MAX:
        raise Invalid("Notes not saved", {"notes": f"Keep notes under 2,000 characters (now {len(notes):,})."})
    client.notes = notes or None
    # "No sales pitch" rides on the notes it explains ("not shopping this season"): opening lines read it.
    client.tags = with_no_pitch(client.tags, _checked(fields, "no_pitch"))


def _communication(actor: User, client: Client, fields: Mapping[str, Any]) -> None:
    preferred = _text(fields, "preferred_channel")
    frequency = _text(fields, "frequency") or client.frequency
    opted_out = _values(fields, "opted_out")
    time_zone = _text(fields, "time_zone")
    errors = {}
    if preferred and preferred not in {c.value for c in PREFERRED_CHANNELS}:
        errors["preferred_channel"] = "Choose call, text, email, mail or visit, or no preference."
    if frequency not in {f.value for f in Frequency}:
        errors["frequency"] = "Choose low, normal or high."
    if any(c not in {ch.value for ch in OPT_OUT_CHANNELS} for c in opted_out):
        errors["opted_out"] = "Tick only call, text, email or mail."
    if time_zone and not is_zone(time_zone):
        errors["time_zone"] = "Choose a time zone from the list, or the store's."
    if errors:
        raise Invalid("Communication preferences not saved", errors)
    do_not_contact = _checked(fields, "do_not_contact")
    events = []

    def record(what: str, channel: str | None = None, value: str | None = None) -> None:
        events.append(ConsentEvent(store_id=client.store_id, client_id=client.id, user_id=actor.id,
                                   channel=channel, what=what, value=value))

    before = set(client.opted_out or [])
    after = {c.value for c in OPT_OUT_CHANNELS if c.value in opted_out}
    for channel in OPT_OUT_CHANNELS:
        if channel.value in after - before:
            record("opt_out", channel.value)
        elif channel.value in before - after:
            record("opt_in", channel.value)
    if do_not_contact != bool(client.do_not_contact):
        record("do_not_contact" if do_not_contact else "contact_ok")
    if frequency != client.frequency:
        record("frequency", value=frequency)
    if (preferred or None) != client.preferred_channel:
        record("preferred", channel=preferred or None, value=preferred or "none")
    # Keep channels the form does not offer (none today) and the order of the vocabulary.
    client.opted_out = [c.value for c in OPT_OUT_CHANNELS if c.value in after] + sorted(
        before - {c.value for c in OPT_OUT_CHANNELS})
    if do_not_contact != bool(client.do_not_contact):
        _hold_marketing(client, do_not_contact, store_today(actor.store))
    client.do_not_contact = do_not_contact
    client.frequency = frequency
    client.preferred_channel = preferred or None
    # Empty: the store's zone again. Not a consent change, so not in the ledger.
    client.time_zone = time_zone or None
    db.session.add_all(events)


def _hold_marketing(client: Client, stop: bool, on: date) -> None:
    """Do-not-contact closes the client's marketing follow-ups now, as the gate would at the next plan (service
    ones stay); "OK to contact" again reopens the ones it closed that are still in window, so a slip is undone."""
    marketing = (FollowUp.client_id == client.id, FollowUp.kind.notin_([k.value for k in SERVICE_KINDS]))
    if stop:
        query = update(FollowUp).where(*marketing, FollowUp.status.in_(LIVE)).values(
            status=Status.SKIPPED.value, note=DNC_NOTE, closed_at=utcnow())
    else:
        query = update(FollowUp).where(*marketing, FollowUp.status == Status.SKIPPED.value, FollowUp.note == DNC_NOTE,
                                       FollowUp.expires_on >= on).values(status=Status.OPEN.value, note=None,
                                                                         closed_at=None)
    db.session.execute(query, execution_options={"synchronize_session": False})


_EDITORS: dict[str, Callable[[User, Client, Mapping[str, Any]], None]] = {
    "contact": _contact,
    "preferences": _preferences,
    "communication": _communication,
    "notes": _notes,
}


def update_client(actor: User, client_id: int, section: str, fields: Mapping[str, Any]) -> Client:
    """Validate and save one card section; consent changes append ConsentEvents; one commit."""
    client = get_client(actor, client_id)  # another store's client is a 404 whatever the section
    editor = _EDITORS.get(section)
    if editor is None:
        raise NotFound("section")
    try:
        editor(actor, client, fields)
    except Invalid:
        db.session.rollback()
        raise
    db.session.commit()
    return client


def form_values(client: Client, section: str, submitted: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """What a section's form shows: the user's input after a failed save, else the client's current values."""
    if section == "contact":
        values: dict[str, Any] = {name: getattr(client, name) or "" for name in (*_LENGTHS, "country")}
    elif section == "preferences":
        values = {name: ", ".join(getattr(client, name) or []) for name in LIST_FIELDS}
        values["ring_size"] = client.ring_size or ""
    elif section == "communication":
        values = {"preferred_channel": client.preferred_channel or "", "frequency": client.frequency,
                  "opted_out": list(client.opted_out or []), "do_not_contact": bool(client.do_not_contact),
                  "time_zone": client.time_zone or ""}
    else:
        values = {"notes": client.notes or "", "no_pitch": is_no_pitch(client.tags)}
    if submitted is not None:
        for name in values:
            if name == "opted_out":
                values[name] = _values(submitted, name)
            elif name in ("do_not_contact", "no_pitch"):
                values[name] = _checked(submitted, name)
            else:
                values[name] = submitted.get(name, "")
    return values
