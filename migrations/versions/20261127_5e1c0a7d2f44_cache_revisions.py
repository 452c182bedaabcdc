"""cache revisions: counters that let workers cache rarely changed rows exactly

Revision ID: 5e1c0a7d2f44
Revises: b3c852dd0633
Create Date: 2026-11-27 18:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5e1c0a7d2f44'
down_revision = 'b3c852dd0633'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('cache_revisions',
    sa.Column('key', sa.String(length=32), nullable=False),
    sa.Column('revision', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_cache_revisions'))
    )


def downgrade():
    op.drop_table('cache_revisions')
