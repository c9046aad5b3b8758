"""stores.team_figures: whether associates see the team's figures ('shared') or only their own ('private')

Revision ID: 0010
Revises: 0009
"""
import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('stores') as batch:
        batch.add_column(sa.Column('team_figures', sa.String(length=8), nullable=False, server_default='private'))
        batch.create_check_constraint('team_figures_valid', "team_figures IN ('private', 'shared')")


def downgrade():
    with op.batch_alter_table('stores') as batch:
        batch.drop_constraint('ck_stores_team_figures_valid', type_='check')
        batch.drop_column('team_figures')
