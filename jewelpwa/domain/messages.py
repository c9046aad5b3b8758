"""Messages to clients, the pure part: merge fields, the store's templates, and what stops a message.

A template names its merge fields in braces ({first_name}); a field the message has no value for becomes empty
and an unknown name stays as typed, so a typo shows in the preview instead of vanishing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from jewelpwa.domain.occasions import ordinal

# {date} and {time}: an appointment's, in the store's locale; {years}: an anniversary's ordinal ("10th").
MERGE_FIELDS = ("first_name", "associate", "store", "occasion", "piece", "date", "time", "years")
_FIELD = re.compile(r"\{([a-z_]+)\}")

SUBJECT_MAX = 200
BODY_MAX = 1600  # ten SMS segments; an email from the card is a note, not a newsletter


@dataclass(frozen=True)
class Template:
    key: str
    label: str
    body: str
    subject: str | None = None  # an email's; a text has none


# The compose sheet's templates every store starts from; the store edits its own copy (message_templates).
DEFAULT_TEMPLATES = (
    Template("thanks", "Thank you", "Hi {first_name}, thank you for choosing {store}. I hope you love your "
             "{piece}. If anything needs a look, I'm here. {associate}"),
    Template("occasion", "Occasion coming up", "Hi {first_name}, {associate} from {store} here. {occasion} is "
             "coming up; I've put a few ideas aside if you'd like to see them."),
    Template("check_in", "Check-in", "Hi {first_name}, {associate} at {store}. How is the {piece} wearing? "
             "Bring it by any time for a free clean."),
)


@dataclass(frozen=True)
class Automatic:
    """A message the app sends by itself. Transactional ones (what the client asked for) carry no unsubscribe link
    and pass no frequency tolerance; marketing ones do both.

    Every one starts off (`on_by_default`): it writes to clients in the store's name and each one that goes is a
    touch (it counts against the client's frequency tolerance and moves their open follow-ups like a message
    left), so an upgrade never starts messaging a store's book by itself; the owner turns each on in Settings."""

    key: str
    label: str
    when: str
    transactional: bool
    on_by_default: bool
    template: Template


AUTOMATIC: tuple[Automatic, ...] = (
    Automatic("thank_you", "Thank you", "One or two days after a sale", False, False, Template(
        "thank_you", "Thank you", "Hi {first_name}, thank you for choosing {store}. I hope you love your {piece}. "
        "If anything needs a look, we're here. {associate}", "Thank you from {store}")),
    Automatic("appointment_confirmation", "Appointment confirmation", "When an appointment is booked", True, False,
              Template("appointment_confirmation", "Appointment confirmation",
                       "Hi {first_name}, your appointment at {store} is booked for {date} at {time}. "
                       "See you then! {associate}", "Your appointment at {store}: {date}")),
    Automatic("appointment_reminder", "Appointment reminder", "The day before an appointment", True, False,
              Template("appointment_reminder", "Appointment reminder",
                       "Hi {first_name}, a reminder of your appointment at {store} tomorrow, {date} at {time}. "
                       "{associate}", "See you tomorrow at {store}")),
    Automatic("repair_ready", "Repair ready", "When a repair is marked ready for pickup", True, False, Template(
        "repair_ready", "Repair ready", "Hi {first_name}, good news: your {piece} is ready for pickup at {store}. "
        "{associate}", "Your {piece} is ready")),
    Automatic("birthday", "Birthday greeting", "On the client's birthday", False, False, Template(
        "birthday", "Birthday greeting", "Happy birthday, {first_name}! Wishing you a wonderful day from all of "
        "us at {store}. {associate}", "Happy birthday, {first_name}")),
    Automatic("anniversary", "Anniversary greeting", "On the client's wedding anniversary", False, False, Template(
        "anniversary", "Anniversary greeting", "Happy anniversary, {first_name}! Wishing you both a wonderful day "
        "as you celebrate {occasion}. With love from all of us at {store}.", "Happy anniversary, {first_name}")),
)
AUTOMATIC_BY_KEY = {a.key: a for a in AUTOMATIC}
THANK_YOU_DELAYS = (1, 2)  # days after the sale
LABEL_MAX = 80


