"""pending codings: contributions waiting for background coding (swept when a worker died)

Revision ID: 7a3c9e1f5b20
Revises: a5fb15189303
Create Date: 2026-12-06 07:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7a3c9e1f5b20'
down_revision = 'a5fb15189303'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('pending_codings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('target_type', sa.Enum('comment', 'answer', 'feature', name='coding_target', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pending_codings'))
    )
    with op.batch_alter_table('pending_codings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pending_codings_created_at'), ['created_at'], unique=False)


def downgrade():
    with op.batch_alter_table('pending_codings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pending_codings_created_at'))
    op.drop_table('pending_codings')
