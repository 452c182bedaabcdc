"""brand, translations, documents: cover alt text, translation sources, document kinds

Projects get the cover's alt text per language; projects and stages a record of the source
text each translation was made from (so an edited Swedish text marks the English one as
older); documents a kind (samrådshandling, granskningshandling or other).

Revision ID: b7a1c0e5d2f4
Revises: b68078ce6861
Create Date: 2026-12-06 10:15:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "b7a1c0e5d2f4"
down_revision = "b68078ce6861"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("projects", schema=None) as batch_op:
        batch_op.add_column(sa.Column("cover_alt", sa.JSON(), server_default="{}", nullable=False))
        batch_op.add_column(
            sa.Column("translated_from", sa.JSON(), server_default="{}", nullable=False)
        )
    with op.batch_alter_table("stages", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("translated_from", sa.JSON(), server_default="{}", nullable=False)
        )
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "kind",
                sa.Enum(
                    "samradshandling",
                    "granskningshandling",
                    "other",
                    name="document_kind",
                    native_enum=False,
                    create_constraint=True,
                    length=32,
                ),
                server_default="other",
                nullable=False,
            )
        )


def downgrade():
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_documents_document_kind"), type_="check")
        batch_op.drop_column("kind")
    with op.batch_alter_table("stages", schema=None) as batch_op:
        batch_op.drop_column("translated_from")
    with op.batch_alter_table("projects", schema=None) as batch_op:
        batch_op.drop_column("translated_from")
        batch_op.drop_column("cover_alt")
