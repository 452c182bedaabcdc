"""The coder learns from the facilitators' reviews: reviews → a retraining job → a stored model
→ new contributions coded with it where it beat the rules → the estimate on the review page;
an erasure retrains; terms suggested from added themes go into the codebook with one click."""

from __future__ import annotations

import json
from typing import Any

import pytest
import sqlalchemy as sa

from analysis.learned import Model
from app.analysis_ui import learning, review, services
from app.analysis_ui.dataset import target_items
from app.analysis_ui.models import CoderModel, Coding, ReviewState, TargetType
from app.audit.models import AuditEvent
from app.codebook.models import Codebook, Theme
from app.extensions import db
from app.organizations.models import ErasureMode, Role

PLACES = [
    "Alby torg", "bryggan", "stranden", "simhallen", "badplatsen", "torget", "kanalen",
    "hamnen", "parkeringen", "kyrkan", "biblioteket", "stationen", "centrum", "skolan",
    "vattentornet", "fotbollsplanen", "idrottshallen", "kajen", "bron", "ängen",
]  # fmt: skip
#: Texts the rules give no theme; the reviewers add "meeting" to every one of them.
KIOSK = "Glasskiosken vid {} borde öppna igen på sommaren"
#: Texts the rules give no theme; the reviewers agree there is none.
OTHER = "Jag undrar vad som händer vid {} nästa år"


def _url(stage: Any, suffix: str = "") -> str:
    return f"/manage/analysis/stages/{stage.id}/review{suffix}"


@pytest.fixture()
def setup(make_project: Any, make_comment: Any, make_user: Any) -> dict[str, Any]:
    project = make_project()
    stage = project.current_stage
    kiosk = [make_comment(stage, KIOSK.format(p)) for p in PLACES[:13]]
    other = [make_comment(stage, OTHER.format(p)) for p in PLACES[:12]]
    services.recode_and_recompute(stage)
    db.session.commit()
    facilitator = make_user(role=Role.FACILITATOR, org=project.organization)
    return {
        "project": project,
        "stage": stage,
        "kiosk": kiosk,
        "other": other,
        "facilitator": facilitator,
    }


def _item(comment: Any) -> Any:
    return target_items(TargetType.COMMENT, [comment.id])[0]


def _review_directly(s: dict[str, Any], kiosk: list[Any], other: list[Any]) -> None:
    themes = services.coder_for(s["project"]).codebook.theme_ids
    for c in kiosk:
        services.decide(_item(c), "meeting", ReviewState.HUMAN, s["facilitator"].id, themes)
    for c in other:
        review.set_valence(_item(c), "neutral", s["facilitator"].id)
    db.session.commit()


def test_reviews_train_a_model_that_codes_new_contributions_and_is_shown(
    client: Any, login: Any, setup: dict[str, Any], make_comment: Any
) -> None:
    s = setup
    stage, project = s["stage"], s["project"]
    # 24 reviews: no model yet, and the page says how many more are needed.
    _review_directly(s, s["kiosk"][:12], s["other"])
    assert learning.review_count(project) == 24
    login(s["facilitator"])
    page = client.get(_url(stage, "?lang=en")).get_data(as_text=True)
    assert "The coder learns from your reviews after 1 more." in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CoderModel)) == 0

    # The 25th review, through the review screen, enqueues the retraining (run inline in
    # tests): the organization's model, since the project has fewer than 100 reviews.
    last = s["kiosk"][12]
    resp = client.post(
        _url(stage, f"/C{last.id}"),
        data={"decision": "human", "theme": "meeting", "next": f"C{last.id}"},
    )
    assert resp.status_code == 303
    row = db.session.scalar(sa.select(CoderModel))
    assert row is not None
    assert (row.scope, row.project_id, row.n_reviews) == ("organization", None, 25)
    model = Model.from_json(row.json)
    assert model.id == row.model_id
    assert model.use_theme["meeting"] is True  # cross-validation: the model beat the rules
    assert model.use_theme["safety"] is False  # no evidence either way: the rules stay
    assert row.model_f1 is not None and row.rules_f1 is not None
    assert row.model_f1 > row.rules_f1
    # Only features from at least 3 participants are kept.
    assert "u:glasskiosk" in model.features
    assert not any("alby" in f for f in model.features)

    # A new contribution is coded with the model where it is used, and says so.
    new = make_comment(stage, "Glasskiosken vid kyrkan borde öppna igen på sommaren")
    services.code_targets(TargetType.COMMENT, [new.id])
    db.session.commit()
    codings = db.session.scalars(
        sa.select(Coding).where(
            Coding.target_type == TargetType.COMMENT, Coding.target_id == new.id
        )
    ).all()
    assert [(c.theme_key, c.source) for c in codings] == [("meeting", f"rule:v1+model:{model.id}")]

    # Recoding the stage replaces the rules' rows by the model's: no stale "rule:v1" row is
    # left beside them, and the human decisions stay.
    services.code_contributions(stage)
    db.session.commit()
    sources = set(db.session.scalars(sa.select(Coding.source).where(Coding.stage_id == stage.id)))
    assert sources == {f"rule:v1+model:{model.id}", f"human:{s['facilitator'].id}"}

    # The estimate on the review page, in English and in Swedish (Babel number formats).
    page = client.get(_url(stage, "?lang=en")).get_data(as_text=True)
    rules, est = f"{row.rules_f1:.2f}", f"{row.model_f1:.2f}"
    assert f"Trained on 25 reviews; estimated F1 {est} vs {rules} for the rules." in page
    page_sv = client.get(_url(stage, "?lang=sv")).get_data(as_text=True)
    est_sv, rules_sv = est.replace(".", ","), rules.replace(".", ",")
    assert f"Tränad på 25 granskningar; uppskattad F1 {est_sv} mot {rules_sv} för reglerna." in (
        page_sv
    )
    # The "model" source filter finds the contribution the model coded.
    listed = client.get(_url(stage, "?source=model")).get_data(as_text=True)
    assert f'data-item="C{new.id}"' in listed


