"""Segments: the client filter built from the owner's questions, counted and sampled in SQL, saved by name."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from ...domain.client_columns import display_name
from ...extensions import db
from ...models import AuditEvent, Client, Segment, User
from ..access import get_scoped, require_manager
from ..engine.client_filter import ClientFilter, conditions
from ..errors import Invalid

SAMPLE_SIZE = 20


@dataclass(frozen=True)
class SegmentPreview:
    count: int
    sample: list[tuple[int, str]]


def preview(actor: User, wanted: ClientFilter) -> SegmentPreview:
    """How many clients match and the first names (alphabetical) as a sample."""
    require_manager(actor)
    wanted.check_store(actor.store_id)
    where = conditions(actor.store_id, wanted)
    count = db.session.scalar(select(func.count()).select_from(Client).where(*where)) or 0
    rows = db.session.execute(select(Client.id, Client.first_name, Client.last_name).where(*where)
                              .order_by(Client.search_name, Client.id).limit(SAMPLE_SIZE))
    return SegmentPreview(count, [(r.id, display_name(r.first_name, r.last_name)) for r in rows])


# ------------------------------------------------------------------------------------------- saved segments

def list_segments(actor: User) -> list[Segment]:
    require_manager(actor)
    return list(db.session.scalars(select(Segment).where(Segment.store_id == actor.store_id).order_by(Segment.name)))


def get_segment(actor: User, segment_id: int) -> Segment:
    """The store's segment (NotFound for another store's id, before the role check answers 403)."""
    segment = get_scoped(actor, Segment, segment_id)
    require_manager(actor)
    return segment


def filter_of(segment: Segment) -> ClientFilter:
    return ClientFilter.from_dict(segment.filter)


def _validated(actor: User, form, segment_id: int | None) -> tuple[str, ClientFilter]:  # noqa: ANN001
    errors: dict[str, str] = {}
    name = " ".join((form.get("name") or "").split())
    if not name:
        errors["name"] = "Name the segment, like Sapphire buyers with a March anniversary."
    elif len(name) > 120:
        errors["name"] = "Keep the name under 120 characters."
    else:
        clash = db.session.scalar(select(Segment.id).where(Segment.store_id == actor.store_id, Segment.name == name))
        if clash is not None and clash != segment_id:
            errors["name"] = "Another segment has this name; choose another."
    try:
        wanted = ClientFilter.parse(form, actor.store_id, actor.store.locale_rules)
    except Invalid as exc:
        errors.update(exc.errors)
    if errors:
        raise Invalid("Segment not saved", errors)
    return name, wanted


def save_segment(actor: User, form, segment_id: int | None = None) -> Segment:  # noqa: ANN001
    """Create a segment, or change the name and filter of one (its campaigns keep the filter they ran with)."""
    segment = get_segment(actor, segment_id) if segment_id is not None else None
    require_manager(actor)
    name, wanted = _validated(actor, form, segment_id)
    if segment is None:
        segment = Segment(store_id=actor.store_id, created_by_id=actor.id, name=name)
        db.session.add(segment)
    segment.name = name
    segment.filter = wanted.to_dict()
    db.session.flush()
    db.session.add(AuditEvent(store_id=actor.store_id, user_id=actor.id, action="segment_saved",
                              target=f"segment:{segment.id}"))
    db.session.commit()
    return segment


def delete_segment(actor: User, segment_id: int) -> str:
    """Remove a saved segment; campaigns made from it stay, with their own copy of the filter."""
    segment = get_segment(actor, segment_id)
    name = segment.name
    db.session.delete(segment)
    db.session.add(AuditEvent(store_id=actor.store_id, user_id=actor.id, action="segment_deleted",
                              target=f"segment:{segment_id}"))
    db.session.commit()
    return name


def staff_names(actor: User) -> dict[int, str]:
    return dict(db.session.execute(select(User.id, User.name).where(User.store_id == actor.store_id)).all())
