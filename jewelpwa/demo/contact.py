"""The demo's consent and wishes: do-not-contact and channel opt-outs with their consent events, said before the
store's lived past begins (demo.past: the engine's year makes every call, text and email, and the
do-not-contacts asked during it), and the wish items clients told the store about."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from ..domain.vocab import Channel
from .catalogue import WISHES
from .draw import DemoClient, Story


def draw_consent(s: Story) -> None:
    """~4% asked not to be contacted, ~8% opted out of one channel; each change is a ConsentEvent, dated before
    the lived past begins (a client first seen during it said so on that first visit)."""
    rng = s.rng
    for c in s.clients:
        row = c.row
        seen = row["first_seen_on"]
        if rng.random() < 0.04:
            row["do_not_contact"] = True
            _consent(s, c, _said_on(s, seen), "do_not_contact", None, "on")
        if rng.random() < 0.08:
            channels = [ch for ch in (Channel.TEXT, Channel.EMAIL, Channel.CALL, Channel.MAIL)]
            out = rng.sample(channels, s.pick((1, 2), (85, 15)))
            row["opted_out"] = [str(ch) for ch in out]
            if row["preferred_channel"] in out:
                row["preferred_channel"] = next((str(ch) for ch in _row_channels(c) if ch not in out), None)
            for ch in out:
                _consent(s, c, _said_on(s, seen), "opt_out", str(ch), None)


def _said_on(s: Story, seen: date) -> date:
    """A day between the client's first visit and the start of the lived past (their first visit, if later)."""
    return seen + timedelta(days=s.rng.randint(0, max(0, (s.past_from - seen).days - 1)))


def draw_wishes(s: Story) -> None:
    rng = s.rng
    for c in s.clients:
        if rng.random() >= 0.13:
            continue
        for description, category, metal, stone, hint in rng.sample(WISHES, s.pick((1, 2), (75, 25))):
            for_person = c.partner if c.partner and rng.random() < 0.4 else None
            s.wishes.append({"client": c, "person": for_person, "description": description,
                             "category": str(category), "metal": metal, "stone": stone,
                             "price_hint": Decimal(hint).quantize(Decimal("0.01")), "status": "open"})


def _consent(s: Story, c: DemoClient, on: date, what: str, channel: str | None, value: str | None) -> None:
    s.consents.append({"client": c, "user_id": c.associate_id or s.owner_id, "channel": channel,
                       "what": what, "value": value, "created_at": s.at(on, 11, 30)})


def _row_channels(c: DemoClient) -> list[Channel]:
    row = c.row
    channels = []
    if row["phone"]:
        channels += [Channel.CALL, Channel.TEXT]
    if row["email"]:
        channels.append(Channel.EMAIL)
    return [ch for ch in channels if str(ch) not in row["opted_out"]]
