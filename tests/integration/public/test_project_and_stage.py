"""The project page (timeline, levels, activities, feedback) and the stage page."""

from __future__ import annotations

from app.extensions import db
from app.projects.models import Document, ProjectPartner, ProjectStatus
from tests.integration.public.conftest import project_path, stage_path


def test_project_page_shows_timeline_with_current_stage_levels_and_influence(client, make_project):
    project = make_project(current=2, body={"sv": "Första stycket.\n\nAndra stycket."})
    html = client.get(project_path(project)).get_data(as_text=True)
    assert html.count('class="timeline-stage') == len(project.stages) == 7
    current = project.current_stage
    # The current stage is marked with text (and aria-current), not colour alone.
    start = html.index('aria-current="step"')
    assert "Samråd" in html[start : start + 600]
    assert "Aktuellt skede" in html[start : start + 600]
    assert html.count('aria-current="step"') == 1
    # Every stage says its level in plain words with an explanation.
    assert "Konsultation" in html and "Information" in html and "Dialog" in html
    assert "Kommunen frågar vad du tycker" in html
    assert "Vad går att påverka" in html
    assert current.influence["sv"] in html
    assert "<p>Första stycket.</p>" in html and "<p>Andra stycket.</p>" in html
    assert "Pågår" in html and "Kommande" in html and "Avslutat" in html


def test_project_page_lists_open_activities_documents_partners(
    client, make_org, make_project, make_activity
):
    project = make_project()
    stage = project.current_stage
    survey_activity = make_activity(stage, "survey")
    make_activity(stage, "discussion")
    partner = make_org(name="Södertörns högskola")
    db.session.add_all(
        [
            ProjectPartner(
                project=project,
                organization_id=partner.id,
                description={"sv": "Forskning om dialog"},
            ),
            Document(
                project=project, title={"sv": "Planbeskrivning"}, url="https://example.se/p.pdf"
            ),
        ]
    )
    db.session.commit()
    html = client.get(project_path(project)).get_data(as_text=True)
    assert f'href="/s/{survey_activity.survey_id}"' in html or (
        f"/s/{survey_activity.survey_id}" in html
    )
    assert f"{stage_path(stage)}#discussion" in html
    assert "Planbeskrivning" in html and "https://example.se/p.pdf" in html
    assert "Södertörns högskola" in html and "Forskning om dialog" in html


def test_project_page_shows_published_feedback_of_closed_stages(
    client, make_project, publish_feedback
):
    project = make_project(current=2)
    early = project.stages[1]
    publish_feedback(early, "Ni vill ha fler bänkar.", "Vi lade till tio bänkar.")
    publish_feedback(project.stages[0], "Hemligt utkast", "Ännu inte", published=False)
    html = client.get(project_path(project)).get_data(as_text=True)
    assert "Vad vi hörde – vad vi gjorde" in html
    assert "Ni vill ha fler bänkar." in html and "Vi lade till tio bänkar." in html
    assert f'href="#feedback-{early.id}"' in html
    assert "Hemligt utkast" not in html


def test_draft_projects_and_their_stages_are_404_for_residents_but_not_staff(
    client, make_project, make_user, login
):
    project = make_project(status=ProjectStatus.DRAFT)
    stage = project.current_stage
    assert client.get(project_path(project)).status_code == 404
    assert client.get(stage_path(stage)).status_code == 404
    planner = make_user(role="planner", org=project.organization)
    login(planner)
    assert client.get(project_path(project)).status_code == 200
    assert client.get(stage_path(stage)).status_code == 200


def test_unknown_project_and_stage_of_another_project_are_404(client, make_project):
    project = make_project()
    other = make_project()
    assert client.get("/p/nope/nope").status_code == 404
    assert client.get(f"{project_path(project)}/{other.current_stage.id}").status_code == 404


