"""One dialogue, one set of numbers (issue 14).

A stage with survey answers (free text, map markings with comments, demographics) and comments
is read from the analysis page, the indicators API, the dialogue summary (HTML and PDF) and the
report draft (DOCX). Participants, per 1,000 inhabitants, theme counts, shares and intervals,
gender and age shares and the dissimilarity index must be the same everywhere; every
contribution stands exactly once in the report; no stored code leaks into a document.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from typing import Any

import lxml.html
import pytest
from docx import Document
from flask_babel import force_locale

from analysis.codebook import load_codebook
from app.analysis_ui import evidence, services
from app.comments.models import CommentStatus, Flag, FlagReason
from app.exports.queries import resolve_scope
from app.exports.services import Access, build_export
from app.extensions import db
from app.organizations.models import Role
from app.surveys.models import Answer, AnswerFeature
from tests.integration.analysis_ui.conftest import (  # noqa: F401 - fixtures
    make_comment,
    make_population,
    make_response,
    make_survey,
    point,
)

INHABITANTS = 111_300
#: (text answer, [(lon, lat, category, comment)], age band, gender, district)
RESPONDENTS = [
    (
        "Gångtunneln under vägen känns otrygg på kvällen, belysningen är alldeles för svag.",
        [(17.950, 59.220, "unsafe", "Mörk och otrygg tunnel, här vill jag inte gå ensam.")],
        "18-29",
        "woman",
        "Alby",
    ),
    (
        "Parken behöver fler träd och mer grönska, det är för lite natur kvar i området.",
        [(17.951, 59.221, "like", "Fin park med stora träd där barnen leker på eftermiddagen.")],
        "30-44",
        "man",
        "Alby",
    ),
    (
        "Bussen går för sällan på kvällarna och cykelbanan mot centrum saknar belysning.",
        [
            (17.952, 59.219, "unsafe", "Farlig korsning för cyklister, bilarna kör för fort."),
            (17.953, 59.222, "like", None),
        ],
        "45-64",
        "woman",
        "Fittja",
    ),
    (
        "Torget kunde bli en riktig mötesplats med bänkar, kafé och fler aktiviteter för unga.",
        [(17.954, 59.218, "like", "Torget är en bra mötesplats när det är marknad på lördagar.")],
        "18-29",
        "woman",
        "Fittja",
    ),
    (
        "Det behövs fler lekplatser för barn och en säker skolväg längs den stora gatan.",
        [],
        "65-79",
        "man",
        "Alby",
    ),
    (
        "Trygghet vid hållplatsen är viktigast, det är mörkt och skräpigt där på kvällen.",
        [(17.955, 59.221, "unsafe", "Hållplatsen är mörk och otrygg efter klockan sex.")],
        "30-44",
        "woman",
        "Alby",
    ),
    (
        "Mer natur och grönska längs ån, gärna en promenadstig med bänkar att vila på.",
        [(17.949, 59.220, "like", "Stigen längs ån är fin men behöver underhåll och soptunnor.")],
        "45-64",
        "man",
        "Fittja",
    ),
]
RESPONDENTS += [
    (text, [], "30-44", gender, "Fittja")
    for text, gender in (
        ("Skolvägen behöver ett övergångsställe med ljus, barnen springer över gatan.", "man"),
        ("Biblioteket borde ha öppet på kvällarna så att unga har någonstans att vara.", "man"),
        ("Det saknas en matbutik i närheten, man måste ta bilen för att handla mat.", "man"),
        ("Utegymmet vid sjön är fint men skulle behöva fler redskap och bättre underlag.", "woman"),
    )
]
COMMENTS = [
    "Cykelbanan mot stationen behöver breddas, det är trångt och farligt vid rusningstid.",
    "Lekplatsen vid skolan är sliten och behöver rustas upp för de yngre barnen snart.",
    "Fler bänkar och skugga på torget skulle göra det trevligare att mötas där på sommaren.",
]
FLAGGED = "Belysningen i gångtunneln är dålig och det känns otryggt att gå där på kvällen."
PENDING = "Otryggt och mörkt vid tunneln, ingen vågar gå där ensam på natten längre alls."
API_COMMENT = "Här svänger bilarna fort in mot skolan, en farthinder skulle göra stor skillnad."
#: Stored codes that must never be shown ("neutral" is left out: it is also the Swedish word).
CODES = {
    "woman",
    "no_answer",
    "live",
    "work",
    "study",
    "visit",
    "positive",
    "negative",
    "mixed",
    "web",
    "offline",
    "kiosk",
    "paper",
    "map_point",
    "map_line",
    "map_polygon",
    "single_choice",
    "multi_choice",
    "likert",
    "ranking",
    "short_text",
    "long_text",
    "age_band",
    "unsafe",
}


@pytest.fixture()
def stage_with_everything(
    app: Any,
    make_project: Any,
    make_survey: Any,  # noqa: F811
    make_response: Any,  # noqa: F811
    make_comment: Any,  # noqa: F811
    make_population: Any,  # noqa: F811
    make_user: Any,
    make_participant: Any,
) -> Any:
    project = make_project()
    stage = project.current_stage
    rows = []
    for district in ("Alby", "Fittja"):
        for age in ("0-17", "18-29", "30-44", "45-64", "65-79", "80+"):
            for gender in ("woman", "man"):
                rows.append((district, age, gender, 4600))
    rows[-1] = ("Fittja", "80+", "man", INHABITANTS - 4600 * (len(rows) - 1))
    make_population(project.organization, rows)
    setup = make_survey(stage)
    # The demographic questions worded as a real survey words them (the per-question results
    # print the survey's own wording; the shared fixture uses the codes as labels).
    with force_locale("sv"):
        for qtype, question in setup.demographic.items():
            question.prompt = {"sv": evidence.dimension_label(qtype)}
            for option in question.options:
                option.label = {"sv": evidence.group_label(option.code, qtype)}
    for text, pins, age, gender, district in RESPONDENTS:
        make_response(
            setup,
            text=text,
            pins=[(point(lon, lat), category, comment) for lon, lat, category, comment in pins],
            demographics={"age_band": age, "gender": gender, "district": district},
        )
    for body in COMMENTS:
        make_comment(stage, body, geometry=point(17.951, 59.219))
    flagged = make_comment(stage, FLAGGED)
    db.session.add(Flag(comment_id=flagged.id, reason=FlagReason.OFFENSIVE))
    make_comment(stage, PENDING, status=CommentStatus.PENDING)
    db.session.commit()
    facilitator = make_user(role=Role.FACILITATOR, org=project.organization)
    return {"project": project, "stage": stage, "setup": setup, "facilitator": facilitator}


def _post_marking(web: Any, setup: Any) -> None:
    """A resident posts a new map marking with a comment through the survey API."""
    body = {
        "client_id": "evidence-api-marking",
        "language": "sv",
        "answers": [
            {
                "question_id": setup.map.id,
                "features": [
                    {
                        "type": "Feature",
                        "geometry": point(17.952, 59.221),
                        "properties": {
                            "category": setup.categories["unsafe"].id,
                            "comment": API_COMMENT,
                        },
                    }
                ],
            }
        ],
    }
    response = web.post(f"/api/v1/surveys/{setup.survey.id}/responses", json=body)
    assert response.status_code == 201, response.get_json()


def _text(node: Any) -> str:
    """The node's text with runs of ordinary white space as one space (no-break spaces, as
    Babel writes them in "1 000" and "15 %", are kept)."""
    return re.sub(r"[ \t\r\n]+", " ", node.text_content()).strip()


# --- Reading each source into the same shape ----------------------------------------------


def _from_page(html: str) -> dict[str, Any]:
    tree = lxml.html.fromstring(html)
    figures = {
        _text(d.find("dt")): _text(d.find("dd"))
        for d in tree.xpath("//dl[contains(@class,'key-figures')]/div")
    }
    themes = {}
    for tr in tree.xpath("//table[contains(@class,'themes-table')]/tbody/tr"):
        cells = [_text(td) for td in tr.xpath("td")]
        themes[_text(tr.find("th"))] = (cells[0], cells[1], cells[2])
    groups: dict[str, dict[str, str]] = {}
    dissimilarity: dict[str, str] = {}
    for dim in ("age_band", "gender"):
        heading = tree.xpath(f"//h3[@id='dim-{dim}']")[0]
        table = heading.xpath("following::table[1]")[0]
        groups[dim] = {
            _text(tr.find("th")): _text(tr.xpath("td")[1]) for tr in table.xpath("tbody/tr")
        }
        note = heading.xpath("following::p[starts-with(normalize-space(.),'Olikhetsindex')][1]")
        dissimilarity[dim] = re.search(r"Olikhetsindex: ([\d,]+)", _text(note[0])).group(1)
    return {
        "participants": figures["Deltagare"],
        "per_1000": figures["Deltagare per 1 000 invånare"],
        "themes": themes,
        "groups": groups,
        "dissimilarity": dissimilarity,
    }


def _from_api(doc: dict[str, Any]) -> dict[str, Any]:
    labels = evidence.theme_labels("sv", doc["labels"])
    rep = doc["representation"]
    dims = {d["dimension"]: d for d in rep["dimensions"]}
    return {
        "participants": evidence.number(doc["totals"]["participants"]),
        "per_1000": evidence.number(rep["per_1000"], 1),
        "themes": {
            labels[t["theme"]]: (
                evidence.number(t["count"]),
                evidence.percent(t["share"]),
                evidence.interval(t["low"], t["high"]),
            )
            for t in doc["themes"]
        },
        "groups": {
            dim: {
                evidence.group_label(g["group"], dim): evidence.percent(g["participant_share"])
                for g in dims[dim]["groups"]
            }
            for dim in ("age_band", "gender")
        },
        "dissimilarity": {
            dim: evidence.number(dims[dim]["dissimilarity"], 2) for dim in ("age_band", "gender")
        },
    }


def _from_summary(html: str) -> dict[str, Any]:
    tree = lxml.html.fromstring(html)
    figures = {
        _text(li).replace(_text(li.find("strong")), "", 1).strip(): _text(li.find("strong"))
        for li in tree.xpath("//section[@id='participation']//ul[@class='figures']/li")
    }
    themes = {}
    for tr in tree.xpath("//section[@id='themes']//table/tbody/tr"):
        cells = tr.xpath("td")
        if len(cells) > 3:
            share = _text(cells[2].xpath("span[@class='share']")[0])
            ci = _text(cells[2].xpath("span[contains(@class,'ci')]")[0]).strip("()")
            themes[_text(tr.find("th"))] = (_text(cells[0]), share, ci)
    groups: dict[str, dict[str, str]] = {}
    dissimilarity: dict[str, str] = {}
    for dim, label in (("age_band", "Ålder"), ("gender", "Kön")):
        table = tree.xpath(
            f"//section[@id='who']//table[starts-with(normalize-space(caption), '{label}')]"
        )[0]
        groups[dim] = {
            _text(tr.find("th")): _text(tr.xpath("td")[1]) for tr in table.xpath("tbody/tr")
        }
        dissimilarity[dim] = re.search(r"D = ([\d,]+)", _text(table.find("caption"))).group(1)
    return {
        "participants": figures["deltagare"],
        "per_1000": figures["deltagare per 1 000 invånare"],
        "themes": themes,
        "groups": groups,
        "dissimilarity": dissimilarity,
    }


def _from_report(docx: bytes) -> dict[str, Any]:
    document = Document(io.BytesIO(docx))
    facts = {row.cells[0].text: row.cells[1].text for row in document.tables[0].rows[1:]}
    themes = {}
    for row in document.tables[1].rows[1:]:
        share, interval = re.fullmatch(r"(.+?) \((.+)\)", row.cells[2].text).groups()
        themes[row.cells[0].text] = (row.cells[1].text, share, interval)
    groups: dict[str, dict[str, str]] = {}
    dissimilarity: dict[str, str] = {}
    for dim, label in (("age_band", "ålder"), ("gender", "kön")):
        value = facts[f"Deltagare efter {label}"]
        dissimilarity[dim] = re.search(r"D = ([\d,]+)", value).group(1)
        shares = value.split(" (olikhetsindex")[0]
        groups[dim] = {}
        for part in shares.split(", ") if shares != "–" else []:
            name, share = re.fullmatch(r"(.+) (\S+\u00a0%)", part).groups()
            groups[dim][name] = share
    return {
        "participants": facts["Deltagare"],
        "per_1000": facts["Deltagare per 1 000 invånare"],
        "themes": themes,
        "groups": groups,
        "dissimilarity": dissimilarity,
    }


def _visible(groups: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
    return {dim: {g: s for g, s in rows.items() if s != "–"} for dim, rows in groups.items()}


def test_every_consumer_shows_the_same_numbers(
    app: Any, client: Any, login: Any, stage_with_everything: Any, make_app: Any
) -> None:
    stage = stage_with_everything["stage"]
    _post_marking(make_app().test_client(), stage_with_everything["setup"])
    services.recode_and_recompute(stage)
    db.session.commit()
    login(stage_with_everything["facilitator"])

    page = _from_page(
        client.get(f"/manage/analysis/stages/{stage.id}?lang=sv").get_data(as_text=True)
    )
    api = client.get(f"/api/v1/stages/{stage.id}/indicators").get_json()["indicators"]
    scope = resolve_scope("stage", stage.id)
    summary_html = build_export("summary", "html", scope, Access.system(), lang="sv")
    report = build_export("report", "docx", scope, Access.system(), lang="sv").data
    with force_locale("sv"):
        from_api = _from_api(api)
    summary = _from_summary(summary_html.data.decode("utf-8"))
    docx = _from_report(report)

    # 11 respondents, 3 commenters, the flagged commenter and the API respondent: 16 people
    # (the pending comment is not published, so it is not counted).
    assert api["totals"]["participants"] == 16
    assert page["participants"] == from_api["participants"] == "16"
    assert summary["participants"] == docx["participants"] == "16"
    # Per 1,000 from distinct participants: 16 / 111 300 → 0,1.
    assert from_api["per_1000"] == f"{1000 * 16 / INHABITANTS:.1f}".replace(".", ",")
    assert page["per_1000"] == summary["per_1000"] == docx["per_1000"] == from_api["per_1000"]

    # Themes: counts, shares and intervals over the same denominator everywhere.
    assert summary["themes"], "the summary shows no theme"
    for label, figures in summary["themes"].items():
        assert page["themes"][label] == figures == from_api["themes"][label], label
    for label, figures in docx["themes"].items():
        assert page["themes"][label] == figures == from_api["themes"][label], label
    assert set(docx["themes"]) == {
        label for label, (count, _s, _i) in from_api["themes"].items() if count != "0"
    }

    # Gender and age shares and the dissimilarity index.
    for dim in ("age_band", "gender"):
        assert page["groups"][dim] == summary["groups"][dim] == from_api["groups"][dim], dim
        assert _visible({dim: docx["groups"][dim]}) == _visible({dim: page["groups"][dim]})
        assert (
            page["dissimilarity"][dim]
            == summary["dissimilarity"][dim]
            == docx["dissimilarity"][dim]
            == from_api["dissimilarity"][dim]
        )
    # Groups of five or more show their share: women 5 of 11, men 6 of 11.
    assert page["groups"]["gender"]["Kvinnor"] == "45\u00a0%"
    assert docx["groups"]["gender"]["Män"] == "55\u00a0%"
    assert page["groups"]["age_band"]["30–44 år"] == "55\u00a0%"


def _report_text(docx: bytes) -> str:
    document = Document(io.BytesIO(docx))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    return "\n".join(parts)


def test_every_contribution_stands_once_in_the_report(
    app: Any, stage_with_everything: Any, make_app: Any
) -> None:
    stage = stage_with_everything["stage"]
    _post_marking(make_app().test_client(), stage_with_everything["setup"])
    # The API's map answer holds no copy of the marking's comment.
    marking = db.session.scalar(
        db.select(AnswerFeature).where(AnswerFeature.comment == API_COMMENT)
    )
    assert db.session.get(Answer, marking.answer_id).text is None
    services.recode_and_recompute(stage)
    db.session.commit()
    scope = resolve_scope("stage", stage.id)
    text = _report_text(build_export("report", "docx", scope, Access.system(), lang="sv").data)
    contributions = [r[0] for r in RESPONDENTS] + [
        c for r in RESPONDENTS for (_lo, _la, _c, c) in r[1] if c
    ]
    contributions += [*COMMENTS, FLAGGED, API_COMMENT]
    for body in contributions:
        assert text.count(body) == 1, body
    assert PENDING not in text


def _words(text: str) -> set[str]:
    return set(re.findall(r"[A-Za-z_]+", text))


def test_documents_show_labels_never_codes(
    app: Any, stage_with_everything: Any, tmp_path: Any
) -> None:
    stage = stage_with_everything["stage"]
    services.recode_and_recompute(stage)
    db.session.commit()
    scope = resolve_scope("stage", stage.id)
    theme_ids = set(load_codebook().theme_ids)
    html = build_export("summary", "html", scope, Access.system(), lang="sv").data.decode()
    tree = lxml.html.fromstring(html)
    for bad in ("style", "script"):
        for node in tree.xpath(f"//{bad}"):
            node.getparent().remove(node)
    visible = tree.text_content()
    report = _report_text(build_export("report", "docx", scope, Access.system(), lang="sv").data)
    texts = {"summary HTML": visible, "report DOCX": report}
    pdf = build_export("summary", "pdf", scope, Access.system(), lang="sv").data
    if shutil.which("pdftotext"):
        path = tmp_path / "summary.pdf"
        path.write_bytes(pdf)
        texts["summary PDF"] = subprocess.run(  # noqa: S603
            ["pdftotext", "-enc", "UTF-8", str(path), "-"],  # noqa: S607
            capture_output=True,
            check=True,
            text=True,
        ).stdout
    for name, text in texts.items():
        leaked = _words(text) & (CODES | theme_ids)
        assert not leaked, f"{name} shows codes {leaked}"
        assert "Kvinnor" in text or name == "report DOCX", name
    # Numbers in Swedish: a decimal comma, never a decimal point.
    assert re.search(r"\d\.\d", visible) is None
    # The glossary defines the words the figures use.
    assert "Vad siffrorna räknar" in visible and "Bidrag" in visible


def test_partner_summary_quotes_only_published_unflagged_comments_once(
    app: Any, stage_with_everything: Any
) -> None:
    stage = stage_with_everything["stage"]
    services.recode_and_recompute(stage)
    db.session.commit()
    scope = resolve_scope("stage", stage.id)
    partner = Access(personal=False, hidden=False)
    html = build_export("summary", "html", scope, partner, lang="sv").data.decode()
    quoted = re.findall(r"<footer>Bidrag (\w+)</footer>", html)
    assert quoted and all(q.startswith("C") for q in quoted)
    assert len(quoted) == len(set(quoted))
    assert FLAGGED not in html and PENDING not in html
    for text, *_rest in RESPONDENTS:
        assert text not in html  # survey free text never reaches partners
    staff = build_export("summary", "html", scope, Access.system(), lang="sv").data.decode()
    staff_quoted = re.findall(r"<footer>Bidrag (\w+)</footer>", staff)
    assert len(staff_quoted) == len(set(staff_quoted))
    texts = re.findall(r"<blockquote><p>(.*?)</p>", staff)
    assert len(texts) == len(set(texts))
    assert FLAGGED not in staff


def test_below_five_participants_no_claims_places_or_hotspots(
    app: Any,
    make_project: Any,
    make_comment: Any,  # noqa: F811
    make_population: Any,  # noqa: F811
) -> None:
    project = make_project()
    stage = project.current_stage
    make_population(project.organization, [("Alby", "18-29", "woman", 500)])
    for i in range(3):
        make_comment(stage, COMMENTS[i], geometry=point(17.95 + i * 1e-4, 59.22))
    doc = services.recompute(stage).data
    assert doc["hotspots"]["themes"] == {} and doc["hotspots"]["suppressed"]
    assert all(not d["under_represented"] for d in doc["representation"]["dimensions"])
    scope = resolve_scope("stage", stage.id)
    html = build_export("summary", "html", scope, Access.system(), lang="sv").data.decode()
    assert 'id="maps"' not in html  # no map of exact places


def test_partners_never_get_survey_free_text_as_quotes(
    app: Any,
    client: Any,
    login: Any,
    stage_with_everything: Any,
    make_user: Any,
    make_org: Any,
    make_app: Any,
) -> None:
    from app.projects.models import ProjectPartner

    project, stage = stage_with_everything["project"], stage_with_everything["stage"]
    services.recode_and_recompute(stage)
    partner = make_user(role="planner", org=make_org())
    db.session.add(ProjectPartner(project=project, user_id=partner.id))
    db.session.commit()

    login(stage_with_everything["facilitator"])
    staff_quotes = client.get(f"/api/v1/stages/{stage.id}/indicators").get_json()["indicators"][
        "quotes"
    ]
    staff_ids = [q["id"] for qs in staff_quotes.values() for q in qs]
    assert any(i[0] in "AF" for i in staff_ids), "staff see survey free text"
    assert len(staff_ids) == len(set(staff_ids))  # each text under one theme only
    other = make_app().test_client()
    login(partner, test_client=other)
    body = other.get(f"/api/v1/stages/{stage.id}/indicators").get_json()["indicators"]
    partner_ids = [q["id"] for qs in body["quotes"].values() for q in qs]
    assert partner_ids and all(i.startswith("C") for i in partner_ids)
    page = other.get(f"/manage/analysis/stages/{stage.id}?lang=sv").get_data(as_text=True)
    assert "Nyckeltal" in page
    for text, *_rest in RESPONDENTS:
        assert text not in page
    assert FLAGGED not in page


def test_a_reviewers_valence_correction_reaches_every_figure(
    app: Any, stage_with_everything: Any
) -> None:
    from app.analysis_ui import dataset, review
    from app.analysis_ui.indicators import compute_scope

    stage = stage_with_everything["stage"]
    services.recode_and_recompute(stage)
    db.session.commit()
    scope = resolve_scope("stage", stage.id)
    data = dataset.scope_data(scope)
    before = dataset.coded(data, scope.project)
    item = next(it for it in data.items if before[it.key].valence == "negative")
    theme = before[item.key].themes[0]

    def counts() -> dict[str, int]:
        doc = compute_scope(scope)
        return next(t["valence"] for t in doc["themes"] if t["theme"] == theme)

    old = counts()
    review.set_valence(item, "positive", stage_with_everything["facilitator"].id)
    db.session.commit()
    # What the report and the summary read (the dataset's final codings) and the theme's
    # valence counts of the indicator document both carry the reviewer's valence.
    assert dataset.coded(dataset.scope_data(scope), scope.project)[item.key].valence == "positive"
    new = counts()
    assert new.get("positive", 0) == old.get("positive", 0) + 1
    assert new.get("negative", 0) == old.get("negative", 0) - 1