def test_no_model_where_it_does_not_beat_the_rules(
    app: Any, make_project: Any, make_comment: Any, make_user: Any
) -> None:
    """Reviews that only confirm the rules: a model is stored, but coding keeps ``rule:v1``."""
    project = make_project()
    stage = project.current_stage
    facilitator = make_user(role=Role.FACILITATOR, org=project.organization)
    comments = [make_comment(stage, OTHER.format(f"{PLACES[i % 20]} {i}")) for i in range(25)]
    services.recode_and_recompute(stage)
    for c in comments:
        review.set_valence(_item(c), "neutral", facilitator.id)
    db.session.commit()
    row = learning.retrain(project.id)
    assert row is not None and row.used is False
    assert learning.model_for(project) is None
    assert services.coder_for(project).source == "rule:v1"
    with app.test_request_context("/?lang=en"):
        text = learning.describe(learning.estimate(project))
    assert "Trained on 25 reviews" in text
    assert "It did not beat the rules, so the rules code alone." in text


def test_an_erasure_retrains_and_drops_a_model_without_enough_reviews(
    client: Any, login: Any, setup: dict[str, Any], make_user: Any
) -> None:
    s = setup
    _review_directly(s, s["kiosk"], s["other"])
    learning.retrain(s["project"].id)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CoderModel)) == 1
    # One resident asks to be erased: 24 reviews remain, too few for a model.
    from app.privacy.services import erase_participant

    participant = s["kiosk"][0].participant
    org = s["project"].organization
    org.erasure_mode = ErasureMode.REMOVE
    admin = make_user(role=Role.ADMIN, org=org)
    erase_participant(participant, org, actor=admin)
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CoderModel)) == 0


def test_a_project_with_100_reviews_gets_its_own_model(
    make_project: Any, make_comment: Any, make_user: Any
) -> None:
    project = make_project()
    stage = project.current_stage
    facilitator = make_user(role=Role.FACILITATOR, org=project.organization)
    themes = services.coder_for(project).codebook.theme_ids
    comments = [
        make_comment(stage, (KIOSK if i % 2 else OTHER).format(f"{PLACES[i % 20]} {i}"))
        for i in range(100)
    ]
    services.recode_and_recompute(stage)
    for i, c in enumerate(comments):
        if i % 2:
            services.decide(_item(c), "meeting", ReviewState.HUMAN, facilitator.id, themes)
        else:
            review.set_valence(_item(c), "neutral", facilitator.id)
    db.session.commit()
    row = learning.retrain(project.id)
    assert row is not None
    assert (row.scope, row.project_id, row.n_reviews) == ("project", project.id, 100)
    assert learning.stored_model(project) == row


