"""What the projects domain asks of the domains residents contribute to (surveys, comments).

Projects sit below those domains and never import them: a stage or an activity asks through
these signals, and each contribution domain answers for its own rows (it connects at app
creation, ``subscribe()`` in its ``services``). The receivers' return values are the answers.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

#: How many contributions a ``Stage`` or an ``Activity`` (the sender) holds: each receiver
#: returns ``(kind, count)`` with kind ``"responses"`` or ``"comments"``.
counting_contributions = _signals.signal("counting-contributions")

#: Who took part in a ``Stage`` (the sender): each receiver returns a select of the
#: ``user_id`` of its participants (None for anonymous ones).
selecting_contributors = _signals.signal("selecting-contributors")

#: A survey activity is being added to a ``Stage`` (the sender) with keyword ``title``: the
#: surveys domain returns the new, empty draft survey, added to the session and flushed.
creating_survey = _signals.signal("creating-survey")

#: A ``Stage`` (the sender) is about to be deleted with everything in it (its project is
#: deleted): each receiver returns the paths under ``UPLOAD_DIR`` of its files in the stage
#: (photos, attachments, plan maps), which go once the deletion is committed.
deleting_stage = _signals.signal("deleting-stage")

#: A ``Stage`` (the sender) was made its project's current stage (``app/follow`` mails).
stage_made_current = _signals.signal("stage-made-current")

#: ``Feedback`` (the sender) was published for the first time (``app/follow`` mails).
feedback_published = _signals.signal("feedback-published")
