"""survey translation sources: per text field and language, the source text it was made from

Surveys (title, intro), questions (prompt, help text) and question options (label) get the
same record projects and stages have, so an edited Swedish text marks the English one as older.

Revision ID: 3e8b5d1f0a27
Revises: b7a1c0e5d2f4
Create Date: 2026-12-06 11:30:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "3e8b5d1f0a27"
down_revision = "b7a1c0e5d2f4"
branch_labels = None
depends_on = None

TABLES = ("surveys", "questions", "question_options")


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column("translated_from", sa.JSON(), server_default="{}", nullable=False)
            )


def downgrade():
    for table in reversed(TABLES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("translated_from")
