"""follow_ups.planned_on: the day the planner put each open follow-up on its associate's list (issue 18)

A list is the day's plan, not every follow-up whose window is open. Only the few hundred rows of the coming
days carry a day, so both indexes hold just those rows (partial on both databases): the planner clears and
rewrites them each morning, Today reads one associate's day.

Revision ID: 0017
Revises: 0016
"""
import sqlalchemy as sa
from alembic import op

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None

PLANNED = sa.text('planned_on IS NOT NULL')


def upgrade():
    with op.batch_alter_table('follow_ups') as batch:
        batch.add_column(sa.Column('planned_on', sa.Date(), nullable=True))
    op.create_index('ix_follow_ups_store_planned', 'follow_ups', ['store_id', 'planned_on'],
                    postgresql_where=PLANNED, sqlite_where=PLANNED)
    op.create_index('ix_follow_ups_assignee_planned', 'follow_ups', ['assignee_id', 'planned_on'],
                    postgresql_where=PLANNED, sqlite_where=PLANNED)


def downgrade():
    op.drop_index('ix_follow_ups_assignee_planned', table_name='follow_ups')
    op.drop_index('ix_follow_ups_store_planned', table_name='follow_ups')
    with op.batch_alter_table('follow_ups') as batch:
        batch.drop_column('planned_on')
