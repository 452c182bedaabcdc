"""A resident's photo on a comment (docs/photos.md)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from app.comments.models import Comment
from app.core.models import Base, PhotoMixin


class Photo(PhotoMixin, Base):
    """At most one photo per comment: a re-encoded JPEG without metadata and its thumbnail.

    The files live under ``UPLOAD_DIR`` at paths the server chose; they are served only by
    ``photos.image`` after checking that the viewer may see the comment.
    """

    __tablename__ = "comment_photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(
        sa.ForeignKey("comments.id", ondelete="CASCADE"), unique=True
    )
    #: The photo's and the thumbnail's paths under ``UPLOAD_DIR``; None once removed.
    path: Mapped[str | None] = mapped_column(sa.String(300), default=None)
    thumb_path: Mapped[str | None] = mapped_column(sa.String(300), default=None)
    #: A moderator removed only the photo: its files are gone, the comment stays.
    removed_at: Mapped[datetime | None] = mapped_column(default=None)
    removed_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    removed_reason: Mapped[str | None] = mapped_column(sa.String(300), default=None)

    # At most one photo per comment: joined to the comment's own query, so a thread page
    # costs no query more with photos than without.
    comment: Mapped[Comment] = relationship(
        backref=backref("photo", uselist=False, lazy="joined", passive_deletes=True)
    )

    __table_args__ = (
        sa.CheckConstraint("removed_at IS NOT NULL OR path IS NOT NULL", name="has_file"),
    )
