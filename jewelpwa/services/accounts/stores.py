"""Finding a store by what a person types: its slug or name, or nothing when there is only one."""

from __future__ import annotations

from sqlalchemy import func, select

from ...extensions import db
from ...models import Store
from ..errors import Invalid


def find_store(ref: str | None) -> Store:
    """The store named by slug or name; without a name, the only store there is."""
    if ref:
        store = db.session.scalar(select(Store).where(Store.slug == ref.strip().lower())) or db.session.scalar(
            select(Store).where(func.lower(Store.name) == ref.strip().lower()))
        if store is None:
            names = ", ".join(db.session.scalars(select(Store.slug).order_by(Store.slug))) or "none yet"
            raise Invalid("No such store", {"store": f'no store has the slug or name "{ref}" (stores: {names})'})
        return store
    stores = list(db.session.scalars(select(Store).order_by(Store.slug).limit(50)))
    if not stores:
        raise Invalid("No store", {"store": "there is no store yet: create one with `flask users create`"})
    if len(stores) > 1:
        raise Invalid("Which store?", {"store": "there are several stores: pass --store with one of "
                                                + ", ".join(s.slug for s in stores)})
    return stores[0]
