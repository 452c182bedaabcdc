"""stages.comments_revision: counts changes to a stage's comments (the map's ETag)

Revision ID: 2d55651bf8ac
Revises: 1ab9bdf4efcb
Create Date: 2026-12-06 07:41:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '2d55651bf8ac'
down_revision = '1ab9bdf4efcb'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('stages', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('comments_revision', sa.Integer(), server_default='0', nullable=False)
        )


def downgrade():
    with op.batch_alter_table('stages', schema=None) as batch_op:
        batch_op.drop_column('comments_revision')
