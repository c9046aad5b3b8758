"""appointments and repairs (issue 8)

- repairs: pieces taken in for work, with a time stamp per status;
- appointments: the outcome note and when the appointment was closed (done, no-show, cancelled);
- follow_ups.kind: the `cleaning` kind (free cleaning offers), so the CHECK constraint is recreated.

Revision ID: 0007
Revises: 0006
"""
import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

_KINDS = ['anniversary', 'birthday', 'partner_birthday', 'family_date', 'valentines', 'mothers_day', 'holiday_list',
          'store_event', 'check_in', 'care', 'new_arrivals', 'purchase_anniversary', 'reconnect', 'referral_thanks',
          'service']


def _kind_check(kinds):
    return "kind IN (" + ", ".join(f"'{k}'" for k in kinds) + ")"


def _replace_kind_check(kinds):
    # SQLite cannot alter a CHECK: batch mode copies the table with the new constraint (PostgreSQL alters it).
    with op.batch_alter_table('follow_ups', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_follow_ups_kind_valid'), type_='check')
        batch_op.create_check_constraint(op.f('ck_follow_ups_kind_valid'), _kind_check(kinds))


def upgrade():
    op.create_table('repairs',
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('taken_by_id', sa.Integer(), nullable=True),
    sa.Column('item', sa.String(length=200), nullable=False),
    sa.Column('work', sa.Text(), nullable=False),
    sa.Column('promised_on', sa.Date(), nullable=True),
    sa.Column('quote', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('at_the_bench_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('ready_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('picked_up_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('store_id', sa.Integer(), nullable=False),
    sa.CheckConstraint("status IN ('received', 'at_the_bench', 'ready', 'picked_up', 'cancelled')",
                       name=op.f('ck_repairs_status_valid')),
    sa.CheckConstraint('quote IS NULL OR quote >= 0', name=op.f('ck_repairs_quote_not_negative')),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_repairs_client_id_clients'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['store_id'], ['stores.id'], name=op.f('fk_repairs_store_id_stores'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['taken_by_id'], ['users.id'], name=op.f('fk_repairs_taken_by_id_users'),
                            ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_repairs'))
    )
    with op.batch_alter_table('repairs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_repairs_client_id'), ['client_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_repairs_store_id'), ['store_id'], unique=False)
        batch_op.create_index('ix_repairs_store_status', ['store_id', 'status'], unique=False)

    with op.batch_alter_table('appointments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('outcome_note', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True))

    _replace_kind_check(_KINDS + ['cleaning'])


def downgrade():
    op.execute("DELETE FROM follow_ups WHERE kind = 'cleaning'")
    _replace_kind_check(_KINDS)
    with op.batch_alter_table('appointments', schema=None) as batch_op:
        batch_op.drop_column('closed_at')
        batch_op.drop_column('outcome_note')
    with op.batch_alter_table('repairs', schema=None) as batch_op:
        batch_op.drop_index('ix_repairs_store_status')
        batch_op.drop_index(batch_op.f('ix_repairs_store_id'))
        batch_op.drop_index(batch_op.f('ix_repairs_client_id'))
    op.drop_table('repairs')
