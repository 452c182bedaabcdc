"""Photos of marked places in map answers (docs/photos.md).

A marking (a point, line or area in a map answer) may carry one photo. The device makes a
key for it and puts it in the marking's properties (``photo``, with the description in
``photo_alt``); the file travels beside the answers in the same request, as the multipart
part ``photo-<key>`` (the offline outbox and the review page's "Send" both do so), so the
client id that stores the response once stores its photos once too. A key that names no file
but the token of a photo the resident sent earlier keeps that photo (an edited response).

Checking and cleaning is ``app.core.images``; it happens before anything is written, so a
refused photo leaves nothing behind. The photos are personal data of the response: served
only to the resident who sent them and to staff who may read individual responses
(``Action.VIEW_PERSONAL_DATA``), never in the public map, and removed with the response
(erasure) or when an edited response drops them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from app.accounts.models import Participant
from app.core import images
from app.core.errors import Invalid
from app.core.images import Prepared
from app.core.permissions import Action, Actor, can
from app.extensions import db
from app.surveys.models import Answer, AnswerFeature, MarkingPhoto, Response

#: The multipart part of a marking's photo: ``photo-<key>``.
PART_PREFIX = "photo-"


def max_per_response() -> int:
    return int(current_app.config.get("SURVEY_MAX_PHOTOS", 10))


def multipart_allowance() -> int:
    """Bytes a multipart submission may add for its photos (as ``app.core.requests``)."""
    return max_per_response() * (images.photo_max_bytes() + 64 * 1024)


def read_files(files: Any) -> dict[str, bytes]:
    """The photo files of a multipart submission by key (at most one byte over the photo
    limit read of each, so an oversize file is refused without being kept)."""
    found: dict[str, bytes] = {}
    for name in files:
        if not name.startswith(PART_PREFIX):
            continue
        data = images.read_upload(files.get(name))
        if data:
            found[name[len(PART_PREFIX) :]] = data
    return found


def prepare(
    validated_answers: Mapping[int, Any], files: Mapping[str, bytes]
) -> dict[str, Prepared]:
    """Check and clean the sent photos that a marking names; errors on the marking's
    question (``answers.<id>``). Files no marking names are ignored."""
    prepared: dict[str, Prepared] = {}
    if not files:
        return prepared
    for question_id, cleaned in validated_answers.items():
        field = f"answers.{question_id}"
        for number, feature in enumerate(cleaned.features, start=1):
            if feature.photo is None or feature.photo not in files:
                continue
            if len(prepared) >= max_per_response():
                message = _("Please add at most %(n)s photos.", n=max_per_response())
                raise Invalid(message, code="too_many_photos", fields={field: message})
            try:
                photo = images.prepare_photo(files[feature.photo], feature.photo_alt, field=field)
            except Invalid as error:
                prefix = _("Place %(n)s:", n=number) + " "
                message = prefix + (error.fields.get(field) or error.message)
                error.fields = {field: message}
                error.message = message
                raise
            if photo is not None:
                prepared[feature.photo] = photo
    return prepared


def kept_of(response: Response) -> dict[str, dict[str, Any]]:
    """The photos of an earlier response, by token, as the columns a kept photo is stored
    again with (its files stay where they are)."""
    kept: dict[str, dict[str, Any]] = {}
    for answer in response.answers:
        for feature in answer.features:
            photo = feature.photo
            if photo is not None:
                kept[photo.token] = {
                    c.key: getattr(photo, c.key)
                    for c in MarkingPhoto.__table__.columns
                    if c.key not in ("id", "feature_id")
                }
    return kept


def attach(
    answers: Iterable[Answer],
    cleaned: Mapping[int, Any],
    prepared: Mapping[str, Prepared],
    kept: Mapping[str, dict[str, Any]] | None = None,
) -> int:
    """Give the stored markings (flushed) their photos: a new one sent with the submission,
    or one kept from the earlier response. The files of an earlier photo no marking keeps
    are deleted after the commit. Returns how many markings have a photo."""
    kept = dict(kept or {})
    if not prepared and not kept:
        return 0  # nothing to attach, nothing to drop: no query either
    used: set[str] = set()
    count = 0
    for answer in answers:
        features = cleaned[answer.question_id].features if answer.question_id in cleaned else []
        if not any(item.photo for item in features):
            continue
        for feature, item in zip(answer.features, features, strict=False):
            key = item.photo
            if key is None or key in used:
                continue
            if key in prepared:
                store(feature, prepared[key])
            elif key in kept:
                columns = dict(kept[key])
                if item.photo_alt is not None:
                    columns["alt"] = item.photo_alt
                db.session.add(MarkingPhoto(feature_id=feature.id, **columns))
            else:
                continue  # the device no longer had the file: the marking stays, unphotographed
            used.add(key)
            count += 1
    images.unlink_after_commit(
        p for token, columns in kept.items() if token not in used for p in _paths(columns)
    )
    db.session.flush()
    return count


def _paths(columns: Mapping[str, Any]) -> list[str]:
    return [columns["path"], columns["thumb_path"]]


def store(feature: AnswerFeature, prepared: Prepared) -> MarkingPhoto:
    """Store ``prepared`` as the photo of ``feature`` (flushed); files follow the transaction."""
    folder = f"marking-photos/{feature.answer.response.survey_id}"
    photo = MarkingPhoto(feature_id=feature.id, **images.store_photo(folder, prepared))
    db.session.add(photo)
    return photo


def delete_of_responses(response_ids: Iterable[int]) -> int:
    """Delete the photos (rows and, after the commit, files) of these responses' markings:
    an erasure, or staff deleting responses. Returns how many were deleted."""
    ids = list(response_ids)
    if not ids:
        return 0
    return images.delete_photos(
        db.session.scalars(
            sa.select(MarkingPhoto)
            .join(AnswerFeature, AnswerFeature.id == MarkingPhoto.feature_id)
            .join(Answer, Answer.id == AnswerFeature.answer_id)
            .where(Answer.response_id.in_(ids))
        ).all()
    )


def delete_of_participant(participant: Participant) -> int:
    """Delete every photo on the participant's responses (any organization)."""
    ids = db.session.scalars(
        sa.select(Response.id).where(Response.participant_id == participant.id)
    )
    return delete_of_responses(ids)


def path_of(photo: MarkingPhoto, size: str) -> Path:
    return images.upload_root() / (photo.thumb_path if size == "thumb" else photo.path)


def may_see(actor: Actor, participant: Participant | None, photo: MarkingPhoto) -> bool:
    """The resident who sent it, and staff who may read the survey's individual responses."""
    response = photo.feature.answer.response
    if participant is not None and response.participant_id == participant.id:
        return True
    return can(actor, Action.VIEW_PERSONAL_DATA, response.survey)
