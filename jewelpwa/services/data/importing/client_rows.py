"""One row of a clients file checked: every problem recorded against its line, or a ClientRow ready to write."""

from __future__ import annotations

from dataclasses import dataclass

from ....domain.client_columns import MAX_PHONE_DIGITS, phone_digits
from ....domain.emails import is_email
from ....domain.vocab import Channel, Frequency
from ....domain.yearly_date import YearlyDate, parse_yearly_date
from ....models import User
from .reading import CsvRow, Errors, check_lengths, parse_cell

# Plain strings: StrEnum member lookups are slow enough to show in a 50,000-row profile.
_CHANNELS = frozenset(c.value for c in Channel)
_FREQUENCIES = frozenset(f.value for f in Frequency)
_YES = {"yes", "y", "true", "t", "1"}
_NO = {"no", "n", "false", "f", "0", ""}


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


def parse_children(value: str) -> list[tuple[str, YearlyDate | None]]:
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
        born = parse_yearly_date(when, f"{name}'s birthday") if when else None
        children[name.lower()] = (name, born)
    return list(children.values())


def validate_client(row: CsvRow, staff: dict[str, User], errors: Errors) -> ClientRow | None:
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
    phone = cells["phone"] or None
    digits = phone_digits(phone)
    if phone and not digits:
        errors.add(row.line, "phone", f'"{phone}" has no digits: enter the phone number or leave it blank')
    elif digits and len(digits) > MAX_PHONE_DIGITS:
        errors.add(row.line, "phone", f'"{phone}" has {len(digits)} digits: at most {MAX_PHONE_DIGITS} fit')
    birthday = parse_cell(row, "birthday", lambda v: parse_yearly_date(v, "birthday"), errors)
    anniversary = parse_cell(row, "anniversary", lambda v: parse_yearly_date(v, "anniversary"), errors)
    partner_birthday = parse_cell(row, "partner_birthday", lambda v: parse_yearly_date(v, "partner_birthday"), errors)
    if cells["partner_birthday"] and not cells["partner_name"]:
        errors.add(row.line, "partner_birthday", "is given without partner_name: add the partner's name in the same row")
    children = parse_cell(row, "children", parse_children, errors) or []
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
    )
