"""Per-question results: every choice, Likert, scale, ranking and number question of a survey
(and its demographic questions) with counts and a chart, on the staff analysis page (with a
group filter and small-group suppression) and in the dialogue summary (HTML and PDF)."""

from __future__ import annotations

import re
import uuid
from types import SimpleNamespace
from typing import Any

import pytest

from app.extensions import db
from app.organizations.models import Role
from app.projects.models import ActivityKind
from app.surveys.models import (
    Answer,
    OptionKind,
    Question,
    QuestionOption,
    QuestionType,
    Response,
)

CHARTED = {
    QuestionType.SINGLE_CHOICE: "Hur tar du dig hit?",
    QuestionType.MULTI_CHOICE: "Vad saknas i parken?",
    QuestionType.LIKERT: "Jag känner mig trygg på torget",
    QuestionType.SCALE: "Hur nöjd är du med området?",
    QuestionType.RANKING: "Vad är viktigast?",
    QuestionType.NUMBER: "Hur många minuter går du hit?",
    QuestionType.AGE_BAND: "Din ålder",
    QuestionType.GENDER: "Ditt kön",
    QuestionType.DISTRICT: "Var bor du?",
    QuestionType.RELATION: "Din relation till området",
}
NOT_CHARTED = {
    QuestionType.SHORT_TEXT: "Ett ord om platsen",
    QuestionType.LONG_TEXT: "Berätta mer",
    QuestionType.MAP_POINT: "Markera en plats",
}

OPTIONS: dict[QuestionType, list[tuple[str, str | None]]] = {
    QuestionType.SINGLE_CHOICE: [("Till fots", None), ("Med buss", None), ("Med bil", None)],
    QuestionType.MULTI_CHOICE: [("Bänkar", None), ("Belysning", None), ("Träd", None)],
    QuestionType.RANKING: [("Trygghet", None), ("Grönska", None), ("Service", None)],
    QuestionType.AGE_BAND: [("20–29 år", "20-29"), ("30–64 år", "30-64")],
    QuestionType.GENDER: [("Kvinna", "woman"), ("Man", "man")],
    QuestionType.DISTRICT: [("Flemingsberg", "flemingsberg"), ("Visättra", "visattra")],
    QuestionType.RELATION: [("Bor här", "live"), ("Arbetar här", "work")],
}


@pytest.fixture()
def every_type(
    app: Any,
    make_org: Any,
    make_user: Any,
    make_project: Any,
    make_activity: Any,
    make_participant: Any,
) -> SimpleNamespace:
    """A survey with every question type answered by 14 participants: 12 women, 2 men."""
    org = make_org(slug="huddinge", name="Huddinge kommun")
    project = make_project(org, title={"sv": "Torget", "en": "The square"})
    stage = project.stages[2]
    planner = make_user("planner@huddinge.se", role=Role.PLANNER, org=org)
    survey = make_activity(stage, ActivityKind.SURVEY).survey
    questions: dict[QuestionType, Question] = {}
    options: dict[QuestionType, list[QuestionOption]] = {}
    for position, (qtype, prompt) in enumerate({**CHARTED, **NOT_CHARTED}.items()):
        settings: dict[str, Any] = {}
        if qtype == QuestionType.SCALE:
            settings = {"min_label": {"sv": "Missnöjd"}, "max_label": {"sv": "Mycket nöjd"}}
        if qtype == QuestionType.NUMBER:
            settings = {"unit": "min"}
        q = Question(
            survey=survey,
            type=qtype,
            position=position,
            prompt={"sv": prompt, "en": prompt},
            settings=settings,
        )
        db.session.add(q)
        questions[qtype] = q
        options[qtype] = []
        for i, (label, code) in enumerate(OPTIONS.get(qtype, [])):
            o = QuestionOption(
                question=q,
                kind=OptionKind.OPTION,
                position=i,
                label={"sv": label, "en": label},
                code=code,
            )
            db.session.add(o)
            options[qtype].append(o)
    db.session.flush()
    for i in range(14):
        p = make_participant()
        r = Response(survey_id=survey.id, participant_id=p.id, client_id=str(uuid.uuid4()))
        db.session.add(r)
        db.session.flush()
        ranking = options[QuestionType.RANKING]
        values: dict[QuestionType, Any] = {
            # 9 on foot, 5 by bus: both shown
            QuestionType.SINGLE_CHOICE: options[QuestionType.SINGLE_CHOICE][1 if i < 5 else 0].id,
            QuestionType.MULTI_CHOICE: {
                "options": [options[QuestionType.MULTI_CHOICE][0].id]
                + ([options[QuestionType.MULTI_CHOICE][1].id] if i % 2 else []),
                "other": None,
            },
            QuestionType.LIKERT: [2, 2, 2, 2, 2, 4, 4, 4, 4, 4, 4, 4, 4, 4][i],
            QuestionType.SCALE: [7, 8, 9, 10, 7, 7, 8, 8, 6, 9, 10, 7, 8, 8][i],
            QuestionType.RANKING: [o.id for o in (ranking if i % 4 else ranking[::-1])],
            QuestionType.NUMBER: [5, 10, 12, 15, 20, 25, 30, 8, 9, 11, 14, 16, 18, 45][i],
            QuestionType.AGE_BAND: options[QuestionType.AGE_BAND][i % 2].id,
            QuestionType.GENDER: options[QuestionType.GENDER][0 if i < 12 else 1].id,
            QuestionType.DISTRICT: options[QuestionType.DISTRICT][0 if i < 8 else 1].id,
            QuestionType.RELATION: options[QuestionType.RELATION][i % 2].id,
            QuestionType.SHORT_TEXT: "Fint",
        }
        for qtype, value in values.items():
            db.session.add(
                Answer(
                    response_id=r.id,
                    question_id=questions[qtype].id,
                    value=value,
                    text=value if isinstance(value, str) else None,
                )
            )
    db.session.commit()
    return SimpleNamespace(
        org=org,
        project=project,
        stage=stage,
        survey=survey,
        planner=planner,
        questions=questions,
        options=options,
    )


