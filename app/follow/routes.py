"""Follow a project (the form on the project page), confirm by link, unsubscribe, stop."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from app.accounts.participants import created_participant, current_participant
from app.core.i18n import current_language
from app.core.permissions import Action, actor_from, require
from app.extensions import csrf, db
from app.follow import bp
from app.follow import services as svc
from app.follow.forms import FollowForm, UnfollowForm
from app.follow.models import Follow
from app.projects.models import Project
from app.public import queries as public_queries


@bp.app_template_global("follow_context")
def follow_context(project: Project) -> dict[str, Any]:
    """What the follow partial on the project page shows for the current resident."""
    form = g.get("follow_form")
    if form is None:
        form = FollowForm(formdata=None)
    return {
        "form": form,
        "follow": svc.follow_of(project, current_user, current_participant()),
        "stop_form": UnfollowForm(formdata=None),
        "signed_in": bool(getattr(current_user, "is_authenticated", False)),
    }


@bp.app_template_global("my_follows")
def my_follows() -> list[Follow]:
    """The current resident's follows ("Mina bidrag", the account page)."""
    return svc.follows_of(current_user, current_participant())


def _project_or_404(org: str, slug: str) -> Project:
    project = public_queries.project_by_slugs(org, slug)
    if project is None:
        abort(404)
    require(actor_from(current_user, current_participant()), Action.VIEW, project)
    return project


def _project_page(project: Project) -> str:
    return url_for("public.project", org=project.organization.slug, project=project.slug)


@bp.get("/p/<org>/<project>/follow")
def follow_form(org: str, project: str) -> Response:
    """This address shows a refused follow form; reloaded, or reached again with Back, it
    leads to the form on the project's page instead of "method not allowed"."""
    return redirect(_project_page(_project_or_404(org, project)) + "#follow", 303)


@bp.post("/p/<org>/<project>/follow")
def follow(org: str, project: str) -> Any:
    """Follow the project: at once with a verified account, else after a confirmation link."""
    found = _project_or_404(org, project)
    form = FollowForm()
    signed_in = bool(getattr(current_user, "is_authenticated", False))
    valid = form.validate()
    if valid and not signed_in and not (form.email.data or "").strip():
        form.email.errors = [*form.email.errors, _("Enter your email address.")]
        valid = False
    if not valid:
        g.follow_form = form
        from app.public.routes import project as project_page

        return project_page(org, project), 422
    participant = current_participant()
    svc.purge_expired()
    if signed_in:
        _follow, mailed = svc.follow_with_account(
            found, current_user, participant, current_language()
        )
        if mailed:
            flash(_("We sent a link to your address. Open it to start following."), "success")
        else:
            flash(_("You follow this project. We will mail you when something happens."), "success")
    else:
        # The device becomes a participant (as when commenting), so this page and "Mina
        # bidrag" show the follow, and its replies reach this address.
        participant = participant or created_participant()
        svc.follow_with_address(found, form.email.data or "", participant, current_language())
        flash(
            _(
                "Check your inbox: open the link we sent within %(hours)s hours to start "
                "following. Until then you get no other mail from us.",
                hours=svc.CONFIRM_HOURS,
            ),
            "success",
        )
    return redirect(_project_page(found) + "#follow", 303)


@bp.route("/follow/confirm/<token>", methods=["GET", "POST"])
def confirm(token: str) -> Any:
    """The link in the confirmation mail. GET shows a button and changes nothing (mail
    scanners open links by themselves); the POST from that button starts the follow."""
    try:
        found = svc.read_confirm_token(token)
    except svc.FollowLinkError as exc:
        message = (
            _("The link has expired. Follow the project again to get a new one.")
            if exc.code == "expired"
            else _("The link is not valid. Copy the whole link from the mail.")
        )
        return render_template("follow/link_problem.html", message=message), (
            410 if exc.code == "expired" else 404
        )
    if request.method == "GET" and found.confirmed_at is None:
        return render_template(
            "follow/confirm.html", follow=found, project=found.project, token=token
        )
    svc.confirm(found)
    return render_template(
        "follow/confirmed.html", follow=found, project=found.project, title=_("You follow")
    )


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
def unsubscribe(token: str) -> Any:
    """GET: a page with a button (never stops anything by itself). POST: stop following."""
    try:
        found = svc.read_unsubscribe_token(token)
    except svc.FollowLinkError:
        message = _("The link is not valid. Copy the whole link from the mail.")
        return render_template("follow/link_problem.html", message=message), 404
    if request.method == "POST":
        project = found.project if found is not None else None
        if found is not None:
            svc.stop(found)
        return render_template("follow/unsubscribed.html", project=project)
    return render_template(
        "follow/unsubscribe.html",
        follow=found,
        project=found.project if found is not None else None,
        token=token,
    )


# Mail clients post the one-click unsubscribe (RFC 8058) without a session.
csrf.exempt(unsubscribe)


@bp.post("/my/follows/<int:follow_id>/stop")
def stop(follow_id: int) -> Response:
    """Stop a follow from the project page, "Mina bidrag" or the account page."""
    form = UnfollowForm()
    if not form.validate():
        abort(400)
    found = db.session.get(Follow, follow_id)
    mine = {f.id for f in svc.follows_of(current_user, current_participant())}
    if found is None or found.id not in mine:
        abort(404)
    project = found.project
    svc.stop(found)
    flash(_("You no longer follow %(project)s.", project=_title(project)), "success")
    back = request.form.get("back")
    if back == "project":
        return redirect(_project_page(project) + "#follow", 303)
    return redirect(url_for("public.my_contributions") + "#follows", 303)


def _title(project: Project) -> str:
    from app.core.i18n import tr

    return tr(project.title)
