"""Each associate's ranked list for a day, kept so Today reads the top rows instead of ranking the whole book.

In holiday season every contactable client is on somebody's list: one associate of a 50,000-client store has
16,000 cards, and ranking them took seconds per request. The worker builds the list once after planning
(`build_day_lists`); Today then re-ranks only the first rows plus any client whose follow-ups were made
after the build (their ids are above `max_follow_up_id`), so a sale's cadence or a hand-off shows at once.

Why re-ranking the first rows is enough: during a day a client's cards only lose reasons (an outcome closes
or moves them), except through new follow-ups, which are ranked in by id. A client further down cannot
overtake one above it, so the top of the stored order is still the top.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import delete, func, insert, select

from ...domain.ranking import rank_day
from ...extensions import db
from ...models import Client, DayList, DayListCard, FollowUp, Outreach, User
from ..batching import chunks
from .gating import SHOWING_COLUMNS, showing, shows

SLACK = 20  # rows read beyond what the page shows, for clients whose list changed since the build


def build_day_list(user: User, on: date, commit: bool = True) -> DayList:
    """Rank the associate's whole list for `on` once and keep the order (replacing an earlier build)."""
    from ..book.today import RANKED_COLUMNS, candidate

    watermark = db.session.scalar(select(func.max(FollowUp.id))) or 0  # read first: later rows are "newer"
    rows = db.session.execute(select(*RANKED_COLUMNS, Client.tier).join(Client, Client.id == FollowUp.client_id)
                              .where(*showing(user.store_id, on), FollowUp.assignee_id == user.id))
    cards = rank_day([candidate(row, row.tier) for row in rows], on)
    db.session.execute(delete(DayList).where(DayList.user_id == user.id,
                                             (DayList.listed_on == on) | (DayList.listed_on < on - timedelta(days=2))))
    listing = DayList(store_id=user.store_id, user_id=user.id, listed_on=on, max_follow_up_id=watermark,
                      cards=len(cards))
    db.session.add(listing)
    db.session.flush()
    values = [{"day_list_id": listing.id, "position": i, "client_id": c.client_id, "score": c.score}
              for i, c in enumerate(cards)]
    for batch in chunks(values):
        db.session.execute(insert(DayListCard), batch)
    if commit:
        db.session.commit()
    return listing


def build_day_lists(store_id: int, on: date) -> int:
    """After planning: every active associate's list for the day, in one commit. Returns the cards kept."""
    users = db.session.scalars(select(User).where(User.store_id == store_id, User.active.is_(True)))
    total = sum(build_day_list(user, on, commit=False).cards for user in users)
    db.session.commit()
    return total


def _listing(user: User, on: date) -> DayList:
    listing = db.session.scalar(select(DayList).where(DayList.user_id == user.id, DayList.listed_on == on))
    # The first Today of a day the worker has not planned yet (or a brand-new associate) builds it here.
    return listing if listing is not None else build_day_list(user, on)


def top_client_ids(user: User, on: date, rows: int) -> tuple[list[int], int]:
    """Clients whose cards may be among the first `rows` today, and about how many clients the list holds."""
    listing = _listing(user, on)
    in_list = select(DayListCard.client_id).where(DayListCard.day_list_id == listing.id)
    # Clients this associate already logged today have left the list (or moved down): skip them in SQL, so a
    # busy afternoon (hundreds logged) still ranks a page of clients, not every one logged so far.
    # A day's contacts are tens, the list thousands: read the contacts, then probe the list for them (an
    # IN over the whole list made SQLite build a temporary index of every card first, 5 ms per request).
    logged_today = list(db.session.scalars(select(Outreach.client_id).distinct().where(
        Outreach.user_id == user.id, Outreach.occurred_on == on)))
    logged = db.session.scalar(select(func.count()).select_from(DayListCard).where(
        DayListCard.day_list_id == listing.id, DayListCard.client_id.in_(logged_today))) if logged_today else 0
    kept = list(db.session.scalars(in_list.where(DayListCard.client_id.not_in(logged_today))
                                   .order_by(DayListCard.position).limit(rows + SLACK)))
    # Only the id range in SQL: with the window conditions too, both databases prefer a window index and
    # read every follow-up of the store; the rows made since the build are few, so the rest is checked here.
    newer = {row.client_id for row in db.session.execute(
        select(FollowUp.client_id, FollowUp.store_id, FollowUp.assignee_id, *SHOWING_COLUMNS)
        .where(FollowUp.id > listing.max_follow_up_id))
        if row.store_id == user.store_id and row.assignee_id == user.id and shows(row, on)}
    newer_elsewhere = len(newer) - (db.session.scalar(select(func.count()).select_from(DayListCard).where(
        DayListCard.day_list_id == listing.id, DayListCard.client_id.in_(newer))) if newer else 0)
    return list(dict.fromkeys([*kept, *newer])), max(listing.cards + newer_elsewhere - logged, 0)
