"""Appointments: book from the card, the associate's day, outcomes afterwards (issue 8)."""

from __future__ import annotations

from datetime import date
from typing import Any

from ..models import Client, User


def day_appointments(actor: User, on: date) -> list[Any]:
    """The associate's appointments on `on`, shown at the top of Today."""
    return []


def card_part(actor: User, client: Client, on: date) -> Any:
    """What the card shows about this client's appointments and repairs."""
    return None
