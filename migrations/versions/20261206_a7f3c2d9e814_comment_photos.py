"""comment photos: one photo per comment, cleaned and stored under UPLOAD_DIR

Revision ID: a7f3c2d9e814
Revises: 7d3e9a41c2b8
Create Date: 2026-12-06 10:20:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "a7f3c2d9e814"
down_revision = "7d3e9a41c2b8"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "comment_photos",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("comment_id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.Column("path", sa.String(length=300), nullable=True),
        sa.Column("thumb_path", sa.String(length=300), nullable=True),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("thumb_width", sa.Integer(), nullable=False),
        sa.Column("thumb_height", sa.Integer(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("alt", sa.String(length=300), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("removed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("removed_by_id", sa.Integer(), nullable=True),
        sa.Column("removed_reason", sa.String(length=300), nullable=True),
        sa.CheckConstraint(
            "removed_at IS NOT NULL OR path IS NOT NULL", name=op.f("ck_comment_photos_has_file")
        ),
        sa.ForeignKeyConstraint(
            ["comment_id"],
            ["comments.id"],
            name=op.f("fk_comment_photos_comment_id_comments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["removed_by_id"],
            ["users.id"],
            name=op.f("fk_comment_photos_removed_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_comment_photos")),
        sa.UniqueConstraint("comment_id", name=op.f("uq_comment_photos_comment_id")),
    )


def downgrade():
    op.drop_table("comment_photos")
