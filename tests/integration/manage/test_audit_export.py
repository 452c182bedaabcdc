"""The audit log in words, and as a CSV download that is itself audited (issue 17)."""

from __future__ import annotations

import csv
import io

from app.audit.models import AuditEvent
from app.audit.services import record
from app.extensions import db
from app.organizations.models import Role


def _events(org, actor):
    record(
        "comment.hide",
        actor=actor,
        organization_id=org.id,
        object_type="comment",
        object_id=7,
        reason="Spam",
    )
    record("stage.delete", actor=actor, organization_id=org.id, object_type="stage", object_id=3)
    record("something.new", organization_id=org.id)
    db.session.commit()


def test_audit_log_shows_labels_next_to_codes(client, login, make_user, org):
    admin = make_user("admin@huddinge.se", role=Role.ADMIN, org=org)
    _events(org, admin)
    login(admin)
    html = client.get(f"/manage/audit?org={org.slug}").get_data(as_text=True)
    assert "Comment: hidden" in html and "Comment #7" in html
    assert "Stage: deleted" in html
    assert "something.new" in html  # an unknown code is shown as it is
    client.get("/lang/sv")
    swedish = client.get(f"/manage/audit?org={org.slug}").get_data(as_text=True)
    assert "Kommentar: dold" in swedish and "Skede: raderad" in swedish


def test_audit_log_downloads_as_csv_with_the_filters_and_is_audited(
    client, login, make_user, org, make_org
):
    admin = make_user("admin@huddinge.se", role=Role.ADMIN, org=org)
    _events(org, admin)
    record("project.update", organization_id=make_org().id)  # another organization's
    db.session.commit()
    login(admin)
    page = client.get(f"/manage/audit?org={org.slug}&action=comment").get_data(as_text=True)
    assert f"/manage/audit.csv?org={org.slug}&amp;action=comment" in page

    response = client.get(f"/manage/audit.csv?org={org.slug}&action=comment")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0] == ["time", "actor", "action", "action_code", "object", "object_id", "details"]
    assert [r[3] for r in rows[1:]] == ["comment.hide"]
    assert rows[1][1] == "admin@huddinge.se" and rows[1][2] == "Comment: hidden"
    assert rows[1][6] == "reason=Spam"

    everything = client.get(f"/manage/audit.csv?org={org.slug}").data.decode("utf-8-sig")
    assert len(list(csv.reader(io.StringIO(everything), delimiter=";"))) == 1 + 4  # + 1st export
    exports = db.session.scalars(
        db.select(AuditEvent).where(AuditEvent.action == "audit.export").order_by(AuditEvent.id)
    ).all()
    assert [e.data["rows"] for e in exports] == [1, 4]
    assert exports[0].actor_user_id == admin.id and exports[0].organization_id == org.id
    assert exports[0].data["filters"] == {"prefix": "comment"}


def test_audit_csv_requires_view_audit(client, login, make_user, org):
    login(make_user(role=Role.PLANNER, org=org))
    assert client.get(f"/manage/audit.csv?org={org.slug}").status_code == 403
    assert not db.session.scalars(
        db.select(AuditEvent).where(AuditEvent.action == "audit.export")
    ).all()
