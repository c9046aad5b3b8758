"""A store's own templates: each automatic message's text, on/off and delay, and the compose sheet's templates.

A store starts from the defaults in domain/messages.py: a key the store never saved reads as its default (every
automatic message off until the owner turns it on), and saving writes the store's row. Reading never writes, so a page view changes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from ...clock import utcnow
from ...database import commit_keeping_loaded
from ...domain.messages import (
    AUTOMATIC,
    AUTOMATIC_BY_KEY,
    BODY_MAX,
    DEFAULT_TEMPLATES,
    LABEL_MAX,
    SAMPLE_VALUES,
    SUBJECT_MAX,
    THANK_YOU_DELAYS,
    Automatic,
    Template,
    fill,
)
from ...extensions import db
from ...models import MessageTemplate, User
from ..access import require_manager
from ..errors import Invalid, NotFound

DEFAULT_DELAY = THANK_YOU_DELAYS[0]


@dataclass(frozen=True)
class StoreTemplate:
    """One template as the store has it now: its text, and for an automatic message whether it goes and when."""

    template: Template
    automatic: Automatic | None
    enabled: bool
    delay_days: int | None
    changed: bool  # the store saved its own copy

    @property
    def key(self) -> str:
        return self.template.key


def _defaults() -> list[tuple[Template, Automatic | None]]:
    return [(a.template, a) for a in AUTOMATIC] + [(t, None) for t in DEFAULT_TEMPLATES]


def store_templates(store_id: int) -> dict[str, StoreTemplate]:
    """Every template of the store, automatic ones first, each its saved copy or the default."""
    saved = {row.key: row for row in db.session.scalars(
        select(MessageTemplate).where(MessageTemplate.store_id == store_id))}
    found = {}
    for default, automatic in _defaults():
        row = saved.get(default.key)
        if row is None:
            found[default.key] = StoreTemplate(default, automatic, automatic.on_by_default if automatic else True,
                                               DEFAULT_DELAY if default.key == "thank_you" else None, False)
        else:
            found[default.key] = StoreTemplate(Template(row.key, row.label, row.body, row.subject), automatic,
                                               row.enabled, row.delay_days, True)
    return found


def compose_templates(store_id: int) -> tuple[Template, ...]:
    """The compose sheet's choices: the store's compose templates (its own wording where it saved one)."""
    return tuple(t.template for t in store_templates(store_id).values() if t.automatic is None)


def templates_view(actor: User) -> list[StoreTemplate]:
    require_manager(actor)
    return list(store_templates(actor.store_id).values())


def preview_template(actor: User, key: str, form: Mapping[str, str]) -> dict[str, str]:
    """The typed wording filled with a sample client's values (an unknown {field} shows as typed); saves nothing."""
    require_manager(actor)
    if key not in store_templates(actor.store_id):
        raise NotFound("MessageTemplate")
    values = SAMPLE_VALUES | {"store": actor.store.name, "associate": (actor.name or "").split(" ")[0]}
    return {"subject": fill(form.get("subject") or "", values), "body": fill(form.get("body") or "", values)}


def update_template(actor: User, key: str, form: Mapping[str, str], now: datetime | None = None) -> StoreTemplate:
    """Save the store's copy of one template (owner and manager); commit once. Nothing is saved when a field is bad."""
    require_manager(actor)
    current = store_templates(actor.store_id).get(key)
    if current is None:
        raise NotFound("MessageTemplate")
    label = (form.get("label") or "").strip()
    body = (form.get("body") or "").strip()
    subject = (form.get("subject") or "").strip() or None
    errors = {}
    if not label:
        errors["label"] = "Give the template a name."
    elif len(label) > LABEL_MAX:
        errors["label"] = f"Keep the name under {LABEL_MAX} characters."
    if not body:
        errors["body"] = "Write the message first."
    elif len(body) > BODY_MAX:
        errors["body"] = f"Keep the message under {BODY_MAX:,} characters (now {len(body):,})."
    if subject and len(subject) > SUBJECT_MAX:
        errors["subject"] = f"Keep the subject under {SUBJECT_MAX} characters."
    delay = None
    if key == "thank_you":
        raw = (form.get("delay_days") or "").strip()
        if raw not in {str(d) for d in THANK_YOU_DELAYS}:
            errors["delay_days"] = "Choose one or two days after the sale."
        else:
            delay = int(raw)
    if errors:
        raise Invalid("Template not saved", errors)
    row = db.session.scalar(select(MessageTemplate).where(MessageTemplate.store_id == actor.store_id,
                                                          MessageTemplate.key == key))
    if row is None:
        row = MessageTemplate(store_id=actor.store_id, key=key)
        db.session.add(row)
    row.label, row.body, row.subject, row.delay_days = label, body, subject, delay
    # A compose template is always offered; only an automatic message is switched on or off.
    row.enabled = (form.get("enabled") in ("1", "on", "true")) if key in AUTOMATIC_BY_KEY else True
    row.updated_at = now or utcnow()
    commit_keeping_loaded(db.session())
    return store_templates(actor.store_id)[key]
