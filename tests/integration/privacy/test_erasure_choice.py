"""Staff erasure offers per request a choice between delete and redact, with the text shown;
redaction goes through the one redaction service and the audit keeps no text."""

from __future__ import annotations

import json
import re

import sqlalchemy as sa

from app.audit.models import AuditEvent
from app.comments.models import Comment
from app.extensions import db
from app.organizations.models import ErasureMode
from app.surveys.models import Answer
from tests.integration.privacy.test_erasure_erases import (
    SECRET_ANSWER,
    SECRET_COMMENT,
    _contribute,
    _resident,
    _world,
)


def _erase(client, org_id, reference, **extra):
    return client.post(
        "/manage/privacy/erase?lang=en",
        data={"organization_id": org_id, "reference": reference, **extra},
    )


def test_the_preview_shows_the_text_with_the_personal_data_marked(
    client, login, make_user, make_project, make_activity, make_participant
):
    world = _world(make_project, make_activity, make_participant)
    participant, _token = _resident(make_participant)
    mine, _response = _contribute(world, participant)
    org = world[0].organization
    login(make_user(role="admin", org=org))
    page = _erase(client, org.id, str(mine.id)).get_data(as_text=True)
    assert '<mark data-pii="phone">070-1234567</mark>' in page
    assert '<mark data-pii="street">Kärrvägen 4</mark>' in page
    # The organization anonymises by default, so redaction is preselected.
    assert re.search(r'<input checked[^>]*value="redact"', page)
    assert not re.search(r'<input checked[^>]*value="delete"', page)


def test_redact_removes_personal_data_and_named_words_and_keeps_the_rest_unlinked(
    client, login, make_user, make_project, make_activity, make_participant
):
    world = _world(make_project, make_activity, make_participant)
    world[0].organization.erasure_mode = ErasureMode.REMOVE  # the choice overrides it
    participant, _token = _resident(make_participant)
    mine, response = _contribute(world, participant)
    org = world[0].organization
    login(make_user(role="admin", org=org))
    done = _erase(
        client,
        org.id,
        str(mine.id),
        confirm="y",
        method="redact",
        extra="Karin Lindqvist\nPer Olsson",
    )
    assert done.status_code == 302
    db.session.expire_all()
    comment = db.session.get(Comment, mine.id)
    assert comment.body == "Ring […] på […], […]"
    assert comment.participant_id is None and comment.deleted_at is None
    answer = db.session.scalar(sa.select(Answer).where(Answer.response_id == response.id))
    assert answer.text == "Jag, […], bor i trappuppgång B på […]"
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "privacy.erase"))
    assert event.data["method"] == "redact" and event.data["redacted"] == 2
    everything = json.dumps(
        [e.data for e in db.session.scalars(sa.select(AuditEvent))], ensure_ascii=False
    )
    for secret in ("Karin", "070-1234567", "Kärrvägen", "Per Olsson"):
        assert secret not in everything
    assert SECRET_COMMENT not in everything and SECRET_ANSWER not in everything


def test_delete_removes_even_when_the_organization_anonymises(
    client, login, make_user, make_project, make_activity, make_participant
):
    world = _world(make_project, make_activity, make_participant)
    participant, _token = _resident(make_participant)
    mine, _response = _contribute(world, participant)
    org = world[0].organization
    assert org.erasure_mode == ErasureMode.ANONYMISE
    login(make_user(role="admin", org=org))
    assert _erase(client, org.id, str(mine.id), confirm="y", method="delete").status_code == 302
    db.session.expire_all()
    assert db.session.get(Comment, mine.id).body == ""
