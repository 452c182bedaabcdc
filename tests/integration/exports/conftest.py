"""A small, realistic dataset for export tests: a samråd stage in Flemingsberg with a survey
of several question types, map points, comments with replies, an official answer and a
hidden comment, plus staff of every kind."""

from __future__ import annotations

import uuid
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pytest

from app.comments.models import Comment, CommentStatus
from app.core.models import utcnow
from app.extensions import db
from app.organizations.models import Role
from app.projects.models import ActivityKind, ProjectPartner
from app.surveys.models import (
    Answer,
    AnswerFeature,
    OptionKind,
    Question,
    QuestionOption,
    QuestionType,
    Response,
)

SWEDISH = "Trygghet vid gångtunneln, ÅÄÖ åäö"
INJECTION = '=HYPERLINK("http://evil.example","klicka")'

#: Points inside tests.factories.AREA (Flemingsberg, Huddinge).
POINTS = [
    (17.9450, 59.2180),
    (17.9460, 59.2190),
    (17.9455, 59.2185),
    (17.9550, 59.2220),
    (17.9520, 59.2200),
    (17.9580, 59.2240),
]


def _q(survey: Any, qtype: QuestionType, prompt: str, position: int, **kw: Any) -> Question:
    q = Question(
        survey=survey,
        type=qtype,
        page=kw.pop("page", 1),
        position=position,
        prompt={"sv": prompt, "en": prompt},
        **kw,
    )
    db.session.add(q)
    return q


def _o(
    q: Question, label: str, position: int, kind: OptionKind = OptionKind.OPTION, **kw: Any
) -> QuestionOption:
    o = QuestionOption(
        question=q, kind=kind, position=position, label={"sv": label, "en": label}, **kw
    )
    db.session.add(o)
    return o


