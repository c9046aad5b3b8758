"""outreaches.purchase_id and appointment_id: the sale or booking captured with a Sold or Booked outcome

Revision ID: 0019
Revises: 0018
"""
import sqlalchemy as sa
from alembic import op

revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outreaches') as batch:
        batch.add_column(sa.Column('purchase_id', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('appointment_id', sa.Integer(), nullable=True))
        batch.create_foreign_key(batch.f('fk_outreaches_purchase_id_purchases'), 'purchases', ['purchase_id'], ['id'],
                                 ondelete='SET NULL')
        batch.create_foreign_key(batch.f('fk_outreaches_appointment_id_appointments'), 'appointments',
                                 ['appointment_id'], ['id'], ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('outreaches') as batch:
        batch.drop_constraint(batch.f('fk_outreaches_appointment_id_appointments'), type_='foreignkey')
        batch.drop_constraint(batch.f('fk_outreaches_purchase_id_purchases'), type_='foreignkey')
        batch.drop_column('appointment_id')
        batch.drop_column('purchase_id')
