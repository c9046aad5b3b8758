"""Clients, the people in their lives, and the yearly dates the engine turns into follow-ups."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import utcnow
from ..domain import client_columns
from ..domain.vocab import Channel, DateKind, Frequency, Relation, Tier
from ..extensions import Model
from ._types import Money, StoreScoped, UTCDateTime, created_at_column, enum_check, only_on


class Client(StoreScoped, Model):
    __tablename__ = "clients"
    store_id_index = False  # led by store_id: see __table_args__
    __table_args__ = (
        UniqueConstraint("store_id", "client_number"),
        enum_check("tier", Tier),
        enum_check("frequency", Frequency),
        enum_check("preferred_channel", Channel, nullable=True),
        # Today list and "my clients" filter by assignee; search walks name, digits and email prefixes.
        Index("ix_clients_store_assignee", "store_id", "assigned_to_id"),
        Index("ix_clients_store_search_name", "store_id", "search_name"),
        # A typed word may start any word of the name ("dube" finds "renee dube"): `LIKE '% dube%'` is a trigram
        # index lookup on PostgreSQL instead of a scan of the store's rows (0.2 ms against 35 ms at 50,000
        # clients). Migration 0018. SQLite reads client_search_terms instead (ClientSearchTerm, migration 0030).
        only_on("postgresql", Index("ix_clients_search_name_trgm", "search_name", postgresql_using="gin",
                                    postgresql_ops={"search_name": "gin_trgm_ops"})),
        Index("ix_clients_store_phone_digits", "store_id", "phone_digits"),
        # A phone search also finds numbers ending with the typed digits (`LIKE '%0042'`): a trigram index
        # lookup on PostgreSQL (0.2 ms against a 19-35 ms read of every row at 50,000 clients). Migration 0029.
        # SQLite reads client_search_terms instead (migration 0030).
        only_on("postgresql", Index("ix_clients_phone_digits_trgm", "phone_digits", postgresql_using="gin",
                                    postgresql_ops={"phone_digits": "gin_trgm_ops"})),
        Index("ix_clients_store_email", "store_id", "email"),
        # An empty search lists my clients, latest touch first: on PostgreSQL a walk of this index to the page's
        # last row, and the "1,000+" count a walk of 1,001 entries, instead of sorting all of an associate's
        # clients twice (10 and 6 ms at 8,000 clients). Migration 0022; SQLite's below, 0029.
        only_on("postgresql", Index("ix_clients_store_assignee_touch", "store_id", "assigned_to_id",
                                    text("last_touch_on DESC NULLS LAST"), text("id DESC"),
                                    postgresql_where=text("erased_at IS NULL"))),
        # The same on SQLite (migration 0029), walked backwards: its NULLs sort first, so last in DESC order.
        only_on("sqlite", Index("ix_clients_store_assignee_touch", "store_id", "assigned_to_id", "last_touch_on", "id",
                                sqlite_where=text("erased_at IS NULL"))),
        Index("ix_clients_store_tier", "store_id", "tier"),
        # Book health leaves out the few do-not-contact and erased clients by id: without these it read
        # the whole clients table once per figure to find them (10 ms each at 50k clients on PostgreSQL).
        Index("ix_clients_store_dnc", "store_id", postgresql_where=text("do_not_contact IS true"),
              sqlite_where=text("do_not_contact IS 1")),
        Index("ix_clients_store_erased", "store_id", postgresql_where=text("erased_at IS NOT NULL"),
              sqlite_where=text("erased_at IS NOT NULL")),
    )

    client_number: Mapped[str | None] = mapped_column(String(40))
    first_name: Mapped[str] = mapped_column(String(80), nullable=False)
    last_name: Mapped[str] = mapped_column(String(80), nullable=False, default="")
    # "first last" folded (domain.client_columns.fold), so search is an indexed prefix scan on both databases;
    # byte order (COLLATE "C") on PostgreSQL, as SQLite compares, so LIKE 'p%' is a range of the btree there.
    search_name: Mapped[str] = mapped_column(String(170).with_variant(String(170, collation="C"), "postgresql"),
                                             nullable=False, default="")
    # Byte order on PostgreSQL too, as search_name: there a btree serves `LIKE 'p%'` only under COLLATE "C"
    # (a cluster's C.UTF-8 or en_US is not), and search finds clients by the prefix of both. Migration 0021.
    email: Mapped[str | None] = mapped_column(String(254).with_variant(String(254, collation="C"), "postgresql"))
    phone: Mapped[str | None] = mapped_column(String(40))
    phone_digits: Mapped[str | None] = mapped_column(String(20).with_variant(String(20, collation="C"), "postgresql"))
    phone2: Mapped[str | None] = mapped_column(String(40))
    # What each number is ("mobile", "home", "work"), as the import's header named it; the mobile is `phone`, the
    # one the text button uses. None when nobody said.
    phone_kind: Mapped[str | None] = mapped_column(String(8))
    phone2_kind: Mapped[str | None] = mapped_column(String(8))
    company: Mapped[str | None] = mapped_column(String(120))
    preferred_name: Mapped[str | None] = mapped_column(String(80))
    address_line1: Mapped[str | None] = mapped_column(String(200))
    address_line2: Mapped[str | None] = mapped_column(String(200))
    city: Mapped[str | None] = mapped_column(String(100))
    region: Mapped[str | None] = mapped_column(String(100))
    postal_code: Mapped[str | None] = mapped_column(String(20))
    country: Mapped[str | None] = mapped_column(String(2))
    # The client's own IANA zone (quiet hours for texts: docs/messages.md); None means the store's.
    time_zone: Mapped[str | None] = mapped_column(String(64))
    # The address a hard bounce condemned, and when: the next email to that same address is refused until the
    # address is edited (services/messages/bounces.py). Migration 0028.
    email_bounced_to: Mapped[str | None] = mapped_column(String(254))
    email_bounced_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    assigned_to_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    tier: Mapped[str] = mapped_column(String(1), nullable=False, default=Tier.C)
    spend_24m: Mapped[Decimal] = mapped_column(Money, nullable=False, default=Decimal("0"))
    # Denormalised so lists show the store-named loyalty tier without a query per row: kept by record_purchase,
    # the nightly services/engine/client_value.py and saving the store's tiers (services/owner/loyalty.py).
    lifetime_spend: Mapped[Decimal] = mapped_column(Money, nullable=False, default=Decimal("0"), server_default="0")
    loyalty_tier: Mapped[str | None] = mapped_column(String(40))
    # What the previous system reported (a customers export's "Total Spent" / "Total Orders") when its sales did
    # not come along: kept apart from lifetime_spend, which the purchases in the book make.
    imported_spend: Mapped[Decimal | None] = mapped_column(Money)
    imported_orders: Mapped[int | None] = mapped_column(Integer)
    notes: Mapped[str | None] = mapped_column(Text)

    metals: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    stones: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    brands: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    styles: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    tags: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    ring_size: Mapped[str | None] = mapped_column(String(10))

    preferred_channel: Mapped[str | None] = mapped_column(String(8))
    frequency: Mapped[str] = mapped_column(String(8), nullable=False, default=Frequency.NORMAL)
    opted_out: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    do_not_contact: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)

    referred_by_id: Mapped[int | None] = mapped_column(ForeignKey("clients.id", ondelete="SET NULL"))
    source: Mapped[str | None] = mapped_column(String(40))
    first_seen_on: Mapped[date] = mapped_column(Date, nullable=False)
    # Denormalised clocks, kept by log_outreach, so planning reconnects is one indexed scan.
    last_reached_on: Mapped[date | None] = mapped_column(Date)
    last_touch_on: Mapped[date | None] = mapped_column(Date)
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)

    assigned_to = relationship("User", foreign_keys=[assigned_to_id])
    people = relationship("Person", back_populates="client", cascade="all, delete-orphan", order_by="Person.id")
    dates = relationship("ImportantDate", back_populates="client", cascade="all, delete-orphan", order_by="ImportantDate.md")

    @property
    def display_name(self) -> str:
        return client_columns.display_name(self.first_name, self.last_name)


class ClientSearchTerm(Model):
    """What SQLite's client search looks a client up by: each word of the folded name (`search_name` split on its
    spaces), the phone digits after PHONE_TERM and the same digits backwards after PHONE_BACKWARDS_TERM.

    A typed word that starts a later word of the name, and a phone's last digits, are no prefix of an index of
    clients: SQLite tested every name or number of the store for them (10-22 ms at 50,000 clients). Here each is
    a range of this table's one index, its primary key ("wal", "~2400" for a number ending in 0042), and the
    matches are counted without reading a client row. PostgreSQL answers both from its trigram indexes and
    leaves this table empty (services/book/search.py decides, in `_terms_indexed`).

    Kept by SQLite triggers on clients (migration 0030), so every path that writes a name or a phone keeps its
    terms, bulk Core inserts included; an erased client has none. A migration that rebuilds clients on SQLite
    (batch_alter_table copies the table) drops them with the old table and must create them again
    (tests/integration/book/test_search_terms.py checks they are there). No foreign keys: a delete would look
    this table up by client_id, which no index leads with; the delete trigger removes a client's terms by their
    full key.
    """

    __tablename__ = "client_search_terms"
    __table_args__ = {"sqlite_with_rowid": False}  # the primary key is the table: no second copy of each row

    store_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    term: Mapped[str] = mapped_column(String(170).with_variant(String(170, collation="C"), "postgresql"),
                                      primary_key=True)
    client_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)


# Marks of a phone's terms; a name's words are word characters only (client_columns.fold), so never start so.
PHONE_TERM = "+"
PHONE_BACKWARDS_TERM = "~"


class Person(StoreScoped, Model):
    __tablename__ = "people"
    __table_args__ = (enum_check("relation", Relation),)

    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), nullable=False, index=True)
    name: Mapped[str] = mapped_column(String(120), nullable=False)
    relation: Mapped[str] = mapped_column(String(10), nullable=False, default=Relation.OTHER)
    notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = created_at_column()

    client = relationship("Client", back_populates="people")
    dates = relationship("ImportantDate", back_populates="person", cascade="all, delete-orphan")


class ImportantDate(StoreScoped, Model):
    """A yearly date of a client (person_id null) or of one of their people; the year may be unknown."""

    __tablename__ = "important_dates"
    store_id_index = False  # led by store_id: see __table_args__
    __table_args__ = (
        enum_check("kind", DateKind),
        CheckConstraint("month BETWEEN 1 AND 12", name="month_valid"),
        CheckConstraint("day BETWEEN 1 AND 31", name="day_valid"),
        CheckConstraint("year IS NULL OR year BETWEEN 1900 AND 2200", name="year_valid"),
        CheckConstraint("md = month * 100 + day", name="md_matches"),
        # The planner asks "which dates fall in the next 8 weeks" as md IN (...) per store.
        Index("ix_important_dates_store_md", "store_id", "md"),
    )

    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), nullable=False, index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(12), nullable=False)
    label: Mapped[str | None] = mapped_column(String(80))
    month: Mapped[int] = mapped_column(Integer, nullable=False)
    day: Mapped[int] = mapped_column(Integer, nullable=False)
    year: Mapped[int | None] = mapped_column(Integer)
    md: Mapped[int] = mapped_column(Integer, nullable=False)

    client = relationship("Client", back_populates="dates")
    person = relationship("Person", back_populates="dates")
