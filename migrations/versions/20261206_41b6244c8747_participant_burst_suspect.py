"""participants.burst_suspect: made in a burst of new participants from one address

Revision ID: 41b6244c8747
Revises: 7a3c9e1f5b20
Create Date: 2026-12-06 08:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '41b6244c8747'
down_revision = '7a3c9e1f5b20'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('participants', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('burst_suspect', sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade():
    with op.batch_alter_table('participants', schema=None) as batch_op:
        batch_op.drop_column('burst_suspect')
