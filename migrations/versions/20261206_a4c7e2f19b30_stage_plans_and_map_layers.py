"""stage plans and map layers: a stage's plan map placed by its corners, and the base map
layers an organization offers besides OpenStreetMap

Revision ID: a4c7e2f19b30
Revises: a7f3c2d9e814
Create Date: 2026-12-06 10:20:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "a4c7e2f19b30"
down_revision = "a7f3c2d9e814"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "stage_plans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("stage_id", sa.Integer(), nullable=False),
        sa.Column("image_path", sa.String(length=255), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=8), nullable=False),
        sa.Column("pdf_page", sa.Integer(), nullable=True),
        sa.Column("corners", sa.JSON(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("width > 0 AND height > 0", name=op.f("ck_stage_plans_plan_size")),
        sa.CheckConstraint(
            "source IN ('png', 'jpeg', 'pdf')", name=op.f("ck_stage_plans_plan_source")
        ),
        sa.ForeignKeyConstraint(
            ["stage_id"], ["stages.id"], name=op.f("fk_stage_plans_stage_id_stages"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stage_plans")),
        sa.UniqueConstraint("stage_id", name=op.f("uq_stage_plans_stage_id")),
    )
    op.create_table(
        "map_layers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("xyz", "wms", name="map_layer_kind", native_enum=False,
                    create_constraint=True, length=32),
            nullable=False,
        ),
        sa.Column("url", sa.String(length=500), nullable=False),
        sa.Column("attribution", sa.String(length=300), nullable=False),
        sa.Column("layers", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"], ["organizations.id"],
            name=op.f("fk_map_layers_organization_id_organizations"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_map_layers")),
    )
    with op.batch_alter_table("map_layers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_map_layers_organization_id"), ["organization_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("map_layers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_map_layers_organization_id"))
    op.drop_table("map_layers")
    op.drop_table("stage_plans")
