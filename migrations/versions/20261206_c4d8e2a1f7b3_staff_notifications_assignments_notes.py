"""staff notifications, answer assignments and internal comment notes

Revision ID: c4d8e2a1f7b3
Revises: c0d3e5a1b7f9
Create Date: 2026-12-06 08:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c4d8e2a1f7b3'
down_revision = 'c0d3e5a1b7f9'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('staff_notify', sa.String(length=12), nullable=False, server_default='daily'))
        batch_op.add_column(sa.Column('last_digest_at', sa.DateTime(timezone=True), nullable=True))
    op.create_table('answer_assignments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('comment_id', sa.Integer(), nullable=False),
    sa.Column('assignee_id', sa.Integer(), nullable=True),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('assigned_by_id', sa.Integer(), nullable=True),
    sa.Column('assigned_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['comment_id'], ['comments.id'], name=op.f('fk_answer_assignments_comment_id_comments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['assignee_id'], ['users.id'], name=op.f('fk_answer_assignments_assignee_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['assigned_by_id'], ['users.id'], name=op.f('fk_answer_assignments_assigned_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_answer_assignments')),
    sa.UniqueConstraint('comment_id', name=op.f('uq_answer_assignments_comment_id'))
    )
    with op.batch_alter_table('answer_assignments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_answer_assignments_assignee_id'), ['assignee_id'], unique=False)
    op.create_table('comment_notes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('comment_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['comment_id'], ['comments.id'], name=op.f('fk_comment_notes_comment_id_comments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_comment_notes_author_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_comment_notes'))
    )
    with op.batch_alter_table('comment_notes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_comment_notes_comment_id'), ['comment_id'], unique=False)


def downgrade():
    with op.batch_alter_table('comment_notes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_comment_notes_comment_id'))
    op.drop_table('comment_notes')
    with op.batch_alter_table('answer_assignments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_answer_assignments_assignee_id'))
    op.drop_table('answer_assignments')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('last_digest_at')
        batch_op.drop_column('staff_notify')
