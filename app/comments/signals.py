"""What the comments domain announces; others subscribe at app creation (``app/notify``
mails the moderators), so comments need not know who listens."""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

#: A new comment waits for pre-moderation; the sender is the ``Comment``.
comment_awaits_moderation = _signals.signal("comment-awaits-moderation")

#: A resident reported a comment; the sender is the new ``Flag``.
comment_flagged = _signals.signal("comment-flagged")
