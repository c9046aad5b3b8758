"""follow_ups: index on (store_id, expires_on) for the planner's window reads

The planner reads, once a day, the dedupe keys of every follow-up whose window holds the day
(expires_on >= day AND opens_on <= day) and expires live ones past expires_on. Without this index both
are sequential scans of the whole follow-up history, which only grows (done and expired rows stay for
the timeline and reports); with it they read the rows still in or ahead of their window. A plain
CREATE INDEX works on SQLite and PostgreSQL alike.

Revision ID: 0002
Revises: 0001
"""
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_follow_ups_store_expires', 'follow_ups', ['store_id', 'expires_on'], unique=False)


def downgrade():
    op.drop_index('ix_follow_ups_store_expires', table_name='follow_ups')
