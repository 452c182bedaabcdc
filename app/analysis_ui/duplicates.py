"""Possible duplicate voices: contributions of participants made in a burst of new
participants from one client address (``Participant.burst_suspect``, set by
``app.core.ratelimit.count_new_participant``).

The analysis keeps them by default and says how many there are; a facilitator can leave them
out. Everything works on the analysis dataset's items and stage data (participant keys
"p<id>"), so the dataset's options can call :func:`without_burst_suspects` as well.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace

import sqlalchemy as sa

from app.accounts.models import Participant
from app.analysis_ui.dataset import CHUNK, Item, StageData
from app.extensions import db


def _participant_id(key: str | None) -> int | None:
    if key and key.startswith("p") and key[1:].isdigit():
        return int(key[1:])
    return None


def suspect_keys(keys: Iterable[str | None]) -> set[str]:
    """The participant keys among ``keys`` whose participant was made in a burst."""
    ids = sorted({i for i in map(_participant_id, keys) if i is not None})
    found: set[str] = set()
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        found.update(
            f"p{pid}"
            for pid in db.session.scalars(
                sa.select(Participant.id).where(
                    Participant.id.in_(chunk), Participant.burst_suspect
                )
            )
        )
    return found


def burst_suspect_items(items: Sequence[Item]) -> set[str]:
    """Keys of the items contributed by burst suspects."""
    suspects = suspect_keys(it.contribution.participant_id for it in items)
    return {it.key for it in items if it.contribution.participant_id in suspects}


def without_burst_items(items: Sequence[Item]) -> list[Item]:
    suspects = suspect_keys(it.contribution.participant_id for it in items)
    return [it for it in items if it.contribution.participant_id not in suspects]


def without_burst_suspects(data: StageData) -> StageData:
    """``data`` without the contributions, participation events and demographic rows of
    burst suspects."""
    keys = [it.contribution.participant_id for it in data.items]
    keys += [e.participant for e in data.events] + list(data.demographics)
    suspects = suspect_keys(keys)
    if not suspects:
        return data
    return replace(
        data,
        items=[it for it in data.items if it.contribution.participant_id not in suspects],
        events=[e for e in data.events if e.participant not in suspects],
        demographics={k: v for k, v in data.demographics.items() if k not in suspects},
    )
