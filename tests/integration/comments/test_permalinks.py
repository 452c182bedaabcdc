"""Every comment has a link that finds it, wherever it is in the thread: the map's "Go to
the comment" and "My contributions" use it (issue 16 item 8)."""

from __future__ import annotations

from app.comments.queries import PER_PAGE
from tests.integration.public.conftest import stage_path


def test_a_comment_on_page_two_is_found_by_its_link(client, discussion, make_comment):
    stage = discussion()
    oldest = make_comment(stage, "Den äldsta synpunkten", age_minutes=600)
    for n in range(PER_PAGE + 2):
        make_comment(stage, f"Synpunkt {n}", age_minutes=n)
    response = client.get(f"/comments/{oldest.id}")
    assert response.status_code == 302
    assert response.location.endswith(f"{stage_path(stage)}?page=2#c-{oldest.id}")
    page = client.get(response.location.split("#")[0]).get_data(as_text=True)
    assert f'id="c-{oldest.id}"' in page


def test_a_reply_is_found_with_its_thread(client, discussion, make_comment):
    stage = discussion()
    root = make_comment(stage, "Frågan")
    replies = [make_comment(stage, f"Svar {n}", parent=root) for n in range(6)]
    response = client.get(f"/comments/{replies[-1].id}")
    assert response.status_code == 302
    page = client.get(response.location.split("#")[0]).get_data(as_text=True)
    assert f'id="c-{replies[-1].id}"' in page
    assert response.location.endswith(f"#c-{replies[-1].id}")


def test_someone_elses_pending_comment_has_no_link(client, discussion, make_comment):
    stage = discussion()
    pending = make_comment(stage, "Väntar på granskning", status="pending")
    assert client.get(f"/comments/{pending.id}").status_code == 404


def test_map_popups_and_my_contributions_use_the_link(client, discussion, make_comment, resident):
    stage = discussion()
    me = resident(client)
    mine = make_comment(stage, "Min synpunkt", participant=me)
    html = client.get("/my").get_data(as_text=True)
    assert f'href="/comments/{mine.id}"' in html
    page = client.get(stage_path(stage)).get_data(as_text=True)
    assert 'data-comment-link="/comments/ID"' in page
