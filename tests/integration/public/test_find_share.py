"""What residents notice of issue 17 (items 5, 6, 8) and 19 (item 4): the cover and the
municipality's colour and logo, safe Markdown, stage documents, pages that are never half in
one language, catalogue search, "open until" on the cards, and link previews from BASE_URL."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from app.core.models import utcnow
from app.extensions import db
from app.projects.models import Document, DocumentKind, Feedback


def _cover(project: Any, app: Any, alt: dict[str, str] | None = None) -> None:
    from PIL import Image

    from app.projects.services import set_cover_image

    out = io.BytesIO()
    Image.new("RGB", (1600, 900), (40, 120, 60)).save(out, "JPEG")
    with app.test_request_context():
        set_cover_image(
            project, out.getvalue(), actor=None, alt=alt or {"sv": "Parken", "en": "The park"}
        )
    db.session.commit()


def test_search_by_words_combined_with_filters(client, make_project, make_org):
    huddinge = make_org(slug="huddinge", name="Huddinge kommun")
    botkyrka = make_org(slug="botkyrka", name="Botkyrka kommun")
    make_project(
        huddinge, title={"sv": "Östra parken", "en": "East park"}, summary={"sv": "En ny lekplats"}
    )
    make_project(
        botkyrka, title={"sv": "Parkvägen", "en": "Park road"}, summary={"sv": "Cykelbana"}
    )
    make_project(
        huddinge, title={"sv": "Stationen", "en": "The station"}, summary={"sv": "Bostäder"}
    )

    def titles(url: str) -> list[str]:
        html = client.get(url).get_data(as_text=True)
        return re.findall(r'<h3><a href="[^"]+">([^<]+)</a></h3>', html)

    assert sorted(titles("/?q=park")) == ["Parkvägen", "Östra parken"]
    assert titles("/?q=park&municipality=botkyrka") == ["Parkvägen"]
    assert titles("/?q=ostra") == ["Östra parken"]  # without the accent
    assert titles("/?q=east+park") == ["Östra parken"]  # the English title, every word
    assert titles("/?q=lekplats") == ["Östra parken"]  # the summary
    assert sorted(titles("/?q=huddinge")) == ["Stationen", "Östra parken"]  # the place
    html = client.get("/?q=simhall").get_data(as_text=True)
    assert "Inga projekt matchar ”simhall” med de här filtren." in html
    assert 'value="simhall"' in html  # the search box keeps the words


@pytest.mark.parametrize(
    ("now", "sv", "en"),
    [
        (
            datetime(2099, 12, 6, 10, 0, tzinfo=UTC),
            "Öppen till 24 december · 18 dagar kvar",
            "Open until 24 December · 18 days left",
        ),
        (
            datetime(2099, 12, 23, 22, 30, tzinfo=UTC),
            "Öppen till 24 december · 1 dag kvar",
            "Open until 24 December · 1 day left",
        ),
        (
            datetime(2099, 12, 24, 8, 0, tzinfo=UTC),
            "Öppen till 24 december · stänger i dag",
            "Open until 24 December · closes today",
        ),
    ],
)
def test_cards_say_what_is_open_and_for_how_long(client, app, make_project, now, sv, en):
    project = make_project()
    stage = project.current_stage
    # 23:00 on 24 December in Stockholm; the clock is injected, the stage is open today.
    stage.opens_at = utcnow() - timedelta(days=1)
    stage.closes_at = datetime(2099, 12, 24, 22, 0, tzinfo=UTC)
    db.session.commit()
    app.config["CLOCK"] = lambda: now
    assert sv in client.get("/").get_data(as_text=True)
    assert en in client.get("/?lang=en").get_data(as_text=True)


def test_a_closed_stage_says_nothing_about_being_open(client, make_project):
    make_project(open_stage=False)
    assert "Öppen till" not in client.get("/").get_data(as_text=True)


def test_cover_with_alt_text_on_the_card_and_the_page_as_a_small_lazy_image(
    client, app, make_project
):
    project = make_project()
    _cover(project, app)
    path = f"/p/{project.organization.slug}/{project.slug}"
    card = client.get("/").get_data(as_text=True)
    assert f'src="{path}/cover-card.jpg"' in card
    assert re.search(r'<img class="card-cover" src="[^"]+"\s+alt="Parken"[^>]*loading="lazy"', card)
    page = client.get(path + "?lang=en").get_data(as_text=True)
    assert re.search(r'class="project-cover" src="[^"]+"\s+alt="The park"', page)
    from PIL import Image

    with client.get(path + "/cover.jpg") as image:
        assert image.status_code == 200 and image.mimetype == "image/jpeg"
        assert Image.open(io.BytesIO(image.data)).size == (640, 360)
        assert len(image.data) < 40_000
    with client.get(path + "/cover-card.jpg") as image:  # a 2:1 crop for the cards
        assert Image.open(io.BytesIO(image.data)).size == (480, 240)


def test_a_draft_projects_cover_is_not_public(client, app, make_project):
    from app.projects.models import ProjectStatus

    project = make_project(status=ProjectStatus.DRAFT)
    _cover(project, app)
    with client.get(f"/p/{project.organization.slug}/{project.slug}/cover.jpg") as response:
        assert response.status_code in (403, 404)


def test_link_previews_use_base_url_never_the_request_host(client, app, make_project):
    app.config["BASE_URL"] = "https://dialog.huddinge.se"
    project = make_project(title={"sv": "Stationsparken", "en": "Station park"})
    _cover(project, app)
    stage = project.current_stage
    base = f"https://dialog.huddinge.se/p/{project.organization.slug}/{project.slug}"
    for path, url in ((base[26:], base), (f"{base[26:]}/{stage.id}", f"{base}/{stage.id}")):
        html = client.get(path, headers={"Host": "evil.example"}).get_data(as_text=True)
        assert f'<meta property="og:url" content="{url}">' in html
        assert f'<meta property="og:image" content="{base}/cover.jpg">' in html
        assert '<meta name="twitter:card" content="summary_large_image">' in html
        assert re.search(r'<meta property="og:title" content="[^"]*Stationsparken', html)
        assert (
            '<meta property="og:description" content="Sammanfattning">' in html or path != base[26:]
        )
        assert "evil.example" not in html
        # The share button carries the same address; it is hidden until JavaScript shows it.
        assert re.search(
            rf'<div class="share" data-share hidden>\s*<button[^>]+data-url="{url}"', html
        )


def test_the_organizations_colour_and_logo_on_its_pages(client, make_project, make_org):
    org = make_org(slug="nynashamn", name="Nynäshamn", primary_color="#6a1b4d")
    project = make_project(org)
    html = client.get(f"/p/nynashamn/{project.slug}").get_data(as_text=True)
    assert '<link rel="stylesheet" href="/o/nynashamn/brand.css">' in html
    css = client.get("/o/nynashamn/brand.css")
    assert css.mimetype == "text/css"
    assert "--brand: #6a1b4d;" in css.get_data(as_text=True)
    # A colour stored before the check (white text unreadable on it) is not used.
    org.primary_color = "#ffee00"
    db.session.commit()
    assert "--brand: #005a9c;" in client.get("/o/nynashamn/brand.css").get_data(as_text=True)
    assert client.get("/o/nowhere/brand.css").status_code == 404
    assert client.get("/o/nynashamn/logo.png").status_code == 404  # no logo yet


def test_markdown_is_rendered_safely_in_project_stage_and_feedback_texts(client, make_project):
    text = (
        "# Bakgrund\n\nVi vill **bygga** en *park*.\n\n- gungor\n- träd\n\n"
        "[Läs planen](https://example.se/plan) <script>alert(1)</script> "
        "[lura](javascript:alert(1)) <img src=x onerror=alert(1)>"
    )
    project = make_project(body={"sv": text})
    stage = project.current_stage
    stage.description = {"sv": text}
    stage.feedback = Feedback(
        heard={"sv": "Vi hörde **mycket**."}, did={"sv": "- en ändring"}, published_at=utcnow()
    )
    db.session.commit()
    for path in (
        f"/p/{project.organization.slug}/{project.slug}",
        f"/p/{project.organization.slug}/{project.slug}/{stage.id}",
    ):
        html = client.get(path).get_data(as_text=True)
        assert "<h3>Bakgrund</h3>" in html
        assert "<strong>bygga</strong>" in html and "<em>park</em>" in html
        assert "<li>gungor</li>" in html
        assert '<a href="https://example.se/plan" rel="nofollow noopener">Läs planen</a>' in html
        assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
        assert "javascript:" not in html and "<img src=x" not in html
        assert "<strong>mycket</strong>" in html and "<li>en ändring</li>" in html


def test_a_stage_lists_its_documents_by_kind(client, make_project):
    project = make_project()
    stage = project.current_stage
    other = project.stages[0]
    db.session.add_all(
        [
            Document(
                project=project,
                stage_id=stage.id,
                title={"sv": "Plankarta"},
                url="https://example.se/a",
                kind=DocumentKind.CONSULTATION,
                position=0,
            ),
            Document(
                project=project,
                stage_id=stage.id,
                title={"sv": "Bullerutredning"},
                url="https://example.se/b",
                kind=DocumentKind.OTHER,
                position=1,
            ),
            Document(
                project=project,
                stage_id=other.id,
                title={"sv": "Startbeslut"},
                url="https://example.se/c",
                position=2,
            ),
        ]
    )
    db.session.commit()
    html = client.get(f"/p/{project.organization.slug}/{project.slug}/{stage.id}").get_data(
        as_text=True
    )
    section = html[html.index('id="docs-heading"') :]
    assert section.index("Samrådshandlingar") < section.index("Plankarta")
    assert section.index("Övriga handlingar") < section.index("Bullerutredning")
    assert "Startbeslut" not in html  # a document of another stage
    english = client.get(f"/p/{project.organization.slug}/{project.slug}/{stage.id}?lang=en")
    assert "Consultation documents (samrådshandlingar)" in english.get_data(as_text=True)


def test_a_language_the_page_is_incomplete_in_is_not_offered(client, make_project):
    project = make_project(
        title={"sv": "Stationsparken", "en": "Station park"},
        summary={"sv": "Sammanfattning", "en": "Summary"},
    )
    path = f"/p/{project.organization.slug}/{project.slug}"
    for stage in project.stages:
        stage.title = {**stage.title, "en": stage.title.get("en") or stage.title["sv"]}
    db.session.commit()
    html = client.get(path).get_data(as_text=True)
    assert 'hreflang="en"' in html  # complete in English: offered
    # The English summary is removed: English is no longer offered, and a resident already
    # reading English sees the Swedish texts with a note, not a mix.
    project.summary = {"sv": "Sammanfattning"}
    db.session.commit()
    html = client.get(path).get_data(as_text=True)
    assert 'hreflang="en"' not in html
    english = client.get(path + "?lang=en").get_data(as_text=True)
    assert "<h1>Stationsparken</h1>" in english
    assert "This page is not yet fully translated into English" in english
    assert "Station park" not in english


def test_an_older_translation_makes_the_language_incomplete(client, app, make_project):
    from app.projects.services import update_project

    project = make_project(title={"sv": "Parken", "en": "The park"}, summary={"sv": "S", "en": "S"})
    for stage in project.stages:
        stage.title = {**stage.title, "en": stage.title.get("en") or stage.title["sv"]}
    db.session.commit()
    path = f"/p/{project.organization.slug}/{project.slug}"
    assert 'hreflang="en"' in client.get(path).get_data(as_text=True)
    with app.test_request_context():
        update_project(
            project,
            slug=project.slug,
            kind="park",
            title={"sv": "Parken och torget", "en": "The park"},
            summary=dict(project.summary),
            body={},
            actor=None,
        )
    db.session.commit()
    assert 'hreflang="en"' not in client.get(path).get_data(as_text=True)


def test_a_survey_missing_an_english_option_is_not_offered_in_english(
    client, make_project, make_activity
):
    from app.surveys.models import OptionKind, Question, QuestionOption, QuestionType

    project = make_project()
    activity = make_activity(project.current_stage, "survey")
    survey = activity.survey
    question = Question(
        survey_id=survey.id,
        type=QuestionType("single_choice"),
        position=0,
        page=1,
        prompt={"sv": "Vad tycker du?", "en": "What do you think?"},
    )
    db.session.add(question)
    db.session.flush()
    db.session.add_all(
        [
            QuestionOption(
                question_id=question.id,
                position=0,
                label={"sv": "Bra", "en": "Good"},
                kind=OptionKind.OPTION,
            ),
            QuestionOption(
                question_id=question.id, position=1, label={"sv": "Dåligt"}, kind=OptionKind.OPTION
            ),
        ]
    )
    db.session.commit()
    html = client.get(f"/s/{survey.id}").get_data(as_text=True)
    assert "Vad tycker du?" in html and 'hreflang="en"' not in html
    english = client.get(f"/s/{survey.id}?lang=en").get_data(as_text=True)
    assert "Vad tycker du?" in english and "What do you think?" not in english
    assert "Good" not in english and "Bra" in english
