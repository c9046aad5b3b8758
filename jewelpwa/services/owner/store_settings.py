"""Store settings: name, timezone, country, locale, currency, morning hour, and the engine's windows and frequency presets."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any
from zoneinfo import available_timezones

from sqlalchemy import select

from ...domain.client_columns import phone_e164
from ...domain.inputs import whole_number
from ...domain.locales import COUNTRIES, COUNTRY_CODES, LOCALES, currencies, locale_label
from ...domain.settings import DEFAULT_WINDOWS, FREQUENCY_PRESETS, EngineSettings
from ...domain.vocab import KIND_LABEL, Frequency, Kind
from ...extensions import db
from ...models import AuditEvent, Store, User
from ..access import require_manager
from ..engine.planner import engine_settings
from ..errors import Invalid

SECTIONS = ("windows", "frequency")
WINDOW_KINDS: tuple[Kind, ...] = tuple(DEFAULT_WINDOWS)
FREQUENCIES: tuple[Frequency, ...] = tuple(FREQUENCY_PRESETS)
WINDOW_PARTS = ("opens", "due", "expires")
FREQUENCY_PARTS = ("max_touches", "per_days", "min_gap_days")


@cache
def timezones() -> tuple[str, ...]:
    return tuple(sorted(tz for tz in available_timezones() if "/" in tz and not tz.startswith(("Etc/", "SystemV/"))))


@dataclass(frozen=True)
class SettingsView:
    store: Store
    engine: EngineSettings
    overridden: frozenset[str]  # "windows.birthday", "frequency.low": the rows that differ from the defaults

    @property
    def window_rows(self) -> list[tuple[Kind, str, Any]]:
        return [(k, KIND_LABEL[k], self.engine.windows[k]) for k in WINDOW_KINDS]

    @property
    def frequency_rows(self) -> list[tuple[Frequency, Any]]:
        return [(f, self.engine.frequency[f]) for f in FREQUENCIES]


def settings_view(actor: User) -> SettingsView:
    """What the settings page shows: the store, its engine settings and which rows are overridden."""
    require_manager(actor)
    store = actor.store
    raw = store.settings or {}
    overridden = {f"{section}.{key}" for section in SECTIONS for key in (raw.get(section) or {})}
    return SettingsView(store, engine_settings(store), frozenset(overridden))


@dataclass(frozen=True)
class LocaleChoices:
    """What the store form offers: countries, locales and currencies ("" is the country's own)."""

    countries: tuple[tuple[str, str, str], ...] = COUNTRIES
    locales: tuple[tuple[str, str], ...] = ()
    currencies: tuple[str, ...] = ()


@cache
def locale_choices() -> LocaleChoices:
    return LocaleChoices(COUNTRIES, tuple((code, locale_label(code)) for code in LOCALES), currencies())


def update_store(actor: User, name: str, timezone: str, country: str, morning_hour: str, locale: str = "",
                 currency: str = "", postal_address: str | None = None, sms_from: str | None = None) -> Store:
    """Save the store's name, timezone, country, locale, currency, morning hour, postal address and texting number
    (those two None: left as they are); nothing is saved when one is wrong. An empty locale or currency follows the
    country."""
    require_manager(actor)
    errors: dict[str, str] = {}
    name = (name or "").strip()
    timezone = (timezone or "").strip()
    country = (country or "").strip().upper()
    hour = (morning_hour or "").strip()
    if not name:
        errors["name"] = "Enter the store's name."
    elif len(name) > 120:
        errors["name"] = "Keep the name under 120 characters."
    if timezone not in available_timezones():
        errors["timezone"] = "Choose a timezone from the list, like America/New_York or Europe/London."
    if country not in COUNTRY_CODES:
        errors["country"] = "Choose a country from the list."
    locale, currency = (locale or "").strip(), (currency or "").strip().upper()
    if locale and locale not in LOCALES:
        errors["locale"] = "Choose a way of writing money and dates from the list."
    if currency and currency not in currencies():
        errors["currency"] = "Choose a currency from the list."
    hour_number = whole_number(hour, 0, 23)
    if hour_number is None:
        errors["morning_hour"] = "Enter an hour from 0 to 23 (8 means 8 am)."
    address = " ".join((postal_address or "").split())  # one line: it is the foot of an email
    if len(address) > 300:
        errors["postal_address"] = "Keep the postal address under 300 characters."
    number = phone_e164(sms_from, country if country in COUNTRY_CODES else "US") if sms_from else None
    if sms_from and sms_from.strip() and number is None:
        errors["sms_from"] = "Enter the texting number as the provider shows it, e.g. +1 212 555 0100."
    elif number and db.session.scalar(select(Store.id).where(Store.sms_from == number, Store.id != actor.store_id)):
        errors["sms_from"] = "Another store already sends from this number."
    if errors:
        raise Invalid("Store settings not saved", errors)
    store = db.session.get_one(Store, actor.store_id)
    if postal_address is not None:
        store.postal_address = address or None
    if sms_from is not None:
        store.sms_from = number
    store.name, store.timezone, store.country, store.morning_hour = name, timezone, country, hour_number or 0
    store.locale, store.currency = locale or None, currency or None
    # The country lives on the store; an old override inside the engine settings would shadow it.
    if "country" in (store.settings or {}):
        store.settings = {k: v for k, v in store.settings.items() if k != "country"}
    db.session.add(AuditEvent(store_id=store.id, user_id=actor.id, action="store_settings_changed",
                              target=f"{timezone} {country} {store.locale_rules.locale} "
                                                                    f"{store.locale_rules.currency} {hour}h"[:120]))
    db.session.commit()
    return store


def _numbers(form: Mapping[str, str], prefix: str, parts: tuple[str, ...], field: str,
             errors: dict[str, str]) -> list[int] | None:
    values = []
    for part in parts:
        text = (form.get(f"{prefix}.{part}") or "").strip()
        # ASCII digits, a sign, and few of them: int() takes "٣" and a thousand digits alike.
        if not re.fullmatch(r"-?[0-9]{1,6}", text):
            errors[field] = "Enter whole numbers in every box."
            return None
        values.append(int(text))
    return values


def _save_section(actor: User, section: str, overrides: dict[str, list[int]]) -> Store:
    store = db.session.get_one(Store, actor.store_id)
    candidate = {**(store.settings or {}), section: overrides}
    candidate.pop("country", None)
    try:
        EngineSettings.from_dict({"country": store.country, **candidate})
    except ValueError as exc:
        raise Invalid("Settings not saved", {_field_of(str(exc), section): _sentence(str(exc))}) from None
    if not overrides:
        candidate.pop(section)
    store.settings = candidate
    db.session.add(AuditEvent(store_id=store.id, user_id=actor.id, action=f"{section}_changed"))
    db.session.commit()
    return store


def _field_of(message: str, section: str) -> str:
    """"windows.birthday: window needs ..." -> "windows.birthday"; anything else goes on the section."""
    head = message.split(":", 1)[0].split(" ", 1)[0]
    return head if head.startswith(f"{section}.") else section


def _sentence(message: str) -> str:
    detail = message.split(": ", 1)[-1]
    if detail.startswith("window needs"):
        return "Opens must be on or before due, and due on or before expires."
    if detail.startswith("tolerance needs"):
        return "At least 1 touch per at least 1 day, and a gap of 0 days or more."
    return detail[:1].upper() + detail[1:] + "."


def update_windows(actor: User, form: Mapping[str, str]) -> Store:
    """Save the windows that differ from the defaults (days from the occasion: negative is before)."""
    require_manager(actor)
    errors: dict[str, str] = {}
    overrides: dict[str, list[int]] = {}
    for kind in WINDOW_KINDS:
        values = _numbers(form, f"windows.{kind}", WINDOW_PARTS, f"windows.{kind}", errors)
        if values is None:
            continue
        if not values[0] <= values[1] <= values[2]:
            errors[f"windows.{kind}"] = "Opens must be on or before due, and due on or before expires."
            continue
        rule = DEFAULT_WINDOWS[kind]
        if values != [rule.opens, rule.due, rule.expires]:
            overrides[str(kind)] = values
    if errors:
        raise Invalid("Windows not saved", errors)
    return _save_section(actor, "windows", overrides)


def update_frequency(actor: User, form: Mapping[str, str]) -> Store:
    """Save the frequency presets that differ from the defaults."""
    require_manager(actor)
    errors: dict[str, str] = {}
    overrides: dict[str, list[int]] = {}
    for freq in FREQUENCIES:
        values = _numbers(form, f"frequency.{freq}", FREQUENCY_PARTS, f"frequency.{freq}", errors)
        if values is None:
            continue
        if values[0] < 1 or values[1] < 1 or values[2] < 0:
            errors[f"frequency.{freq}"] = "At least 1 touch per at least 1 day, and a gap of 0 days or more."
            continue
        preset = FREQUENCY_PRESETS[freq]
        if values != [preset.max_touches, preset.per_days, preset.min_gap_days]:
            overrides[str(freq)] = values
    if errors:
        raise Invalid("Frequency presets not saved", errors)
    return _save_section(actor, "frequency", overrides)


def reset_section(actor: User, section: str) -> Store:
    """Back to DESIGN.md's defaults for one section (windows or frequency)."""
    require_manager(actor)
    if section not in SECTIONS:
        raise Invalid("Nothing reset", {"section": "Choose windows or frequency."})
    return _save_section(actor, section, {})
