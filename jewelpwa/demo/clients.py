"""Who the demo's clients are: names, phones, emails and addresses; preferences; partners, children, parents
and friends; birthdays, anniversaries (milestones and leap days among them) and other yearly dates; who
referred whom. Client numbers follow first visits, as the store's point of sale would have issued them."""

from __future__ import annotations

import calendar
from datetime import timedelta

from ..domain.occasions import MILESTONE_YEARS, next_yearly_on
from ..domain.vocab import Channel, DateKind, Frequency, Relation
from .catalogue import (
    AREA_CODES,
    FEMININE,
    FINE_BRANDS,
    MASCULINE,
    METALS,
    NOTES,
    RING_SIZES,
    SOURCES,
    STONES,
    STREETS,
    STYLES,
    SURNAMES,
    TOWNS,
    WATCH_BRANDS,
    WEDDING_MONTH_WEIGHT,
)
from .draw import DemoClient, DemoPerson, Story
from .rows import client_row


def draw_clients(s: Story, count: int) -> None:
    """`count` clients with their families and dates, numbered C10001… in the order they first came in."""
    rng = s.rng
    phones = [(area, n) for area in AREA_CODES for n in range(100)]
    rng.shuffle(phones)
    leap_birthdays = set(rng.sample(range(count), min(count, 6)))
    # Beyond the six clients born on 29 February, a few partners and one wedding fall on it too.
    s.leap_partners_left = max(2, count // 400)
    s.leap_weddings_left = 1
    used_emails: set[str] = set()
    for i in range(count):
        s.clients.append(_new_client(s, i, phones[i % len(phones)], used_emails, i in leap_birthdays))
    s.clients.sort(key=lambda c: (c.row["first_seen_on"], c.row["search_name"]))
    for n, c in enumerate(s.clients):
        c.row["client_number"] = f"C{10001 + n}"


def draw_referrals(s: Story) -> None:
    """About 7% of clients came through another client, who was in the book before them."""
    rng = s.rng
    for n, c in enumerate(s.clients):
        if n < 10 or rng.random() >= 0.07:
            continue
        referrer = s.clients[rng.randrange(0, n)]
        if referrer.row["first_seen_on"] >= c.row["first_seen_on"]:
            continue
        c.row["source"] = "referral"
        s.referrals.append((referrer, c))


def _new_client(s: Story, i: int, phone: tuple[str, int], used_emails: set[str], leap_birthday: bool) -> DemoClient:
    rng, today = s.rng, s.today
    feminine = rng.random() < 0.58  # jewelry books lean female, but men buy the big gifts
    first = rng.choice(FEMININE if feminine else MASCULINE)
    last = rng.choice(SURNAMES)
    age = max(22, min(84, round(rng.gauss(47, 13))))
    persona = s.pick(("regular", "bridal", "collector", "watch"), (82, 10, 3, 5))
    if persona == "bridal":
        age = rng.randint(24, 36)
    # Mostly 1-8 years in the book; a few new faces from this year so new-client cadences show too.
    first_seen_days = rng.randint(20, 364) if rng.random() < 0.04 else rng.randint(365, 8 * 365)
    assigned = None if rng.random() < 0.04 else s.associate_ids[i % len(s.associate_ids)]
    email = _email_for(s, first, last, used_emails) if rng.random() < 0.82 else None
    notes = rng.choice(NOTES) if rng.random() < 0.12 else None
    source = rng.choice(SOURCES)
    first_seen_on = today - timedelta(days=first_seen_days)
    number, phone2 = None, None
    if rng.random() < 0.95:
        area, n = phone
        number = f"({area}) 555-01{n:02d}"
        if rng.random() < 0.08:
            phone2 = f"({rng.choice(AREA_CODES)}) 555-01{rng.randint(0, 99):02d}"
    address = {}
    if rng.random() < 0.70:
        town, region, postal, _ = s.pick(TOWNS, [t[3] for t in TOWNS])
        address = dict(address_line1=f"{rng.randint(2, 480)} {rng.choice(STREETS)}", city=town, region=region,
                       postal_code=postal, country="US",
                       address_line2=f"Apt {rng.randint(1, 6)}{rng.choice('ABCD')}" if rng.random() < 0.12 else None)
    row = client_row(s.store_id, first, last, number, first_seen_on=first_seen_on,
                     created_at=s.at(first_seen_on, 12), updated_at=s.now, email=email, phone2=phone2,
                     assigned_to_id=assigned, notes=notes, source=source, **address)
    c = DemoClient(row=row, feminine=feminine, age=age, persona=persona, associate_id=assigned)
    _preferences(s, c)
    _family(s, c)
    _important_dates(s, c, leap_birthday)
    return c


def _email_for(s: Story, first: str, last: str, used: set[str]) -> str:
    f, la = (("".join(ch for ch in name.lower() if ch.isalnum())) for name in (first, last))
    local = s.pick((f"{f}.{la}", f"{f}{la[0]}", f"{f[0]}{la}", f"{f}_{la}"), (50, 20, 20, 10))
    domain = "example.com" if s.rng.random() < 0.6 else "example.org"
    email = f"{local}@{domain}"
    while email in used:
        email = f"{local}{s.rng.randint(2, 99)}@{domain}"
    used.add(email)
    return email


def _preferences(s: Story, c: DemoClient) -> None:
    rng, row = s.rng, c.row
    metals = list(METALS) if c.persona != "watch" else ["stainless steel", "18k white gold", "14k yellow gold"]
    row["metals"] = rng.sample(metals, s.pick((0, 1, 2), (20, 55, 25)))
    row["stones"] = rng.sample(STONES, s.pick((0, 1, 2, 3), (30, 40, 22, 8)))
    if c.persona == "watch":
        row["brands"] = rng.sample(WATCH_BRANDS, rng.randint(1, 2))
    elif rng.random() < 0.3:
        row["brands"] = rng.sample(FINE_BRANDS, rng.randint(1, 2))
    if rng.random() < 0.35:
        row["styles"] = rng.sample(STYLES, rng.randint(1, 2))
    if rng.random() < 0.3 or c.persona == "bridal":
        row["ring_size"] = rng.choice(RING_SIZES[:7] if c.feminine else RING_SIZES[4:])
    row["preferred_channel"] = s.pick(
        (Channel.TEXT, Channel.CALL, Channel.EMAIL, Channel.VISIT, Channel.MAIL, None), (38, 26, 22, 3, 1, 10))
    if row["preferred_channel"] in (Channel.TEXT, Channel.CALL) and not row["phone"]:
        row["preferred_channel"] = Channel.EMAIL if row["email"] else None
    if row["preferred_channel"] == Channel.EMAIL and not row["email"]:
        row["preferred_channel"] = Channel.CALL if row["phone"] else None
    row["frequency"] = str(s.pick((Frequency.NORMAL, Frequency.LOW, Frequency.HIGH), (80, 12, 8)))
    # Stored as plain strings: a StrEnum handed to a driver may be dumped by its member name.
    row["preferred_channel"] = str(row["preferred_channel"]) if row["preferred_channel"] else None
    tags = {"bridal": ["bridal"], "collector": ["collector"], "watch": ["watch"]}.get(c.persona, [])
    if c.persona == "collector" and rng.random() < 0.4:
        tags.append("watch")
    row["tags"] = tags


def _person(c: DemoClient, name: str, relation: Relation, notes: str | None = None) -> DemoPerson:
    p = DemoPerson(client=c, name=name, relation=relation, notes=notes)
    c.people.append(p)
    return p


def _family(s: Story, c: DemoClient) -> None:
    rng, last = s.rng, c.row["last_name"]
    partnered = rng.random() < (0.6 if c.persona == "regular" else 0.9)
    if c.persona == "bridal":
        partnered = True
    if partnered:
        partner_feminine = (not c.feminine) if rng.random() < 0.92 else c.feminine
        first = rng.choice(FEMININE if partner_feminine else MASCULINE)
        name = first if rng.random() < 0.35 else f"{first} {last if rng.random() < 0.7 else rng.choice(SURNAMES)}"
        c.partner = _person(c, name, Relation.PARTNER)
        c.partner.birthday = s.month_day()
        if s.leap_partners_left and rng.random() < 0.03:
            s.leap_partners_left -= 1
            c.partner.birthday = (2, 29)
    if c.persona != "bridal" and c.age >= 28 and rng.random() < 0.35 / 0.85:
        for _ in range(s.pick((1, 2, 3), (45, 40, 15))):
            child_feminine = rng.random() < 0.5
            taken = [p.name for p in c.people]
            names = [n for n in (FEMININE if child_feminine else MASCULINE) if n not in taken]
            child = _person(c, rng.choice(names), Relation.CHILD)
            if rng.random() < 0.6:
                child.birthday = s.month_day()
    if rng.random() < 0.12 and c.age < 70:
        mother = rng.random() < 0.75
        first = rng.choice(FEMININE if mother else MASCULINE)
        c.parent = _person(c, f"{first} {last}", Relation.PARENT, "Mother" if mother else "Father")
        if rng.random() < 0.7:
            c.parent.birthday = s.month_day()
    if rng.random() < 0.03:
        friend = _person(c, f"{rng.choice(FEMININE + MASCULINE)} {rng.choice(SURNAMES)}", Relation.FRIEND,
                         "Best friend; shops for her every birthday")
        friend.birthday = s.month_day()
    c.children = [p for p in c.people if p.relation == Relation.CHILD]


def add_date(c: DemoClient, kind: DateKind, month: int, day: int, year: int | None,
             person: DemoPerson | None = None, label: str | None = None) -> None:
    c.dates.append({"kind": kind, "month": month, "day": day, "year": year, "label": label, "person": person})


def _birth_year(s: Story, age: int, month: int, day: int) -> int:
    """The year someone of `age` today was born, a leap year for 29 February."""
    year = s.today.year - age - (1 if (month, day) > (s.today.month, s.today.day) else 0)
    if (month, day) == (2, 29):
        while not calendar.isleap(year):
            year -= 1
    return year


def _important_dates(s: Story, c: DemoClient, leap_birthday: bool) -> None:
    rng, today = s.rng, s.today
    if leap_birthday or rng.random() < 0.8:
        month, day = (2, 29) if leap_birthday else s.month_day()
        c.birthday = (month, day)
        year = _birth_year(s, c.age, month, day) if rng.random() < 0.6 else None
        add_date(c, DateKind.BIRTHDAY, month, day, year)
    for p in c.people:
        if p.birthday is None:
            continue
        year = None
        if rng.random() < 0.5:
            age = {Relation.PARTNER: c.age + rng.randint(-4, 4), Relation.PARENT: c.age + rng.randint(24, 34),
                   Relation.CHILD: rng.randint(1, max(1, c.age - 24))}.get(p.relation, c.age)
            year = _birth_year(s, max(1, age), *p.birthday)
        add_date(c, DateKind.BIRTHDAY, *p.birthday, year, person=p)
    if c.partner and c.persona != "bridal" and rng.random() < 0.55:
        # The next one is the n-th; a third land on a milestone, so 1st, 25th, 40th... all appear.
        low, high = max(1, c.age - 50), max(1, c.age - 22)
        n = rng.randint(low, high)
        milestones = [m for m in MILESTONE_YEARS if low <= m <= high]
        if milestones and rng.random() < 0.35:
            n = rng.choice(milestones)
        month, day = s.month_day(WEDDING_MONTH_WEIGHT)
        if s.leap_weddings_left and rng.random() < 0.03:
            s.leap_weddings_left -= 1
            month, day = 2, 29
        year = next_yearly_on(month, day, today).year - n
        while (month, day) == (2, 29) and not calendar.isleap(year):
            year -= 1  # a leap-day wedding happened in a leap year
        c.anniversary = (month, day, year)
        add_date(c, DateKind.ANNIVERSARY, month, day, year if rng.random() < 0.7 else None)
    for child in c.children:
        if rng.random() < 0.08:
            add_date(c, DateKind.CUSTOM, *s.month_day((0, 0, 0, 0, 6, 4, 0, 0, 0, 0, 0, 0)), None,
                     person=child, label="Graduation")
    if rng.random() < 0.03:
        month, day = s.month_day()
        add_date(c, DateKind.CUSTOM, month, day, today.year - rng.randint(2, 30), label="First date")
    if c.age >= 62 and rng.random() < 0.1:
        add_date(c, DateKind.CUSTOM, *s.month_day(), today.year - rng.randint(1, 12), label="Retirement")
