"""Automatic coding: stored machine codings, recoding that keeps human decisions, the CLI
and the background path through RQ."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from app.analysis_ui import services
from app.analysis_ui.models import Coding, ReviewState, TargetType
from app.comments.models import CommentStatus
from app.extensions import db
from tests.factories import INSIDE

UNSAFE = "Det känns otryggt att gå här på kvällen, belysningen är dålig och det är mörkt."
PARK = "Parken behöver fler träd och grönska, det är för lite natur här."


def codings(target_type: TargetType, target_id: int) -> list[Coding]:
    return list(
        db.session.scalars(
            sa.select(Coding)
            .where(Coding.target_type == target_type, Coding.target_id == target_id)
            .order_by(Coding.theme_key)
        )
    )


def test_stage_coding_stores_machine_codings_for_every_kind(
    make_project: Any, make_comment: Any, make_survey: Any, make_response: Any
) -> None:
    stage = make_project().current_stage
    comment = make_comment(stage, UNSAFE)
    hidden = make_comment(stage, UNSAFE, status=CommentStatus.HIDDEN)
    setup = make_survey(stage)
    response = make_response(setup, text=PARK, pins=[(INSIDE, "unsafe", None)])

    counts = services.code_contributions(stage)
    db.session.commit()

    assert counts.contributions == 3  # comment, free-text answer, pin (hidden left out)
    rows = codings(TargetType.COMMENT, comment.id)
    assert [r.theme_key for r in rows] == ["safety"]
    assert rows[0].source == "rule:v1"
    assert rows[0].review_state == ReviewState.MACHINE
    assert rows[0].valence == "negative"
    assert 0.5 <= rows[0].confidence <= 1
    assert codings(TargetType.COMMENT, hidden.id) == []
    text_answer = next(a for a in response.answers if a.text)
    assert "green" in [r.theme_key for r in codings(TargetType.ANSWER, text_answer.id)]
    feature = next(a for a in response.answers if a.features).features[0]
    pin = codings(TargetType.FEATURE, feature.id)
    # A pin without text gets the question's theme and its category's valence.
    assert [(r.theme_key, r.valence) for r in pin] == [("safety", "negative")]


def test_recode_replaces_machine_rows_and_keeps_human_decisions(
    make_project: Any, make_comment: Any, make_user: Any
) -> None:
    stage = make_project().current_stage
    comment = make_comment(stage, UNSAFE)
    services.code_contributions(stage)
    reviewer = make_user()
    item = services.dataset.target_items("comment", [comment.id])[0]
    services.decide(item, "safety", "rejected", reviewer.id, ["safety", "green"])
    services.decide(item, "green", "human", reviewer.id, ["safety", "green"])
    db.session.commit()

    comment.body = PARK  # edited: recoding must follow the text
    db.session.commit()
    services.code_contributions(stage)
    db.session.commit()

    rows = {(r.theme_key, r.source, str(r.review_state)) for r in codings("comment", comment.id)}
    human = f"human:{reviewer.id}"
    assert rows == {
        ("green", "rule:v1", "machine"),
        ("safety", human, "rejected"),
        ("green", human, "human"),
    }


def test_human_decisions_win_in_the_indicators(
    make_project: Any, make_comment: Any, make_user: Any
) -> None:
    stage = make_project().current_stage
    a = make_comment(stage, UNSAFE)
    make_comment(stage, UNSAFE)
    services.code_contributions(stage)
    reviewer = make_user()
    item = services.dataset.target_items("comment", [a.id])[0]
    services.decide(item, "safety", "rejected", reviewer.id, ["safety", "mobility"])
    services.decide(item, "mobility", "human", reviewer.id, ["safety", "mobility"])
    data = services.recompute(stage).data

    themes = {t["theme"]: t for t in data["themes"]}
    assert themes["safety"]["count"] == 1
    assert themes["mobility"]["count"] == 1
    assert data["quality"]["reviewed"] == 1
    agreement = {t["theme"]: t for t in data["agreement"]["themes"]}
    assert data["agreement"]["items"] == 1
    assert agreement["safety"]["fp"] == 1  # the machine said safety, the human did not
    assert agreement["mobility"]["fn"] == 1


def test_new_contribution_is_coded_right_away_without_redis(
    make_project: Any, make_comment: Any
) -> None:
    stage = make_project().current_stage
    comment = make_comment(stage, UNSAFE)
    services.code_now("comment", [comment.id])
    db.session.commit()
    assert [r.theme_key for r in codings(TargetType.COMMENT, comment.id)] == ["safety"]


def test_cli_recode_prints_counts(runner: Any, make_project: Any, make_comment: Any) -> None:
    stage = make_project().current_stage
    make_comment(stage, UNSAFE)
    make_comment(stage, PARK)
    result = runner.invoke(args=["analysis", "recode", "--stage", str(stage.id)])
    assert result.exit_code == 0, result.output
    assert f"stage {stage.id}: 2 contributions, 2 codings" in result.output
    assert services.snapshot_of(stage).data["totals"]["coded_items"] == 2

    result = runner.invoke(args=["analysis", "recode", "--all"])
    assert result.exit_code == 0
    assert "2 contributions, 2 codings" in result.output.splitlines()[-1]

    assert runner.invoke(args=["analysis", "recode"]).exit_code != 0
    assert runner.invoke(args=["analysis", "recode", "--stage", "999999"]).exit_code != 0


def test_a_new_survey_response_is_coded_right_away(
    make_project: Any, make_survey: Any, make_response: Any
) -> None:
    stage = make_project().current_stage
    setup = make_survey(stage)
    response = make_response(setup, text=PARK, pins=[(INSIDE, "like", "Fina träd här")])
    answers = response.answers
    services.code_now(TargetType.ANSWER, [a.id for a in answers if a.text])
    services.code_now(TargetType.FEATURE, [f.id for a in answers for f in a.features])
    db.session.commit()
    answer = next(a for a in response.answers if a.text)
    feature = next(a for a in response.answers if a.features).features[0]
    assert "green" in [r.theme_key for r in codings(TargetType.ANSWER, answer.id)]
    pin = codings(TargetType.FEATURE, feature.id)
    assert "safety" in [r.theme_key for r in pin]  # the map question's theme hint
