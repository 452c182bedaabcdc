"""marking photos: one photo per marked place in a map answer, stored under UPLOAD_DIR

Revision ID: f2c6a8d4e1b3
Revises: 3e8b5d1f0a27
Create Date: 2026-12-06 13:10:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "f2c6a8d4e1b3"
down_revision = "3e8b5d1f0a27"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "marking_photos",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("feature_id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.Column("path", sa.String(length=300), nullable=False),
        sa.Column("thumb_path", sa.String(length=300), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("thumb_width", sa.Integer(), nullable=False),
        sa.Column("thumb_height", sa.Integer(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("alt", sa.String(length=300), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["feature_id"],
            ["answer_features.id"],
            name=op.f("fk_marking_photos_feature_id_answer_features"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_marking_photos")),
        sa.UniqueConstraint("feature_id", name=op.f("uq_marking_photos_feature_id")),
    )


def downgrade():
    op.drop_table("marking_photos")
