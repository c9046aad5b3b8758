"""Pages kept in memory for a minute, served again while the store's data version (and the user's) has not moved.

Today is the page an associate opens fifty times a day, and between two openings usually nothing changed:
ranking the first rows, their contact links and the HTML costs 15-30 ms at 50,000 clients, a kept page about
one. A kept page is only served to the same signed-in session (its CSRF token is in the HTML), for the same
store day, the same URL and the same kind of answer (page or htmx fragment), and only while the store's
`data_version` (jewelpwa/data_version.py) is the one it was made under, and the user's `pages_version`, which an
outcome on one of their clients moves instead of the store's (another associate's kept Today stays kept). A kept
page must show only what is its user's own; a page that shows the team's work (an owner's huddle) must not be
kept here. Pages carrying a flashed message are never kept. The minute bounds what the versions cannot see: the
clock (an undo that just ran out).

Each worker process keeps its own pages; the version lives in the database, so every process sees a write
made by any other.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable

from flask import request, session
from flask_login import current_user

from .render import wants_fragment
from .timing import note_page

TTL_SECONDS = 60.0
MAX_PAGES = 512


class PageCache:
    def __init__(self, max_pages: int = MAX_PAGES, ttl: float = TTL_SECONDS,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._pages: OrderedDict[Hashable, tuple[float, str]] = OrderedDict()
        self._lock = threading.Lock()
        self.max_pages, self.ttl, self._clock = max_pages, ttl, clock

    def get(self, key: Hashable) -> str | None:
        with self._lock:
            found = self._pages.get(key)
            if found is None:
                return None
            if self._clock() - found[0] > self.ttl:
                del self._pages[key]
                return None
            self._pages.move_to_end(key)
            return found[1]

    def put(self, key: Hashable, body: str) -> None:
        with self._lock:
            self._pages[key] = (self._clock(), body)
            self._pages.move_to_end(key)
            while len(self._pages) > self.max_pages:
                self._pages.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._pages.clear()


pages = PageCache()


def page_key(*extra: Hashable, moved_by_outcomes: bool = True) -> tuple | None:
    """Who is asking and what they would see, or None when this answer must not be kept (a flash is waiting).

    `moved_by_outcomes=False` for a page that shows no follow-up, touch or clock of a client (Upcoming): an
    outcome then leaves it kept. Such a page moves with the store's version only, which a do-not-contact
    outcome also moves (jewelpwa/data_version.py)."""
    if session.get("_flashes"):
        return None
    store = current_user.store
    mine = current_user.pages_version if moved_by_outcomes else None
    return (current_user.id, current_user.session_token, session.get("csrf_token"), store.id, store.data_version,
            mine, request.full_path, wants_fragment(), *extra)


def kept(key: tuple | None, make: Callable[[], str]) -> str:
    """The kept answer for `key`, or a fresh one (kept for next time)."""
    if key is None:
        return make()
    body = pages.get(key)
    if body is None:
        body = make()
        pages.put(key, body)
        note_page("made")
    else:
        note_page("kept")
    return body
