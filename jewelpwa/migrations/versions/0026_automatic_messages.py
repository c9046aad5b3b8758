"""Automatic messages and a store's own templates: messages.auto_key (unique per store, so an automatic message
is sent once) and message_templates (each template's text, on/off and thank-you delay)

Revision ID: 0026
Revises: 0025
"""
import sqlalchemy as sa
from alembic import op

revision = '0026'
down_revision = '0025'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('auto_key', sa.String(length=80), nullable=True))
    op.create_index('uq_messages_store_auto_key', 'messages', ['store_id', 'auto_key'], unique=True)
    op.create_table('message_templates',
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('label', sa.String(length=80), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('delay_days', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('store_id', sa.Integer(), nullable=False),
    sa.CheckConstraint('delay_days IS NULL OR delay_days BETWEEN 1 AND 2',
                       name=op.f('ck_message_templates_delay_valid')),
    sa.ForeignKeyConstraint(['store_id'], ['stores.id'], name=op.f('fk_message_templates_store_id_stores'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_message_templates')),
    sa.UniqueConstraint('store_id', 'key', name=op.f('uq_message_templates_store_id_key'))
    )


def downgrade():
    op.drop_table('message_templates')
    op.drop_index('uq_messages_store_auto_key', table_name='messages')
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.drop_column('auto_key')
