"""Why a follow-up is on today's list, in the words an associate reads at a glance."""

from collections.abc import Mapping
from datetime import date

from jewelpwa.domain.occasions import ordinal
from jewelpwa.domain.settings import TOUCH_GOAL
from jewelpwa.domain.vocab import KIND_LABEL, Kind

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_ANCHORED_AHEAD = frozenset(
    {
        Kind.ANNIVERSARY,
        Kind.BIRTHDAY,
        Kind.PARTNER_BIRTHDAY,
        Kind.FAMILY_DATE,
        Kind.VALENTINES,
        Kind.MOTHERS_DAY,
        Kind.HOLIDAY_LIST,
        Kind.STORE_EVENT,
        Kind.SERVICE,
    }
)


def month_day(day: date) -> str:
    """ "Mar 14": short, and independent of the server's locale."""
    return f"{_MONTHS[day.month - 1]} {day.day}"


def month_year(day: date) -> str:
    """ "Dec 2025"."""
    return f"{_MONTHS[day.month - 1]} {day.year}"


def span(days: int) -> str:
    """A distance in days as people say it: "today", "tomorrow", "12 days", "6 weeks", "3 months"."""
    days = abs(days)
    if days == 0:
        return "today"
    if days == 1:
        return "tomorrow"
    if days >= 60:
        return f"{days // 30} months"
    if days >= 14:
        return f"{days // 7} weeks"
    return f"{days} days"


def until(occasion_on: date, on: date) -> str:
    """Distance to an occasion: "12 days", "tomorrow", or "3 days ago" once it has passed."""
    days = (occasion_on - on).days
    if days >= 0:
        return span(days)
    return "yesterday" if days == -1 else f"{span(days)} ago"


def since(start_on: date, on: date) -> str:
    """Time elapsed since a day: "today", "5 days", "2 weeks", "3 months"."""
    days = (on - start_on).days
    return "today" if days <= 0 else "1 day" if days == 1 else span(days)


def _title(kind: Kind, detail: Mapping[str, object]) -> str:
    name = detail.get("name")
    if kind is Kind.ANNIVERSARY and detail.get("years"):
        return f"{ordinal(int(detail['years']))} anniversary"  # type: ignore[call-overload]
    if kind is Kind.PARTNER_BIRTHDAY and name:
        return f"{name}'s birthday"
    if kind is Kind.FAMILY_DATE:
        label = detail.get("label")
        if name and label:
            return f"{name}'s {str(label).lower()}"
        if name:
            return f"{name}'s date"
        if label:
            return str(label)
    if kind is Kind.HOLIDAY_LIST and detail.get("gift") and name:
        return f"Gift for {name}"  # a person added to the client's holiday list at the counter
    if kind is Kind.VALENTINES and name:
        return f"Valentine's Day for {name}"
    if kind in (Kind.STORE_EVENT, Kind.SERVICE) and detail.get("what"):
        return str(detail["what"])
    return KIND_LABEL[kind]


def reason_text(kind: Kind, occasion_on: date, on: date, detail: Mapping[str, object]) -> str:
    """One line saying why this follow-up is here, e.g. "25th anniversary Mar 14 · 6 weeks"."""
    kind = Kind(kind)
    if kind in _ANCHORED_AHEAD:
        return f"{_title(kind, detail)} {month_day(occasion_on)} · {until(occasion_on, on)}"
    piece = detail.get("piece") or "purchase"
    if kind is Kind.CHECK_IN or kind is Kind.CARE:
        return f"{KIND_LABEL[kind]} · {piece}, {since(occasion_on, on)}"
    if kind is Kind.CLEANING:
        # The offer comes every six months; the time since the purchase says which one this is.
        bought_on = date.fromisoformat(str(detail["bought"])) if detail.get("bought") else occasion_on
        return f"{KIND_LABEL[kind]} · {piece}, {since(bought_on, on)}"
    if kind is Kind.NEW_ARRIVALS:
        category = detail.get("category")
        where = f" in {category}" if category and category not in ("other", "repair") else ""
        return f"New arrivals{where} · {since(occasion_on, on)} since the {piece}"
    if kind is Kind.PURCHASE_ANNIVERSARY:
        years = max(1, round((on - occasion_on).days / 365.25))
        return f"{years} year{'s' if years > 1 else ''} since the {piece}"
    if kind is Kind.RECONNECT:
        # A client moved to a new associate (services.assignment): the first call is an introduction.
        if "handoff_from" in detail:
            previous = detail.get("handoff_from")
            return f"Introduce yourself · was with {previous}" if previous else "Introduce yourself · new to your book"
        since_on = date.fromisoformat(str(detail["since"])) if detail.get("since") else occasion_on
        text = (f"No conversation yet · client for {since(since_on, on)}" if detail.get("never_reached")
                else f"No conversation in {since(since_on, on)}")
        # On the pace clock (proposals.reconnect_proposal): say why the call comes sooner than the tier's.
        if detail.get("pace"):
            text += f" · short of {TOUCH_GOAL} touches a year"
        return text
    # Referral thanks: name the referred client when the caller knows them.
    name = detail.get("name")
    if detail.get("reason") == "first_purchase":
        return f"Referral thanks · {name}'s first purchase" if name else "Referral thanks · first purchase"
    return (
        f"Referral thanks · referred {name}"
        if name
        else f"Referral thanks · recorded {until(occasion_on, on)}"
    )
