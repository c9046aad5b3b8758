"""The demo store: a realistic clienteling book (five years of sales, families, dates, consent) in one commit.

Everything is drawn from one `random.Random(seed)`, so two seeds on the same day give the same store; only
the demo password is random per seed (it comes from `secrets`, and is never stored in clear). The data is
built in memory first and written with bulk inserts, so 1,500 clients take a few seconds on SQLite and
nothing is half-written when something fails.
"""

from __future__ import annotations

import calendar
import math
import random
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select, update
from werkzeug.security import generate_password_hash

from ..clock import store_today
from ..domain.client_columns import client_columns, month_day, phone_digits
from ..domain.occasions import MILESTONE_YEARS, mothers_day_on, next_yearly_on, yearly_on
from ..domain.ranking import assign_tiers
from ..domain.settings import FREQUENCY_PRESETS, EngineSettings
from ..domain.vocab import (
    COMPLETING_OUTCOMES,
    TOUCH_OUTCOMES,
    Channel,
    DateKind,
    Frequency,
    ItemCategory,
    Outcome,
    Relation,
    Role,
    Tier,
)
from ..extensions import db
from ..models import (
    Client,
    ConsentEvent,
    ImportantDate,
    LoyaltyPolicy,
    LoyaltyTier,
    Outreach,
    Person,
    Purchase,
    PurchaseItem,
    Referral,
    Store,
    User,
    WishItem,
)
from ..services.accounts.users import slugify
from ..services.batching import chunks
from ..services.engine.client_value import refresh_lifetime_spend
from ..services.errors import Invalid

STORE_NAME = "Harbor & Vine Jewelers"
STORE_TIMEZONE = "America/New_York"
DEFAULT_SEED = 20261122
STAFF: tuple[tuple[str, str, Role], ...] = (
    ("owner@harborvine.demo", "Eleanor Vance", Role.OWNER),
    ("maya@harborvine.demo", "Maya Okafor", Role.ASSOCIATE),
    ("daniel@harborvine.demo", "Daniel Reyes", Role.ASSOCIATE),
    ("priya@harborvine.demo", "Priya Raman", Role.ASSOCIATE),
)
CHUNK = 1000

FEMININE = (
    "Olivia Emma Charlotte Amelia Sophia Isabella Ava Mia Evelyn Harper Abigail Emily Elizabeth Grace Chloe "
    "Victoria Hannah Natalie Claire Margaret Catherine Susan Linda Karen Patricia Deborah Nancy Laura Rebecca "
    "Rachel Jennifer Michelle Ananya Aisha Fatima Leila Yasmin Mei Hana Yuki Ji-yeon Mariana Camila Valentina "
    "Lucia Gabriela Ximena Ngozi Amara Chiamaka Zanele Siobhan Aoife Ingrid Astrid Freya Katarzyna Olga "
    "Giulia Francesca Chiara Elena Noor Tamar Miriam Esther Keisha Imani"
).split()
MASCULINE = (
    "James William Benjamin Henry Alexander Michael Daniel Matthew Andrew Joseph David Christopher Thomas "
    "Robert Richard Charles Patrick Brian Kevin Steven Gregory Jonathan Nathan Samuel Ethan Lucas Owen Arjun "
    "Rohan Vikram Omar Ahmed Karim Hassan Wei Jun Hiroshi Kenji Min-jun Seo-jun Mateo Santiago Diego Carlos "
    "Alejandro Rafael Chinedu Kwame Tendai Sean Liam Declan Lars Erik Magnus Piotr Tomasz Dmitri Marco Luca "
    "Giovanni Nikos Yosef Eli Malik Andre Jamal Tyrone"
).split()
SURNAMES = (
    "Smith Johnson Williams Brown Jones Miller Davis Wilson Anderson Taylor Thomas Moore Martin Thompson White "
    "Harris Clark Lewis Robinson Walker Young Allen King Wright Scott Hill Green Adams Baker Nelson Carter "
    "Mitchell Roberts Campbell Parker Evans Edwards Collins Stewart Morris Murphy Cook Rogers Morgan Cooper "
    "Reed Bailey Kelly Howard Sullivan O'Brien Fitzgerald Gallagher McCarthy Doyle Garcia Martinez Rodriguez "
    "Hernandez Lopez Gonzalez Perez Ramirez Torres Flores Rivera Morales Nguyen Tran Pham Le Kim Park Lee Choi "
    "Chen Wang Zhang Liu Huang Tanaka Suzuki Sato Yamamoto Patel Shah Singh Gupta Iyer Khan Haddad Nasser "
    "Rahman Okafor Adeyemi Mensah Diallo Kowalski Nowak Petrov Rossi Russo Bianchi Romano Costa Silva Santos "
    "Oliveira Mueller Schmidt Fischer Weber Larsen Johansson Lindqvist Dubois Moreau Laurent Cohen Levy "
    "Friedman Goldberg Papadopoulos Yilmaz Demir Byrne"
).split()

# The store is in Salem, MA: most of the book lives on the North Shore, a few moved away.
TOWNS: tuple[tuple[str, str, str, int], ...] = (
    ("Salem", "MA", "01970", 30), ("Marblehead", "MA", "01945", 14), ("Beverly", "MA", "01915", 14),
    ("Swampscott", "MA", "01907", 8), ("Peabody", "MA", "01960", 10), ("Danvers", "MA", "01923", 8),
    ("Lynn", "MA", "01902", 6), ("Gloucester", "MA", "01930", 5), ("Newburyport", "MA", "01950", 3),
    ("Boston", "MA", "02116", 4), ("Cambridge", "MA", "02138", 2), ("Portsmouth", "NH", "03801", 2),
)
STREETS = (
    "Harbor St", "Elm St", "Washington St", "Lafayette St", "Essex St", "Derby St", "Chestnut St", "Federal St",
    "Bridge St", "Pleasant St", "Ocean Ave", "Atlantic Ave", "Summit Ave", "Highland Ave", "Maple Ave",
    "Orchard Ln", "Bay View Dr", "Lighthouse Ln", "Pickering Way", "Winter St", "Front St", "Loring Ave",
)
# Fictional numbers only: 555-0100..0199 is reserved for fiction in every North American area code.
AREA_CODES = (
    "978", "781", "617", "508", "339", "351", "857", "774", "413", "603",
    "207", "401", "860", "203", "212", "646", "917", "718", "914", "802",
)

METALS = ("14k yellow gold", "18k white gold", "platinum", "sterling silver", "rose gold")
STONES = ("diamond", "sapphire", "emerald", "pearl", "opal", "ruby", "tanzanite")
STYLES = ("classic", "vintage", "modern", "minimal", "bold", "art deco", "bohemian")
FINE_BRANDS = ("Tacori", "Simon G.", "Gabriel & Co.", "Verragio", "Hearts On Fire", "Roberto Coin",
               "John Hardy", "Lagos", "Marco Bicego")
