"""`flask demo seed/reset/logins`: a realistic, deterministic Södertörn demo.

A full seed takes a few seconds, so assertions are grouped into few tests.
"""

from __future__ import annotations

import hashlib

import sqlalchemy as sa
from shapely.geometry import shape

from app.accounts.models import User
from app.codebook.models import Codebook
from app.comments.models import Comment, CommentStatus, Flag, Support
from app.extensions import db
from app.moderation.models import ModerationAction, ModerationDecision
from app.organizations.models import Organization, PopulationRow
from app.projects.models import (
    Activity,
    ModerationMode,
    Project,
    ProjectPartner,
    ProjectStatus,
)
from app.surveys.models import (
    MAP_TYPES,
    Answer,
    AnswerFeature,
    OptionKind,
    Question,
    QuestionType,
    Response,
    Survey,
)


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def counts() -> dict[str, int]:
    return {
        m.__name__: count(m)
        for m in (Organization, User, Project, Response, Answer, AnswerFeature, Comment, Support)
    }


def comment_digest() -> str:
    bodies = db.session.execute(
        sa.select(Comment.body, Comment.language, Comment.status).order_by(
            Comment.created_at, Comment.body
        )
    ).all()
    return hashlib.sha256(repr([tuple(map(str, row)) for row in bodies]).encode()).hexdigest()


def raw_answer(answer: Answer) -> dict:
    """The stored answer back in the shape residents submit it."""
    qtype = answer.question.type
    if qtype in MAP_TYPES and answer.value is None:
        return {
            "features": [
                {
                    "type": "Feature",
                    "geometry": f.geometry,
                    "properties": {"category": f.category_id, "comment": f.comment},
                }
                for f in answer.features
            ]
        }
    if qtype == QuestionType.MULTI_CHOICE:
        return {"value": answer.value["options"], "other": answer.value["other"]}
    return {"value": answer.value}


def assert_answers_valid() -> None:
    from app.surveys.questions import AnswerContext, AnswerError, kind_for

    for survey in db.session.scalars(sa.select(Survey)):
        area = shape(survey.activity.stage.project.geometry)
        required = {q.id for q in survey.questions if q.required}
        conditional = {
            q.id: q.condition_option_id for q in survey.questions if q.condition_option_id
        }
        responses = db.session.scalars(
            sa.select(Response).where(Response.survey_id == survey.id)
        ).all()
        assert responses
        for response in responses:
            answered = {a.question_id: a for a in response.answers}
            assert required <= set(answered)
            chosen = {a.value for a in response.answers if isinstance(a.value, int)}
            for question_id, option_id in conditional.items():
                if question_id in answered:
                    assert option_id in chosen
            for answer in response.answers:
                context = AnswerContext(area=area, language=response.language)
                try:
                    cleaned = kind_for(answer.question).validate(raw_answer(answer), context)
                except AnswerError as error:
                    raise AssertionError((answer.question.type, answer.value, error.code)) from None
                assert cleaned.value == answer.value
                assert (cleaned.text or None) == (answer.text or None)


def seed(runner, *args: str) -> str:
    result = runner.invoke(args=["demo", "seed", *args])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    return result.output


