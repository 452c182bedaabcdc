"""contribution reviews and project case number: human valence corrections and the
planner's decision (met / partly / not met) per contribution, apart from machine codings;
the project's diarienummer for the consultation report

Revision ID: a5fb15189303
Revises: 5e1c0a7d2f44
Create Date: 2026-12-06 07:11:12.762442

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a5fb15189303'
down_revision = '5e1c0a7d2f44'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('contribution_reviews',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('target_type', sa.Enum('comment', 'answer', 'feature', name='coding_target', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=False),
    sa.Column('stage_id', sa.Integer(), nullable=True),
    sa.Column('valence', sa.String(length=10), nullable=True),
    sa.Column('valence_by_id', sa.Integer(), nullable=True),
    sa.Column('disposition', sa.Enum('met', 'partly', 'not_met', name='disposition', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('disposition_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("valence IS NULL OR valence IN ('positive', 'negative', 'neutral', 'mixed')", name=op.f('ck_contribution_reviews_valence_known')),
    sa.ForeignKeyConstraint(['disposition_by_id'], ['users.id'], name=op.f('fk_contribution_reviews_disposition_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['stage_id'], ['stages.id'], name=op.f('fk_contribution_reviews_stage_id_stages'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['valence_by_id'], ['users.id'], name=op.f('fk_contribution_reviews_valence_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contribution_reviews')),
    sa.UniqueConstraint('target_type', 'target_id', name=op.f('uq_contribution_reviews_target_type_target_id'))
    )
    with op.batch_alter_table('contribution_reviews', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contribution_reviews_stage_id'), ['stage_id'], unique=False)

    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.add_column(sa.Column('case_number', sa.String(length=60), nullable=True))



def downgrade():
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.drop_column('case_number')

    with op.batch_alter_table('contribution_reviews', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contribution_reviews_stage_id'))

    op.drop_table('contribution_reviews')
