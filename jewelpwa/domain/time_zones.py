"""Time zones a client can have: IANA names, the store's country's first, and the one a phone number implies.

The country's zones come from the tz database's own zone.tab (shipped by the `tzdata` package, else the
system's), read once; the phone's from phonenumbers' prefix data, used only when it names a single zone (+1 212 is
New York; +44 is four zones, so nothing is guessed).
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import phonenumbers
from phonenumbers import timezone as phone_time_zones


def is_zone(name: str | None) -> bool:
    """Whether `name` is an IANA zone this machine knows ("America/Los_Angeles"; not "PST" or a path)."""
    if not name or name != name.strip() or ".." in name or name.startswith("/"):
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


@cache
def _zone_tab() -> dict[str, tuple[str, ...]]:
    try:
        text = (resources.files("tzdata") / "zoneinfo" / "zone.tab").read_text()
    except (ModuleNotFoundError, FileNotFoundError):
        path = Path("/usr/share/zoneinfo/zone.tab")
        text = path.read_text() if path.exists() else ""
    by_country: dict[str, list[str]] = {}
    for line in text.splitlines():
        parts = line.split("\t")
        if len(parts) >= 3 and not line.startswith("#"):
            by_country.setdefault(parts[0].upper(), []).append(parts[2])
    return {country: tuple(zones) for country, zones in by_country.items()}


def country_zones(country: str | None) -> tuple[str, ...]:
    """The zones of a country (ISO 3166 code), as the tz database lists them (most populous region first)."""
    return _zone_tab().get((country or "").upper(), ())


@cache
def all_zones() -> tuple[str, ...]:
    return tuple(sorted(z for z in available_timezones() if "/" in z and not z.startswith(("Etc/", "SystemV/"))))


@cache  # every card renders the select: the ~400 zones are sorted and split once per country, not per card
def zone_choices(country: str | None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(the country's zones, every other zone) for a select: the ones a store's clients mostly have, first."""
    first = country_zones(country)
    return first, tuple(z for z in all_zones() if z not in first)


def zone_of_phone(e164: str | None) -> str | None:
    """The one IANA zone a number in E.164 belongs to, or None when its prefix spans several (or none)."""
    if not e164:
        return None
    try:
        zones = phone_time_zones.time_zones_for_number(phonenumbers.parse(e164, None))
    except phonenumbers.NumberParseException:
        return None
    return zones[0] if len(zones) == 1 and is_zone(zones[0]) else None


def implied_zone(e164: str | None, store_zone: str) -> str | None:
    """The zone to record for a client from their mobile: its single zone when it differs from the store's (the
    same zone is left empty, which reads "the store's" and follows the store if it ever changes its own)."""
    zone = zone_of_phone(e164)
    return zone if zone != store_zone else None