def test_suggested_terms_come_from_added_themes_and_go_into_the_codebook(
    client: Any, login: Any, setup: dict[str, Any]
) -> None:
    s = setup
    stage, project = s["stage"], s["project"]
    _review_directly(s, s["kiosk"], s["other"])
    coder = services.coder_for(project)
    found = learning.suggestions(project, coder)
    kiosk = next(x for x in found if x.term == "glasskiosken")
    assert kiosk.theme == "meeting"
    assert kiosk.lang == "sv"
    assert kiosk.participants == 13
    assert kiosk.keys == sorted(f"C{c.id}" for c in s["kiosk"])
    # A word from fewer than 3 participants (each place is named once) is no candidate.
    places = {w.lower() for p in PLACES for w in p.split()}
    assert found and not any(x.term in places for x in found)

    login(s["facilitator"])
    page = client.get(_url(stage)).get_data(as_text=True)
    assert 'data-suggestion="meeting:glasskiosken"' in page
    resp = client.post(
        _url(stage, "/suggestions"),
        data={"theme": "meeting", "lang": "sv", "term": "glasskiosken"},
    )
    assert resp.status_code == 303
    theme = db.session.scalar(
        sa.select(Theme)
        .join(Codebook, Theme.codebook_id == Codebook.id)
        .where(Codebook.project_id == project.id, Theme.key == "meeting")
    )
    assert theme is not None
    assert theme.patterns == {"sv": {"strong": ["~glasskiosken"]}}
    event = db.session.scalar(
        sa.select(AuditEvent).where(AuditEvent.action == "codebook.term_added")
    )
    assert event is not None
    assert "meeting:sv:~glasskiosken" in json.dumps(event.data, ensure_ascii=False)
    # The rules now find the theme themselves, and the term is no longer suggested.
    coded = services.coder_for(project).code("Glasskiosken vid skolan borde öppna", "sv")
    assert "meeting" in {t.theme for t in coded.themes}
    page = client.get(_url(stage)).get_data(as_text=True)
    assert 'data-suggestion="meeting:glasskiosken"' not in page


def test_a_retraining_is_enqueued_each_25_reviews_not_on_every_one(
    client: Any, login: Any, setup: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    s = setup
    stage = s["stage"]
    queued: list[tuple[Any, ...]] = []
    monkeypatch.setattr(
        learning, "enqueue", lambda func, *args, **kw: queued.append((func, args, kw))
    )
    _review_directly(s, s["kiosk"][:12], s["other"][:11])  # 23 reviews
    login(s["facilitator"])

    def correct(comment: Any) -> None:
        resp = client.post(
            _url(stage, f"/C{comment.id}/valence"), data={"valence": "neutral", "next": ""}
        )
        assert resp.status_code == 303

    correct(s["other"][11])  # 24
    assert queued == []
    correct(s["kiosk"][12])  # 25
    assert queued == [("app.analysis_ui.learning.retrain", (s["project"].id,), {"coalesce": True})]
    correct(s["kiosk"][12])  # the same contribution again: still 25 reviews
    correct(s["kiosk"][0])  # already reviewed: still 25
    assert len(queued) == 1


def test_an_unreadable_stored_model_leaves_coding_to_the_rules(setup: dict[str, Any]) -> None:
    s = setup
    _review_directly(s, s["kiosk"], s["other"])
    row = learning.retrain(s["project"].id)
    assert row is not None and row.used
    row.json = "not json"
    row.model_id = "000000000000"  # a new model as far as the process cache knows
    db.session.commit()
    assert learning.model_for(s["project"]) is None
    assert services.coder_for(s["project"]).source == "rule:v1"


def test_the_train_coder_command(app: Any, setup: dict[str, Any]) -> None:
    s = setup
    runner = app.test_cli_runner()
    out = runner.invoke(args=["analysis", "train-coder", "--project", str(s["project"].id)])
    assert out.exit_code == 0
    assert "too few reviews for a model" in out.output
    _review_directly(s, s["kiosk"], s["other"])
    out = runner.invoke(args=["analysis", "train-coder", "--project", str(s["project"].id)])
    assert out.exit_code == 0, out.output
    row = db.session.scalar(sa.select(CoderModel))
    assert row is not None
    assert f"organization model {row.model_id}: 25 reviews" in out.output
    assert "(used)" in out.output


def test_the_organization_model_serves_its_projects_only(
    setup: dict[str, Any], make_project: Any
) -> None:
    s = setup
    _review_directly(s, s["kiosk"], s["other"])
    row = learning.retrain(s["project"].id)
    assert row is not None and row.scope == "organization"
    sibling = make_project(s["project"].organization)
    stranger = make_project()
    assert learning.stored_model(sibling) == row
    assert services.coder_for(sibling).source == f"rule:v1+model:{row.model_id}"
    assert learning.stored_model(stranger) is None
    assert services.coder_for(stranger).source == "rule:v1"
