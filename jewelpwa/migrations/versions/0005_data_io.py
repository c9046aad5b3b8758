"""data in and out (issue 7): import mappings and import runs

Revision ID: 0005
Revises: 0004
"""
import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'import_mappings',
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('columns', sa.JSON(), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('store_id', sa.Integer(), nullable=False),
        sa.CheckConstraint("kind IN ('clients', 'purchases')", name=op.f('ck_import_mappings_kind_valid')),
        sa.ForeignKeyConstraint(['store_id'], ['stores.id'], name=op.f('fk_import_mappings_store_id_stores'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_import_mappings')),
        sa.UniqueConstraint('store_id', 'kind', name=op.f('uq_import_mappings_store_id_kind')),
    )
    op.create_index(op.f('ix_import_mappings_store_id'), 'import_mappings', ['store_id'], unique=False)
    op.create_table(
        'import_runs',
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('filename', sa.String(length=200), nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.Column('encoding', sa.String(length=20), nullable=False),
        sa.Column('delimiter', sa.String(length=1), nullable=False),
        sa.Column('header', sa.JSON(), nullable=False),
        sa.Column('mapping', sa.JSON(), nullable=False),
        sa.Column('rows_total', sa.Integer(), nullable=False),
        sa.Column('rows_done', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('report', sa.JSON(), nullable=False),
        sa.Column('error', sa.String(length=500), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('store_id', sa.Integer(), nullable=False),
        sa.CheckConstraint("kind IN ('clients', 'purchases')", name=op.f('ck_import_runs_kind_valid')),
        sa.CheckConstraint("status IN ('uploaded', 'checking', 'checked', 'applying', 'applied', 'failed')",
                           name=op.f('ck_import_runs_status_valid')),
        sa.ForeignKeyConstraint(['store_id'], ['stores.id'], name=op.f('fk_import_runs_store_id_stores'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_import_runs_user_id_users'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_import_runs')),
    )
    op.create_index(op.f('ix_import_runs_store_id'), 'import_runs', ['store_id'], unique=False)
    op.create_index('ix_import_runs_store_created', 'import_runs', ['store_id', 'created_at'], unique=False)


def downgrade():
    op.drop_index('ix_import_runs_store_created', table_name='import_runs')
    op.drop_index(op.f('ix_import_runs_store_id'), table_name='import_runs')
    op.drop_table('import_runs')
    op.drop_index(op.f('ix_import_mappings_store_id'), table_name='import_mappings')
    op.drop_table('import_mappings')
