"""A country as exports write it ("US", "USA", "United States", "Deutschland") → its two-letter ISO 3166 code."""

from __future__ import annotations

import re
from functools import lru_cache

from babel import Locale

# Names exports use that CLDR does not list as a territory's name.
_EXTRA = {"usa": "US", "unitedstatesofamerica": "US", "uk": "GB", "england": "GB", "scotland": "GB", "wales": "GB",
          "northernireland": "GB", "greatbritain": "GB"}
_LANGUAGES = ("en", "fr", "de", "es", "it", "nl", "pt")  # the names a store's own export may be written in


@lru_cache(maxsize=1)
def _names() -> dict[str, str]:
    names: dict[str, str] = {}
    for language in _LANGUAGES:
        for code, name in Locale(language).territories.items():
            if len(code) == 2 and code.isalpha():
                names.setdefault(_key(name), code)
    return names | _EXTRA


def _key(text: str) -> str:
    return re.sub(r"[^a-z]", "", text.lower())


def country_code(text: str) -> str | None:
    """The two-letter code, or None when the text names no country we know."""
    value = text.strip()
    if len(value) == 2 and value.isalpha() and value.upper() in Locale("en").territories:
        return value.upper()
    if len(value) == 3 and value.upper() == "USA":
        return "US"
    return _names().get(_key(value))
