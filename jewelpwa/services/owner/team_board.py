"""An associate's own week, and the team's when the owner shares it: the store decides what is private.

Owners and managers always see every associate's figures (the team report); associates see their own, and
their colleagues' only in a store whose owner chose to share them (Store.team_figures).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from ...domain.vocab import Role
from ...extensions import db
from ...models import User
from ..access import require_manager
from ..errors import Invalid
from .team_report import Figures, Member, results_by_user, staff_of

WEEK_DAYS = 7
CHOICES = {"private": "Private: each associate sees only their own figures",
           "shared": "Shared: associates see the whole team's figures"}


@dataclass
class Board:
    start: date
    end: date
    mine: Figures
    team: list[Member] | None  # None: the store keeps each associate's figures private

    @property
    def shared(self) -> bool:
        return self.team is not None


def sees_team(actor: User) -> bool:
    return actor.role in (Role.OWNER, Role.MANAGER) or actor.store.team_figures == "shared"


def week_board(actor: User, today: date) -> Board:
    """The last seven days (today included): my figures, and the team's when I may see them."""
    start = today - timedelta(days=WEEK_DAYS - 1)
    figures = results_by_user(actor.store_id, start, today)
    team = None
    if sees_team(actor):
        team = [Member(uid, name, figures.get(uid, Figures())) for uid, name in staff_of(actor.store_id).items()]
        team.sort(key=lambda m: (-m.figures.contacts, m.name))
    return Board(start, today, figures.get(actor.id, Figures()), team)


def set_team_figures(actor: User, choice: str) -> None:
    """Owner's choice; Invalid names the two allowed answers."""
    require_manager(actor)
    if choice not in CHOICES:
        raise Invalid("Nothing was saved.", {"team_figures": "Choose private or shared."})
    actor.store.team_figures = choice
    db.session.commit()
