"""Factories for the analysis screens: comments, a survey with demographic and map
questions, responses with free text, map pins and demographics, population rows."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pytest

from app.comments.models import Comment, CommentStatus
from app.extensions import db
from app.organizations.models import Organization, PopulationRow
from app.projects.models import ActivityKind, ProjectPartner, Stage
from app.surveys.models import (
    Answer,
    AnswerFeature,
    OptionKind,
    Question,
    QuestionOption,
    QuestionType,
    Response,
    Survey,
)

_seq = itertools.count(1)

DEMOGRAPHIC_OPTIONS = {
    QuestionType.AGE_BAND: ["0-17", "18-29", "30-44", "45-64", "65-79", "80+"],
    QuestionType.GENDER: ["woman", "man", "other", "no_answer"],
    QuestionType.DISTRICT: ["Alby", "Fittja"],
}


@dataclass
class SurveySetup:
    survey: Survey
    text: Question
    map: Question
    demographic: dict[str, Question]
    categories: dict[str, QuestionOption]

    def option(self, dimension: str, code: str) -> QuestionOption:
        q = self.demographic[dimension]
        return next(o for o in q.options if o.code == code)


@pytest.fixture()
def make_comment(app: Any, make_participant: Any, make_activity: Any) -> Any:
    def make(
        stage: Stage,
        body: str,
        *,
        participant: Any = None,
        status: CommentStatus = CommentStatus.PUBLISHED,
        geometry: dict[str, Any] | None = None,
        created_at: datetime | None = None,
        **kw: Any,
    ) -> Comment:
        activity = next(
            (a for a in stage.activities if a.kind == ActivityKind.DISCUSSION), None
        ) or make_activity(stage)
        participant = participant or make_participant()
        comment = Comment(
            activity_id=activity.id,
            stage_id=stage.id,
            participant_id=participant.id,
            body=body,
            status=status,
            **kw,
        )
        if created_at is not None:
            comment.created_at = created_at
        if geometry is not None:
            comment.set_geometry(geometry)
        db.session.add(comment)
        db.session.commit()
        return comment

    return make


@pytest.fixture()
def make_survey(app: Any, make_activity: Any) -> Any:
    def make(stage: Stage) -> SurveySetup:
        activity = make_activity(stage, ActivityKind.SURVEY)
        survey = activity.survey
        text = Question(
            survey=survey,
            type=QuestionType.LONG_TEXT,
            position=0,
            prompt={"sv": "Vad tycker du?", "en": "What do you think?"},
        )
        mapq = Question(
            survey=survey,
            type=QuestionType.MAP_POINT,
            position=1,
            prompt={"sv": "Markera", "en": "Mark"},
            theme_hint="safety",
        )
        categories = {
            "unsafe": QuestionOption(
                question=mapq,
                kind=OptionKind.CATEGORY,
                code="unsafe",
                label={"sv": "Känns otryggt", "en": "Feels unsafe"},
                valence_hint="negative",
            ),
            "like": QuestionOption(
                question=mapq,
                kind=OptionKind.CATEGORY,
                code="like",
                label={"sv": "Bra plats", "en": "Good place"},
                valence_hint="positive",
            ),
        }
        demographic = {}
        for position, (qtype, codes) in enumerate(DEMOGRAPHIC_OPTIONS.items(), start=2):
            q = Question(survey=survey, type=qtype, position=position, prompt={"en": str(qtype)})
            for i, code in enumerate(codes):
                q.options.append(QuestionOption(code=code, position=i, label={"en": code}))
            demographic[str(qtype)] = q
        db.session.add_all([text, mapq, *demographic.values()])
        db.session.commit()
        return SurveySetup(survey, text, mapq, demographic, categories)

    return make


@pytest.fixture()
def make_response(app: Any, make_participant: Any) -> Any:
    def make(
        setup: SurveySetup,
        *,
        text: str | None = None,
        participant: Any = None,
        demographics: dict[str, str] | None = None,
        pins: list[tuple[dict[str, Any], str | None, str | None]] = (),  # type: ignore[assignment]
        submitted_at: datetime | None = None,
    ) -> Response:
        participant = participant or make_participant()
        response = Response(
            survey_id=setup.survey.id,
            participant_id=participant.id,
            client_id=f"client-{next(_seq)}",
        )
        if submitted_at is not None:
            response.submitted_at = submitted_at
        if text is not None:
            response.answers.append(Answer(question_id=setup.text.id, value=text, text=text))
        if pins:
            answer = Answer(question_id=setup.map.id, value=None)
            for i, (geometry, category, comment) in enumerate(pins):
                f = AnswerFeature(
                    position=i,
                    comment=comment,
                    category_id=setup.categories[category].id if category else None,
                )
                f.set_geometry(geometry)
                answer.features.append(f)
            response.answers.append(answer)
        for dim, code in (demographics or {}).items():
            option = setup.option(dim, code)
            response.answers.append(Answer(question_id=setup.demographic[dim].id, value=option.id))
        db.session.add(response)
        db.session.commit()
        return response

    return make


@pytest.fixture()
def make_population(app: Any) -> Any:
    def make(org: Organization, rows: list[tuple[str, str, str, int]], year: int = 2025) -> None:
        for district, age, gender, count in rows:
            db.session.add(
                PopulationRow(
                    organization_id=org.id,
                    year=year,
                    district=district,
                    age_band=age,
                    gender=gender,
                    count=count,
                )
            )
        db.session.commit()

    return make


@pytest.fixture()
def make_partner(app: Any, make_user: Any, make_org: Any) -> Any:
    def make(project: Any) -> Any:
        user = make_user()
        db.session.add(ProjectPartner(project_id=project.id, user_id=user.id))
        db.session.commit()
        return user

    return make


def point(lon: float, lat: float) -> dict[str, Any]:
    return {"type": "Point", "coordinates": [lon, lat]}
