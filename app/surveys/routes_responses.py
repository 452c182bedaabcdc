"""The staff response browser: a survey's responses, filtered and paginated, and one response
in full with its map markings (under /manage/surveys/<id>/responses).

Individual responses are personal data: the pages need ``Action.VIEW_PERSONAL_DATA``
(facilitators, planners, admins); partners and moderators get 403, other organizations 404.
Every opening of a single response is written to the audit log.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from flask import abort, current_app, render_template, request
from flask_login import current_user

from app.audit.services import record
from app.core.auth import login_required
from app.core.permissions import Action, actor_from, require_staff
from app.extensions import db
from app.surveys import bp
from app.surveys import responses_browser as browser
from app.surveys.models import Channel, Response, Survey


def _survey(survey_id: int) -> Survey:
    survey = db.session.get(Survey, survey_id)
    require_staff(actor_from(current_user), Action.VIEW_PERSONAL_DATA, survey)
    assert survey is not None  # noqa: S101 (require_staff aborted otherwise)
    return survey


def channel_labels() -> dict[str, str]:
    """Every channel with its label, from the one place that names them (the template
    helper ``channel_label`` that create_app takes from app.analysis_ui.evidence)."""
    channel_label = cast(Callable[[str], str], current_app.jinja_env.globals["channel_label"])
    return {c.value: channel_label(c.value) for c in Channel}


@bp.get("/manage/surveys/<int:survey_id>/responses")
@login_required
def responses(survey_id: int) -> Any:
    """The survey's responses, newest first, filtered by a choice answer, channel and date."""
    survey = _survey(survey_id)
    filters = browser.parse_filters(request.args, survey)
    page = browser.browse(survey, filters)
    return render_template(
        "surveys/responses/index.html",
        survey=survey,
        page=page,
        filters=filters,
        filter_args=filters.args(),
        choices=browser.choice_questions(survey),
        channels=channel_labels(),
    )


@bp.get("/manage/surveys/<int:survey_id>/responses/<int:response_id>")
@login_required
def response(survey_id: int, response_id: int) -> Any:
    """One response in full: its answers with labels and its map markings. Audited."""
    survey = _survey(survey_id)
    found = db.session.get(Response, response_id)
    if found is None or found.survey_id != survey.id:
        abort(404)
    answers, markings = browser.response_in_full(found)
    record(
        "response.view",
        actor=current_user,
        organization_id=survey.organization_id,
        obj=found,
        survey_id=survey.id,
    )
    db.session.commit()
    return render_template(
        "surveys/responses/show.html",
        survey=survey,
        response=found,
        answers=answers,
        markings=markings,
        geojson=browser.geojson(markings),
        channels=channel_labels(),
        back_args={
            k: v
            for k, v in request.args.items()
            if k in ("answer", "channel", "from", "to", "page")
        },
    )
