"""Direct-mail lists: a segment's postal addresses as CSV, leaving out who must not get mail."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from sqlalchemy import and_, case, func, or_, select

from ...domain.client_columns import display_name
from ...domain.vocab import Channel
from ...extensions import db
from ...models import AuditEvent, Client, User
from ..engine.client_filter import conditions, json_list_has
from .segments import filter_of, get_segment

HEADER = ("Name", "Address line 1", "Address line 2", "City", "Region", "Postal code", "Country")
# A spreadsheet runs a cell starting with these as a formula (CSV injection); tab and CR too (OWASP).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: str | None) -> str:
    """A cell a spreadsheet shows as text: a leading formula character gets a quote in front."""
    text = value or ""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


@dataclass(frozen=True)
class MailCounts:
    mailable: int
    no_address: int
    do_not_contact: int
    opted_out: int


def _has_address():
    return and_(Client.address_line1.is_not(None), func.trim(Client.address_line1) != "")


def _may_mail():
    return and_(Client.do_not_contact.is_(False), ~json_list_has(Client.opted_out, Channel.MAIL.value))


def mail_counts(actor: User, segment_id: int) -> MailCounts:
    """Of the segment's clients: how many get mail, lack an address, are do-not-contact or opted out of mail."""
    segment = get_segment(actor, segment_id)
    where = conditions(actor.store_id, filter_of(segment))
    opted = json_list_has(Client.opted_out, Channel.MAIL.value)
    # One pass over the segment: each client lands in exactly one bucket, the first that applies.
    bucket = case((Client.do_not_contact.is_(True), "dnc"), (opted, "opted"),
                  (or_(Client.address_line1.is_(None), func.trim(Client.address_line1) == ""), "none"),
                  else_="ok")
    rows: dict[str, int] = {name: n for name, n in db.session.execute(select(bucket, func.count()).where(*where)
                                                                       .group_by(bucket))}
    return MailCounts(rows.get("ok", 0), rows.get("none", 0), rows.get("dnc", 0), rows.get("opted", 0))


def mail_csv(actor: User, segment_id: int, address: str | None = None) -> tuple[str, str]:
    """(file name, CSV text) of name and postal address for the segment's clients who may get mail; audited
    like every export (names and postal addresses leave the app)."""
    segment = get_segment(actor, segment_id)
    db.session.add(AuditEvent(store_id=actor.store_id, user_id=actor.id, action="export_mail_list",
                              target=f"segment:{segment.id}", address=address))
    db.session.commit()
    rows = db.session.execute(
        select(Client.first_name, Client.last_name, Client.address_line1, Client.address_line2, Client.city,
               Client.region, Client.postal_code, Client.country)
        .where(*conditions(actor.store_id, filter_of(segment)), _has_address(), _may_mail())
        .order_by(Client.postal_code, Client.search_name, Client.id))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    for r in rows:
        name = display_name(r.first_name, r.last_name)
        writer.writerow([neutralise(v) for v in (name, r.address_line1, r.address_line2, r.city, r.region,
                                                 r.postal_code, r.country)])
    # ASCII only: the name goes into a Content-Disposition header, which servers must send as latin-1 (a
    # segment named "Кольца" made the download fail under gunicorn and Werkzeug).
    safe = "".join(ch if ch.isascii() and ch.isalnum() else "-" for ch in segment.name.lower()).strip("-")[:40]
    safe = safe or "segment"
    return f"mail-{safe}.csv", out.getvalue()