# What a preview fills the fields with when no client is at hand (the settings page): a believable client.
SAMPLE_VALUES = {"first_name": "Ana", "occasion": "your 10th anniversary", "piece": "sapphire pendant",
                 "date": "Sat, Mar 14", "time": "2:30 PM", "years": "10th"}


def auto_key(kind: str, source: str) -> str:
    """The one name of one automatic message (unique per store): `auto:thank_you:purchase:123`."""
    return f"auto:{kind}:{source}"


def auto_label(key: str | None) -> str | None:
    """"Thank you" for `auto:thank_you:...`, None for a message an associate wrote."""
    parts = (key or "").split(":")
    kind = AUTOMATIC_BY_KEY.get(parts[1]) if len(parts) > 2 and parts[0] == "auto" else None
    return kind.label if kind else None


def anniversary_occasion(years: int | None, milestone: bool) -> str:
    """How a greeting names the day: a milestone is called out ("your 10th anniversary")."""
    return f"your {ordinal(years)} anniversary" if years and milestone else "your anniversary"


def fill(template: str, values: Mapping[str, str | None]) -> str:
    """The template with its merge fields filled; missing values become empty, unknown names stay."""
    def one(match: re.Match[str]) -> str:
        name = match.group(1)
        return (values.get(name) or "") if name in MERGE_FIELDS else match.group(0)

    text = _FIELD.sub(one, template)
    return re.sub(r"[ \t]{2,}", " ", text).strip()


def refusal(channel: str, *, do_not_contact: bool, opted_out: frozenset[str] | set[str], address: str | None,
            marketing_email_ok: bool = True, bounced_on: date | None = None) -> str | None:
    """Why a message to this client on this channel must not go, or None when it may. `marketing_email_ok` is
    False for a marketing email from a store without a postal address (CAN-SPAM asks for one in every email);
    `bounced_on` is the day a hard bounce condemned this very address (editing the address lifts it)."""
    if do_not_contact:
        return "Do not contact: nothing was sent."
    if channel in opted_out:
        return f"{'Texts' if channel == 'text' else 'Emails'} opted out: nothing was sent."
    if not address:
        what = "mobile number that can receive texts" if channel == "text" else "email address"
        return f"No {what} on file: nothing was sent."
    if channel == "email" and bounced_on is not None:
        return f"Email bounced on {bounced_on:%b} {bounced_on.day}, {bounced_on.year}: check the address."
    if channel == "email" and not marketing_email_ok:
        return "The store's postal address is not set (Owner → Settings): no marketing email is sent without it."
    return None


def email_footer(unsubscribe_url: str, postal_address: str) -> str:
    """What every marketing email ends with: who sent it, where, and how to stop them (CAN-SPAM, GDPR)."""
    return f"\n\n--\n{postal_address}\nNo more emails from us: {unsubscribe_url}"


# The carriers' standard SMS keywords (CTIA; the words Twilio's own opt-out handling answers). The whole trimmed
# body must be the word, in any case, give or take the punctuation a phone's keyboard adds ("Stop.", "STOP!"):
# "Stop by Saturday?" is a reply, not an opt-out.
STOP_WORDS = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"})
START_WORDS = frozenset({"START", "UNSTOP", "YES"})
HELP_WORDS = frozenset({"HELP"})


def keyword(body: str | None) -> str | None:
    """"stop", "start" or "help" when the text is one of the SMS keywords, else None (an ordinary reply)."""
    word = (body or "").strip().rstrip(".!?,;: ").strip().upper()
    if word in STOP_WORDS:
        return "stop"
    if word in START_WORDS:
        return "start"
    if word in HELP_WORDS:
        return "help"
    return None