@pytest.fixture()
def dataset(
    app: Any,
    make_org: Any,
    make_user: Any,
    make_project: Any,
    make_activity: Any,
    make_participant: Any,
) -> SimpleNamespace:
    org = make_org(slug="huddinge", name="Huddinge kommun")
    other_org = make_org(slug="botkyrka", name="Botkyrka kommun")
    partner_org = make_org(slug="konsult", name="Konsult AB")
    project = make_project(org, title={"sv": "Flemingsbergs centrum", "en": "Flemingsberg"})
    stage = project.stages[2]  # samråd, current and open
    planner = make_user("planner@huddinge.se", role=Role.PLANNER, org=org)
    facilitator = make_user("facilitator@huddinge.se", role=Role.FACILITATOR, org=org)
    moderator = make_user("moderator@huddinge.se", role=Role.MODERATOR, org=org)
    stranger = make_user("planner@botkyrka.se", role=Role.PLANNER, org=other_org)
    partner = make_user("analys@konsult.se", role=Role.PLANNER, org=partner_org)
    db.session.add(ProjectPartner(project=project, organization_id=partner_org.id))

    survey_activity = make_activity(stage, ActivityKind.SURVEY)
    survey = survey_activity.survey
    discussion = make_activity(stage, ActivityKind.DISCUSSION)

    q_single = _q(survey, QuestionType.SINGLE_CHOICE, "Hur ofta besöker du området?", 0)
    single = [_o(q_single, t, i) for i, t in enumerate(["Dagligen", "Varje vecka", "Sällan"])]
    q_multi = _q(survey, QuestionType.MULTI_CHOICE, "Vad saknas på platsen?", 1)
    multi = [_o(q_multi, t, i) for i, t in enumerate(["Bänkar", "Belysning", "Träd"])]
    multi.append(_o(q_multi, "Annat", 3, is_other=True))
    q_likert = _q(survey, QuestionType.LIKERT, "Hur trygg känner du dig?", 2)
    q_text = _q(survey, QuestionType.LONG_TEXT, "Vad vill du förbättra?", 3)
    q_map = _q(survey, QuestionType.MAP_POINT, "Markera platser", 0, page=2)
    good = _o(q_map, "Bra plats", 0, OptionKind.CATEGORY, valence_hint="positive")
    unsafe = _o(q_map, "Känns otryggt", 1, OptionKind.CATEGORY, valence_hint="negative")
    place = _o(q_map, "Gångtunneln", 2, OptionKind.PLACE)
    q_rank = _q(survey, QuestionType.RANKING, "Vad är viktigast?", 1, page=2)
    ranks = [_o(q_rank, t, i) for i, t in enumerate(["Trygghet", "Grönska", "Service"])]
    q_age = _q(survey, QuestionType.AGE_BAND, "Ålder", 0, page=3)
    ages = [_o(q_age, t, i, code=t) for i, t in enumerate(["16-19", "20-29", "30-64"])]
    q_gender = _q(survey, QuestionType.GENDER, "Kön", 1, page=3)
    genders = [
        _o(q_gender, t, i, code=c) for i, (t, c) in enumerate([("Kvinna", "woman"), ("Man", "man")])
    ]
    q_old = _q(survey, QuestionType.SHORT_TEXT, "Gammal fråga", 2, page=3, archived_at=utcnow())
    db.session.flush()

    texts = [
        SWEDISH,
        "Mörkt och läskigt i tunneln på kvällen, bättre belysning behövs",
        "Fler träd och mer grönska i parken vore fint",
        INJECTION,
        "Bussen går för sällan till stationen",
        "-5 grader och ingen snöröjning på cykelvägen",
        "Bra med nya lekplatsen för barnen",
        "Trygghet vid gångtunneln behövs, den känns otrygg",
        "Kontroll\x07tecken i texten",
        "",
        "Mer belysning längs gångvägen",
        "Parken är fin men skräpig",
    ]
    now = utcnow()
    participants = []
    responses = []
    for i, text in enumerate(texts):
        p = make_participant(nickname=f"Boende{i}" if i % 3 == 0 else None)
        participants.append(p)
        r = Response(
            survey_id=survey.id,
            participant_id=p.id,
            client_id=str(uuid.uuid4()),
            language="sv",
            submitted_at=now - timedelta(days=6 - (i % 6), hours=i),
        )
        db.session.add(r)
        db.session.flush()
        responses.append(r)
        answers = [
            Answer(response_id=r.id, question_id=q_single.id, value=single[i % 3].id),
            Answer(
                response_id=r.id,
                question_id=q_multi.id,
                value={
                    "options": [multi[i % 3].id] + ([multi[3].id] if i == 2 else []),
                    "other": "Toaletter" if i == 2 else None,
                },
                text="Toaletter" if i == 2 else None,
            ),
            Answer(response_id=r.id, question_id=q_likert.id, value=1 + i % 5),
            Answer(
                response_id=r.id,
                question_id=q_rank.id,
                value=[ranks[(i + k) % 3].id for k in range(3)],
            ),
            Answer(response_id=r.id, question_id=q_age.id, value=ages[i % 3].id),
            Answer(response_id=r.id, question_id=q_gender.id, value=genders[i % 2].id),
        ]
        db.session.add_all(answers)
        if text:
            answers.append(Answer(response_id=r.id, question_id=q_text.id, value=text, text=text))
        if i == 0:
            answers.append(
                Answer(
                    response_id=r.id,
                    question_id=q_old.id,
                    value="Gammalt svar",
                    text="Gammalt svar",
                )
            )
        if i < len(POINTS):
            a = Answer(response_id=r.id, question_id=q_map.id, value=None)
            db.session.add(a)
            feature = AnswerFeature(
                answer=a,
                position=0,
                category_id=(unsafe if i % 2 == 0 else good).id,
                comment="Känns otryggt vid tunneln" if i % 2 == 0 else "Fin plats att sitta",
            )
            feature.set_geometry({"type": "Point", "coordinates": list(POINTS[i])})
            answers.append(a)
            db.session.add(feature)
        elif i == 7:
            answers.append(
                Answer(response_id=r.id, question_id=q_map.id, value={"place": place.id})
            )
        elif i == 8:
            answers.append(
                Answer(
                    response_id=r.id,
                    question_id=q_map.id,
                    value={"description": "Vid torget"},
                    text="Vid torget",
                )
            )
        db.session.add_all(answers)

    def comment(body: str, **kw: Any) -> Comment:
        c = Comment(activity_id=discussion.id, stage_id=stage.id, body=body, **kw)
        db.session.add(c)
        db.session.flush()
        return c

    c1 = comment(
        "Gångtunneln behöver bättre belysning, den känns otrygg på kvällen",
        participant_id=participants[0].id,
        supports_count=4,
        needs_answer=True,
        answered_at=now,
    )
    c1.set_geometry({"type": "Point", "coordinates": [17.9452, 59.2183]})
    c2 = comment("Håller med, jag går en omväg", parent_id=c1.id, participant_id=participants[1].id)
    c3 = comment("Precis, särskilt på vintern", parent_id=c2.id, participant_id=participants[2].id)
    official = comment(
        "Kommunen ser över belysningen i gångtunneln under våren.",
        parent_id=c1.id,
        is_official=True,
        author_user_id=planner.id,
    )
    c4 = comment(
        "Varför byggs det inte fler hyresrätter här?",
        participant_id=participants[3].id,
        needs_answer=True,
    )
    hidden = comment(
        "Dumheter och personangrepp",
        participant_id=participants[4].id,
        status=CommentStatus.HIDDEN,
        hidden_reason="Personangrepp",
    )
    c5 = comment("+46 70 123 45 67 ring mig om parken", participant_id=participants[5].id)
    db.session.commit()
    return SimpleNamespace(
        org=org,
        other_org=other_org,
        project=project,
        stage=stage,
        survey=survey,
        discussion=discussion,
        planner=planner,
        facilitator=facilitator,
        moderator=moderator,
        stranger=stranger,
        partner=partner,
        questions=SimpleNamespace(
            single=q_single,
            multi=q_multi,
            likert=q_likert,
            text=q_text,
            map=q_map,
            rank=q_rank,
            age=q_age,
            gender=q_gender,
            old=q_old,
        ),
        options=SimpleNamespace(
            single=single, multi=multi, ranks=ranks, good=good, unsafe=unsafe, place=place
        ),
        responses=responses,
        participants=participants,
        comments=SimpleNamespace(
            c1=c1, c2=c2, c3=c3, official=official, c4=c4, hidden=hidden, c5=c5
        ),
    )
