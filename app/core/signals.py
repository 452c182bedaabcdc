"""Signals one domain sends and others subscribe to (blinker, which Flask itself uses).

A domain announces what happened; it does not know who listens. Subscribers connect at app
creation (``create_app``), so no domain imports the package that reacts to it.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

#: A resident's contribution was stored (added to the session; flushed or not): the sender is
#: the new ``Comment`` or survey ``Answer`` (with its map features). Every write path sends
#: it — the web forms, the API, staff registering letters, imports and the demo — so the
#: analysis codes new contributions whichever path wrote them (``app/analysis_ui/hooks.py``).
contribution_created = _signals.signal("contribution-created")

#: The text of a stored contribution changed (its author edited it, a moderator redacted it):
#: the sender is the ``Comment`` or ``Answer``.
contribution_edited = _signals.signal("contribution-edited")