def _section(html: str, start: str) -> str:
    at = html.index(start)
    end = html.find("</section>", at)
    return html[at:end]


def _blocks(section: str) -> dict[str, str]:
    """Each question's block of the results section, by its heading."""
    parts = re.split(r"<h3[^>]*>", section)[1:]
    return {p.split("</h3>")[0].strip(): p for p in parts}


def _summary_html(scope_type: str, scope_id: int, lang: str = "sv") -> str:
    from app.exports.queries import resolve_scope
    from app.exports.services import Access, build_export

    result = build_export(
        "summary", "html", resolve_scope(scope_type, scope_id), Access.system(), lang=lang
    )
    return result.data.decode("utf-8")


def test_every_charted_question_has_results_in_the_summary(every_type: Any) -> None:
    html = _summary_html("stage", every_type.stage.id)
    blocks = _blocks(_section(html, '<section id="questions">'))
    assert set(blocks) == set(CHARTED.values())  # text and map questions have no chart
    for prompt, block in blocks.items():
        assert "<svg" in block and "<table" in block, prompt
        assert "14 deltagare svarade" in block, prompt
    single = blocks[CHARTED[QuestionType.SINGLE_CHOICE]]
    assert re.search(r"Till fots</th><td class=\"num\">9</td><td class=\"num\">64\xa0%", single)
    # Labels, never codes: the gender question shows "Kvinna", not "woman".
    gender = blocks[CHARTED[QuestionType.GENDER]]
    assert "Kvinna" in gender and "woman" not in gender
    # 2 men: "<5", and the women's 12 hidden too ("x") so 14 − 12 does not reveal them.
    assert ">&lt;5</td>" in gender and ">x</td>" in gender and ">12<" not in gender
    # Swedish decimal comma in the mean of the scale and in the ranking's mean positions.
    scale = blocks[CHARTED[QuestionType.SCALE]]
    assert "Medelvärde: 8,0" in scale and "10 – Mycket nöjd" in scale
    ranking = blocks[CHARTED[QuestionType.RANKING]]
    # 10 put Trygghet first, 4 Service ("<5"), so the 10 is hidden as well ("x").
    assert re.search(r"Trygghet</th><td class=\"num\">x</td><td class=\"num\">1,6<", ranking)
    likert = blocks[CHARTED[QuestionType.LIKERT]]
    assert "Instämmer helt" in likert or "Strongly agree" in likert
    number = blocks[CHARTED[QuestionType.NUMBER]]
    assert " min</th>" in number and "Median: 14,5" in number


def test_summary_pdf_holds_the_question_results(every_type: Any) -> None:
    from app.exports.queries import resolve_scope
    from app.exports.services import Access, build_export

    pdftotext = __import__("shutil").which("pdftotext")
    if pdftotext is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    result = build_export(
        "summary", "pdf", resolve_scope("stage", every_type.stage.id), Access.system(), lang="sv"
    )
    import subprocess

    text = subprocess.run(
        [pdftotext, "-layout", "-", "-"], input=result.data, capture_output=True, check=True
    ).stdout.decode("utf-8")
    for prompt in CHARTED.values():
        assert prompt in text, prompt


