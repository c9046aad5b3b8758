"""A suggested opening line for the card's strongest reason, shaped for a call, a text or an email.

Each line is a greeting that says who calls from which store, then why, in the client's terms; the rules
that keep it fitting the client's moment live in domain.line_rules.
"""

from collections.abc import Mapping, Sequence
from datetime import date

from jewelpwa.domain.line_rules import (
    PITCH_KINDS,
    Caller,
    fit,
    gift_for,
    given_yet,
    greeting,
    holiday_names,
    recent_moment,
)
from jewelpwa.domain.occasions import ordinal
from jewelpwa.domain.ranking import Reason
from jewelpwa.domain.reasons import month_day
from jewelpwa.domain.talking import ClientFacts, Gift, wish_list_nudge
from jewelpwa.domain.vocab import Channel, ItemCategory, Kind

# From ten days before the holiday list's day (Dec 24), "done early" no longer rings true: the line turns to
# what is left, which is also the call a late shopper is glad to get.
HOLIDAY_LATE_DAYS = 10
# What a "no pitch" client hears when the only reason to call was a sale.
HELLO = "I just wanted to say hello and see how you're doing."


def _first(name: object) -> str | None:
    words = str(name or "").split()
    return words[0] if words else None


def _capitalized(text: str) -> str:
    return text[:1].upper() + text[1:]


def _catch_up(facts: ClientFacts, on: date | None) -> str:
    """No occasion to name: thank for a recent sale, welcome a new client, or, only after a quiet spell,
    say it has been a while."""
    moment = recent_moment(facts, on) if on is not None else None
    wish = facts.open_wish_items[0] if facts.open_wish_items and not facts.no_pitch else None
    if moment == "sale" and facts.last_purchase is not None:
        bought_on, piece, _ = facts.last_purchase
        gift = next((g for g in facts.gifts if g.bought_on == bought_on), None)
        if gift is not None:  # "loves": true before the present is given and after
            return f"I hope {gift.recipient + ' loves' if gift.recipient else 'they love'} the {piece}!"
        if piece.endswith(ItemCategory.REPAIR.value):  # a repair-only ticket (domain.cadence.piece_name)
            return "thank you again for trusting us with your repair. Is everything just right?"
        return f"thank you again for choosing the {piece}. I hope you love it!"
    if moment == "added":
        return "it was lovely to meet you. I'm here whenever you need anything."
    if moment == "touch":
        return f"I was thinking of you and the {wish} on your wish list." if wish else HELLO
    if wish:
        return f"it's been a while! I was thinking of you and the {wish} on your wish list."
    if facts.no_pitch:
        return "it's been a while, and I'd love to catch up. How are you?"
    return "it's been a while, and I'd love to catch up and show you what's new."


def _holiday(reason: Reason, facts: ClientFacts, on: date | None) -> str:
    """Once the client's holiday list is saved, its names; before that, the question who is on it."""
    if facts.no_pitch:
        return "wishing you a wonderful holiday season from all of us!"
    late = on is not None and reason.occasion_on is not None and (reason.occasion_on - on).days <= HOLIDAY_LATE_DAYS
    person = _first(reason.detail.get("name"))
    if person is not None:  # one person's gift follow-up from the saved list
        entry = next((g for g in facts.holiday_list if g.name == person), None)
        if entry is not None and entry.wish:
            return f"{person} is on your holiday list. Ready to wrap the {entry.wish}?"
        if late:
            return f"there's still time to find {person}'s gift. Shall I have a few ideas ready to wrap?"
        return f"{person} is on your holiday list. Shall I set aside a few ideas for {person}?"
    if facts.holiday_list:
        names = holiday_names(facts)
        if names is None:
            return "your holiday list is all wrapped up! Anyone you'd like to add?"
        with_wish = next((g for g in facts.holiday_list if g.open and g.wish), None)
        if with_wish is not None:
            return f"your holiday list is saved: {names}. Ready to wrap the {with_wish.wish} for {with_wish.name}?"
        return f"your holiday list is saved: {names}. Shall I set aside a few ideas?"
    if late:
        return "there's still time to find something for everyone on your holiday list. Who's left?"
    return "we're helping clients get their holiday lists done early. Who's on yours this year?"


