"""The card's relationship extras: loyalty tier, trade-up credit, share links, referrals (issue 8)."""

from __future__ import annotations

from datetime import date
from typing import Any

from ..models import Client, User


def card_part(actor: User, client: Client, on: date) -> Any:
    return None
