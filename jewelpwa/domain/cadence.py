"""The purchase cadence: what recording a sale schedules, and care advice keyed to the piece."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from jewelpwa.domain.proposals import Proposal, dedupe_key
from jewelpwa.domain.settings import EngineSettings
from jewelpwa.domain.vocab import ItemCategory, Kind
from jewelpwa.domain.windows import window_for

CADENCE_KINDS: tuple[Kind, ...] = (Kind.CHECK_IN, Kind.CARE, Kind.NEW_ARRIVALS, Kind.PURCHASE_ANNIVERSARY)


@dataclass(frozen=True)
class ItemFacts:
    """What the engine needs to know about one purchased item."""

    category: str | None
    metal: str | None
    stone: str | None
    description: str | None


def _is_repair(item: ItemFacts) -> bool:
    return (item.category or "").strip().lower() == ItemCategory.REPAIR


def piece_name(item: ItemFacts) -> str:
    """How an associate would name the piece: "opal ring", "white gold bracelet", else its description."""
    category = (item.category or "").strip().lower()
    if category and category != ItemCategory.OTHER:
        material = item.stone or item.metal
        return f"{material.strip().lower()} {category}" if material else category
    if item.description:
        return item.description.strip()
    return item.stone.strip().lower() if item.stone else "piece"


def purchase_cadence(
    purchase_id: int, purchased_on: date, items: Sequence[ItemFacts], settings: EngineSettings,
    holding: date | None = None,
) -> list[Proposal]:
    """A purchase's follow-ups: check-in, care, new arrivals, purchase anniversary (with `holding`, only
    those whose window holds that day: the planner's question, asked of 137k purchases at 1M clients)."""
    pieces = [item for item in items if not _is_repair(item)]
    # A repair-only ticket is service on a piece the client already owns: asking how the repair holds up
    # is welcome, but care reminders, "new arrivals for your purchase" and a yearly "anniversary of your
    # repair" would be noise that spends the client's frequency tolerance for nothing.
    kinds = CADENCE_KINDS if pieces or not items else (Kind.CHECK_IN,)
    windows = [(kind, window_for(kind, purchased_on, settings)) for kind in kinds]
    if holding is not None:
        windows = [(kind, window) for kind, window in windows if window.contains(holding)]
        if not windows:
            return []
    main = (pieces or list(items) or [ItemFacts(None, None, None, None)])[0]
    detail = {
        "piece": piece_name(main),
        "advice": care_advice(main.stone, main.metal, main.category),
        "category": (main.category or "").strip().lower() or None,
    }
    source = f"purchase:{purchase_id}"
    return [
        Proposal(kind, window, purchased_on, dedupe_key(kind, source, purchased_on), source, dict(detail))
        for kind, window in windows
    ]


# Stones first: the stone is the fragile or special part of a piece, so its needs decide the message.
_STONE_ADVICE: tuple[tuple[str, str], ...] = (
    (
        "pearl",
        "Pearls love to be worn: put them on last, after perfume and hairspray, wipe them with a soft "
        "cloth after wearing, and have them restrung about once a year.",
    ),
    (
        "opal",
        "Opals dislike heat and sudden temperature changes, and must never go in an ultrasonic cleaner: "
        "warm water, mild soap and a soft cloth are all they need.",
    ),
    (
        "emerald",
        "Emeralds are usually oiled, so no ultrasonic or steam cleaning and no harsh soap: a gentle wipe "
        "and a yearly check with us keep them bright.",
    ),
    (
        "tanzanite",
        "Tanzanite is softer than it looks and can crack from knocks or heat: no ultrasonic or steam, "
        "store it apart from other pieces and let us check the setting.",
    ),
    (
        "turquoise",
        "Turquoise is porous: keep it away from oils, lotion, perfume and water, and wipe it with a dry "
        "soft cloth only.",
    ),
    (
        "diamond",
        "Diamonds collect lotion and soap film that dulls their sparkle: come in for a free cleaning and "
        "a prong check so the stone stays secure.",
    ),
    (
        "sapphire",
        "Sapphires are tough and clean up well, but settings take knocks: a quick free prong check keeps "
        "the stone safe.",
    ),
    (
        "ruby",
        "Rubies are tough and clean up well, but settings take knocks: a quick free prong check keeps the "
        "stone safe.",
    ),
)
_METAL_ADVICE: tuple[tuple[tuple[str, ...], str], ...] = (
    (
        ("white gold", "wg"),
        "White gold gets its bright white from rhodium plating, which wears off: re-plating "
        "every 12 to 18 months keeps it white.",
    ),
    (
        ("platinum",),
        "Platinum develops a soft patina over time; we can polish it back to a mirror finish whenever "
        "you like.",
    ),
    (
        ("silver", "sterling", "925"),
        "Store silver in an anti-tarnish pouch and polish it with a silver cloth; we "
        "can clean heavy tarnish for you.",
    ),
    (
        ("gold",),
        "Gold cleans up with warm water, mild soap and a soft brush; we can polish out scratches and "
        "check the clasp or prongs.",
    ),
)
_WATCH_ADVICE = "Watches run best with a battery and gasket check every couple of years, including a water-resistance test."
_GENERAL_ADVICE = (
    "A free cleaning and inspection keeps it sparkling and catches a loose stone or worn clasp early."
)


def care_advice(stone: str | None, metal: str | None, category: str | None) -> str:
    """One short, useful care sentence for a piece, keyed by its stone, then its metal, then its category."""
    stone_text = (stone or "").lower()
    for word, advice in _STONE_ADVICE:
        if word in stone_text:
            return advice
    metal_words = (metal or "").lower().replace("-", " ").split()
    metal_text = " ".join(metal_words)
    for names, advice in _METAL_ADVICE:
        # Whole words for abbreviations ("14k WG"), substrings for names ("white gold 14k").
        if any((name in metal_words) if len(name) <= 3 else (name in metal_text) for name in names):
            return advice
    if (category or "").strip().lower() == ItemCategory.WATCH:
        return _WATCH_ADVICE
    return _GENERAL_ADVICE
