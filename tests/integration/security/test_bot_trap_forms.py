"""The trapped resident forms carry the trap, and a bot that fills the honeypot is refused."""

from __future__ import annotations

import re
import uuid

import sqlalchemy as sa

from app.comments.models import Comment
from app.core.bot_trap import TRAPPED_ENDPOINTS
from app.extensions import db
from app.projects.models import ActivityKind, ModerationMode
from app.public.routes import stage_url

STAMP = re.compile(r'name="pd_form_started" value="([^"]+)"')


def test_trapped_endpoints_exist(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert TRAPPED_ENDPOINTS <= endpoints


def test_comment_and_register_forms_carry_the_trap_and_refuse_a_filled_honeypot(
    app, client, make_project, make_activity
):
    project = make_project()
    stage = project.current_stage
    make_activity(stage, ActivityKind.DISCUSSION, moderation=ModerationMode.POST)
    with app.test_request_context():
        url = stage_url(stage)
    page = client.get(url).get_data(as_text=True)
    stamp = STAMP.search(page)
    assert stamp and 'name="website"' in page
    bot = client.post(
        f"/stages/{stage.id}/comments",
        data={
            "body": "Köp billigt!",
            "client_id": str(uuid.uuid4()),
            "website": "http://spam.example",
            "pd_form_started": stamp.group(1),
        },
    )
    assert bot.status_code == 422
    person = client.post(
        f"/stages/{stage.id}/comments",
        data={
            "body": "Fler bänkar, tack.",
            "client_id": str(uuid.uuid4()),
            "website": "",
            "pd_form_started": stamp.group(1),
        },
    )
    assert person.status_code == 303
    assert db.session.scalars(sa.select(Comment.body)).all() == ["Fler bänkar, tack."]

    register = client.get("/register").get_data(as_text=True)
    assert STAMP.search(register) and 'name="website"' in register


def test_a_comment_stamp_is_bound_to_its_stage(make_app, make_project, make_activity):
    app = make_app(BOT_TRAP_MIN_SECONDS=0.001)
    with app.app_context():
        first, second = make_project().current_stage, make_project().current_stage
        for stage in (first, second):
            make_activity(stage, ActivityKind.DISCUSSION, moderation=ModerationMode.POST)
        with app.test_request_context():
            url = stage_url(first)
        first_id, second_id = first.id, second.id
    client = app.test_client()
    stamp = STAMP.search(client.get(url).get_data(as_text=True)).group(1)

    def post(stage_id):
        return client.post(
            f"/stages/{stage_id}/comments",
            data={
                "body": "Fler bänkar, tack.",
                "client_id": str(uuid.uuid4()),
                "website": "",
                "pd_form_started": stamp,
            },
        )

    assert post(second_id).status_code == 422  # one stage's stamp does not open another's
    assert post(first_id).status_code == 303
