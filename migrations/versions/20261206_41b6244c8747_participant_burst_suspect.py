"""participants.burst_suspect (made in a burst of new participants from one address);
comments.personal_data and answers.personal_data (kinds of personal data found in the text)

Revision ID: 41b6244c8747
Revises: c4d8e2a1f7b3
Create Date: 2026-12-06 08:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '41b6244c8747'
down_revision = 'c4d8e2a1f7b3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('participants', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('burst_suspect', sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('personal_data', sa.String(length=60), nullable=True))
    with op.batch_alter_table('answers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('personal_data', sa.String(length=60), nullable=True))


def downgrade():
    with op.batch_alter_table('answers', schema=None) as batch_op:
        batch_op.drop_column('personal_data')
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.drop_column('personal_data')
    with op.batch_alter_table('participants', schema=None) as batch_op:
        batch_op.drop_column('burst_suspect')