WATCH_BRANDS = ("Seiko", "Citizen", "Longines", "Tudor", "TAG Heuer", "Bulova")
PEARL_BRAND = "Mikimoto"
SOURCES = ("walk-in", "walk-in", "walk-in", "google", "instagram", "wedding show", "store event", "website")
NOTES = (
    "Prefers appointments after 5pm.", "Works at the hospital; text first, calls go to voicemail.",
    "Likes to see new arrivals before they hit the case.", "Always buys two weeks before the date; call early.",
    "Allergic to nickel: gold or platinum only.", "Surprise gifts; never call the home number.",
    "Collects vintage pieces from estate buys.", "Brought in grandmother's ring for a reset idea.",
    "Keeps a wish list with us for the holidays.", "Big sailing family; ask about the summer race.",
    "Daughter getting married next year.", "Travels for work in spring; reach by email.",
)
RING_SIZES = ("4.5", "5", "5.5", "6", "6.5", "7", "7.5", "8", "9", "10", "11")
REPAIRS = (
    ("Ring sizing", 45, 150), ("Prong retipping", 60, 240), ("Chain solder", 40, 90),
    ("Clasp replacement", 45, 120), ("Rhodium plating", 60, 150), ("Watch battery and reseal", 40, 75),
    ("Pearl restringing", 75, 300), ("Stone tightening", 40, 120), ("Watch band adjustment", 40, 60),
)
WISHES = (
    ("Sapphire stud earrings, 5mm", ItemCategory.EARRINGS, "18k white gold", "sapphire", 1800),
    ("Diamond tennis bracelet, 3ct", ItemCategory.BRACELET, "18k white gold", "diamond", 6500),
    ("Upgrade to a 2ct solitaire", ItemCategory.RING, "platinum", "diamond", 18000),
    ("Opal pendant like the one in the window", ItemCategory.PENDANT, "14k yellow gold", "opal", 900),
    ("Akoya pearl strand", ItemCategory.NECKLACE, "14k yellow gold", "pearl", 2400),
    ("Emerald eternity band", ItemCategory.RING, "platinum", "emerald", 4200),
    ("Rose gold bangle", ItemCategory.BRACELET, "rose gold", None, 1100),
    ("Dive watch with steel bracelet", ItemCategory.WATCH, "stainless steel", None, 3800),
    ("Tanzanite drop earrings", ItemCategory.EARRINGS, "14k yellow gold", "tanzanite", 1600),
    ("Ruby anniversary band", ItemCategory.RING, "18k white gold", "ruby", 2600),
    ("Birthstone family pendant", ItemCategory.PENDANT, "sterling silver", None, 350),
    ("Gold hoop earrings, medium", ItemCategory.EARRINGS, "14k yellow gold", None, 650),
)
OUTREACH_NOTES: dict[str, tuple[str, ...]] = {
    Outcome.REACHED: ("Loved the earrings; thinking about a matching pendant.", "Will stop by on Saturday.",
                      "Asked about cleaning before the wedding.", "Happy with the ring; no needs right now."),
    Outcome.VOICEMAIL: ("Left message about new arrivals.", "Left message about the upcoming date."),
    Outcome.NO_ANSWER: ("No answer.",),
    Outcome.REPLIED: ("Replied with a thumbs up.", "Asked for photos of the sapphire studs.",
                      "Said thanks, will come in next month."),
    Outcome.BOOKED: ("Booked a private viewing.", "Booked a cleaning and inspection.", "Coming in Thursday at 5."),
    Outcome.SOLD: ("Bought the piece we sent photos of.", "Came in and picked an anniversary gift."),
    Outcome.NOT_NOW: ("Not shopping this season.", "Asked us to check back after the holidays."),
    Outcome.DO_NOT_CONTACT: ("Asked not to be contacted again.",),
}
OUTCOME_WEIGHTS: dict[str, tuple[tuple[Outcome, ...], tuple[int, ...]]] = {
    Channel.CALL: ((Outcome.REACHED, Outcome.VOICEMAIL, Outcome.NO_ANSWER, Outcome.BOOKED, Outcome.SOLD,
                    Outcome.NOT_NOW), (32, 30, 20, 8, 3, 7)),
    Channel.TEXT: ((Outcome.REPLIED, Outcome.NO_ANSWER, Outcome.BOOKED, Outcome.SOLD, Outcome.NOT_NOW),
                   (45, 30, 10, 3, 12)),
    Channel.EMAIL: ((Outcome.REPLIED, Outcome.NO_ANSWER, Outcome.BOOKED, Outcome.SOLD, Outcome.NOT_NOW),
                    (30, 55, 8, 2, 5)),
    Channel.VISIT: ((Outcome.REACHED, Outcome.SOLD, Outcome.BOOKED), (50, 30, 20)),
}

# Shoppers come in for the holidays, Valentine's Day and Mother's Day; weddings cluster in late spring and fall.
SELF_MONTH_WEIGHT = (1.6, 1.2, 0.8, 0.9, 1.2, 1.0, 0.8, 0.8, 0.8, 0.9, 1.2, 1.5)
WEDDING_MONTH_WEIGHT = (2, 2, 3, 5, 9, 14, 9, 10, 14, 15, 6, 5)
PROPOSAL_MONTH_WEIGHT = (9, 6, 3, 3, 4, 5, 5, 4, 4, 5, 7, 20)
OCCASION_CATEGORIES: dict[str, tuple[tuple[ItemCategory, ...], tuple[int, ...]]] = {
    "anniversary": ((ItemCategory.RING, ItemCategory.EARRINGS, ItemCategory.NECKLACE, ItemCategory.PENDANT,
                     ItemCategory.BRACELET, ItemCategory.WATCH), (25, 25, 15, 15, 15, 5)),
    "birthday": ((ItemCategory.EARRINGS, ItemCategory.PENDANT, ItemCategory.NECKLACE, ItemCategory.BRACELET,
                  ItemCategory.RING, ItemCategory.WATCH), (25, 20, 20, 20, 10, 5)),
    "holiday": ((ItemCategory.EARRINGS, ItemCategory.NECKLACE, ItemCategory.PENDANT, ItemCategory.BRACELET,
                 ItemCategory.WATCH, ItemCategory.RING), (25, 20, 20, 20, 10, 5)),
    "valentines": ((ItemCategory.PENDANT, ItemCategory.EARRINGS, ItemCategory.NECKLACE, ItemCategory.BRACELET,
                    ItemCategory.RING), (30, 25, 20, 15, 10)),
    "mothers_day": ((ItemCategory.PENDANT, ItemCategory.EARRINGS, ItemCategory.NECKLACE, ItemCategory.BRACELET,
                     ItemCategory.RING), (30, 25, 20, 20, 5)),
    "self": ((ItemCategory.RING, ItemCategory.EARRINGS, ItemCategory.NECKLACE, ItemCategory.PENDANT,
              ItemCategory.BRACELET, ItemCategory.WATCH), (25, 20, 10, 10, 15, 20)),
}
# (low, high) of a 14k gold piece without a stone; metal and stone multiply it.
BASE_PRICE: dict[ItemCategory, tuple[int, int]] = {
    ItemCategory.RING: (300, 2500), ItemCategory.EARRINGS: (150, 1500), ItemCategory.NECKLACE: (200, 2500),
    ItemCategory.PENDANT: (150, 1800), ItemCategory.BRACELET: (200, 3000), ItemCategory.WATCH: (250, 12000),
}
STONE_FACTOR = {"diamond": 2.2, "sapphire": 1.6, "emerald": 1.6, "ruby": 1.6, "tanzanite": 1.4, "opal": 1.1,
                "pearl": 1.0, None: 1.0}
