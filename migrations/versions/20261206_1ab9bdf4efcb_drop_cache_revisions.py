"""drop cache_revisions: the submission path loads the survey per request again

Revision ID: 1ab9bdf4efcb
Revises: 7a3c9e1f5b20
Create Date: 2026-12-06 07:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '1ab9bdf4efcb'
down_revision = '7a3c9e1f5b20'
branch_labels = None
depends_on = None


def upgrade():
    op.drop_table('cache_revisions')


def downgrade():
    op.create_table('cache_revisions',
    sa.Column('key', sa.String(length=32), nullable=False),
    sa.Column('revision', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_cache_revisions'))
    )
