"""Client search: name, phone digits or email prefix, as the associate types, fast on a 50,000-client book.

Names are searched in their folded form (`domain.client_columns.fold`: no accents, no case), written with the
row into `search_name`, so "renee" finds Renée Dubé. Every typed word must start a word of the name, in any
order ("demir grace" finds Grace Demir); names that are the typed words exactly come first, then names that
start with what was typed, then the rest, each group in name order.

The indexes read are `(store_id, search_name)`, `(store_id, phone_digits)`, `(store_id, email)`. A prefix is
an index range on both databases:
- SQLite only turns `LIKE 'p%'` into an index range when LIKE is case sensitive or the column is NOCASE;
  ours are BINARY, so we write the range ourselves: `col >= 'p' AND col < 'q'` (the prefix with its last
  character bumped). Byte order is code point order in UTF-8, so the range holds exactly the prefixed values.
- PostgreSQL uses `LIKE 'p%'` on a btree only under the "C" collation or with a `text_pattern_ops` index.
  `search_name` (migration 0018), `phone_digits` and `email` (0021) are declared COLLATE "C" there, so their
  indexes serve the prefix and the order.
A typed word that starts a later word of the name ("wal" in "grace wal"), and a phone's last digits ("0042"), are
no prefix of those columns. PostgreSQL reads them from trigram indexes (`LIKE '% wal%'` on
ix_clients_search_name_trgm, `LIKE '%0042'` on ix_clients_phone_digits_trgm). SQLite makes them prefixes too
(migration 0030; `_terms_indexed` is the one place that chooses): client_search_terms holds each word of every
name, and each phone's digits forwards and backwards ("+15550000042", "~24000005551"), kept by triggers, so a
typed word or a phone's end is a range of its primary key, several typed words intersect their ranges, and the
matches are counted there without reading a client row. Before, SQLite tested every name or number of the
store (10-22 ms of CPU per search at 50,000 clients). Thousands of matches ("smi", "555") are still paged by
walking the name or digits index in page order and testing each entry: a page of so common a match is found
within a few hundred entries, where reading them all from the terms and sorting them would not be cheaper.
An empty search (my clients, latest touch first) walks ix_clients_store_assignee_touch on both.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from itertools import permutations
from typing import Any

import phonenumbers
from sqlalchemy import ColumnElement, Select, and_, func, or_, select, true

from ...domain.client_columns import display_name, fold, phone_digits
from ...domain.vocab import Tier
from ...extensions import db
from ...models import Client, ClientSearchTerm, User
from ...models.client import PHONE_BACKWARDS_TERM, PHONE_TERM
from ..pg_settings import done_with_these_values, plan_for_these_values

MIN_DIGITS = 3
COUNT_CAP = 1000  # counting stops here: "1,000+ clients" is as useful as 31,402 and costs a bounded scan

_PHONE_LIKE = re.compile(r"[\d\s().+\-/]+")


@dataclass(frozen=True)
class ClientHit:
    id: int
    name: str
    tier: str
    phone: str | None
    email: str | None
    last_touch_on: date | None
    assignee: str | None
    mine: bool
    loyalty_tier: str | None = None  # the store-named tier, kept on the client row (services/owner/loyalty.py)


@dataclass
class SearchResult:
    q: str
    mode: str  # "name", "phone", "email", "mine" (empty query), "short" (too few digits)
    tier: str | None
    mine: bool
    hits: list[ClientHit] = field(default_factory=list)
    count: int = 0
    limit: int = 30

    @property
    def capped(self) -> bool:
        return self.count > COUNT_CAP

    @property
    def more(self) -> bool:
        return self.count > len(self.hits)


def classify(q: str) -> tuple[str, str]:
    """(mode, needle): digits-only input is a phone, one with @ an email, anything else a name."""
    q = " ".join(q.split())
    if not q:
        return "mine", ""
    if _PHONE_LIKE.fullmatch(q) and any(ch.isdigit() for ch in q):
        digits = re.sub(r"\D", "", q)
        return ("phone", digits) if len(digits) >= MIN_DIGITS else ("short", digits)
    if "@" in q:
        return "email", q.lower()
    needle = fold(q)
    return ("name", needle) if needle else ("short", "")


def _bumped(prefix: str) -> str:
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _terms_indexed() -> bool:
    """Whether later words of names and the last digits of phones are read from client_search_terms (SQLite)
    rather than from trigram indexes (PostgreSQL). See the module docstring."""
    return db.session.get_bind().dialect.name == "sqlite"


def starts_with(column, prefix: str) -> ColumnElement[bool]:
    """An index-friendly prefix test on both databases (see the module docstring)."""
    if db.session.get_bind().dialect.name == "sqlite":
        return and_(column >= prefix, column < _bumped(prefix))
    return column.like(_escape_like(prefix) + "%", escape="\\")


def _phone_patterns(typed: str, digits: str, region: str = "US") -> tuple[list[str], list[str]]:
    """(prefixes, suffixes) of the phone digits searched for: typed from the start (area code first), in
    international form, or the last digits of the number.

    The prefixes are index ranges. The "ends with" half cannot use the digits' btree: PostgreSQL looks it up in the
    trigram index on phone_digits (migration 0029; without it, it read every client row, 19-35 ms at 50,000
    clients); SQLite in client_search_terms, as a prefix of the digits backwards (migration 0030).

    Variants: a typed or stored country code 1; a national number with its trunk 0 ("020 7946 0018") finds the
    number stored in international form (it ends with the rest); an international one ("+44 20 …", "0044 20 …")
    finds the number stored nationally (0 then the rest, after a country code of 1 to 3 digits).
    """
    prefixes, suffixes = {digits}, {digits}
    # Numbers are stored as E.164 digits (domain.client_columns.phone_digits): a whole number typed in any
    # format of the store's country ("07700 900123", "+44 7700 900123", "(415) 555-0101") is that prefix.
    if whole := phone_digits(typed, region):
        prefixes.add(whole)
    # The start of a national number ("617 555", "07700 9") is the start of its E.164 digits after the country code.
    code = str(phonenumbers.country_code_for_region((region or "US").upper()) or "")
    if code and not typed.lstrip().startswith("+") and not digits.startswith("00"):
        prefixes.add(code + (digits[1:] if digits.startswith("0") else digits))
    if len(digits) == 11 and digits.startswith("1"):
        prefixes.add(digits[1:])
    if len(digits) >= 7 and not digits.startswith(("0", "1")):
        prefixes.add("1" + digits)
    international = typed.lstrip().startswith("+") or digits.startswith(("00", "011"))
    if international:
        number = digits[3:] if digits.startswith("011") else digits[2:] if digits.startswith("00") else digits
        prefixes.add(number)
        if len(number) >= 9:
            prefixes.update("0" + number[k:] for k in (1, 2, 3))
    elif digits.startswith("0") and len(digits) >= 8:
        suffixes.add(digits[1:])
    return sorted(prefixes), sorted(suffixes)


def _phone_condition(prefixes: list[str], suffixes: list[str]) -> ColumnElement[bool]:
    """The phone digits start with one of `prefixes` or end with one of `suffixes`, tested on the clients row."""
    return or_(*[starts_with(Client.phone_digits, p) for p in prefixes],
               *[Client.phone_digits.like("%" + s) for s in suffixes])


def _phone_ids(store_id: int, prefixes: list[str], suffixes: list[str]) -> Select:
    """The same clients, read from client_search_terms: ranges of the digits and of the digits backwards."""
    return select(ClientSearchTerm.client_id).where(ClientSearchTerm.store_id == store_id, or_(
        *[starts_with(ClientSearchTerm.term, PHONE_TERM + p) for p in prefixes],
        *[starts_with(ClientSearchTerm.term, PHONE_BACKWARDS_TERM + s[::-1]) for s in suffixes]))


def _name_ids(store_id: int, words: list[str]) -> Select:
    """The clients whose name has a word starting with each of `words`, read from client_search_terms: a range
    per typed word, each kept to the clients of the next one's (an IN list SQLite builds once; 1.0 ms against
    1.4 for an INTERSECT of "grace" and "wal", 2,000 and 2,500 terms)."""
    ids: Select | None = None
    for word in reversed(list(dict.fromkeys(words))):
        starting = select(ClientSearchTerm.client_id).where(ClientSearchTerm.store_id == store_id,
                                                            starts_with(ClientSearchTerm.term, word))
        ids = starting if ids is None else starting.where(ClientSearchTerm.client_id.in_(ids.correlate(None)))
    assert ids is not None  # a name search has a word
    return ids


def _word_starts(word: str) -> ColumnElement[bool]:
    """`word` starts a word of the folded name: the first one (an index range) or a later one."""
    return or_(starts_with(Client.search_name, word),
               Client.search_name.like("% " + _escape_like(word) + "%", escape="\\"))


def _name_groups(needle: str) -> Iterator[ColumnElement[bool]]:
    """The conditions of the name search's groups, best first: exactly these words (any order), then names
    starting with what was typed, then every word starting a word of the name.

    Only the last group is not an index range: PostgreSQL reads it from the trigram index; SQLite tests it along
    (store_id, search_name) in name order, stopping at the page's last row, when the matches are many, and
    otherwise reads them from client_search_terms (`_name_ids`, see search_clients). A group repeats the rows
    of the one before; the caller skips them.
    """
    words = needle.split()
    if 1 < len(words) <= 3:
        exact = sorted({" ".join(order) for order in permutations(words)} - {needle})
        yield Client.search_name.in_(exact)
    yield starts_with(Client.search_name, needle)
    yield and_(*(_word_starts(word) for word in dict.fromkeys(words)))


def _from_terms(ids: Select, conditions: list[ColumnElement[bool]], filtered: bool
                ) -> tuple[int, ColumnElement[bool]]:
    """(how many clients `ids` holds, up to COUNT_CAP + 1; the condition that picks them).

    The terms hold the store's clients that are not erased: unless a tier or "mine" filters them, the ids are
    read from the terms alone and the condition lists them (the terms are read once, not again by the page's
    query: intersecting two words' ranges is most of the cost)."""
    if filtered:
        capped = select(Client.id).where(*conditions, Client.id.in_(ids)).limit(COUNT_CAP + 1).subquery()
        return db.session.scalar(select(func.count()).select_from(capped)) or 0, Client.id.in_(ids)
    # The ids travel as one JSON array, back into the page's query as one parameter: up to 1,001 rows, or values
    # of an IN list, cost SQLAlchemy far more than SQLite (1-2 ms for "smi").
    capped = select(ids.subquery().c.client_id).distinct().limit(COUNT_CAP + 1).subquery()
    counted, listed = db.session.execute(select(func.count(), func.json_group_array(capped.c.client_id))).one()
    return counted, Client.id.in_(select(func.json_each(listed).table_valued("value").c.value))


def search_clients(actor: User, q: str = "", tier: str | None = None, mine: bool = False,
                   limit: int = 30) -> SearchResult:
    """Clients of the actor's store matching `q`; an empty query lists the actor's clients, latest touch first."""
    mode, needle = classify(q or "")
    tier = tier if tier in {t.value for t in Tier} else None
    result = SearchResult(q=(q or "").strip(), mode=mode, tier=tier, mine=mine, limit=limit)
    if mode == "short":
        return result
    conditions = [Client.store_id == actor.store_id, Client.erased_at.is_(None)]
    groups: list[ColumnElement[bool]] = []
    ids: Select | None = None  # SQLite: the last group's clients, read from client_search_terms
    if mode == "phone":
        prefixes, suffixes = _phone_patterns(q, needle, actor.store.country)
        groups.append(_phone_condition(prefixes, suffixes))
        ids = _phone_ids(actor.store_id, prefixes, suffixes) if _terms_indexed() else None
    elif mode == "email":
        groups.append(starts_with(Client.email, needle))
    elif mode == "name":
        groups.extend(_name_groups(needle))
        ids = _name_ids(actor.store_id, needle.split()) if _terms_indexed() else None
    if tier:
        conditions.append(Client.tier == tier)
    if mine or mode == "mine":
        conditions.append(Client.assigned_to_id == actor.id)
    order: tuple[Any, ...]
    if mode == "mine":
        # Most recently touched first; clients never touched come last, newest in the book first.
        order = (Client.last_touch_on.desc().nulls_last(), Client.id.desc())
    elif mode == "email":
        order = (Client.email, Client.id)
    elif mode == "phone":
        # In phone order, a common number's page is a walk of (store_id, phone_digits) testing both halves on
        # the index alone (SQLite, past COUNT_CAP matches); in name order it would read every client row.
        order = (Client.phone_digits, Client.id)
    else:
        order = (Client.search_name, Client.id)
    columns = (Client.id, Client.first_name, Client.last_name, Client.tier, Client.phone, Client.email,
               Client.last_touch_on, Client.assigned_to_id, Client.loyalty_tier, User.name)
    plan_for_these_values()  # a pattern's plan depends on the pattern (see pg_settings)
    seen: set[int] = set()
    # Words anywhere in the name: PostgreSQL must read them from the trigram index and sort the matches. Offered
    # the name index's order it walks the whole store's slice, row by row, hoping to stop early (it
    # underestimates how rare two words together are): 35 ms against 0.2-6 ms for "demir grace" at 50,000
    # clients, and 60 ms to count "smi". `|| ''` sorts the same but is not that index's order.
    by_trigrams = mode == "name" and db.session.get_bind().dialect.name == "postgresql"
    counted: int | None = None
    for n, group in enumerate(groups or [true()]):
        # One query per group, in the group's index order, so each stops at the page's last row; a row an
        # earlier group found is skipped here rather than excluded in SQL (at most a page of ids).
        group_order: tuple[Any, ...] = order
        last = n == len(groups) - 1
        extra: tuple[Any, ...] = ()
        if by_trigrams and last:
            group_order = (Client.search_name.concat(""), Client.id)
            # This query reads every match to sort them, so it counts them too (no count query after it).
            extra = (func.count().over().label("matches"),)
        if ids is not None and last:
            # SQLite counts the matches first, in the terms (0.1-0.6 ms, no client row read). Up to the cap, the
            # page's query reads those clients by id and sorts them; past it, it tests the group along the
            # page's index, which finds a page of a match that common within a few hundred entries ("smi":
            # 0.4 ms, against 5 ms to read and sort its 2,500 client rows).
            counted, found = _from_terms(ids, conditions, filtered=bool(tier or mine))
            if counted <= COUNT_CAP:
                group = found
            elif mode == "phone":
                # The walk starts past the clients without a number, which sort first (0.6 ms against 0.13 for
                # "555" at 50,000 clients, 3,500 of them without one).
                group = and_(Client.phone_digits > "", group)
        query = (select(*columns, *extra).outerjoin(User, User.id == Client.assigned_to_id)
                 .where(*conditions, group).order_by(*group_order).limit(limit))
        for row in db.session.execute(query):
            if extra:
                counted = row.matches
            if row.id not in seen and len(result.hits) < limit:
                seen.add(row.id)
                result.hits.append(ClientHit(
                    row.id, display_name(row.first_name, row.last_name), row.tier, row.phone, row.email,
                    row.last_touch_on, row.name, row.assigned_to_id == actor.id, row.loyalty_tier))
        if len(result.hits) >= limit:
            break
    if len(result.hits) < limit:
        result.count = len(result.hits)
    elif counted is not None:
        result.count = min(counted, COUNT_CAP + 1)
    elif ids is not None:
        result.count = _from_terms(ids, conditions, filtered=bool(tier or mine))[0]
    else:
        # The last group holds every match. Same order as the page: the planner then walks the same index (and
        # tests the condition on the index alone) instead of reading every client row of the store; on
        # PostgreSQL a name's in the last group's order, read from the trigram index as above.
        count_order = (Client.search_name.concat(""), Client.id) if by_trigrams else order
        capped = (select(Client.id).where(*conditions, *groups[-1:]).order_by(*count_order).limit(COUNT_CAP + 1)
                  .subquery())
        result.count = db.session.scalar(select(func.count()).select_from(capped)) or 0
    done_with_these_values()
    return result
