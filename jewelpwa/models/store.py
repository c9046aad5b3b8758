"""Store: the tenant. Timezone and country drive every day and holiday the engine computes."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Date, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..domain.locales import StoreLocale
from ..extensions import Model
from ._types import created_at_column


class Store(Model):
    __tablename__ = "stores"
    __table_args__ = (
        CheckConstraint("morning_hour BETWEEN 0 AND 23", name="morning_hour_valid"),
        CheckConstraint("team_figures IN ('private', 'shared')", name="team_figures_valid"),
        CheckConstraint("messages_per_minute BETWEEN 1 AND 600", name="messages_per_minute_valid"),
        Index("uq_stores_sms_from", "sms_from", unique=True),  # one store per sending number
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120), nullable=False)
    slug: Mapped[str] = mapped_column(String(60), nullable=False, unique=True)
    timezone: Mapped[str] = mapped_column(String(64), nullable=False, default="America/New_York")
    country: Mapped[str] = mapped_column(String(2), nullable=False, default="US")
    # How the store writes money and dates (a Babel locale like "de_DE", an ISO 4217 code like "EUR"); empty
    # means its country's own (domain.locales), so a store that never chose follows a change of country.
    locale: Mapped[str | None] = mapped_column(String(16))
    currency: Mapped[str | None] = mapped_column(String(3))
    # The store's postal address, printed at the foot of every marketing email (CAN-SPAM asks for one).
    postal_address: Mapped[str | None] = mapped_column(String(300))
    # The store's own texting number (E.164), when it has one: texts go from it, and a reply's `To` names the store
    # (docs/messages.md). None: the app's TWILIO_FROM / messaging service. One store per number. Migration 0028.
    sms_from: Mapped[str | None] = mapped_column(String(20))
    morning_hour: Mapped[int] = mapped_column(Integer, nullable=False, default=8)
    # Engine overrides as EngineSettings.to_dict() stores them; empty means the defaults of DESIGN.md.
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
    # The planner's high-water mark: catching up after downtime plans every day after this one.
    last_planned_on: Mapped[date | None] = mapped_column(Date)
    # Bumped by every commit that changed the store's data (jewelpwa/data_version.py): a page kept in
    # jewelpwa/web/page_cache.py is served again only while this number has not moved.
    data_version: Mapped[int] = mapped_column(Integer, nullable=False, default=0, server_default="0")
    # The owner's choice: associates see only their own results ("private") or the whole team's ("shared").
    team_figures: Mapped[str] = mapped_column(String(8), nullable=False, default="private", server_default="private")
    # A campaign's pace: its messages are spread this many a minute so the provider is not flooded.
    messages_per_minute: Mapped[int] = mapped_column(Integer, nullable=False, default=60, server_default="60")
    created_at: Mapped[datetime] = created_at_column()

    @property
    def locale_rules(self) -> StoreLocale:
        """How this store writes money and dates."""
        return StoreLocale.of(self.country, self.locale, self.currency)
