"""One row of a clients file checked: every problem recorded against its line, or a ClientRow ready to write."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import partial

from ....domain.client_columns import MAX_PHONE_DIGITS, phone_digits, phone_e164
from ....domain.emails import is_email
from ....domain.money import parse_money
from ....domain.vocab import Channel, Frequency
from ....domain.yearly_date import YearlyDate, parse_full_date, parse_yearly_date
from ....models import User
from ...book.client_edit import split_list
from .countries import country_code
from .reading import CsvRow, Errors, Rules, check_lengths, parse_cell

# Plain strings: StrEnum member lookups are slow enough to show in a 50,000-row profile.
_CHANNELS = frozenset(c.value for c in Channel)
_FREQUENCIES = frozenset(f.value for f in Frequency)
_YES = {"yes", "y", "true", "t", "1"}
_NO = {"no", "n", "false", "f", "0", ""}
_CALL, _TEXT, _EMAIL_CH, _MAIL = Channel.CALL.value, Channel.TEXT.value, Channel.EMAIL.value, Channel.MAIL.value
# The consent columns: a "yes" opens the channels (never over an opt-out: see client_writer), a "no" closes them.
CONSENT_CHANNELS = {"accepts_email": (_EMAIL_CH,), "accepts_text": (_TEXT,), "accepts_mail": (_MAIL,),
                    "accepts_call": (_CALL,), "accepts_marketing": (_EMAIL_CH, _TEXT)}
# The opt-out columns say the opposite: a "yes" closes the channel.
OPT_OUT_CHANNELS = {"no_email": _EMAIL_CH, "no_text": _TEXT, "no_mail": _MAIL, "no_call": _CALL}
# How exports write consent (compacted: lower case, letters and digits): Shopify yes/no and Square's Subscribed /
# Unsubscribed / Unknown, Shopify's API states (not_subscribed, pending, redacted, invalid). Anything short of a
# confirmed yes is a no: a double opt-in still pending has not said yes.
_CONSENT_YES = frozenset({"yes", "y", "true", "t", "1", "subscribed", "optedin", "optin", "confirmed", "confirmedoptin",
                          "singleoptin", "consented", "allowed", "on", "x"})
_CONSENT_NO = frozenset({"no", "n", "false", "f", "0", "unsubscribed", "notsubscribed", "optedout", "optout",
                         "pending", "redacted", "invalid", "declined", "off", "never"})
_CONSENT_UNKNOWN = frozenset({"", "unknown", "na", "none", "null"})
_RING_SIZE = re.compile(r"^(\d{1,2}(\.\d{1,2})?( ?1/2| ?1/4| ?3/4)?|[A-Za-z]( ?1/2|½)?|[Zz]\+\d)$")


@dataclass
class ClientRow:
    line: int
    number: str
    first_name: str
    last_name: str | None
    email: str | None
    phone: str | None
    phone_digits: str | None
    birthday: YearlyDate | None
    anniversary: YearlyDate | None
    partner_name: str | None
    partner_birthday: YearlyDate | None
    children: list[tuple[str, YearlyDate | None]]
    associate_id: int | None
    preferred_channel: str | None
    do_not_contact: bool | None
    frequency: str | None
    notes: str | None
    phone_kind: str | None = None
    phone2: str | None = None
    phone2_kind: str | None = None
    # Plain text columns taken as they are (company, preferred name, the postal address): blank leaves the book's.
    text: dict[str, str] = field(default_factory=dict)
    tags: list[str] = field(default_factory=list)
    lists: dict[str, list[str]] = field(default_factory=dict)  # metals, stones, brands, styles
    ring_size: str | None = None
    client_since: date | None = None
    closed: frozenset[str] = frozenset()  # channels the file says the client opted out of
    opened: frozenset[str] = frozenset()  # channels the file says are open (reported when the app has them closed)
    imported_spend: Decimal | None = None
    imported_orders: int | None = None


# Address and name columns a row sets as written.
TEXT_COLUMNS = ("company", "preferred_name", "address_line1", "address_line2", "city", "region", "postal_code")
LIST_COLUMNS = ("metals", "stones", "brands", "styles")


def parse_flag(value: str, column: str) -> bool | None:
    """yes/no/true/false/1/0; blank is None (not given)."""
    word = value.lower()
    if word == "":
        return None
    if word in _YES:
        return True
    if word in _NO:
        return False
    raise ValueError(f'{column} "{value}" is not yes or no: use yes, no, true, false, 1, 0 or leave it blank')


def parse_consent(value: str, column: str) -> bool | None:
    """True (consented), False (declined or not yet confirmed), None (blank or unknown: says nothing)."""
    word = re.sub(r"[^a-z0-9]", "", value.lower())
    if word in _CONSENT_UNKNOWN:
        return None
    if word in _CONSENT_YES:
        return True
    if word in _CONSENT_NO:
        return False
    raise ValueError(f'{column} "{value}" is not yes or no: use yes/no, true/false, subscribed/unsubscribed '
                     "or leave it blank")


def _consent(row: CsvRow, errors: Errors) -> tuple[frozenset[str], frozenset[str]]:
    """(closed, opened) channels from the consent and opt-out columns; a channel both closed and opened is closed."""
    closed: set[str] = set()
    opened: set[str] = set()
    for column, channels in CONSENT_CHANNELS.items():
        said = parse_cell(row, column, partial(parse_consent, column=column), errors)
        if said is not None:
            (opened if said else closed).update(channels)
    for column, channel in OPT_OUT_CHANNELS.items():
        said = parse_cell(row, column, partial(parse_consent, column=column), errors)
        if said is not None:
            (closed if said else opened).add(channel)
    return frozenset(closed), frozenset(opened - closed)


def _phone(row: CsvRow, column: str, rules: Rules, errors: Errors, warnings: Errors) -> tuple[str | None, str | None]:
    """(as written, digits): a number that cannot be read in the store's country is kept as written and reported,
    never dropped; a cell without digits is an error."""
    phone = row.cells[column] or None
    digits = phone_digits(phone, rules.region)
    if phone and not digits:
        errors.add(row.line, column, f'"{phone}" has no digits: enter the phone number or leave it blank')
    elif digits and len(digits) > MAX_PHONE_DIGITS:
        errors.add(row.line, column, f'"{phone}" has {len(digits)} digits: at most {MAX_PHONE_DIGITS} fit')
    elif phone and phone_e164(phone, rules.region) is None:
        warnings.add(row.line, column, f'"{phone}" is not a phone number in {rules.region}: kept as written and '
                                       "flagged on the card; add the country code (+…) if it is a number abroad")
    return phone, digits


def _count(value: str) -> int:
    text = value.strip().replace(",", "").replace(".0", "")
    if not text.isdigit() or len(text) > 9:
        raise ValueError(f'order_count "{value}" is not a whole number of orders')
    return int(text)


def parse_children(value: str, day_first: bool = False) -> list[tuple[str, YearlyDate | None]]:
    """"Emma:2015-06-01; Liam:03-14; Noah" → [(name, date or None)]; a name given twice counts once."""
    children: dict[str, tuple[str, YearlyDate | None]] = {}
    for part in value.split(";"):
        part = part.strip()
        if not part:
            continue
        name, _, when = (s.strip() for s in part.partition(":"))
        if not name:
            raise ValueError(f'children "{part}" has no name: write name:YYYY-MM-DD, name:MM-DD or just the name')
        if len(name) > 120:
            raise ValueError(f'children "{name[:30]}…" is longer than 120 characters')
        born = parse_yearly_date(when, f"{name}'s birthday", day_first) if when else None
        children[name.lower()] = (name, born)
    return list(children.values())


def validate_client(row: CsvRow, staff: dict[str, User], errors: Errors, rules: Rules,
                    warnings: Errors) -> ClientRow | None:
    before = len(errors.items)
    cells = row.cells
    check_lengths(row, errors)
    if not cells["client_number"]:
        errors.add(row.line, "client_number", "is blank: every client needs the number the point of sale gave them "
                                              "(re-imports find the client by it)")
    if not cells["first_name"]:
        errors.add(row.line, "first_name", "is blank: enter the client's first name")
    email = cells["email"].lower() or None
    if email and not is_email(email):
        errors.add(row.line, "email", f'"{cells["email"]}" is not an email address: write it like name@example.com')
    phone_kind, phone2_kind = rules.phone_kinds.get("phone"), rules.phone_kinds.get("phone2")
    if not cells["phone"] and cells["phone2"]:  # no mobile for this client: the other number is the one to call
        cells["phone"], cells["phone2"] = cells["phone2"], ""
        phone_kind, phone2_kind = phone2_kind, None
    phone, digits = _phone(row, "phone", rules, errors, warnings)
    phone2, _ = _phone(row, "phone2", rules, errors, warnings)
    day_first = rules.day_first
    birthday = parse_cell(row, "birthday", lambda v: parse_yearly_date(v, "birthday", day_first), errors)
    anniversary = parse_cell(row, "anniversary", lambda v: parse_yearly_date(v, "anniversary", day_first), errors)
    partner_birthday = parse_cell(row, "partner_birthday",
                                  lambda v: parse_yearly_date(v, "partner_birthday", day_first), errors)
    if cells["partner_birthday"] and not cells["partner_name"]:
        errors.add(row.line, "partner_birthday", "is given without partner_name: add the partner's name in the same row")
    children = parse_cell(row, "children", lambda v: parse_children(v, day_first), errors) or []
    since = parse_cell(row, "client_since", lambda v: parse_full_date(v, "client_since", day_first), errors)
    if since and since > rules.today:
        since = None  # a clock set wrong somewhere: the client is new today, as without the column
    closed, opened = _consent(row, errors)
    # Total spent through the one money parser (domain.money: the locale work makes it the store's own).
    spend = parse_cell(row, "lifetime_spend", lambda v: parse_money(v, rules.locale, "lifetime_spend"), errors)
    orders = parse_cell(row, "order_count", _count, errors)
    ring_size = cells["ring_size"]
    if ring_size and (len(ring_size) > 10 or not _RING_SIZE.match(ring_size)):
        errors.add(row.line, "ring_size", f'"{ring_size}" is not a ring size: write it like 6.5 or N')
    country = None
    if cells["country"]:
        country = country_code(cells["country"])
        if country is None:
            warnings.add(row.line, "country", f'"{cells["country"]}" is not a country we know: left out; use the '
                                              "two-letter code (US, GB, DE…)")
    channel = cells["preferred_channel"].lower() or None
    if channel and channel not in _CHANNELS:
        errors.add(row.line, "preferred_channel",
                   f'"{cells["preferred_channel"]}" is not a channel: use call, text, email, visit or mail')
    dnc = parse_cell(row, "do_not_contact", lambda v: parse_flag(v, "do_not_contact"), errors)
    frequency = cells["frequency"].lower() or None
    if frequency and frequency not in _FREQUENCIES:
        errors.add(row.line, "frequency", f'"{cells["frequency"]}" is not a frequency: use low, normal or high')
    associate_id = None
    if associate := cells["associate_email"].lower():
        user = staff.get(associate)
        if user is None:
            errors.add(row.line, "associate_email", f'"{cells["associate_email"]}" is not a staff email in this store')
        elif not user.active:
            errors.add(row.line, "associate_email",
                       f'"{cells["associate_email"]}" is a deactivated account: assign an active associate or leave it blank')
        else:
            associate_id = user.id
    if len(errors.items) > before:
        return None
    return ClientRow(
        line=row.line, number=cells["client_number"], first_name=cells["first_name"],
        last_name=cells["last_name"] or None, email=email, phone=phone, phone_digits=digits,
        birthday=birthday, anniversary=anniversary, partner_name=cells["partner_name"] or None,
        partner_birthday=partner_birthday, children=children, associate_id=associate_id,
        preferred_channel=channel, do_not_contact=dnc, frequency=frequency, notes=cells["notes"] or None,
        phone_kind=phone_kind if phone else None, phone2=phone2, phone2_kind=phone2_kind if phone2 else None,
        text={name: cells[name] for name in TEXT_COLUMNS if cells[name]} | ({"country": country} if country else {}),
        tags=split_list(cells["tags"]), lists={name: split_list(cells[name]) for name in LIST_COLUMNS if cells[name]},
        ring_size=(ring_size.upper() if ring_size.isalpha() else ring_size) or None, client_since=since,
        closed=closed, opened=opened, imported_spend=spend, imported_orders=orders,
    )
