"""coder models: the coder's models trained from facilitators' reviews

Revision ID: c0d3e5a1b7f9
Revises: c1c29e1cdfae
Create Date: 2026-12-06 08:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c0d3e5a1b7f9'
down_revision = 'c1c29e1cdfae'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('coder_models',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scope', sa.String(length=20), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=True),
    sa.Column('model_id', sa.String(length=20), nullable=False),
    sa.Column('trained_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('n_reviews', sa.Integer(), nullable=False),
    sa.Column('json', sa.Text(), nullable=False),
    sa.Column('rules_f1', sa.Double(), nullable=True),
    sa.Column('model_f1', sa.Double(), nullable=True),
    sa.Column('rules_valence', sa.Double(), nullable=True),
    sa.Column('model_valence', sa.Double(), nullable=True),
    sa.Column('used', sa.Boolean(), nullable=False),
    sa.CheckConstraint("scope IN ('organization', 'project')", name=op.f('ck_coder_models_scope_known')),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_coder_models_organization_id_organizations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_coder_models_project_id_projects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_coder_models'))
    )
    with op.batch_alter_table('coder_models', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_coder_models_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_coder_models_project_id'), ['project_id'], unique=False)


def downgrade():
    with op.batch_alter_table('coder_models', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_coder_models_project_id'))
        batch_op.drop_index(batch_op.f('ix_coder_models_organization_id'))
    op.drop_table('coder_models')