def _given(gift: Gift, piece: str) -> str:
    """ "you gave Kenji the diamond bracelet", or "you gave the diamond bracelet as a gift"."""
    return f"you gave {gift.recipient} the {piece}" if gift.recipient else f"you gave the {piece} as a gift"


def _purchase(reason: Reason, facts: ClientFacts, piece: str, on: date | None) -> str | None:
    """A follow-up on a piece the client gave away: asked about as a gift, never "how are you enjoying it"."""
    gift = gift_for(reason, facts.gifts)
    if gift is None:
        return None
    match reason.kind:
        case Kind.CHECK_IN if on is not None and not given_yet(gift, on):
            for_whom = f" for {gift.recipient}" if gift.recipient else ""
            return f"is the {piece}{for_whom} ready to give? We'd be glad to gift-wrap it."
        case Kind.CHECK_IN:
            return f"did {gift.recipient or 'they'} love the {piece}?"
        case Kind.CARE:
            return f"it's been a few months since {_given(gift, piece)}. We'd love to clean and check it for free."
        case Kind.CLEANING:
            given = f"you gave {gift.recipient}" if gift.recipient else "you gave as a gift"
            return f"the {piece} {given} is due for its free cleaning and prong check. Any time suits us."
        case Kind.PURCHASE_ANNIVERSARY:
            return f"it's been a year since {_given(gift, piece)}. Is it still a favorite?"
    return None


def _occasion(kind: Kind, detail: Mapping[str, object], when: str, name: object, pitch: bool) -> str | None:
    """The yearly occasions: an offer to help when the client shops, warm wishes alone when they do not."""
    match kind:
        case Kind.ANNIVERSARY:
            years = f"{ordinal(int(detail['years']))} " if detail.get("years") else ""  # type: ignore[call-overload]
            ask = "Shall I put together a few ideas?" if pitch else "Wishing you both a wonderful day!"
            return f"your {years}anniversary is coming up on {when}. {ask}"
        case Kind.BIRTHDAY:
            if pitch:
                return f"your birthday is coming up on {when} and we'd love to celebrate with you."
            return f"your birthday is coming up on {when}. Wishing you a very happy day!"
        case Kind.PARTNER_BIRTHDAY:
            who = f"{name}'s" if name else "a special"
            if pitch:
                return f"{who} birthday is on {when}. Want me to set aside a few ideas {f'for {name}' if name else 'for you'}?"
            return f"{who} birthday is on {when}. Please pass on our warmest wishes!"
        case Kind.FAMILY_DATE:
            if pitch:
                return f"a special date is coming up on {when}. Can I help you find something for it?"
            return f"a special date is coming up on {when}. We're thinking of you!"
        case Kind.VALENTINES:
            if pitch:
                return f"Valentine's Day is around the corner. Want me to set aside a few ideas {f'for {name}' if name else 'for you'}?"
            return "Valentine's Day is around the corner. Wishing you a lovely one!"
        case Kind.MOTHERS_DAY:
            if pitch:
                return f"Mother's Day is on {when}. Can I help you find something special?"
            return f"Mother's Day is on {when}. Wishing your family a lovely day!"
    return None


