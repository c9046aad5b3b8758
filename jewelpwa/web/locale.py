"""The signed-in store's locale for templates: `{{ amount|money }}`, `{{ on|day('month_day') }}`.

One filter for money and one for dates, both through domain.locales.StoreLocale. A page outside a session (a
shared wish list) is handed its store's StoreLocale and calls it directly.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from flask import Flask, g
from flask_login import current_user

from ..domain.locales import StoreLocale
from .clock import local_now


def current_locale() -> StoreLocale:
    """The store of this request's user (or the one a public page named); the app's default otherwise."""
    found = g.get("store_locale")
    if found is None:
        found = current_user.store.locale_rules if current_user.is_authenticated else StoreLocale()
        g.store_locale = found
    return found


def money(amount: Decimal | float | int | None, whole: bool = False) -> str:
    return current_locale().money(amount, whole)


def day(on: date | datetime | None, form: str = "medium") -> str:
    if on is None:
        return ""
    return current_locale().day(on.date() if isinstance(on, datetime) else on, form)


def moment(at: datetime | None) -> str:
    """A timestamp on the store's clock, written the store's way."""
    if at is None:
        return ""
    return current_locale().moment(local_now(at))


def init_locale(app: Flask) -> None:
    app.jinja_env.filters["money"] = money
    app.jinja_env.filters["day"] = day
    app.jinja_env.filters["moment"] = moment
    app.jinja_env.globals["store_locale"] = current_locale
