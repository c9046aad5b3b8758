"""The demo's contact history: do-not-contact and channel opt-outs with their consent events, sixty days of
calls, texts and emails by each associate inside every client's tolerance (a "sold" one leads to its sale),
and the wish items clients told the store about."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from ..domain.settings import FREQUENCY_PRESETS
from ..domain.vocab import TOUCH_OUTCOMES, Channel, Frequency, Outcome
from .catalogue import OUTCOME_WEIGHTS, OUTREACH_NOTES, WISHES
from .draw import DemoClient, Story
from .sales import purchase


def draw_consent(s: Story) -> None:
    """~4% asked not to be contacted, ~8% opted out of one channel; each change is a ConsentEvent."""
    rng, today = s.rng, s.today
    for c in s.clients:
        row = c.row
        seen = row["first_seen_on"]
        if rng.random() < 0.04:
            row["do_not_contact"] = True
            # A third said so on a recent call (that outreach is logged below); the rest long ago.
            if rng.random() < 0.34:
                c.dnc_on = today - timedelta(days=rng.randint(3, 55))
            else:
                on = seen + timedelta(days=rng.randint(0, max(0, (today - seen).days - 62)))
                _consent(s, c, on, "do_not_contact", None, "on")
        if rng.random() < 0.08:
            channels = [ch for ch in (Channel.TEXT, Channel.EMAIL, Channel.CALL, Channel.MAIL)]
            out = rng.sample(channels, s.pick((1, 2), (85, 15)))
            row["opted_out"] = [str(ch) for ch in out]
            if row["preferred_channel"] in out:
                row["preferred_channel"] = next((str(ch) for ch in _row_channels(c) if ch not in out), None)
            for ch in out:
                on = seen + timedelta(days=rng.randint(0, max(0, (today - seen).days - 62)))
                _consent(s, c, on, "opt_out", str(ch), None)


def draw_outreach(s: Story) -> None:
    """Sixty days of calls, texts and emails by each associate through their own book, Monday to Saturday."""
    rng, today = s.rng, s.today
    books: dict[int, list[DemoClient]] = {uid: [] for uid in s.staff_ids}
    for c in s.clients:
        if c.associate_id:
            books[c.associate_id].append(c)
    owner_book = [c for c in s.clients if len(c.purchases) >= 4]
    books[s.owner_id] = owner_book
    weights = {uid: [1 + float(sum(p["total"] for p in c.purchases)) / 2000 for c in book]
               for uid, book in books.items()}
    dnc_by_day: dict[date, list[DemoClient]] = {}
    for c in s.clients:
        if c.dnc_on:
            dnc_by_day.setdefault(c.dnc_on, []).append(c)
    for back in range(60, 0, -1):
        on = today - timedelta(days=back)
        for c in dnc_by_day.get(on, []):
            _touch(s, c, on, c.associate_id or s.owner_id, (_row_channels(c) or [Channel.VISIT])[0],
                   Outcome.DO_NOT_CONTACT)
        if on.weekday() == 6:
            continue
        for uid in s.staff_ids:
            book = books[uid]
            if not book:
                continue
            goal = rng.randint(0, 3) if uid == s.owner_id else rng.randint(5, 11)
            done = 0
            for c in rng.choices(book, weights=weights[uid], k=goal * 4):
                if done >= goal:
                    break
                if c.row["do_not_contact"] and (c.dnc_on is None or on >= c.dnc_on):
                    continue
                channel = _channel_for(s, c)
                if channel is None or not _may_touch(c, on):
                    continue
                outcomes, outcome_weights = OUTCOME_WEIGHTS[channel]
                _touch(s, c, on, uid, channel, s.pick(outcomes, outcome_weights))
                done += 1


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


def _consent(s: Story, c: DemoClient, on: date, what: str, channel: str | None, value: str | None,
             user_id: int | None = None, at: datetime | None = None) -> None:
    s.consents.append({"client": c, "user_id": user_id or c.associate_id or s.owner_id, "channel": channel,
                       "what": what, "value": value, "created_at": at or s.at(on, 11, 30)})


def _channel_for(s: Story, c: DemoClient) -> Channel | None:
    channels, rng = _row_channels(c), s.rng
    if not channels:
        return None
    preferred = c.row["preferred_channel"]
    if preferred in channels and rng.random() < 0.75:
        return Channel(preferred)
    if rng.random() < 0.05:
        return Channel.VISIT
    return rng.choice(channels)


def _row_channels(c: DemoClient) -> list[Channel]:
    row = c.row
    channels = []
    if row["phone"]:
        channels += [Channel.CALL, Channel.TEXT]
    if row["email"]:
        channels.append(Channel.EMAIL)
    return [ch for ch in channels if str(ch) not in row["opted_out"]]


def _may_touch(c: DemoClient, on: date) -> bool:
    """The frequency tolerance of DESIGN §3, so the seeded history never breaks the contact gate."""
    rule = FREQUENCY_PRESETS[Frequency(c.row["frequency"])]
    recent = [d for d, outcome in c.touches if outcome in TOUCH_OUTCOMES]
    if any(abs((on - d).days) < rule.min_gap_days for d in recent):
        return False
    return sum(1 for d in recent if 0 <= (on - d).days < rule.per_days) < rule.max_touches


def _touch(s: Story, c: DemoClient, on: date, user_id: int, channel: Channel, outcome: Outcome) -> None:
    rng = s.rng
    at = s.at(on, rng.randint(9, 18), rng.choice((0, 5, 10, 15, 20, 30, 40, 45, 50)))
    note = rng.choice(OUTREACH_NOTES[outcome]) if rng.random() < 0.35 or outcome == Outcome.DO_NOT_CONTACT else None
    s.outreaches.append({"client": c, "user_id": user_id, "channel": channel, "outcome": outcome,
                         "note": note, "occurred_at": at, "occurred_on": on, "created_at": at})
    c.touches.append((on, outcome))
    if outcome == Outcome.DO_NOT_CONTACT:
        _consent(s, c, on, "do_not_contact", None, "on", user_id=user_id, at=at + timedelta(minutes=1))
    elif outcome == Outcome.SOLD:
        # The sale the touch led to, credited to the associate who made the touch.
        sold_on = min(s.today - timedelta(days=1), on + timedelta(days=rng.randint(0, 3)))
        purchase(s, c, sold_on, s.pick(("self", "birthday", "anniversary"), (5, 3, 2)) if c.partner else "self",
                 recipient=c.partner if c.partner and rng.random() < 0.5 else None, associate_id=user_id)
