"""``require`` answers 404 for what must stay invisible and 403 for the rest; deactivated
users lose their rights at once, even with a live session."""

from __future__ import annotations

import pytest
from werkzeug.exceptions import Forbidden, NotFound

from app.core.permissions import Action, Actor, actor_from, can, require, staff_actions
from app.extensions import db
from app.organizations.models import Role
from app.organizations.rules import is_staff_of
from app.projects.models import ProjectStatus


def test_require_hides_drafts_with_404_and_refuses_published_with_403(make_project, make_user):
    draft = make_project(status=ProjectStatus.DRAFT)
    published = make_project()
    resident = Actor(make_user())
    with pytest.raises(NotFound):
        require(resident, Action.VIEW, draft)
    with pytest.raises(NotFound):
        require(resident, Action.MANAGE_PROJECT, draft)
    with pytest.raises(Forbidden):
        require(resident, Action.MANAGE_PROJECT, published)
    with pytest.raises(NotFound):
        require(resident, Action.VIEW, None)
    require(resident, Action.VIEW, published)  # allowed: no exception


def test_deactivated_staff_lose_every_right(make_project, make_user, make_org):
    org = make_org()
    draft = make_project(org, status=ProjectStatus.DRAFT)
    admin = make_user(role=Role.ADMIN, org=org)
    boss = make_user(superadmin=True)
    assert can(Actor(admin), Action.VIEW, draft)
    admin.active = False
    boss.active = False
    db.session.commit()
    assert not can(Actor(admin), Action.VIEW, draft)
    assert not can(Actor(admin), Action.MANAGE_PROJECT, draft)
    assert not is_staff_of(admin, draft)
    assert staff_actions(admin, org) == set()
    assert not can(Actor(boss), Action.ADMINISTER_PLATFORM, None)
    assert actor_from(admin).user is None


def test_deactivated_user_session_cannot_reach_staff_pages(
    app, client, make_project, make_user, make_org, login
):
    org = make_org()
    draft = make_project(org, status=ProjectStatus.DRAFT)
    admin = make_user(role=Role.ADMIN, org=org)
    login(admin)
    url = f"/p/{org.slug}/{draft.slug}"
    assert client.get(url).status_code == 200
    assert client.get(f"/admin/organizations/{org.id}").status_code == 200
    admin.active = False
    db.session.commit()
    assert client.get(url).status_code == 404
    assert client.get(f"/admin/organizations/{org.id}").status_code in (302, 403)


def test_actor_from_unwraps_the_current_user_proxy(app, client, make_user, login):
    from flask_login import current_user

    user = make_user()
    login(user)
    with app.test_request_context():
        from flask_login import login_user

        login_user(user)
        actor = actor_from(current_user)
        assert actor.user is user
        assert actor.is_authenticated
