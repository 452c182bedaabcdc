"""A map marking's comment is one contribution: stored on the marking, never again as the
answer's text (and the migration clears the copies stored before)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic.migration import MigrationContext
from alembic.operations import Operations

from app.analysis_ui.models import Coding, TargetType
from app.extensions import db
from app.surveys.models import Answer
from tests.integration.analysis_ui.conftest import point

MIGRATION = next(
    Path(__file__).resolve().parents[3].glob("migrations/versions/*_7d3e9a41c2b8_*.py")
)


def _migration() -> Any:
    spec = importlib.util.spec_from_file_location("map_text_once", MIGRATION)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_migration_clears_duplicated_answer_text_and_its_codings(
    make_project: Any, make_survey: Any, make_response: Any
) -> None:
    project = make_project()
    stage = project.stages[0]
    setup = make_survey(stage)
    marked = make_response(setup, pins=[(point(17.95, 59.22), "unsafe", "Mörk gångtunnel")])
    described = make_response(setup, text="Fler bänkar vid ån")
    map_answer = next(a for a in marked.answers if a.question_id == setup.map.id)
    map_answer.text = "Mörk gångtunnel"  # what the old write path stored
    text_answer = described.answers[0]
    for target in (map_answer.id, text_answer.id):
        db.session.add(
            Coding(
                target_type=TargetType.ANSWER,
                target_id=target,
                stage_id=stage.id,
                theme_key="safety",
                source="rule:v1",
            )
        )
    db.session.commit()

    with Operations.context(MigrationContext.configure(db.session.connection())):
        _migration().upgrade()
    db.session.commit()
    db.session.expire_all()

    assert db.session.get(Answer, map_answer.id).text is None
    assert db.session.get(Answer, map_answer.id).features[0].comment == "Mörk gångtunnel"
    assert db.session.get(Answer, text_answer.id).text == "Fler bänkar vid ån"
    coded = db.session.scalars(
        sa.select(Coding.target_id).where(Coding.target_type == TargetType.ANSWER)
    ).all()
    assert coded == [text_answer.id]
