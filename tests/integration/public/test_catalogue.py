"""The catalogue: published projects on a map and as a list, filters, near me, empty state."""

from __future__ import annotations

from app.projects.models import ProjectStatus, StageKind


def test_empty_catalogue_explains_what_the_site_is(client):
    html = client.get("/").get_data(as_text=True)
    assert "Platsdialog" in html
    assert "Inga projekt" in html or "No projects" in html
    assert 'class="empty-state"' in html
    assert 'id="catalogue-map"' in html


def test_catalogue_lists_published_projects_with_map_data(client, make_project):
    active = make_project(title={"sv": "Parken vid ån", "en": "Park by the river"})
    done = make_project(title={"sv": "Torget", "en": "The square"}, status=ProjectStatus.COMPLETED)
    make_project(title={"sv": "Utkast", "en": "Draft"}, status=ProjectStatus.DRAFT)
    make_project(title={"sv": "Arkiverat", "en": "Archived"}, status=ProjectStatus.ARCHIVED)
    html = client.get("/").get_data(as_text=True)
    assert "Parken vid ån" in html and "Torget" in html
    assert "Utkast" not in html and "Arkiverat" not in html
    assert f'data-project-id="{active.id}"' in html
    assert 'data-lat="59.22' in html  # the centroid of the area
    assert f'"{done.id}": {{"coordinates"' in html or f'"{done.id}":' in html


def test_catalogue_titles_follow_the_language(client, make_project):
    make_project(title={"sv": "Parken vid ån", "en": "Park by the river"})
    assert "Park by the river" in client.get("/?lang=en").get_data(as_text=True)


def test_filter_by_municipality_status_and_stage(client, make_org, make_project):
    huddinge = make_org(slug="huddinge", name="Huddinge kommun")
    tyreso = make_org(slug="tyreso", name="Tyresö kommun")
    make_project(huddinge, title={"sv": "Samrådsprojektet"}, current=2)  # samråd
    make_project(huddinge, title={"sv": "Startprojektet"}, current=0)  # start
    make_project(tyreso, title={"sv": "Tyresöprojektet"}, status=ProjectStatus.COMPLETED)

    html = client.get("/?municipality=huddinge").get_data(as_text=True)
    assert "Samrådsprojektet" in html and "Startprojektet" in html
    assert "Tyresöprojektet" not in html

    html = client.get("/?status=completed").get_data(as_text=True)
    assert "Tyresöprojektet" in html and "Samrådsprojektet" not in html

    html = client.get(f"/?stage={StageKind.CONSULTATION.value}").get_data(as_text=True)
    assert '<option value="samrad" selected>Samråd</option>' in html
    assert "Samrådsprojektet" in html and "Startprojektet" not in html

    html = client.get("/?municipality=huddinge&stage=start").get_data(as_text=True)
    assert "Startprojektet" in html and "Samrådsprojektet" not in html


def test_filters_that_match_nothing_say_so_and_unknown_values_are_ignored(
    client, make_org, make_project
):
    org = make_org(slug="salem", name="Salems kommun")
    make_project(org, title={"sv": "Salemprojektet"}, status=ProjectStatus.ACTIVE)
    html = client.get("/?status=completed").get_data(as_text=True)
    assert "Salemprojektet" not in html
    assert "Inga projekt matchar" in html or "No projects match" in html
    html = client.get("/?municipality=<script>&status=nonsense").get_data(as_text=True)
    assert "Salemprojektet" in html
    assert "<script>" not in html


def test_htmx_filter_returns_only_the_list(client, make_project):
    make_project(title={"sv": "Parken"})
    response = client.get("/?status=active", headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="catalogue-results"')
    assert "Parken" in html and "<html" not in html


def test_near_me_sorts_by_distance(client, make_project):
    far = {
        "type": "Polygon",
        "coordinates": [[[18.3, 59.0], [18.31, 59.0], [18.31, 59.01], [18.3, 59.01], [18.3, 59.0]]],
    }
    make_project(title={"sv": "Långt bort"}, area=far)
    make_project(title={"sv": "Nära"})
    html = client.get("/?near=59.22,17.95").get_data(as_text=True)
    assert html.index("Nära") < html.index("Långt bort")
    assert "km" in html
    # Without a position the newest comes first.
    html = client.get("/").get_data(as_text=True)
    assert html.index("Nära") < html.index("Långt bort")
    html = client.get("/?near=59.0,18.3").get_data(as_text=True)
    assert html.index("Långt bort") < html.index("Nära")


def test_tile_settings_reach_the_map(make_app, make_project):
    app = make_app(TILE_URL="/tiles/{z}/{x}/{y}.png", TILE_ATTRIBUTION="Testkarta")
    with app.app_context():
        html = app.test_client().get("/").get_data(as_text=True)
    assert 'data-tile-url="/tiles/{z}/{x}/{y}.png"' in html
    assert 'data-tile-attribution="Testkarta"' in html


def test_catalogue_query_count_is_bounded(client, make_org, make_project, count_queries):
    orgs = [make_org() for _ in range(3)]
    for i in range(30):
        make_project(orgs[i % 3])
    with count_queries() as statements:
        response = client.get("/")
    assert response.status_code == 200
    assert response.get_data(as_text=True).count('class="project-item"') == 30
    assert len(statements) <= 8, statements


def test_on_a_phone_the_search_comes_first_and_the_other_filters_fold_away(
    client, make_org, make_project
):
    make_project(make_org(slug="huddinge", name="Huddinge kommun"))
    folded = client.get("/").get_data(as_text=True)
    assert '<details class="filter-more" data-filter-more>' in folded
    assert folded.index('id="f-q"') < folded.index("Fler filter: kommun, status, skede")
    # A filter in use keeps them open, so the resident sees what narrows the list.
    for query in ("municipality=huddinge", "status=completed", "stage=samrad"):
        page = client.get(f"/?{query}").get_data(as_text=True)
        assert '<details class="filter-more" data-filter-more open>' in page, query
