"""Saved client filters in the one filter's words: store events' `tiers` and `min_spend` become `tier` and `spend_min`

Segments, campaigns and store events now share one client filter (services/engine/client_filter.py) whose JSON
keys are its form's field names. Segment and campaign filters already used them; store events said `tiers` and
`min_spend`. Amounts are rewritten as the one money parser reads them ("2500", "2500.50"): the old parsers kept
whatever Decimal() accepted ("1E+3", "99.995"). A minimum is rounded up and a maximum down to the cent, which
picks the same clients, since spend is kept in cents. Keys the old readers ignored are dropped (they selected
nothing). A value the one filter refuses (a category outside its list, only reachable by a hand-made request) is
left as it is: the planner then invites nobody for that event and logs it, where dropping it would invite more.

Data only, no DDL, so no batch mode on SQLite: each row is read and written back through SQLAlchemy's JSON type,
the same on SQLite and PostgreSQL. The functions below are a frozen copy of the rules at this revision, not an
import of the app's code, which may change after it.

Revision ID: 0016
Revises: 0015
"""
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal, InvalidOperation

import sqlalchemy as sa
from alembic import op

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

KEYS = ('assigned_to_id', 'tier', 'stone', 'category', 'spend_min', 'spend_max', 'touched_before', 'has_partner',
        'anniversary_month', 'birthday_month', 'tags')
EVENT_RENAMES = {'tiers': 'tier', 'min_spend': 'spend_min'}
# What the old store-event filter could hold; anything else has no old name to go back to.
EVENT_KEYS_BEFORE = {'tiers', 'assigned_to_id', 'category', 'stone', 'min_spend'}
MAX_AMOUNT = Decimal('9999999999.99')  # Numeric(12, 2), as domain.money.MAX_PRICE
CENT = Decimal('0.01')


def amount(value, rounding):
    """An amount as the filter writes it ("2500", "2500.50"), or the value unchanged when it is not a number."""
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        return value
    if not number.is_finite():
        return value
    number = Decimal(0) if number <= 0 else min(number, MAX_AMOUNT).quantize(CENT, rounding=rounding)  # not "-0"
    return f'{number:.2f}'.removesuffix('.00')


def one_filter(old, renames=None):
    """An old saved filter (segment, campaign or store event) in the one filter's keys and words."""
    new = {}
    for key, value in (old or {}).items():
        key = (renames or {}).get(key, key)
        # Unset as the old readers saw it (an associate id 0 was "everyone's clients" to both of them).
        if key not in KEYS or value in (None, '', []) or (key == 'assigned_to_id' and value == 0):
            continue
        if key == 'spend_min':
            value = amount(value, ROUND_CEILING)
        elif key == 'spend_max':
            value = amount(value, ROUND_FLOOR)
        new[key] = value
    return new


def event_filter_before(new):
    """A store event's filter as the code before 0016 read it; refuses one whose meaning it cannot hold."""
    old = {}
    for key, value in (new or {}).items():
        key = {v: k for k, v in EVENT_RENAMES.items()}.get(key, key)
        old[key] = value
    lost = sorted(set(old) - EVENT_KEYS_BEFORE)
    if lost or old.get('assigned_to_id') == 'none':
        return None
    return old


def _rewrite(table_name, column, change):
    bind = op.get_bind()
    table = sa.table(table_name, sa.column('id', sa.Integer), sa.column(column, sa.JSON))
    for row_id, value in bind.execute(sa.select(table.c.id, table.c[column]).order_by(table.c.id)).all():
        new = change(row_id, value)
        if new != value:
            bind.execute(table.update().where(table.c.id == row_id).values({column: new}))


def upgrade():
    _rewrite('store_events', 'client_filter', lambda _, value: one_filter(value, EVENT_RENAMES))
    _rewrite('segments', 'filter', lambda _, value: one_filter(value))
    _rewrite('campaigns', 'filter', lambda _, value: one_filter(value))


def downgrade():
    # Segment and campaign filters keep the keys the old code read. A store event whose filter uses what the old
    # events form could not say (spent at most, unassigned clients, ...) stops the downgrade: the old code would
    # ignore it and invite more clients than the owner chose.
    def back(row_id, value):
        old = event_filter_before(value)
        if old is None:
            raise RuntimeError(f'store event {row_id} filters by {sorted(value)}, which the code before 0016 '
                               'cannot read; change or delete that event first')
        return old

    _rewrite('store_events', 'client_filter', back)
