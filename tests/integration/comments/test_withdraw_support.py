"""A resident who said "Håller med" by mistake can take it back (issue 16 item 13)."""

from __future__ import annotations

from app.comments.models import Support
from app.extensions import db
from tests.integration.public.conftest import stage_path

HX = {"HX-Request": "true"}


def test_agreeing_can_be_taken_back_and_given_again(client, discussion, make_comment, resident):
    stage = discussion()
    comment = make_comment(stage, "Fler bänkar")
    resident(client)
    client.post(f"/comments/{comment.id}/support", headers=HX)
    html = client.get(stage_path(stage)).get_data(as_text=True)
    assert f'action="/comments/{comment.id}/support/withdraw"' in html
    response = client.post(f"/comments/{comment.id}/support/withdraw", headers=HX)
    assert response.status_code == 200
    fragment = response.get_data(as_text=True)
    assert "Håller med" in fragment and "Du håller med" not in fragment
    db.session.refresh(comment)
    assert comment.supports_count == 0
    assert db.session.scalar(db.select(db.func.count(Support.id))) == 0
    # Taking back twice changes nothing; agreeing again counts once more.
    assert client.post(f"/comments/{comment.id}/support/withdraw").status_code == 303
    client.post(f"/comments/{comment.id}/support", headers=HX)
    db.session.refresh(comment)
    assert comment.supports_count == 1
