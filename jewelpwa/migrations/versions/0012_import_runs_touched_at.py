"""import_runs.touched_at: when a background import step last showed life, so a lost one can be told apart

Revision ID: 0012
Revises: 0011
"""
import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('import_runs') as batch:
        batch.add_column(sa.Column('touched_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('import_runs') as batch:
        batch.drop_column('touched_at')