def test_stage_page_shows_map_thread_survey_and_level(
    client, discussion, make_comment, make_activity, publish_feedback
):
    stage = discussion()
    survey_activity = make_activity(stage, "survey")
    make_comment(
        stage, "Fler träd längs gatan", geometry={"type": "Point", "coordinates": [17.95, 59.22]}
    )
    publish_feedback(stage, "Vi hörde om träden", "Vi planterar fler")
    html = client.get(stage_path(stage)).get_data(as_text=True)
    assert 'id="stage-map"' in html
    assert f'data-comments-url="/api/v1/stages/{stage.id}/comments"' in html
    assert "Fler träd längs gatan" in html
    assert "Placerad på kartan" in html
    assert f"/s/{survey_activity.survey_id}" in html
    assert "Delaktighetsnivå" in html and "Konsultation" in html
    assert "Vi planterar fler" in html
    assert 'name="body"' in html


def test_stage_page_of_a_closed_stage_shows_thread_without_form(client, discussion, make_comment):
    stage = discussion(open_stage=False)
    make_comment(stage, "Gammal synpunkt")
    html = client.get(stage_path(stage)).get_data(as_text=True)
    assert "Gammal synpunkt" in html
    assert 'name="body"' not in html
    assert "stängd" in html


def test_stage_page_paginates_and_sorts(client, discussion, make_comment):
    stage = discussion()
    for i in range(25):
        make_comment(stage, f"Kommentar nummer {i:02d}", age_minutes=100 - i)
    popular = make_comment(stage, "Den populära", age_minutes=500, supports_count=9)
    html = client.get(stage_path(stage)).get_data(as_text=True)
    assert "Kommentar nummer 24" in html and "Den populära" not in html
    assert "Sida 1 av 2" in html
    html = client.get(stage_path(stage) + "?page=2").get_data(as_text=True)
    assert "Den populära" in html and "Kommentar nummer 24" not in html
    html = client.get(stage_path(stage) + "?sort=supported").get_data(as_text=True)
    assert html.index("Den populära") < html.index("Kommentar nummer 24")
    assert popular.id


def test_stage_page_query_count_is_bounded(
    client, discussion, make_comment, make_participant, count_queries, resident
):
    stage = discussion()
    people = [make_participant(nickname=f"Person {i}") for i in range(10)]
    tops = [
        make_comment(stage, f"Toppkommentar {i}", participant=people[i % 10], age_minutes=200 - i)
        for i in range(40)
    ]
    for i in range(60):
        parent = tops[-1 - (i % 20)]
        reply = make_comment(stage, f"Svar {i}", participant=people[i % 10], parent=parent)
        if i % 3 == 0:
            make_comment(stage, f"Svar på svar {i}", participant=people[(i + 1) % 10], parent=reply)
    resident(client)
    with count_queries() as statements:
        response = client.get(stage_path(stage))
    assert response.status_code == 200
    assert "Svar 0" in response.get_data(as_text=True)
    assert len(statements) <= 20, "\n".join(statements)


def test_pages_in_english(client, discussion, make_comment):
    stage = discussion()
    make_comment(stage, "A comment")
    project = stage.project
    html = client.get(project_path(project) + "?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "Current stage" in html and "Consultation" in html
    html = client.get(stage_path(stage)).get_data(as_text=True)
    assert "Discussion" in html and "What can be influenced" in html and "Agree" in html


def test_stage_page_ignores_bad_paging_and_sorting(client, discussion, make_comment):
    stage = discussion()
    make_comment(stage, "Kommentar")
    for query in ("?page=abc", "?page=-3", "?page=999", "?sort=<script>"):
        response = client.get(stage_path(stage) + query)
        assert response.status_code == 200, query
        assert "Kommentar" in response.get_data(as_text=True)


def test_project_page_explains_the_ladder_once_and_marks_each_stages_level(client, make_project):
    project = make_project(current=2)
    html = client.get(project_path(project)).get_data(as_text=True)
    # Several stages share a level; its explanation is printed once, in one ladder.
    explanation = "Kommunen frågar vad du tycker om ett förslag"
    assert html.count(explanation) == 1
    assert html.count('class="ladder-steps') == 1
    ladder = html[html.index('class="ladder-steps') :]
    ladder = ladder[: ladder.index("</ol>")]
    # Each stage is named at its level on the ladder.
    for stage in project.stages:
        assert stage.title["sv"] in ladder, stage.title
