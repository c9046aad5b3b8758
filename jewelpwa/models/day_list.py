"""An associate's ranked list for one day, kept so Today reads its top rows instead of ranking the whole book."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Float, ForeignKey, Index, Integer, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import Model
from ._types import StoreScoped, created_at_column


class DayList(StoreScoped, Model):
    """The order the engine gave one associate's clients on one day.

    `max_follow_up_id` is the highest follow-up id when it was built: anything made later (a sale's cadence,
    a new client's date, a hand-off) has a higher id and is ranked in when Today is read.
    """

    __tablename__ = "day_lists"
    __table_args__ = (UniqueConstraint("user_id", "listed_on"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    listed_on: Mapped[date] = mapped_column(Date, nullable=False)
    max_follow_up_id: Mapped[int] = mapped_column(Integer, nullable=False)
    cards: Mapped[int] = mapped_column(Integer, nullable=False)
    built_at: Mapped[datetime] = created_at_column()


class DayListCard(Model):
    __tablename__ = "day_list_cards"
    __table_args__ = (Index("ix_day_list_cards_list_client", "day_list_id", "client_id"),)

    day_list_id: Mapped[int] = mapped_column(ForeignKey("day_lists.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_id: Mapped[int] = mapped_column(Integer, nullable=False)
    score: Mapped[float] = mapped_column(Float, nullable=False)
