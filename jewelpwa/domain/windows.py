"""Follow-up windows: when a reason to call opens, is due, and expires."""

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from jewelpwa.domain.settings import EngineSettings, WindowRule
from jewelpwa.domain.vocab import Kind


@dataclass(frozen=True, order=True)
class Window:
    """The days a follow-up may be shown: from opens_on to expires_on, best by due_on."""

    opens_on: date
    due_on: date
    expires_on: date

    def __post_init__(self) -> None:
        if not self.opens_on <= self.due_on <= self.expires_on:
            raise ValueError(
                f"window needs opens <= due <= expires, got {self.opens_on}, {self.due_on}, {self.expires_on}"
            )

    def contains(self, day: date) -> bool:
        """Whether `day` lies inside the window, both ends included."""
        return self.opens_on <= day <= self.expires_on


def window_for(kind: Kind, anchor_on: date, settings: EngineSettings) -> Window:
    """The window of `kind` around its anchor day, by the store's rule."""
    try:
        rule = settings.windows[kind]
    except KeyError:
        raise ValueError(f"no window rule for {kind!r}") from None
    return _window(rule, anchor_on)


@lru_cache(maxsize=65_536)
def _window(rule: WindowRule, anchor_on: date) -> Window:
    # A plan asks for the same few thousand (rule, day) windows again and again: 2.25M dates at 1M clients
    # fall on 366 month-days. Both are immutable values, so the cache can hand the same Window to everyone.
    return Window(
        anchor_on + timedelta(days=rule.opens),
        anchor_on + timedelta(days=rule.due),
        anchor_on + timedelta(days=rule.expires),
    )


def store_event_window(invite_on: date, event_on: date) -> Window:
    """A store event's window: from its invite day (also due) to the event day."""
    return Window(invite_on, invite_on, event_on)
