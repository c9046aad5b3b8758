"""users.pages_version: bumped by a write that changes only some associates' kept pages (an outcome, its undo)

An outcome used to move the whole store's data_version, so every associate's kept Today was made again after
any associate's tap; it now moves only the pages of the associates it concerns (jewelpwa/data_version.py).

Revision ID: 0020
Revises: 0019
"""
import sqlalchemy as sa
from alembic import op

revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users') as batch:
        batch.add_column(sa.Column('pages_version', sa.Integer(), nullable=False, server_default='0'))


def downgrade():
    with op.batch_alter_table('users') as batch:
        batch.drop_column('pages_version')
