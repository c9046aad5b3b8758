"""Phones compared in E.164; what real exports carry: phone kinds, company, preferred name, the previous system's
spend and order count; an import's own date order

clients.phone_digits becomes the number's E.164 digits (without the "+"), read with the store's country as the
default region, so "07700 900123" and "+44 7700 900123" are one number in a British store; a number that cannot be
read keeps its digits as typed. The rows are rewritten here in batches of ids, only where the value changes. The
reading below is a frozen copy of domain.client_columns.phone_digits at this revision, not an import of the app's
code, which may change after it.

Revision ID: 0023
Revises: 0022
"""
import re

import phonenumbers
import sqlalchemy as sa
from alembic import op

revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None

BATCH = 5000
_NOT_DIGIT = re.compile(r'[^0-9]')


def e164_digits(phone, region):
    raw = _NOT_DIGIT.sub('', phone or '')
    if not raw:
        return None
    try:
        number = phonenumbers.parse(phone, (region or 'US').upper())
    except phonenumbers.NumberParseException:
        return raw
    if phonenumbers.is_possible_number_with_reason(number) != phonenumbers.ValidationResult.IS_POSSIBLE:
        return raw
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)[1:]


def old_digits(phone, region):
    return _NOT_DIGIT.sub('', phone or '') or None


def _rewrite(digits_of):
    bind = op.get_bind()
    clients = sa.table('clients', sa.column('id', sa.Integer), sa.column('store_id', sa.Integer),
                       sa.column('phone', sa.String), sa.column('phone_digits', sa.String))
    stores = sa.table('stores', sa.column('id', sa.Integer), sa.column('country', sa.String))
    country = dict(bind.execute(sa.select(stores.c.id, stores.c.country)).all())
    after = 0
    while True:
        rows = bind.execute(sa.select(clients.c.id, clients.c.store_id, clients.c.phone, clients.c.phone_digits)
                            .where(clients.c.id > after, clients.c.phone.is_not(None))
                            .order_by(clients.c.id).limit(BATCH)).all()
        if not rows:
            return
        after = rows[-1].id
        changes = []
        for row in rows:
            new = digits_of(row.phone, country.get(row.store_id))
            if new != row.phone_digits:
                changes.append({'row_id': row.id, 'new': new})
        if changes:
            bind.execute(clients.update().where(clients.c.id == sa.bindparam('row_id'))
                         .values(phone_digits=sa.bindparam('new')), changes)


def upgrade():
    with op.batch_alter_table('clients') as batch:
        batch.add_column(sa.Column('phone_kind', sa.String(length=8), nullable=True))
        batch.add_column(sa.Column('phone2_kind', sa.String(length=8), nullable=True))
        batch.add_column(sa.Column('company', sa.String(length=120), nullable=True))
        batch.add_column(sa.Column('preferred_name', sa.String(length=80), nullable=True))
        batch.add_column(sa.Column('imported_spend', sa.Numeric(12, 2), nullable=True))
        batch.add_column(sa.Column('imported_orders', sa.Integer(), nullable=True))
    with op.batch_alter_table('import_runs') as batch:
        batch.add_column(sa.Column('date_order', sa.String(length=12), nullable=True))
    _rewrite(e164_digits)


def downgrade():
    _rewrite(old_digits)
    with op.batch_alter_table('import_runs') as batch:
        batch.drop_column('date_order')
    with op.batch_alter_table('clients') as batch:
        for name in ('imported_orders', 'imported_spend', 'preferred_name', 'company', 'phone2_kind', 'phone_kind'):
            batch.drop_column(name)
