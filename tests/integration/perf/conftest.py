"""Factories for the query-count guards: many projects, many comments, surveys of any size."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from app.accounts.models import Participant
from app.comments.models import Comment, CommentStatus
from app.extensions import db
from app.projects.models import ActivityKind, Stage
from app.surveys.models import OptionKind, Question, QuestionOption, QuestionType
from tests.factories import INSIDE


@pytest.fixture()
def add_comments(app: Any) -> Any:
    """Add ``count`` published comments (with authors, places and replies) to a stage."""

    def add(stage: Stage, count: int) -> None:
        activity = next(a for a in stage.activities if a.kind == ActivityKind.DISCUSSION)
        for n in range(count):
            participant = Participant(token_hash=uuid.uuid4().hex * 2, nickname=f"Boende {n}")
            db.session.add(participant)
            db.session.flush()
            comment = Comment(
                activity_id=activity.id,
                stage_id=stage.id,
                participant_id=participant.id,
                body=f"Synpunkt {n}: fler träd längs gatan.",
                status=CommentStatus.PUBLISHED,
                client_id=str(uuid.uuid4()),
                supports_count=n % 3,
            )
            comment.set_geometry(INSIDE)
            db.session.add(comment)
            db.session.flush()
            if n % 2:
                reply = Comment(
                    activity_id=activity.id,
                    stage_id=stage.id,
                    parent_id=comment.id,
                    participant_id=participant.id,
                    body="Håller med.",
                    status=CommentStatus.PUBLISHED,
                )
                db.session.add(reply)
        db.session.commit()

    return add


@pytest.fixture()
def add_questions(app: Any) -> Any:
    """Add ``count`` answerable questions to a survey: a map question, then choice and text
    questions in turn. Returns a function that builds a valid API answer list."""

    def add(survey: Any, count: int) -> Any:
        questions: list[tuple[Question, list[QuestionOption]]] = []
        for n in range(count):
            if n == 0:
                question = Question(
                    survey=survey,
                    type=QuestionType.MAP_POINT,
                    page=1,
                    position=n,
                    prompt={"sv": "Var?"},
                    min_count=1,
                    max_count=5,
                )
                kind = OptionKind.CATEGORY
            elif n % 2:
                question = Question(
                    survey=survey,
                    type=QuestionType.SINGLE_CHOICE,
                    page=1,
                    position=n,
                    prompt={"sv": f"Fråga {n}"},
                )
                kind = OptionKind.OPTION
            else:
                question = Question(
                    survey=survey,
                    type=QuestionType.LONG_TEXT,
                    page=2,
                    position=n,
                    prompt={"sv": f"Berätta {n}"},
                )
                kind = None
            options = []
            if kind is not None:
                options = [
                    QuestionOption(question=question, kind=kind, position=i, label={"sv": label})
                    for i, label in enumerate(["Bra", "Dåligt", "Vet inte"])
                ]
            db.session.add(question)
            questions.append((question, options))
        db.session.commit()

        # Plain data, so the answers can be built outside this app context.
        result: list[dict[str, Any]] = []
        for question, options in questions:
            if question.type == QuestionType.MAP_POINT:
                feature = {
                    "type": "Feature",
                    "geometry": INSIDE,
                    "properties": {"category": options[0].id, "comment": "Mörkt här"},
                }
                result.append({"question_id": question.id, "features": [feature]})
            elif options:
                result.append({"question_id": question.id, "value": options[1].id})
            else:
                result.append({"question_id": question.id, "value": "Fler bänkar, tack."})

        def answers() -> list[dict[str, Any]]:
            return [dict(item) for item in result]

        return answers

    return add
