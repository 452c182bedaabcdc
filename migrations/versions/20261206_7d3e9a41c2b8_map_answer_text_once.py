"""map answer text once: a marking's comment is stored on the marking only

Until now a map question's answer also held its markings' comments joined as answer text, so
every comment on a marking was counted and coded twice (once as the answer, once as the
marking). This clears that duplicated text, and the codings, reviews and waiting coding jobs
made of it. The text alternative (a description given instead of drawing) has no markings and
is kept.

Revision ID: 7d3e9a41c2b8
Revises: 41b6244c8747
Create Date: 2026-12-06 07:30:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "7d3e9a41c2b8"
down_revision = "41b6244c8747"
branch_labels = None
depends_on = None

_answers = sa.table("answers", sa.column("id", sa.Integer), sa.column("text", sa.Text))
_features = sa.table("answer_features", sa.column("answer_id", sa.Integer))
_targets = [
    sa.table(name, sa.column("target_type", sa.String), sa.column("target_id", sa.Integer))
    for name in ("codings", "contribution_reviews", "pending_codings")
]


def upgrade():
    with_markings = sa.select(_features.c.answer_id).distinct()
    duplicated = sa.select(_answers.c.id).where(
        _answers.c.id.in_(with_markings), _answers.c.text.is_not(None)
    )
    for table in _targets:
        op.execute(
            sa.delete(table).where(
                table.c.target_type == "answer", table.c.target_id.in_(duplicated)
            )
        )
    op.execute(
        sa.update(_answers)
        .where(_answers.c.id.in_(with_markings), _answers.c.text.is_not(None))
        .values(text=None)
    )


def downgrade():
    # The joined text can be rebuilt from the markings, but nothing needs it: it was a copy.
    pass
