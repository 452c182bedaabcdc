"""What the comments domain announces; others subscribe at app creation (``app/notify``
mails the moderators), so comments need not know who listens."""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

#: A new comment waits for pre-moderation; the sender is the ``Comment``.
comment_awaits_moderation = _signals.signal("comment-awaits-moderation")

#: A resident reported a comment; the sender is the new ``Flag``.
comment_flagged = _signals.signal("comment-flagged")

#: A comment became public: posted published, approved by a moderator, or an official answer
#: written; the sender is the ``Comment`` (``app/follow`` tells the author of its parent).
comment_published = _signals.signal("comment-published")
