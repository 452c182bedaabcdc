"""comment rejected: comments refused in pre-moderation are not shown publicly at all

Revision ID: e5a7c3d91b20
Revises: a4c7e2f19b30
Create Date: 2026-12-06 10:20:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "e5a7c3d91b20"
down_revision = "a4c7e2f19b30"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("comments") as batch_op:
        batch_op.add_column(
            sa.Column("rejected", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade():
    with op.batch_alter_table("comments") as batch_op:
        batch_op.drop_column("rejected")
