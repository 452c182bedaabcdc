"""The analysis screens: who may see them, what partners see, and the coding review."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from app.analysis_ui import services
from app.analysis_ui.models import Coding, ReviewState, TargetType
from app.comments.models import CommentStatus
from app.extensions import db
from app.organizations.models import Role
from tests.integration.analysis_ui.conftest import point

UNSAFE = "Det känns otryggt att gå här på kvällen, belysningen är dålig och det är mörkt."
PENDING = "Otryggt och mörkt vid tunneln, jag vågar inte gå där ensam på natten längre."
PARK = "Parken behöver fler träd och grönska, det är för lite natur här i området."


@pytest.fixture()
def seeded(make_project: Any, make_comment: Any, make_user: Any, make_participant: Any) -> Any:
    project = make_project()
    stage = project.current_stage
    nick = make_participant(nickname="Hemliga Hanna")
    published = make_comment(stage, UNSAFE, participant=nick, geometry=point(17.95, 59.22))
    pending = make_comment(stage, PENDING, status=CommentStatus.PENDING)
    park = make_comment(stage, PARK)
    # Five participants at least: below that no hotspot map is shown at all. (Without a
    # place: the stage keeps one place, where no cell can stand out.)
    for _i in range(3):
        make_comment(stage, PARK)
    services.recode_and_recompute(stage)
    db.session.commit()
    facilitator = make_user(role=Role.FACILITATOR, org=project.organization)
    return {
        "project": project,
        "stage": stage,
        "published": published,
        "pending": pending,
        "park": park,
        "facilitator": facilitator,
    }


def test_facilitator_sees_the_stage_screen(client: Any, login: Any, seeded: Any) -> None:
    login(seeded["facilitator"])
    stage = seeded["stage"]
    page = client.get(f"/manage/analysis/stages/{stage.id}").get_data(as_text=True)
    assert "<svg" in page and 'role="img"' in page
    assert UNSAFE in page  # a quote about safety, from published content
    assert PENDING not in page  # pending content is never quoted
    # One place: no significant cell, so a helpful empty state instead of an empty grey map.
    assert "hotspot-map" not in page and "Ingen ruta sticker ut" in page
    assert f"/manage/analysis/stages/{stage.id}/map" in page
    assert f"/manage/analysis/stages/{stage.id}/review" in page
    project = seeded["project"]
    assert client.get(f"/manage/analysis/projects/{project.id}").status_code == 200
    compare = client.get(
        f"/manage/analysis/projects/{project.id}/compare?a={stage.id}&b={stage.id}"
    )
    assert compare.status_code == 200


def test_stage_screen_renders_from_the_snapshot(
    client: Any, login: Any, seeded: Any, count_queries: Any
) -> None:
    login(seeded["facilitator"])
    stage = seeded["stage"]
    with count_queries() as statements:
        assert client.get(f"/manage/analysis/stages/{stage.id}").status_code == 200
    assert not any("FROM codings" in s for s in statements)  # nothing recomputed


def test_quotes_of_content_hidden_after_the_snapshot_disappear(
    client: Any, login: Any, seeded: Any
) -> None:
    login(seeded["facilitator"])
    seeded["published"].status = CommentStatus.HIDDEN
    db.session.commit()
    page = client.get(f"/manage/analysis/stages/{seeded['stage'].id}").get_data(as_text=True)
    assert UNSAFE not in page


def test_partner_sees_aggregates_only(
    client: Any, login: Any, seeded: Any, make_partner: Any
) -> None:
    partner = make_partner(seeded["project"])
    login(partner)
    stage = seeded["stage"]
    page = client.get(f"/manage/analysis/stages/{stage.id}").get_data(as_text=True)
    assert "Hemliga Hanna" not in page and "@" not in page.split("<main", 1)[1]
    assert PENDING not in page
    assert f"/analysis/stages/{stage.id}/review" not in page
    assert client.get(f"/manage/analysis/stages/{stage.id}/review").status_code == 403
    key = f"C{seeded['published'].id}"
    post = client.post(
        f"/manage/analysis/stages/{stage.id}/review/{key}",
        data={"decision": "accepted", "theme": "safety"},
    )
    assert post.status_code == 403
    assert client.post(f"/manage/analysis/stages/{stage.id}/recompute").status_code == 403
    assert "/recompute" not in page


def test_residents_and_other_organizations_get_404(
    client: Any, login: Any, seeded: Any, make_user: Any, make_org: Any
) -> None:
    stage, project = seeded["stage"], seeded["project"]
    urls = [
        f"/manage/analysis/stages/{stage.id}",
        f"/manage/analysis/stages/{stage.id}/review",
        f"/manage/analysis/projects/{project.id}",
        f"/manage/analysis/projects/{project.id}/compare",
        f"/manage/analysis/organizations/{project.organization_id}/population",
    ]
    login(make_user())
    assert [client.get(u).status_code for u in urls] == [404] * len(urls)
    other = make_user(role=Role.ADMIN, org=make_org())
    client.post("/logout")
    login(other)
    assert [client.get(u).status_code for u in urls] == [404] * len(urls)
    assert client.post(f"/manage/analysis/stages/{stage.id}/recompute").status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client: Any, seeded: Any) -> None:
    response = client.get(f"/manage/analysis/stages/{seeded['stage'].id}")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_review_accept_reject_and_add(client: Any, login: Any, seeded: Any) -> None:
    user = seeded["facilitator"]
    login(user)
    stage, comment = seeded["stage"], seeded["published"]
    key = f"C{comment.id}"
    page = client.get(f"/manage/analysis/stages/{stage.id}/review?item={key}")
    text = page.get_data(as_text=True)
    assert UNSAFE in text and "Hemliga Hanna" not in text
    assert 'data-decision="a"' in text and "<kbd>a</kbd>" in text

    url = f"/manage/analysis/stages/{stage.id}/review/{key}"
    assert client.post(url, data={"decision": "accepted", "theme": "safety"}).status_code == 303
    assert client.post(url, data={"decision": "human", "theme": "mobility"}).status_code == 303
    assert client.post(url, data={"decision": "rejected", "theme": "mobility"}).status_code == 303
    rows = db.session.scalars(
        sa.select(Coding).where(
            Coding.target_type == TargetType.COMMENT,
            Coding.target_id == comment.id,
            Coding.source == f"human:{user.id}",
        )
    ).all()
    assert {(r.theme_key, r.review_state) for r in rows} == {
        ("safety", ReviewState.ACCEPTED),
        ("mobility", ReviewState.REJECTED),
    }
    assert all(r.reviewer_id == user.id for r in rows)
    # An unknown theme stores nothing.
    client.post(url, data={"decision": "human", "theme": "nonsense"})
    assert (
        db.session.scalar(
            sa.select(sa.func.count()).select_from(Coding).where(Coding.theme_key == "nonsense")
        )
        == 0
    )
    # The screen shows the decision and the agreement.
    text = client.get(f"/manage/analysis/stages/{stage.id}/review?item={key}").get_data(
        as_text=True
    )
    assert "state-accepted" in text and "kappa" in text


def test_recompute_button_recodes_and_stores(
    client: Any, login: Any, seeded: Any, make_comment: Any
) -> None:
    login(seeded["facilitator"])
    stage = seeded["stage"]
    make_comment(stage, PARK + " Fler bänkar också.")
    response = client.post(f"/manage/analysis/stages/{stage.id}/recompute")
    assert response.status_code == 302
    db.session.expire_all()
    # Published contributions: two seeded, three more comments and the new one.
    assert services.snapshot_of(stage).data["totals"]["coded_items"] == 6


def test_project_page_counts_every_stage_once(
    client: Any, login: Any, seeded: Any, make_comment: Any, make_partner: Any
) -> None:
    project = seeded["project"]
    other = next(s for s in project.stages if s.id != seeded["stage"].id)
    make_comment(other, PARK)
    login(make_partner(project))
    page = client.get(f"/manage/analysis/projects/{project.id}?lang=en").get_data(as_text=True)
    assert "All stages together" in page
    # Published contributions of both stages, each once (the pending one does not count).
    assert "Contributions</dt><dd>6<" in page.replace("\n", "")
    assert PENDING not in page and UNSAFE in page
    assert "Hemliga Hanna" not in page


def test_review_page_reads_in_bulk(
    client: Any, login: Any, seeded: Any, make_comment: Any, count_queries: Any
) -> None:
    login(seeded["facilitator"])
    url = f"/manage/analysis/stages/{seeded['stage'].id}/review"
    client.get(url)
    with count_queries() as few:
        assert client.get(url).status_code == 200
    for _ in range(8):
        make_comment(seeded["stage"], PARK)
    with count_queries() as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few)