def test_staff_page_shows_results_and_filters_by_group(
    every_type: Any, client: Any, login: Any
) -> None:
    login(every_type.planner)
    url = f"/manage/analysis/stages/{every_type.stage.id}"
    page = client.get(url).get_data(as_text=True)
    blocks = _blocks(_section(page, 'id="questions-heading"'))
    assert set(CHARTED.values()) <= set(blocks)
    assert 'value="gender:woman"' in page and "Kvinna (12)" in page and "Man (&lt;5)" in page

    women = client.get(url, query_string={"group": "gender:woman"}).get_data(as_text=True)
    section = _section(women, 'id="questions-heading"')
    assert "Kön: Kvinna" in section and "12 deltagare svarade" in section

    men = client.get(url, query_string={"group": "gender:man"}).get_data(as_text=True)
    section = _section(men, 'id="questions-heading"')
    assert "färre än 5 deltagare" in section
    assert "<svg" not in section and "<table" not in section


def test_filtered_counts_cannot_be_subtracted_from_the_totals(every_type: Any, app: Any) -> None:
    """District: 8 in Flemingsberg, 6 in Visättra; women 12 (6 + 6 by district…): the cross
    table hides a second cell wherever one small cell could be recovered."""
    from app.analysis_ui.question_results import question_results

    with app.test_request_context():
        everyone = question_results([every_type.survey], lang="sv", limit=5)
        women = question_results([every_type.survey], lang="sv", group="gender:woman", limit=5)
    prompt = CHARTED[QuestionType.DISTRICT]
    total = {
        r.label: r.count for r in next(q for q in everyone.questions if q.prompt == prompt).rows
    }
    assert total == {"Flemingsberg": "8", "Visättra": "6"}
    shown = {r.label: r.count for r in next(q for q in women.questions if q.prompt == prompt).rows}
    # Women: 8 in Flemingsberg, 4 in Visättra: "<5"; the men's row (0 + 2) would let
    # 6 − 4 be read off, so the women's 8 is hidden too.
    assert shown == {"Flemingsberg": "x", "Visättra": "<5"}


def test_demo_survey_results_are_in_the_demo_summary(app: Any, runner: Any) -> None:
    from app.analysis_ui.question_results import surveys_of
    from app.surveys.questions import kind_for

    result = runner.invoke(args=["demo", "seed"])
    assert result.exit_code == 0, result.output
    from app.projects.models import Stage

    stages = [s for s in db.session.scalars(db.select(Stage)) if surveys_of(s)]
    assert stages
    for stage in stages:
        html = _summary_html("stage", stage.id)
        blocks = _blocks(_section(html, '<section id="questions">'))
        expected = {
            q.prompt["sv"]
            for survey in surveys_of(stage)
            for q in survey.active_questions
            if kind_for(q).chart is not None
        }
        assert expected and set(blocks) == expected
        for block in blocks.values():
            assert "<svg" in block or "färre än" in block


def test_summary_html_holds_an_offline_folium_map_and_the_pdf_does_not(dataset: Any) -> None:
    import html as html_lib

    from analysis.map import external_references
    from app.exports.queries import resolve_scope
    from app.exports.services import Access, build_export

    page = _summary_html("stage", dataset.stage.id)
    section = _section(page, '<section id="interactive-map">')
    frame = re.search(r'<iframe class="folium-map"[^>]*srcdoc="([^"]*)"', section)
    assert frame, section[:500]
    inner = html_lib.unescape(frame.group(1))
    assert "L.map(" in inner and "L.control.layers(" in inner
    assert "Trygghet och s\\u00e4kerhet" in inner or "Trygghet och säkerhet" in inner
    # Nothing fetched: every script and stylesheet is inline, in the page and in the map.
    assert external_references(page) == [] and external_references(inner) == []
    assert not re.search(r"<script[^>]*src=", inner)
    # A published document: the map names categories and themes but quotes no text.
    assert "Känns otryggt vid tunneln" not in inner and "Känns otryggt" in inner
    assert "rutor om 250 m, andel falska upptäckter 5 %" in section
    pdf_html = build_export(
        "summary", "pdf", resolve_scope("stage", dataset.stage.id), Access.system(), lang="sv"
    )
    assert pdf_html.data[:4] == b"%PDF"


def test_summary_has_no_folium_map_below_the_threshold(every_type: Any) -> None:
    html = _summary_html("stage", every_type.stage.id)
    assert 'id="interactive-map"' not in html
