"""Run inside the app's environment by the benchmarks: ``seed`` a survey, or ``verify`` what
was stored. Prints one JSON line. Usage: python -m bench.seed_data seed|verify AREA_JSON"""

from __future__ import annotations

import json
import sys
from collections import Counter
from datetime import timedelta

import sqlalchemy as sa

from app import create_app
from app.comments.models import Comment
from app.core.models import utcnow
from app.extensions import db
from app.organizations.models import Organization
from app.projects.models import Activity, ActivityKind, Project, ProjectStatus
from app.projects.services import apply_template, make_current
from app.surveys.models import (
    Answer,
    AnswerFeature,
    OptionKind,
    Question,
    QuestionOption,
    QuestionType,
    Response,
    Survey,
    SurveyStatus,
)


def seed(area: list[list[float]]) -> dict:
    org = Organization(slug="huddinge", name="Huddinge kommun")
    project = Project(
        organization=org,
        slug="flemingsberg",
        title={"sv": "Flemingsberg"},
        status=ProjectStatus.ACTIVE,
    )
    project.set_geometry({"type": "Polygon", "coordinates": [area]})
    db.session.add(project)
    db.session.flush()
    stage = apply_template(project, "detaljplan_standard")[2]
    make_current(stage)
    stage.opens_at, stage.closes_at = utcnow() - timedelta(days=1), utcnow() + timedelta(days=30)
    survey = Survey(organization_id=org.id, title={"sv": "Tyck till"}, status=SurveyStatus.OPEN)
    db.session.add(survey)
    db.session.flush()
    db.session.add(Activity(stage=stage, kind=ActivityKind.SURVEY, survey=survey))
    db.session.add(Activity(stage=stage, kind=ActivityKind.DISCUSSION, position=1))
    q_map = Question(
        survey=survey,
        type=QuestionType.MAP_POINT,
        page=1,
        position=0,
        prompt={"sv": "Var?"},
        required=True,
        min_count=1,
        max_count=5,
        settings={"restrict_to_area": True},
    )
    q_choice = Question(
        survey=survey,
        type=QuestionType.SINGLE_CHOICE,
        page=1,
        position=1,
        prompt={"sv": "Hur ofta?"},
        required=True,
    )
    q_text = Question(
        survey=survey, type=QuestionType.LONG_TEXT, page=2, position=0, prompt={"sv": "Berätta"}
    )
    db.session.add_all([q_map, q_choice, q_text])
    db.session.flush()
    categories = [
        QuestionOption(
            question=q_map,
            kind=OptionKind.CATEGORY,
            position=i,
            label={"sv": label},
            valence_hint=hint,
        )
        for i, (label, hint) in enumerate(
            [("Bra plats", "positive"), ("Känns otryggt", "negative")]
        )
    ]
    options = [
        QuestionOption(
            question=q_choice, kind=OptionKind.OPTION, position=i, label={"sv": label}, code=label
        )
        for i, label in enumerate(["Varje dag", "Ibland", "Aldrig"])
    ]
    db.session.add_all(categories + options)
    db.session.commit()
    return {
        "survey_id": survey.id,
        "stage_id": stage.id,
        "q_map": q_map.id,
        "q_choice": q_choice.id,
        "q_text": q_text.id,
        "categories": [c.id for c in categories],
        "options": [o.id for o in options],
    }


def verify() -> dict:
    responses = Counter(db.session.scalars(sa.select(Response.client_id)).all())
    comments = Counter(c for c in db.session.scalars(sa.select(Comment.client_id)).all() if c)
    answers = dict(
        db.session.execute(
            sa.select(Answer.response_id, sa.func.count()).group_by(Answer.response_id)
        ).all()
    )
    features = db.session.scalar(sa.select(sa.func.count()).select_from(AnswerFeature))
    ids = db.session.scalars(sa.select(Response.id)).all()
    return {
        "responses": responses,
        "comments": comments,
        "half": [i for i in ids if answers.get(i, 0) != 3],
        "features": features,
        "response_rows": len(ids),
    }


if __name__ == "__main__":
    app = create_app()
    with app.app_context():
        if sys.argv[1] == "seed":
            print(json.dumps(seed(json.loads(sys.argv[2]))))
        else:
            print(json.dumps(verify()))