METAL_FACTOR = {"platinum": 1.5, "18k white gold": 1.3, "14k yellow gold": 1.0, "rose gold": 1.0,
                "sterling silver": 0.18, "stainless steel": 1.0}
CATEGORY_STONES: dict[ItemCategory, tuple[tuple[str | None, ...], tuple[int, ...]]] = {
    ItemCategory.RING: (("diamond", "sapphire", "emerald", "ruby", "tanzanite", "opal", None),
                        (45, 12, 6, 5, 4, 3, 25)),
    ItemCategory.EARRINGS: (("diamond", "pearl", "sapphire", "opal", "tanzanite", "emerald", None),
                            (38, 20, 8, 5, 4, 3, 22)),
    ItemCategory.NECKLACE: (("diamond", "pearl", "sapphire", "emerald", None), (25, 20, 8, 5, 42)),
    ItemCategory.PENDANT: (("diamond", "sapphire", "opal", "emerald", "ruby", "tanzanite", "pearl", None),
                           (28, 12, 8, 6, 5, 5, 6, 30)),
    ItemCategory.BRACELET: (("diamond", "sapphire", "pearl", None), (25, 6, 4, 65)),
}
PIECE_WORDS: dict[ItemCategory, tuple[str, ...]] = {
    ItemCategory.RING: ("halo ring", "three-stone ring", "stackable ring", "cocktail ring", "eternity band"),
    ItemCategory.EARRINGS: ("stud earrings", "drop earrings", "hoop earrings", "huggie earrings"),
    ItemCategory.NECKLACE: ("tennis necklace", "station necklace", "chain necklace", "lariat necklace"),
    ItemCategory.PENDANT: ("halo pendant", "solitaire pendant", "initial pendant", "birthstone pendant"),
    ItemCategory.BRACELET: ("tennis bracelet", "bangle", "cuff bracelet", "link bracelet", "charm bracelet"),
}
WATCH_WORDS = ("automatic watch", "dive watch", "dress watch", "chronograph", "solar watch")


@dataclass(frozen=True)
class DemoResult:
    """What the CLI prints: the store, how much was made, and the one demo password for every login."""

    store_id: int
    store_name: str
    clients: int
    purchases: int
    password: str
    logins: list[tuple[str, str]]
    counts: dict[str, int] = field(default_factory=dict)


@dataclass
class _Person:
    client: _Client
    name: str
    relation: Relation
    notes: str | None = None
    birthday: tuple[int, int] | None = None
    id: int | None = None


@dataclass
class _Client:
    row: dict
    feminine: bool
    age: int
    persona: str
    associate_id: int | None
    partner: _Person | None = None
    children: list[_Person] = field(default_factory=list)
    parent: _Person | None = None
    people: list[_Person] = field(default_factory=list)
    birthday: tuple[int, int] | None = None
    anniversary: tuple[int, int, int | None] | None = None
    dates: list[dict] = field(default_factory=list)
    purchases: list[dict] = field(default_factory=list)
    touches: list[tuple[date, str]] = field(default_factory=list)
    dnc_on: date | None = None
    id: int | None = None


DEMO_TIERS = (("Silver", "0", "Free cleaning any time"),
              ("Gold", "2500", "Free cleaning, 10% off repairs, early invitations to trunk shows"),
              ("Platinum", "10000", "All Gold perks, private viewings and complimentary engraving"))


def seed_demo_store(
    clients: int = 1500, if_empty: bool = False, *, seed: int = DEFAULT_SEED, today: date | None = None
) -> DemoResult | None:
    """Create the demo store with its staff and a realistic book of clients; None when `if_empty` and a store exists."""
    if if_empty and db.session.scalar(select(Store.id).limit(1)) is not None:
        return None
    if clients < 1:
        raise Invalid("Demo store not created", {"clients": "Ask for at least one client."})
    emails = [email for email, _, _ in STAFF]
    if db.session.scalar(select(Store.id).where(Store.slug == slugify(STORE_NAME))) is not None or \
            db.session.scalar(select(User.id).where(User.email.in_(emails)).limit(1)) is not None:
        raise Invalid("Demo store not created", {"store": f"'{STORE_NAME}' already exists in this database."})

    try:
        return _seed(clients, seed, today)
    except BaseException:
        db.session.rollback()  # all or nothing: no store without its book
        raise


def _seed(clients: int, seed: int, today: date | None) -> DemoResult:
    store = Store(name=STORE_NAME, slug=slugify(STORE_NAME), timezone=STORE_TIMEZONE, country="US", morning_hour=8)
    db.session.add(store)
    db.session.flush()
    password = secrets.token_urlsafe(12)  # 16 characters; the only thing not drawn from the seeded rng
    # One hash for the four logins: they share the password by design (the CLI says so), and each
    # scrypt hash costs a noticeable fraction of a second.
    password_hash = generate_password_hash(password)
    staff = [User(store_id=store.id, email=email, name=name, role=str(role), daily_target=10, password_hash=password_hash)
             for email, name, role in STAFF]
    db.session.add_all(staff)
    db.session.flush()

    builder = _Builder(random.Random(seed), store, today or store_today(store), [u.id for u in staff])
    builder.build(clients)
    counts = builder.persist()
    _loyalty(store.id)
    db.session.commit()
    return DemoResult(store_id=store.id, store_name=store.name, clients=counts["clients"],
                      purchases=counts["purchases"], password=password,
                      logins=[(email, str(role)) for email, _, role in STAFF], counts=counts)


def _loyalty(store_id: int) -> None:
    """Named tiers and a trade-up policy, so the card and the lists show them from the first start."""
    db.session.add_all(LoyaltyTier(store_id=store_id, name=name, min_spend=Decimal(minimum), perks=perks)
                       for name, minimum, perks in DEMO_TIERS)
    db.session.add(LoyaltyPolicy(store_id=store_id, trade_up_enabled=True, trade_up_percent=100,
                                 trade_up_multiple=Decimal("2"), trade_up_categories=["earrings", "necklace", "ring"]))
    db.session.flush()
    refresh_lifetime_spend(store_id)


def _tag(value: float) -> Decimal:
    """A price as a jeweler tags it: $45, $345, $1,295."""
    if value < 100:
        tag = max(5, round(value / 5) * 5)
    elif value < 1000:
        tag = round(value / 10) * 10 - 5
    else:
        tag = round(value / 100) * 100 - 5
    return Decimal(tag).quantize(Decimal("0.01"))


