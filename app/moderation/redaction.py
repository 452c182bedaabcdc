"""One redaction service: removes parts of a contribution's text and leaves a mark.

Used by the moderation queue (one click on highlighted personal data, or a moderator's own
selection), by staff erasure on request (redact instead of delete) and by anything else that
must take words out of what a resident wrote. The audit event says who removed how many
characters where and why, never the removed text.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from flask_babel import gettext as _

from app.audit.services import record
from app.comments.models import Comment
from app.core import pii
from app.core.signals import contribution_edited
from app.extensions import db
from app.surveys.models import Answer

#: What stands where text was removed.
MARK = "[…]"


class RedactionError(ValueError):
    """The spans do not fit the text (it changed meanwhile, or they are empty)."""


def text_of(contribution: Comment | Answer) -> str:
    if isinstance(contribution, Comment):
        return contribution.body or ""
    return contribution.text or ""


def _organization_id(contribution: Comment | Answer) -> int | None:
    if isinstance(contribution, Comment):
        return contribution.stage.project.organization_id
    return contribution.response.survey.organization_id


def merge(spans: Iterable[tuple[int, int]], length: int) -> list[tuple[int, int]]:
    """Sorted, merged spans; ``RedactionError`` when one lies outside ``[0, length]`` or is
    empty."""
    cleaned = sorted((int(a), int(b)) for a, b in spans)
    if not cleaned:
        raise RedactionError(_("Choose the text to remove."))
    merged: list[tuple[int, int]] = []
    for start, end in cleaned:
        if not 0 <= start < end <= length:
            raise RedactionError(_("The text has changed; reload and choose again."))
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def spans_of(text: str, fragment: str) -> list[tuple[int, int]]:
    """Every occurrence of ``fragment`` in ``text`` (a moderator's own selection)."""
    fragment = fragment.strip()
    if not fragment:
        return []
    spans, at = [], text.find(fragment)
    while at >= 0:
        spans.append((at, at + len(fragment)))
        at = text.find(fragment, at + len(fragment))
    return spans


def redact(
    contribution: Comment | Answer,
    spans: Sequence[tuple[int, int]],
    actor: Any,
    reason: str,
    *,
    audit: bool = True,
) -> int:
    """Replace each span of the contribution's text with :data:`MARK`; returns the number of
    characters removed. The personal data still found in what is left is noted again."""
    text = text_of(contribution)
    merged = merge(spans, len(text))
    pieces, at = [], 0
    for start, end in merged:
        pieces += [text[at:start], MARK]
        at = end
    pieces.append(text[at:])
    new_text = "".join(pieces)
    if isinstance(contribution, Comment):
        contribution.body = new_text
    else:
        contribution.text = new_text
    contribution.personal_data = pii.kinds(pii.find(new_text))
    if new_text != text:
        contribution_edited.send(contribution)
    removed = sum(end - start for start, end in merged)
    if audit:
        record(
            "contribution.redact",
            actor=actor,
            organization_id=_organization_id(contribution),
            obj=contribution,
            reason=reason,
            spans=len(merged),
            characters=removed,
        )
    db.session.flush()
    return removed


def redact_personal_data(contribution: Comment | Answer, actor: Any, reason: str) -> int:
    """Remove every piece of personal data the detector finds (the one-click redaction)."""
    matches = pii.find(text_of(contribution))
    return redact(contribution, [(m.start, m.end) for m in matches], actor, reason)