def _body(reason: Reason | None, facts: ClientFacts, on: date | None) -> str:
    """The heart of the opening line: why the associate is calling, in the client's terms."""
    if reason is None:
        return _catch_up(facts, on)
    detail: Mapping[str, object] = reason.detail
    when = month_day(reason.occasion_on) if reason.occasion_on else "soon"
    piece = str(detail.get("piece") or "piece")
    # People are stored as "Anna Smith"; an associate says "Anna" (as services.book.facts does for partners).
    name = _first(detail.get("name")) or facts.partner_name
    if facts.no_pitch and reason.kind in PITCH_KINDS:
        return HELLO
    occasion = _occasion(reason.kind, detail, when, name, pitch=not facts.no_pitch)
    if occasion is not None:
        return occasion
    gift = _purchase(reason, facts, piece, on)
    if gift is not None:
        return gift
    match reason.kind:
        case Kind.HOLIDAY_LIST:
            return _holiday(reason, facts, on)
        case Kind.STORE_EVENT:
            if detail.get("campaign_id"):  # a campaign (services/owner/campaigns.py), not an event day
                return str(detail.get("message") or "I thought of you and wanted to share what's new.")
            what = detail.get("what") or "a special event"
            return f"we're hosting {what} on {when} and I'd love for you to come."
        case Kind.CHECK_IN:
            if piece.endswith(ItemCategory.REPAIR.value):  # a repair-only ticket (domain.cadence)
                return "how is your piece holding up since the repair?"
            return f"how are you enjoying the {piece}?"
        case Kind.CARE:
            return f"it's been a few months since you got the {piece}. Bring it by for a cleaning and check?"
        case Kind.CLEANING:
            return f"your {piece} is due for its free cleaning and prong check. When would you like to drop by?"
        case Kind.NEW_ARRIVALS:
            category = detail.get("category")
            what = f"{category}" if category and category not in ("other", "repair") else "pieces"
            return f"we just got some new {what} in that made me think of you."
        case Kind.PURCHASE_ANNIVERSARY:
            return f"it's been a year since the {piece}. How is it holding up?"
        case Kind.REFERRAL_THANKS:
            referred = _first(detail.get("name"))
            return f"thank you so much for sending {referred} our way!" if referred else \
                "thank you so much for the referral!"
        case Kind.SERVICE:
            what = detail.get("what")
            return f"a quick note: {str(what)[:1].lower()}{str(what)[1:]}." if what else \
                f"a quick reminder about your visit on {when}."
        case Kind.RECONNECT if "handoff_from" in detail:  # a client new to this associate (services.assignment)
            return "I'm your new contact here and wanted to introduce myself."
    return _catch_up(facts, on)


def _wish_list_offer(facts: ClientFacts, on: date | None) -> str:
    """For a person's list the client is the giver: offer to send it. The client's own list goes to their
    partner, so it is never mentioned to the client (it would spoil the surprise). Not to a "no pitch" client."""
    nudge = wish_list_nudge(facts, on) if on is not None and not facts.no_pitch else None
    if nudge is None or nudge.person_id is None:
        return ""
    return f" {nudge.owner_name}'s {nudge.occasion} is {nudge.when}: shall I send you {nudge.owner_name}'s wish list?"


def _gift_question(reasons: Sequence[Reason], facts: ClientFacts, on: date | None) -> str:
    """A gift's check-in further down the card is one question more on the same call (a holiday list leads
    most December cards): "And did Kenji love the diamond bracelet?"."""
    for reason in reasons[1:]:
        gift = gift_for(reason, facts.gifts) if reason.kind == Kind.CHECK_IN else None
        if gift is not None and (on is None or given_yet(gift, on)):
            return f" And did {gift.recipient or 'they'} love the {reason.detail.get('piece') or gift.piece}?"
    return ""


def opening_line(first_name: str, reasons: Sequence[Reason], facts: ClientFacts, channel: Channel,
                 on: date | None = None, *, caller: Caller) -> str:
    """A friendly first sentence for the card's strongest reason: "Hi Grace, it's Maya at Harbor & Vine. ..."."""
    on = on or facts.as_of
    body = _capitalized(_body(reasons[0] if reasons else None, facts, on))
    extras = [_gift_question(reasons, facts, on), _wish_list_offer(facts, on)]
    return fit(f"{greeting(first_name, caller, channel)} {body}", extras)