class _Builder:
    """Draws the whole book in memory (local objects, no ids), then writes it table by table."""

    def __init__(self, rng: random.Random, store: Store, today: date, staff_ids: list[int]) -> None:
        self.rng = rng
        self.store = store
        self.today = today
        self.zone = ZoneInfo(store.timezone)
        self.owner_id = staff_ids[0]
        self.associate_ids = staff_ids[1:]
        self.staff_ids = staff_ids
        self.clients: list[_Client] = []
        self.consents: list[dict] = []
        self.outreaches: list[dict] = []
        self.wishes: list[dict] = []
        self.referrals: list[tuple[_Client, _Client]] = []
        self.five_years_ago = today - timedelta(days=5 * 365 + 1)

    # ----- helpers -----

    def at(self, on: date, hour: int, minute: int = 0) -> datetime:
        """A store-local wall-clock time on `on`, as an aware UTC datetime."""
        return datetime.combine(on, time(hour, minute), tzinfo=self.zone).astimezone(UTC)

    def pick(self, options: Sequence, weights: Sequence[float]):  # noqa: ANN201 - generic choice
        return self.rng.choices(options, weights=weights, k=1)[0]

    def month_day(self, month_weights: Sequence[float] | None = None) -> tuple[int, int]:
        """A yearly (month, day); never 29 February (those are placed on purpose)."""
        month = self.pick(range(1, 13), month_weights) if month_weights else self.rng.randint(1, 12)
        return month, self.rng.randint(1, calendar.monthrange(2001, month)[1])

    def date_between(self, start: date, end: date, month_weights: Sequence[float] = SELF_MONTH_WEIGHT) -> date:
        """A day in [start, end], seasonal by month and busier on Fridays and Saturdays."""
        span = (end - start).days
        top = max(month_weights)
        for _ in range(50):
            on = start + timedelta(days=self.rng.randint(0, span))
            weekday = (0.7, 0.8, 0.9, 1.0, 1.2, 1.5, 0.4)[on.weekday()]
            if self.rng.random() * top * 1.5 <= month_weights[on.month - 1] * weekday:
                return on
        return start + timedelta(days=self.rng.randint(0, span))

    def price(self, low: float, high: float) -> Decimal:
        """Log-uniform in [low, high], rounded the way a jeweler tags it."""
        return _tag(math.exp(self.rng.uniform(math.log(low), math.log(high))))


    # ----- clients, people, dates -----

    def build(self, count: int) -> None:
        rng = self.rng
        phones = [(area, n) for area in AREA_CODES for n in range(100)]
        rng.shuffle(phones)
        leap_birthdays = set(rng.sample(range(count), min(count, 6)))
        # Beyond the six clients born on 29 February, a few partners and one wedding fall on it too.
        self.leap_partners_left = max(2, count // 400)
        self.leap_weddings_left = 1
        used_emails: set[str] = set()
        for i in range(count):
            self.clients.append(self.new_client(i, phones[i % len(phones)], used_emails,
                                                i in leap_birthdays))
        # Client numbers follow first visits, as a store's POS would have issued them.
        self.clients.sort(key=lambda c: (c.row["first_seen_on"], c.row["search_name"]))
        for n, c in enumerate(self.clients):
            c.row["client_number"] = f"C{10001 + n}"
        self.make_referrals()
        for c in self.clients:
            self.make_purchases(c)
        self.make_consent()
        self.make_outreach()
        self.make_wishes()
        self.finish_clients()

    def new_client(self, i: int, phone: tuple[str, int], used_emails: set[str], leap_birthday: bool) -> _Client:
        rng, today = self.rng, self.today
        feminine = rng.random() < 0.58  # jewelry books lean female, but men buy the big gifts
        first = rng.choice(FEMININE if feminine else MASCULINE)
        last = rng.choice(SURNAMES)
        age = max(22, min(84, round(rng.gauss(47, 13))))
        persona = self.pick(("regular", "bridal", "collector", "watch"), (82, 10, 3, 5))
        if persona == "bridal":
            age = rng.randint(24, 36)
        # Mostly 1-8 years in the book; a few new faces from this year so new-client cadences show too.
        first_seen_days = rng.randint(20, 364) if rng.random() < 0.04 else rng.randint(365, 8 * 365)
        assigned = None if rng.random() < 0.04 else self.associate_ids[i % len(self.associate_ids)]
        email = None
        if rng.random() < 0.82:
            email = self.email_for(first, last, used_emails)
        row: dict = {
            "first_name": first, "last_name": last, "email": email, "phone": None, "phone2": None,
            **client_columns(first, last, None),
            "address_line1": None, "address_line2": None, "city": None, "region": None, "postal_code": None,
            "country": None, "assigned_to_id": assigned, "notes": rng.choice(NOTES) if rng.random() < 0.12 else None,
            "metals": [], "stones": [], "brands": [], "styles": [], "tags": [], "ring_size": None,
            "preferred_channel": None, "frequency": Frequency.NORMAL, "opted_out": [], "do_not_contact": False,
            "source": rng.choice(SOURCES), "first_seen_on": today - timedelta(days=first_seen_days),
            "created_at": None,
        }
        if rng.random() < 0.95:
            area, n = phone
            row["phone"] = f"({area}) 555-01{n:02d}"
            row["phone_digits"] = phone_digits(row["phone"])
            if rng.random() < 0.08:
                row["phone2"] = f"({rng.choice(AREA_CODES)}) 555-01{rng.randint(0, 99):02d}"
        if rng.random() < 0.70:
            town, region, postal, _ = self.pick(TOWNS, [t[3] for t in TOWNS])
            row.update(address_line1=f"{rng.randint(2, 480)} {rng.choice(STREETS)}", city=town, region=region,
                       postal_code=postal, country="US",
                       address_line2=f"Apt {rng.randint(1, 6)}{rng.choice('ABCD')}" if rng.random() < 0.12 else None)
        row["created_at"] = self.at(row["first_seen_on"], 12)
        c = _Client(row=row, feminine=feminine, age=age, persona=persona, associate_id=assigned)
        self.preferences(c)
        self.family(c)
        self.important_dates(c, leap_birthday)
        return c

    def email_for(self, first: str, last: str, used: set[str]) -> str:
        f, la = (("".join(ch for ch in s.lower() if ch.isalnum())) for s in (first, last))
        local = self.pick((f"{f}.{la}", f"{f}{la[0]}", f"{f[0]}{la}", f"{f}_{la}"), (50, 20, 20, 10))
        domain = "example.com" if self.rng.random() < 0.6 else "example.org"
        email = f"{local}@{domain}"
        while email in used:
            email = f"{local}{self.rng.randint(2, 99)}@{domain}"
        used.add(email)
        return email

    def preferences(self, c: _Client) -> None:
        rng, row = self.rng, c.row
        metals = list(METALS) if c.persona != "watch" else ["stainless steel", "18k white gold", "14k yellow gold"]
        row["metals"] = rng.sample(metals, self.pick((0, 1, 2), (20, 55, 25)))
        row["stones"] = rng.sample(STONES, self.pick((0, 1, 2, 3), (30, 40, 22, 8)))
        if c.persona == "watch":
            row["brands"] = rng.sample(WATCH_BRANDS, rng.randint(1, 2))
        elif rng.random() < 0.3:
            row["brands"] = rng.sample(FINE_BRANDS, rng.randint(1, 2))
        if rng.random() < 0.35:
            row["styles"] = rng.sample(STYLES, rng.randint(1, 2))
        if rng.random() < 0.3 or c.persona == "bridal":
            row["ring_size"] = rng.choice(RING_SIZES[:7] if c.feminine else RING_SIZES[4:])
        row["preferred_channel"] = self.pick(
            (Channel.TEXT, Channel.CALL, Channel.EMAIL, Channel.VISIT, Channel.MAIL, None), (38, 26, 22, 3, 1, 10))
        if row["preferred_channel"] in (Channel.TEXT, Channel.CALL) and not row["phone"]:
            row["preferred_channel"] = Channel.EMAIL if row["email"] else None
        if row["preferred_channel"] == Channel.EMAIL and not row["email"]:
            row["preferred_channel"] = Channel.CALL if row["phone"] else None
        row["frequency"] = str(self.pick((Frequency.NORMAL, Frequency.LOW, Frequency.HIGH), (80, 12, 8)))
        # Stored as plain strings: a StrEnum handed to a driver may be dumped by its member name.
        row["preferred_channel"] = str(row["preferred_channel"]) if row["preferred_channel"] else None
        tags = {"bridal": ["bridal"], "collector": ["collector"], "watch": ["watch"]}.get(c.persona, [])
        if c.persona == "collector" and rng.random() < 0.4:
            tags.append("watch")
        row["tags"] = tags

    def person(self, c: _Client, name: str, relation: Relation, notes: str | None = None) -> _Person:
        p = _Person(client=c, name=name, relation=relation, notes=notes)
        c.people.append(p)
        return p

    def family(self, c: _Client) -> None:
        rng, last = self.rng, c.row["last_name"]
        partnered = rng.random() < (0.6 if c.persona == "regular" else 0.9)
        if c.persona == "bridal":
            partnered = True
        if partnered:
            partner_feminine = (not c.feminine) if rng.random() < 0.92 else c.feminine
            first = rng.choice(FEMININE if partner_feminine else MASCULINE)
            name = first if rng.random() < 0.35 else f"{first} {last if rng.random() < 0.7 else rng.choice(SURNAMES)}"
            c.partner = self.person(c, name, Relation.PARTNER)
            c.partner.birthday = self.month_day()
            if self.leap_partners_left and rng.random() < 0.03:
                self.leap_partners_left -= 1
                c.partner.birthday = (2, 29)
        if c.persona != "bridal" and c.age >= 28 and rng.random() < 0.35 / 0.85:
            for _ in range(self.pick((1, 2, 3), (45, 40, 15))):
                child_feminine = rng.random() < 0.5
                taken = [p.name for p in c.people]
                names = [n for n in (FEMININE if child_feminine else MASCULINE) if n not in taken]
                child = self.person(c, rng.choice(names), Relation.CHILD)
                if rng.random() < 0.6:
                    child.birthday = self.month_day()
        if rng.random() < 0.12 and c.age < 70:
            mother = rng.random() < 0.75
            first = rng.choice(FEMININE if mother else MASCULINE)
            c.parent = self.person(c, f"{first} {last}", Relation.PARENT, "Mother" if mother else "Father")
            if rng.random() < 0.7:
                c.parent.birthday = self.month_day()
        if rng.random() < 0.03:
            friend = self.person(c, f"{rng.choice(FEMININE + MASCULINE)} {rng.choice(SURNAMES)}", Relation.FRIEND,
                                 "Best friend; shops for her every birthday")
            friend.birthday = self.month_day()
        c.children = [p for p in c.people if p.relation == Relation.CHILD]

    def add_date(self, c: _Client, kind: DateKind, month: int, day: int, year: int | None,
                 person: _Person | None = None, label: str | None = None) -> None:
        c.dates.append({"kind": kind, "month": month, "day": day, "year": year, "md": month_day(month, day),
                        "label": label, "person": person})

    def birth_year(self, age: int, month: int, day: int) -> int:
        """The year someone of `age` today was born, a leap year for 29 February."""
        year = self.today.year - age - (1 if (month, day) > (self.today.month, self.today.day) else 0)
        if (month, day) == (2, 29):
            while not calendar.isleap(year):
                year -= 1
        return year

    def important_dates(self, c: _Client, leap_birthday: bool) -> None:
        rng, today = self.rng, self.today
        if leap_birthday or rng.random() < 0.8:
            month, day = (2, 29) if leap_birthday else self.month_day()
            c.birthday = (month, day)
            year = self.birth_year(c.age, month, day) if rng.random() < 0.6 else None
            self.add_date(c, DateKind.BIRTHDAY, month, day, year)
        for p in c.people:
            if p.birthday is None:
                continue
            year = None
            if rng.random() < 0.5:
                age = {Relation.PARTNER: c.age + rng.randint(-4, 4), Relation.PARENT: c.age + rng.randint(24, 34),
                       Relation.CHILD: rng.randint(1, max(1, c.age - 24))}.get(p.relation, c.age)
                year = self.birth_year(max(1, age), *p.birthday)
            self.add_date(c, DateKind.BIRTHDAY, *p.birthday, year, person=p)
        if c.partner and c.persona != "bridal" and rng.random() < 0.55:
            # The next one is the n-th; a third land on a milestone, so 1st, 25th, 40th... all appear.
            low, high = max(1, c.age - 50), max(1, c.age - 22)
            n = rng.randint(low, high)
            milestones = [m for m in MILESTONE_YEARS if low <= m <= high]
            if milestones and rng.random() < 0.35:
                n = rng.choice(milestones)
            month, day = self.month_day(WEDDING_MONTH_WEIGHT)
            if self.leap_weddings_left and rng.random() < 0.03:
                self.leap_weddings_left -= 1
                month, day = 2, 29
            year = next_yearly_on(month, day, today).year - n
            while (month, day) == (2, 29) and not calendar.isleap(year):
                year -= 1  # a leap-day wedding happened in a leap year
            c.anniversary = (month, day, year)
            self.add_date(c, DateKind.ANNIVERSARY, month, day, year if rng.random() < 0.7 else None)
        for child in c.children:
            if rng.random() < 0.08:
                self.add_date(c, DateKind.CUSTOM, *self.month_day((0, 0, 0, 0, 6, 4, 0, 0, 0, 0, 0, 0)), None,
                              person=child, label="Graduation")
        if rng.random() < 0.03:
            month, day = self.month_day()
            self.add_date(c, DateKind.CUSTOM, month, day, today.year - rng.randint(2, 30), label="First date")
        if c.age >= 62 and rng.random() < 0.1:
            self.add_date(c, DateKind.CUSTOM, *self.month_day(), today.year - rng.randint(1, 12), label="Retirement")

    def make_referrals(self) -> None:
        """About 7% of clients came through another client, who was in the book before them."""
        rng = self.rng
        for n, c in enumerate(self.clients):
            if n < 10 or rng.random() >= 0.07:
                continue
            referrer = self.clients[rng.randrange(0, n)]
            if referrer.row["first_seen_on"] >= c.row["first_seen_on"]:
                continue
            c.row["source"] = "referral"
            self.referrals.append((referrer, c))

    # ----- purchases -----

    def make_purchases(self, c: _Client) -> None:
        rng, today = self.rng, self.today
        start = max(c.row["first_seen_on"], self.five_years_ago)
        end = today - timedelta(days=1)
        if start > end:
            return
        # Clients new within the window bought something on their first visit.
        first_visit = c.row["first_seen_on"] >= self.five_years_ago
        if c.persona == "bridal":
            self.bridal_story(c, start, end)
            count = self.pick((0, 1, 2), (50, 35, 15))
        elif c.persona == "collector":
            count = rng.randint(7, 12)
        elif c.persona == "watch":
            count = rng.randint(1, 5)
        else:
            count = self.pick(range(0, 11), (14, 26, 20, 14, 9, 6, 4, 3, 2, 1, 1))
        if first_visit and not c.purchases and count == 0:
            count = 1
        for k in range(count):
            if k == 0 and first_visit and not c.purchases:
                self.purchase(c, c.row["first_seen_on"], "self")
            else:
                self.occasion_purchase(c, start, end)

    def bridal_story(self, c: _Client, start: date, end: date) -> None:
        """Engagement ring (proposal season), then bands before a spring or fall wedding; the wedding is the anniversary."""
        rng = self.rng
        engaged_on = self.date_between(start, end, PROPOSAL_MONTH_WEIGHT)
        self.purchase(c, engaged_on, "engagement", recipient=c.partner, kind="engagement")
        wedding_on = engaged_on + timedelta(days=rng.randint(150, 480))
        month, day = self.month_day(WEDDING_MONTH_WEIGHT)
        wedding_on = yearly_on(month, day, wedding_on.year)
        if wedding_on < engaged_on + timedelta(days=120):
            wedding_on = yearly_on(month, day, wedding_on.year + 1)
        bands_on = wedding_on - timedelta(days=rng.randint(20, 70))
        if bands_on < end and bands_on > engaged_on:
            self.purchase(c, bands_on, "engagement", recipient=c.partner, kind="bands")
        if wedding_on < self.today and c.anniversary is None:
            c.anniversary = (month, day, wedding_on.year)
            self.add_date(c, DateKind.ANNIVERSARY, month, day, wedding_on.year)

    def occasion_purchase(self, c: _Client, start: date, end: date) -> None:
        rng = self.rng
        kids_or_mother = bool(c.children) or (c.parent is not None and c.parent.notes == "Mother")
        options = ["holiday", "self", "repair", "birthday", "valentines", "anniversary", "mothers_day"]
        weights = [3, 2.5, 2, 3, 2 if c.partner else 0.3, 3 if c.anniversary else 0, 2 if kids_or_mother else 0]
        occasion = self.pick(options, weights)
        recipient: _Person | None = None
        for _ in range(6):
            year = rng.randint(start.year, end.year)
            if occasion == "holiday":
                on = date(year, 11, 20) + timedelta(days=rng.randint(0, 34))
            elif occasion == "valentines":
                on, recipient = date(year, 2, 1) + timedelta(days=rng.randint(0, 13)), c.partner
            elif occasion == "mothers_day":
                on = mothers_day_on(year, "US") - timedelta(days=rng.randint(1, 16))
                mother = c.parent if c.parent is not None and c.parent.notes == "Mother" else None
                recipient = c.partner if c.partner is not None and c.children and rng.random() < 0.7 else mother
            elif occasion == "anniversary":
                month, day, since = c.anniversary  # type: ignore[misc]
                on, recipient = yearly_on(month, day, year) - timedelta(days=rng.randint(0, 20)), c.partner
                if since is not None and year <= since:
                    continue
            elif occasion == "birthday":
                people = [p for p in c.people if p.birthday] + ([None] if c.birthday else [])
                who = rng.choice(people) if people else None
                month, day = who.birthday if who else (c.birthday or self.month_day())  # type: ignore[union-attr]
                on, recipient = yearly_on(month, day, year) - timedelta(days=rng.randint(0, 20)), who
            else:
                on = self.date_between(start, end)
            if start <= on <= end:
                self.purchase(c, on, None if occasion == "repair" else occasion, recipient=recipient,
                              kind="repair" if occasion == "repair" else "gift")
                return
        self.purchase(c, self.date_between(start, end), "self")

    def purchase(self, c: _Client, on: date, occasion: str | None, recipient: _Person | None = None,
                 kind: str = "gift", associate_id: int | None = None) -> None:
        rng = self.rng
        if associate_id is None:
            if on.weekday() == 6 and rng.random() < 0.6 and on - timedelta(days=1) >= c.row["first_seen_on"]:
                on -= timedelta(days=1)  # the store is quiet on Sundays
            associate_id = c.associate_id if c.associate_id and rng.random() < 0.78 else rng.choice(self.staff_ids)
        if kind == "engagement":
            items = [self.engagement_ring(c)]
        elif kind == "bands":
            items = [self.band(c), self.band(c)]
        elif kind == "repair":
            items = [self.repair_item(c) for _ in range(self.pick((1, 2), (85, 15)))]
        else:
            items = [self.item(c, occasion or "self") for _ in range(self.pick((1, 2, 3), (72, 21, 7)))]
        c.purchases.append({"on": on, "occasion": occasion, "recipient": recipient, "associate_id": associate_id,
                            "items": items, "total": sum((i["price"] for i in items), Decimal("0.00"))})

    def metal(self, c: _Client, category: ItemCategory) -> str:
        if category == ItemCategory.WATCH:
            return self.pick(("stainless steel", "18k yellow gold", "18k rose gold"), (80, 12, 8))
        if c.row["metals"] and self.rng.random() < 0.65:
            metal = self.rng.choice(c.row["metals"])
            if metal != "stainless steel":
                return metal
        return self.pick(METALS, (30, 20, 10, 25, 15))

    def item(self, c: _Client, occasion: str) -> dict:
        rng = self.rng
        categories, weights = OCCASION_CATEGORIES.get(occasion, OCCASION_CATEGORIES["self"])
        category = ItemCategory.WATCH if c.persona == "watch" and rng.random() < 0.6 else self.pick(categories, weights)
        metal = self.metal(c, category)
        brand = None
        if category == ItemCategory.WATCH:
            brand = rng.choice(c.row["brands"] if c.persona == "watch" else WATCH_BRANDS)
            low, high = BASE_PRICE[category]
            price = self.price(low, high * (1.4 if c.persona in ("watch", "collector") else 0.6))
            return {"description": f"{brand} {rng.choice(WATCH_WORDS)}", "category": category, "metal": metal,
                    "stone": None, "brand": brand, "price": price}
        stones, stone_weights = CATEGORY_STONES[category]
        stone = rng.choice(c.row["stones"]) if c.row["stones"] and rng.random() < 0.5 else self.pick(stones, stone_weights)
        if metal == "sterling silver" and stone in ("diamond", "emerald", "ruby", "sapphire"):
            stone = self.pick(("opal", "pearl", None), (3, 3, 4))
        if stone == "pearl" and rng.random() < 0.25:
            brand = PEARL_BRAND
        elif rng.random() < 0.22 and metal != "sterling silver":
            brand = rng.choice(c.row["brands"] if c.row["brands"] and c.persona != "watch" else FINE_BRANDS)
        low, high = BASE_PRICE[category]
        if category == ItemCategory.RING and stone == "diamond" and metal != "sterling silver":
            low, high = 1500, 9000  # a diamond ring is rarely less
        factor = STONE_FACTOR[stone] * METAL_FACTOR[metal] * (1.6 if c.persona == "collector" else 1.0)
        if category == ItemCategory.RING and stone == "diamond":
            factor = max(1.0, factor / 2.2)
        piece = rng.choice(PIECE_WORDS[category])
        if stone == "pearl" and category == ItemCategory.NECKLACE:
            piece = "pearl strand"
        what = f"{stone.capitalize()} {piece}" if stone and piece != "pearl strand" else piece.capitalize()
        style = rng.choice(STYLES) if rng.random() < 0.25 else None
        description = f"{what}, {metal}" + (f" ({style})" if style else "")
        return {"description": description, "category": category, "metal": metal, "stone": stone, "brand": brand,
                "price": self.price(max(35, low * factor), max(60, high * factor))}

    def engagement_ring(self, c: _Client) -> dict:
        rng = self.rng
        metal = self.pick(("platinum", "18k white gold", "14k yellow gold", "rose gold"), (40, 30, 20, 10))
        price = _tag(min(25000.0, max(2500.0, math.exp(rng.gauss(math.log(6500), 0.55)))))
        shape = rng.choice(("Round brilliant", "Oval", "Cushion", "Emerald-cut", "Pear"))
        brand = rng.choice(("Tacori", "Verragio", "Simon G.", "Gabriel & Co.")) if rng.random() < 0.45 else None
        return {"description": f"{shape} diamond engagement ring, {metal}", "category": ItemCategory.RING,
                "metal": metal, "stone": "diamond", "brand": brand, "price": price}

    def band(self, c: _Client) -> dict:
        metal = self.pick(("platinum", "18k white gold", "14k yellow gold", "rose gold"), (35, 30, 25, 10))
        with_diamonds = self.rng.random() < 0.35
        low, high = (900, 3500) if with_diamonds else (350, 1600)
        return {"description": ("Diamond wedding band, " if with_diamonds else "Wedding band, ") + metal,
                "category": ItemCategory.RING, "metal": metal, "stone": "diamond" if with_diamonds else None,
                "brand": None, "price": self.price(low * METAL_FACTOR[metal], high * METAL_FACTOR[metal])}

    def repair_item(self, c: _Client) -> dict:
        name, low, high = self.rng.choice(REPAIRS)
        metal = None if "Watch" in name or "Pearl" in name else self.metal(c, ItemCategory.RING)
        return {"description": name, "category": ItemCategory.REPAIR, "metal": metal, "stone": None, "brand": None,
                "price": self.price(low, high)}

    # ----- consent, outreach, wishes -----

    def make_consent(self) -> None:
        """~4% asked not to be contacted, ~8% opted out of one channel; each change is a ConsentEvent."""
        rng, today = self.rng, self.today
        for c in self.clients:
            row = c.row
            seen = row["first_seen_on"]
            if rng.random() < 0.04:
                row["do_not_contact"] = True
                # A third said so on a recent call (that outreach is logged below); the rest long ago.
                if rng.random() < 0.34:
                    c.dnc_on = today - timedelta(days=rng.randint(3, 55))
                else:
                    on = seen + timedelta(days=rng.randint(0, max(0, (today - seen).days - 62)))
                    self.consent(c, on, "do_not_contact", None, "on")
            if rng.random() < 0.08:
                channels = [ch for ch in (Channel.TEXT, Channel.EMAIL, Channel.CALL, Channel.MAIL)]
                out = rng.sample(channels, self.pick((1, 2), (85, 15)))
                row["opted_out"] = [str(ch) for ch in out]
                if row["preferred_channel"] in out:
                    row["preferred_channel"] = next((str(ch) for ch in self.row_channels(c) if ch not in out), None)
                for ch in out:
                    on = seen + timedelta(days=rng.randint(0, max(0, (today - seen).days - 62)))
                    self.consent(c, on, "opt_out", str(ch), None)

    def consent(self, c: _Client, on: date, what: str, channel: str | None, value: str | None,
                user_id: int | None = None, at: datetime | None = None) -> None:
        self.consents.append({"client": c, "user_id": user_id or c.associate_id or self.owner_id, "channel": channel,
                              "what": what, "value": value, "created_at": at or self.at(on, 11, 30)})

    def channel_for(self, c: _Client) -> Channel | None:
        channels, rng = self.row_channels(c), self.rng
        if not channels:
            return None
        preferred = c.row["preferred_channel"]
        if preferred in channels and rng.random() < 0.75:
            return Channel(preferred)
        if rng.random() < 0.05:
            return Channel.VISIT
        return rng.choice(channels)

    def row_channels(self, c: _Client) -> list[Channel]:
        row = c.row
        channels = []
        if row["phone"]:
            channels += [Channel.CALL, Channel.TEXT]
        if row["email"]:
            channels.append(Channel.EMAIL)
        return [ch for ch in channels if str(ch) not in row["opted_out"]]

    def may_touch(self, c: _Client, on: date) -> bool:
        """The frequency tolerance of DESIGN §3, so the seeded history never breaks the contact gate."""
        rule = FREQUENCY_PRESETS[Frequency(c.row["frequency"])]
        recent = [d for d, outcome in c.touches if outcome in TOUCH_OUTCOMES]
        if any(abs((on - d).days) < rule.min_gap_days for d in recent):
            return False
        return sum(1 for d in recent if 0 <= (on - d).days < rule.per_days) < rule.max_touches

    def make_outreach(self) -> None:
        """Sixty days of calls, texts and emails by each associate through their own book, Monday to Saturday."""
        rng, today = self.rng, self.today
        books: dict[int, list[_Client]] = {uid: [] for uid in self.staff_ids}
        for c in self.clients:
            if c.associate_id:
                books[c.associate_id].append(c)
        owner_book = [c for c in self.clients if len(c.purchases) >= 4]
        books[self.owner_id] = owner_book
        weights = {uid: [1 + float(sum(p["total"] for p in c.purchases)) / 2000 for c in book]
                   for uid, book in books.items()}
        dnc_by_day: dict[date, list[_Client]] = {}
        for c in self.clients:
            if c.dnc_on:
                dnc_by_day.setdefault(c.dnc_on, []).append(c)
        for back in range(60, 0, -1):
            on = today - timedelta(days=back)
            for c in dnc_by_day.get(on, []):
                channel = (self.row_channels(c) or [Channel.VISIT])[0]
                self.touch(c, on, c.associate_id or self.owner_id, channel, Outcome.DO_NOT_CONTACT)
            if on.weekday() == 6:
                continue
            for uid in self.staff_ids:
                book = books[uid]
                if not book:
                    continue
                goal = rng.randint(0, 3) if uid == self.owner_id else rng.randint(5, 11)
                done = 0
                for c in rng.choices(book, weights=weights[uid], k=goal * 4):
                    if done >= goal:
                        break
                    if c.row["do_not_contact"] and (c.dnc_on is None or on >= c.dnc_on):
                        continue
                    channel = self.channel_for(c)
                    if channel is None or not self.may_touch(c, on):
                        continue
                    outcomes, outcome_weights = OUTCOME_WEIGHTS[channel]
                    self.touch(c, on, uid, channel, self.pick(outcomes, outcome_weights))
                    done += 1

    def touch(self, c: _Client, on: date, user_id: int, channel: Channel, outcome: Outcome) -> None:
        rng = self.rng
        at = self.at(on, rng.randint(9, 18), rng.choice((0, 5, 10, 15, 20, 30, 40, 45, 50)))
        note = rng.choice(OUTREACH_NOTES[outcome]) if rng.random() < 0.35 or outcome == Outcome.DO_NOT_CONTACT else None
        self.outreaches.append({"client": c, "user_id": user_id, "channel": channel, "outcome": outcome,
                                "note": note, "occurred_at": at, "occurred_on": on, "created_at": at})
        c.touches.append((on, outcome))
        if outcome == Outcome.DO_NOT_CONTACT:
            self.consent(c, on, "do_not_contact", None, "on", user_id=user_id, at=at + timedelta(minutes=1))
        elif outcome == Outcome.SOLD:
            # The sale the touch led to, credited to the associate who made the touch.
            sold_on = min(self.today - timedelta(days=1), on + timedelta(days=rng.randint(0, 3)))
            self.purchase(c, sold_on, self.pick(("self", "birthday", "anniversary"), (5, 3, 2)) if c.partner else "self",
                          recipient=c.partner if c.partner and rng.random() < 0.5 else None, associate_id=user_id)

    def make_wishes(self) -> None:
        rng = self.rng
        for c in self.clients:
            if rng.random() >= 0.13:
                continue
            for description, category, metal, stone, hint in rng.sample(WISHES, self.pick((1, 2), (75, 25))):
                for_person = c.partner if c.partner and rng.random() < 0.4 else None
                self.wishes.append({"client": c, "person": for_person, "description": description,
                                    "category": str(category), "metal": metal, "stone": stone,
                                    "price_hint": Decimal(hint).quantize(Decimal("0.01")), "status": "open"})

    def finish_clients(self) -> None:
        """24-month spend, tiers by percentile, and the touch clocks (a sale in the store is a conversation)."""
        since = self.today - timedelta(days=730)
        spend = {n: float(sum((p["total"] for p in c.purchases if p["on"] >= since), Decimal("0")))
                 for n, c in enumerate(self.clients)}
        tiers = assign_tiers(spend, EngineSettings.default())
        for n, c in enumerate(self.clients):
            c.row["spend_24m"] = Decimal(str(spend[n])).quantize(Decimal("0.01"))
            c.row["tier"] = str(tiers.get(n, Tier.C))
            bought = [p["on"] for p in c.purchases]
            touched = [d for d, o in c.touches if o in TOUCH_OUTCOMES] + bought
            reached = [d for d, o in c.touches if o in COMPLETING_OUTCOMES] + bought
            c.row["last_touch_on"] = max(touched, default=None)
            c.row["last_reached_on"] = max(reached, default=None)

    # ----- writing -----

    def persist(self) -> dict[str, int]:
        store_id = self.store.id
        session = db.session
        for c in self.clients:
            c.row["store_id"] = store_id
        # Plain executemany, then ids read back by natural keys: RETURNING with guaranteed row order makes
        # SQLAlchemy fall back to one statement per row, which is ten times slower on PostgreSQL.
        self.insert(Client, [c.row for c in self.clients])
        ids = dict(session.execute(select(Client.client_number, Client.id).where(Client.store_id == store_id)).all())
        for c in self.clients:
            c.id = ids[c.row["client_number"]]
        if self.referrals:
            by_id: dict[int, int] = {}
            for referrer, referred in self.referrals:
                by_id[referred.id] = referrer.id  # type: ignore[index]
            session.execute(update(Client), [{"id": k, "referred_by_id": v} for k, v in sorted(by_id.items())])

        people = [p for c in self.clients for p in c.people]
        self.insert(Person, [{"store_id": store_id, "client_id": p.client.id, "name": p.name,
                              "relation": str(p.relation), "notes": p.notes} for p in people])
        # (client, relation, name) is unique by construction: no family has two children of the same name.
        keys = session.execute(select(Person.client_id, Person.relation, Person.name, Person.id)
                               .where(Person.store_id == store_id)).all()
        person_ids = {(client_id, relation, name): id_ for client_id, relation, name, id_ in keys}
        assert len(person_ids) == len(people)
        for p in people:
            p.id = person_ids[(p.client.id, str(p.relation), p.name)]

        dates = [{"store_id": store_id, "client_id": c.id, "person_id": d["person"].id if d["person"] else None,
                  "kind": str(d["kind"]), "label": d["label"], "month": d["month"], "day": d["day"],
                  "year": d["year"], "md": d["md"]} for c in self.clients for d in c.dates]
        self.insert(ImportantDate, dates)

        purchases = sorted(((p, c) for c in self.clients for p in c.purchases),
                           key=lambda pc: (pc[0]["on"], pc[1].id))
        rows = [{"store_id": store_id, "client_id": c.id, "associate_id": p["associate_id"], "purchased_on": p["on"],
                 "receipt_number": f"HV-{p['on'].year}-{n:06d}", "occasion": p["occasion"],
                 "recipient_person_id": p["recipient"].id if p["recipient"] else None, "total": p["total"],
                 "note": None, "created_at": self.at(p["on"], 15)}
                for n, (p, c) in enumerate(purchases, start=1)]
        self.insert(Purchase, rows)
        receipts = dict(session.execute(select(Purchase.receipt_number, Purchase.id)
                                        .where(Purchase.store_id == store_id)).all())
        items = [{"store_id": store_id, "purchase_id": receipts[row["receipt_number"]],
                  **{**item, "category": str(item["category"])}}
                 for (p, _), row in zip(purchases, rows, strict=True) for item in p["items"]]
        self.insert(PurchaseItem, items)

        self.insert(WishItem, [{"store_id": store_id, "client_id": w["client"].id,
                                "person_id": w["person"].id if w["person"] else None,
                                **{k: v for k, v in w.items() if k not in ("client", "person")}} for w in self.wishes])
        self.insert(Referral, [{"store_id": store_id, "referrer_id": a.id, "referred_id": b.id,
                                "recorded_on": b.row["first_seen_on"]} for a, b in self.referrals])
        self.insert(ConsentEvent, [{"store_id": store_id, "client_id": e["client"].id,
                                    **{k: v for k, v in e.items() if k != "client"}}
                                   for e in sorted(self.consents, key=lambda e: e["created_at"])])
        outreaches = sorted(self.outreaches, key=lambda o: o["occurred_at"])
        self.insert(Outreach, [{"store_id": store_id, "client_id": o["client"].id, "idempotency_key": None,
                                **{k: (str(v) if k in ("channel", "outcome") else v) for k, v in o.items()
                                   if k != "client"}} for o in outreaches])
        return {"clients": len(self.clients), "people": len(people), "important_dates": len(dates),
                "purchases": len(purchases), "purchase_items": len(items), "wish_items": len(self.wishes),
                "referrals": len(self.referrals), "consent_events": len(self.consents),
                "outreaches": len(outreaches)}

    def insert(self, model: type, rows: list[dict]) -> None:
        # render_nulls keeps None values in the statement; otherwise the ORM groups rows by which keys are
        # None and sends thousands of tiny batches.
        stmt = insert(model).execution_options(render_nulls=True)
        for chunk in chunks(rows, CHUNK):
            db.session.execute(stmt, list(chunk))
