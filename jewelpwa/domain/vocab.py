"""Domain vocabulary shared by the engine, the models and the views, stored as lowercase strings."""

from enum import StrEnum


class Kind(StrEnum):
    """Why a follow-up exists."""

    ANNIVERSARY = "anniversary"
    BIRTHDAY = "birthday"
    PARTNER_BIRTHDAY = "partner_birthday"
    FAMILY_DATE = "family_date"
    VALENTINES = "valentines"
    MOTHERS_DAY = "mothers_day"
    HOLIDAY_LIST = "holiday_list"
    STORE_EVENT = "store_event"
    CHECK_IN = "check_in"
    CARE = "care"
    NEW_ARRIVALS = "new_arrivals"
    PURCHASE_ANNIVERSARY = "purchase_anniversary"
    RECONNECT = "reconnect"
    REFERRAL_THANKS = "referral_thanks"
    SERVICE = "service"
    # A free cleaning visit every six months for a piece that benefits from it (domain/cleaning.py).
    CLEANING = "cleaning"


# Service follow-ups (appointment reminders, repair pickups) are what the client asked for, so they
# still reach clients who opted out of marketing; every other kind is marketing.
SERVICE_KINDS: frozenset[Kind] = frozenset({Kind.SERVICE})


class Status(StrEnum):
    """Lifecycle of a follow-up."""

    OPEN = "open"
    DONE = "done"
    SNOOZED = "snoozed"
    SKIPPED = "skipped"
    EXPIRED = "expired"


class Channel(StrEnum):
    """How a touch reaches the client."""

    CALL = "call"
    TEXT = "text"
    EMAIL = "email"
    VISIT = "visit"
    MAIL = "mail"


class Outcome(StrEnum):
    """What happened when an associate reached out."""

    REACHED = "reached"
    VOICEMAIL = "voicemail"
    NO_ANSWER = "no_answer"
    REPLIED = "replied"
    BOOKED = "booked"
    SOLD = "sold"
    NOT_NOW = "not_now"
    DO_NOT_CONTACT = "do_not_contact"


COMPLETING_OUTCOMES: frozenset[Outcome] = frozenset(
    {Outcome.REACHED, Outcome.REPLIED, Outcome.BOOKED, Outcome.SOLD}
)
RETRY_OUTCOMES: frozenset[Outcome] = frozenset({Outcome.VOICEMAIL, Outcome.NO_ANSWER})
# A touch is something the client noticed (a conversation, a voicemail, a message); an unanswered ring
# is not, so it does not count against the client's frequency tolerance.
TOUCH_OUTCOMES: frozenset[Outcome] = frozenset(o for o in Outcome if o is not Outcome.NO_ANSWER)


class Role(StrEnum):
    """A staff member's role in the store."""

    OWNER = "owner"
    MANAGER = "manager"
    ASSOCIATE = "associate"


class Tier(StrEnum):
    """Client value by 24-month spend percentile: the engine's band for ranking, not shown as a tier."""

    A = "A"
    B = "B"
    C = "C"


# Clients see one tier: the store's loyalty tier (relations/_badge.html). Where the engine's band must be named
# (a filter, book health, why a client ranks high) it is in spending words, never as a second set of tiers.
SPEND_BANDS: dict[Tier, str] = {Tier.A: "Top spenders", Tier.B: "Middle spenders", Tier.C: "Other clients"}
SPEND_BAND_REASON: dict[Tier, str] = {Tier.A: "top spender", Tier.B: "regular spender"}  # C raises no rank


class Frequency(StrEnum):
    """How often a client is happy to hear from the store."""

    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"


class DateKind(StrEnum):
    """Kind of an important yearly date."""

    BIRTHDAY = "birthday"
    ANNIVERSARY = "anniversary"
    CUSTOM = "custom"


class Relation(StrEnum):
    """How a person relates to a client."""

    PARTNER = "partner"
    CHILD = "child"
    PARENT = "parent"
    FRIEND = "friend"
    OTHER = "other"


class AppointmentKind(StrEnum):
    """What an appointment is for."""

    CONSULTATION = "consultation"
    CLEANING = "cleaning"
    REPAIR_PICKUP = "repair_pickup"
    PRIVATE_VIEWING = "private_viewing"
    VIRTUAL = "virtual"


class AppointmentStatus(StrEnum):
    """Lifecycle of an appointment."""

    BOOKED = "booked"
    DONE = "done"
    CANCELLED = "cancelled"
    NO_SHOW = "no_show"


class ItemCategory(StrEnum):
    """Category of a purchased item, as a point-of-sale export names it."""

    RING = "ring"
    EARRINGS = "earrings"
    NECKLACE = "necklace"
    PENDANT = "pendant"
    BRACELET = "bracelet"
    WATCH = "watch"
    BROOCH = "brooch"
    REPAIR = "repair"
    OTHER = "other"


KIND_LABEL: dict[Kind, str] = {
    Kind.ANNIVERSARY: "Anniversary",
    Kind.BIRTHDAY: "Birthday",
    Kind.PARTNER_BIRTHDAY: "Partner's birthday",
    Kind.FAMILY_DATE: "Family date",
    Kind.VALENTINES: "Valentine's Day",
    Kind.MOTHERS_DAY: "Mother's Day",
    Kind.HOLIDAY_LIST: "Holiday list",
    Kind.STORE_EVENT: "Store event",
    Kind.CHECK_IN: "Check-in",
    Kind.CARE: "Care check",
    Kind.NEW_ARRIVALS: "New arrivals",
    Kind.PURCHASE_ANNIVERSARY: "Purchase anniversary",
    Kind.RECONNECT: "Reconnect",
    Kind.REFERRAL_THANKS: "Referral thanks",
    Kind.SERVICE: "Service",
    Kind.CLEANING: "Free cleaning",
}
