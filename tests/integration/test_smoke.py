"""The app boots, serves pages in both languages and answers errors in the right shape."""


def test_catalogue_empty_state_in_swedish_by_default(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<html lang="sv">' in html
    assert 'name="csrf-token"' in html


def test_catalogue_lists_published_projects_only(client, make_project):
    from app.projects.models import ProjectStatus

    published = make_project(title={"sv": "Stationsområdet", "en": "Station area"})
    make_project(title={"sv": "Hemligt utkast", "en": "Secret draft"}, status=ProjectStatus.DRAFT)
    html = client.get("/").get_data(as_text=True)
    assert "Stationsområdet" in html
    assert "Hemligt utkast" not in html
    assert published.organization.name in html


def test_api_errors_are_json(client):
    response = client.get("/api/v1/does-not-exist")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_html_errors_are_pages(client):
    response = client.get("/does-not-exist")
    assert response.status_code == 404
    assert "text/html" in response.content_type


def test_draft_project_page_is_hidden_from_residents(client, make_project):
    from app.projects.models import ProjectStatus

    draft = make_project(status=ProjectStatus.DRAFT)
    response = client.get(f"/p/{draft.organization.slug}/{draft.slug}")
    assert response.status_code == 404


def test_language_and_participant_do_not_leak_between_requests(client, app):
    """Each request decides its own language and participant, even in a shared context."""
    english = client.get("/?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in english
    other = app.test_client()
    assert '<html lang="sv">' in other.get("/").get_data(as_text=True)
