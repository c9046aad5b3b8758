"""The Reply-To address of an email the store sends: `reply+<store>-<message>-<signature>@INBOUND_EMAIL_DOMAIN`.

The address names the store and the very message, so a reply attaches to that message and its client whoever
answers it (a spouse replying from another address included). The signature (HMAC-SHA256 with the app's secret,
16 hex digits, lower case because mail systems may fold a local part's case) keeps anyone from making an address
that would file a reply under another client. No INBOUND_EMAIL_DOMAIN: no Reply-To, replies go to SMTP_FROM.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Mapping
from typing import Any

_ADDRESS = re.compile(r"reply\+(\d{1,12})-(\d{1,12})-([0-9a-f]{16})@([a-z0-9.-]+)", re.IGNORECASE)


def _signature(secret: str, store_id: int, message_id: int) -> str:
    mac = hmac.new(secret.encode(), f"jewelpwa.reply:{store_id}:{message_id}".encode(), hashlib.sha256)
    return mac.hexdigest()[:16]


def reply_address(config: Mapping[str, Any], store_id: int, message_id: int) -> str | None:
    """Where a reply to this message goes, or None when inbound email is not configured."""
    domain = (config.get("INBOUND_EMAIL_DOMAIN") or "").strip().lower()
    if not domain or not config.get("SECRET_KEY"):
        return None
    return f"reply+{store_id}-{message_id}-{_signature(config['SECRET_KEY'], store_id, message_id)}@{domain}"


def replied_to(config: Mapping[str, Any], recipients: str) -> tuple[int, int] | None:
    """(store id, message id) of the first well-signed reply address among `recipients` (the envelope recipient, a
    To or Cc header); None when there is none (a forged or mangled address counts as none)."""
    domain = (config.get("INBOUND_EMAIL_DOMAIN") or "").strip().lower()
    for match in _ADDRESS.finditer(recipients or ""):
        store_id, message_id, signature, at = int(match[1]), int(match[2]), match[3].lower(), match[4].lower()
        if at == domain and hmac.compare_digest(signature, _signature(config["SECRET_KEY"], store_id, message_id)):
            return store_id, message_id
    return None