def test_seed_builds_a_realistic_demo_and_is_idempotent(app, runner):
    seed(runner)

    orgs = db.session.scalars(sa.select(Organization)).all()
    assert {"huddinge", "botkyrka", "haninge", "tyreso"} <= {o.slug for o in orgs}
    projects = db.session.scalars(sa.select(Project)).all()
    published = [p for p in projects if p.is_published]
    assert len(published) >= 5
    assert any(p.status == ProjectStatus.DRAFT for p in projects)
    for project in published:
        assert project.summary["sv"] and project.summary["en"]
        assert project.geometry["type"] in ("Polygon", "MultiPolygon")
        current = project.current_stage
        assert current is not None
        for stage in project.stages:
            assert stage.influence["sv"] and stage.influence["en"]
            assert stage.description["sv"] and stage.description["en"]
            if stage.position < current.position:
                assert stage.status == "closed"
            elif stage.position > current.position:
                assert stage.status == "upcoming"
    statuses = {p.slug: p.current_stage.status for p in published}
    assert statuses["flemingsberg-stationsomrade"] == "open"
    assert statuses["oversiktsplan-2050"] == "closed"

    # One survey has every question type, pages, an "other" option and a display condition.
    surveys = db.session.scalars(sa.select(Survey)).all()
    full = [s for s in surveys if {q.type for q in s.questions} == set(QuestionType)]
    assert len(full) == 1
    survey = full[0]
    assert len({q.page for q in survey.questions}) >= 3
    multi = next(q for q in survey.questions if q.type == QuestionType.MULTI_CHOICE)
    assert any(o.is_other for o in multi.options)
    conditional = [q for q in survey.questions if q.condition_question_id is not None]
    assert conditional
    for q in conditional:
        source = db.session.get(Question, q.condition_question_id)
        assert source.type == QuestionType.SINGLE_CHOICE
        assert q.condition_option_id in {o.id for o in source.options}
        assert (source.page, source.position) < (q.page, q.position)
    for q in survey.questions:
        if q.type in MAP_TYPES:
            categories = q.options_of(OptionKind.CATEGORY)
            assert categories and all(c.color and c.valence_hint for c in categories)
            assert q.options_of(OptionKind.PLACE)
            assert q.settings["restrict_to_area"] is True
    age = next(q for q in survey.questions if q.type == QuestionType.AGE_BAND)
    assert [o.code for o in age.options] == ["0-17", "18-29", "30-44", "45-64", "65-79", "80+"]

    # Answers follow the conventions the question classes read.
    for answer in db.session.scalars(
        sa.select(Answer).join(Question).where(Question.survey_id == survey.id)
    ):
        qtype = answer.question.type
        option_ids = {o.id for o in answer.question.options}
        if qtype == QuestionType.MULTI_CHOICE:
            assert set(answer.value["options"]) <= option_ids
        elif qtype == QuestionType.RANKING:
            assert sorted(answer.value) == sorted(option_ids)
        elif qtype in (QuestionType.SINGLE_CHOICE, QuestionType.AGE_BAND, QuestionType.DISTRICT):
            assert answer.value in option_ids
        elif qtype == QuestionType.LIKERT:
            assert 1 <= answer.value <= 5
        elif qtype == QuestionType.SCALE:
            assert 0 <= answer.value <= 10
        elif qtype in MAP_TYPES and answer.value is None:
            assert answer.features

    # Every stored answer passes the question types' own validation.
    with app.test_request_context("/"):
        assert_answers_valid()

    # District options match the population reference of the organization.
    districts = {
        o.code for o in next(q for q in survey.questions if q.type == QuestionType.DISTRICT).options
    }
    population = set(
        db.session.scalars(
            sa.select(PopulationRow.district).where(
                PopulationRow.organization_id == survey.organization_id
            )
        )
    )
    assert districts == population

    assert 280 <= count(Response) <= 320
    assert 380 <= count(Comment) <= 420

    # Every geometry lies inside its project's area.
    features = db.session.execute(
        sa.select(AnswerFeature.geometry, Project.geometry)
        .join(Answer, AnswerFeature.answer_id == Answer.id)
        .join(Response, Answer.response_id == Response.id)
        .join(Activity, Activity.survey_id == Response.survey_id)
        .join(Activity.stage)
        .join(Project)
    ).all()
    assert len(features) > 300
    assert {shape(f).geom_type for f, _ in features} == {"Point", "LineString", "Polygon"}
    for feature, area in features:
        assert shape(area).buffer(1e-9).covers(shape(feature))
    pins = db.session.execute(
        sa.select(Comment.geometry, Project.geometry)
        .join(Comment.stage)
        .join(Project)
        .where(Comment.geometry.is_not(None))
    ).all()
    assert len(pins) > 50
    for pin, area in pins:
        assert shape(area).buffer(1e-9).covers(shape(pin))

    # Threads, supports, flags, moderation and official answers.
    comments = db.session.scalars(sa.select(Comment)).all()
    by_id = {c.id: c for c in comments}
    assert any(c.parent_id and by_id[c.parent_id].parent_id for c in comments)
    assert sum(c.supports_count for c in comments) == count(Support) > 100
    assert sum(c.flags_count for c in comments) == count(Flag) > 0
    hidden = [c for c in comments if c.status == CommentStatus.HIDDEN]
    assert hidden and all(c.hidden_reason for c in hidden)
    decisions = db.session.scalars(
        sa.select(ModerationDecision.comment_id).where(
            ModerationDecision.action == ModerationAction.HIDE
        )
    ).all()
    assert {c.id for c in hidden} == set(decisions)
    pending = [c for c in comments if c.status == CommentStatus.PENDING]
    assert pending and all(c.activity.moderation == ModerationMode.PRE for c in pending)
    official = [c for c in comments if c.is_official]
    assert len(official) >= 5
    for c in official:
        assert c.author_user_id and c.participant_id is None
        assert by_id[c.parent_id].answered_at is not None
    # Every official answer sits under the question it answers (issue 17).
    from app.demo import projects as demo_projects

    question_of = {
        answer[lang]: asked[lang]
        for spec in vars(demo_projects).values()
        if isinstance(spec, demo_projects.ProjectSpec)
        for answer, asked in zip(spec.answers, spec.asked, strict=False)
        for lang in ("sv", "en")
    }
    assert all(by_id[c.parent_id].body == question_of[c.body] for c in official)
    assert any(c.needs_answer and c.answered_at is None for c in comments)
    assert any(c.language == "en" for c in comments)

    codebook = db.session.scalar(sa.select(Codebook).where(Codebook.name == "Standard"))
    assert [t.key for t in codebook.themes] == [
        "safety", "green", "meeting", "everyday", "mobility",
        "identity", "cohesion", "children", "health_env", "influence",
    ]  # fmt: skip
    flemingsberg = next(p for p in projects if p.slug == "flemingsberg-stationsomrade")
    partner = db.session.scalar(
        sa.select(ProjectPartner).where(ProjectPartner.project_id == flemingsberg.id)
    )
    assert db.session.get(User, partner.user_id).email == "partner@sh.demo"
    feedback = [s.feedback for p in published for s in p.stages if s.feedback]
    assert feedback and all(f.published_at and f.theme_keys for f in feedback)

    before = counts()
    output = seed(runner)
    assert "already" in output
    assert counts() == before


def test_if_empty_leaves_a_database_with_organizations_alone(app, runner, make_org):
    make_org(slug="nykvarn", name="Nykvarns kommun")
    seed(runner, "--if-empty")
    assert count(Organization) == 1
    assert count(Project) == 0


def test_reset_wipes_everything_and_seeds_the_same_content(app, runner, make_org):
    seed(runner)
    before = counts()
    digest = comment_digest()
    make_org(slug="nykvarn", name="Nykvarns kommun")

    result = runner.invoke(args=["demo", "reset"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert counts() == before
    assert comment_digest() == digest
    assert db.session.scalar(sa.select(Organization).where(Organization.slug == "nykvarn")) is None

    result = runner.invoke(args=["demo", "logins"])
    assert result.exit_code == 0
    for role in (
        "admin",
        "planner",
        "facilitator",
        "moderator",
        "partner",
        "superadmin",
        "resident",
    ):
        assert f" {role} " in result.output
    assert "planerare@huddinge.demo" in result.output
    assert app.config["DEMO_PASSWORD"] in result.output


def test_logins_without_demo_says_how_to_seed(app, runner):
    result = runner.invoke(args=["demo", "logins"])
    assert result.exit_code == 0
    assert "flask demo seed" in result.output
