"""The engine's agenda for a day (`flask agenda --date D --json`): every showing follow-up, with its card's rank
and the day the plan put it on (`planned_on`: None when the coming days had no room for it yet)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import select

from ...domain.gate import suggest_channel
from ...domain.ranking import rank_day, score
from ...domain.reasons import reason_text
from ...extensions import db
from ...models import Client, FollowUp, Store, User
from .day_lists import candidate
from .gating import prefs_of, showing


def agenda(store: Store, on: date) -> list[dict]:
    """Every open follow-up showing on `on`, one entry each, with its card's rank within its assignee's list."""
    query = (select(FollowUp, Client, User.email).join(Client, Client.id == FollowUp.client_id)
             .outerjoin(User, User.id == FollowUp.assignee_id).where(*showing(store.id, on)))
    rows = db.session.execute(query).all()
    by_assignee: dict[int | None, list] = defaultdict(list)
    for follow_up, client, email in rows:
        by_assignee[follow_up.assignee_id].append((follow_up, client, email))
    lines = []
    for group in by_assignee.values():
        cards = rank_day([candidate(f, c.tier) for f, c, _ in group], on)
        rank_of = {fid: (rank, card) for rank, card in enumerate(cards, start=1) for fid in card.follow_up_ids}
        for follow_up, client, email in group:
            rank, card = rank_of[follow_up.id]
            one = candidate(follow_up, client.tier)
            channel = suggest_channel(prefs_of(client))
            lines.append({
                "client_number": client.client_number, "kind": follow_up.kind,
                "opens_on": follow_up.opens_on.isoformat(), "due_on": follow_up.due_on.isoformat(),
                "expires_on": follow_up.expires_on.isoformat(), "occasion_on": follow_up.occasion_on.isoformat(),
                "planned_on": follow_up.planned_on.isoformat() if follow_up.planned_on else None,
                "assignee": email, "rank": rank, "score": round(score(one, on), 4),
                "reasons": [reason_text(one.kind, one.occasion_on, on, one.detail), card.why],
                "channel": channel.value if channel else None,
            })
    lines.sort(key=lambda line: (line["assignee"] or "", line["rank"], line["kind"]))
    return lines
