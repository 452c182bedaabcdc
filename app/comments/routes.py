"""Resident views of the discussion: post, reply, support, flag, edit, delete, more replies.

Each view serves htmx (a fragment from the same partials as the page) and plain forms (a
redirect back to the stage page, or a full page when there is something to correct).

The form's data becomes the input of the use case's schema (``app/comments/schemas.py``, the
same one the API validates JSON with); an ``Invalid`` error puts its messages next to the
fields, any other refusal becomes the error page (``app/core/errors.py``). The participant is
created only when the write passes every check (``created_participant``).
"""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import Field

from app.accounts.participants import created_participant, current_participant
from app.comments import bp, queries, services
from app.comments.forms import CommentForm, ConfirmForm, EditForm, FlagForm
from app.comments.models import Comment, CommentStatus
from app.comments.photos import services as photos
from app.comments.schemas import EditComment, FlagComment, NewComment
from app.core.errors import Conflict, Invalid, status_of
from app.core.forms import FlaskForm
from app.core.htmx import is_htmx, render
from app.core.i18n import current_language
from app.core.permissions import Action, actor_from, can, require
from app.core.security import safe_next
from app.extensions import db
from app.projects.models import Stage
from app.projects.urls import stage_url


def discussion_context(
    stage: Stage, form: CommentForm | None = None, *, sort: str = "newest", page: int = 1
) -> dict[str, Any]:
    """Everything the discussion partial needs (the stage page and the comment views)."""
    participant = current_participant()
    actor = actor_from(current_user, participant)
    activity = services.discussion_of(stage)
    viewer_id = participant.id if participant else None
    thread = queries.thread(stage, sort=sort, page=page, viewer_id=viewer_id)
    if form is None:
        form = CommentForm(formdata=None)
        form.client_id.data = services.new_client_id()
    return {
        "stage": stage,
        "project": stage.project,
        "activity": activity,
        "thread": thread,
        "form": form,
        "can_comment": activity is not None
        and can(actor, Action.COMMENT, stage, activity=activity),
        "can_place": activity is not None
        and can(actor, Action.PLACE_ON_MAP, stage, activity=activity),
        "can_answer": can(actor, Action.ANSWER_OFFICIALLY, stage),
        "needs_nickname": activity is not None
        and activity.policy == "nickname"
        and not (participant and participant.nickname),
        "needs_account": activity is not None
        and activity.policy == "account"
        and not (actor.user and actor.user.email_verified_at),
        "viewer_id": viewer_id,
        "tile_url": current_app.config["TILE_URL"],
        "tile_attribution": current_app.config["TILE_ATTRIBUTION"],
    }


@bp.app_template_global("may_comment")
def may_comment(stage: Stage) -> bool:
    """May the current resident comment in ``stage``'s discussion?"""
    activity = services.discussion_of(stage)
    actor = actor_from(current_user, current_participant())
    return activity is not None and can(actor, Action.COMMENT, stage, activity=activity)


@bp.app_template_global("depth_of")
def depth_of(comment: Comment) -> int:
    return services.depth_of(comment)


def _stage_or_404(stage_id: int) -> Stage:
    stage = db.session.get(Stage, stage_id)
    if stage is None:
        abort(404)
    require(actor_from(current_user, current_participant()), Action.VIEW, stage)
    return stage


def _comment_or_404(comment_id: int) -> Comment:
    """A comment the viewer may see: published or hidden, or their own pending one."""
    comment = db.session.get(Comment, comment_id)
    if comment is None:
        abort(404)
    require(actor_from(current_user, current_participant()), Action.VIEW, comment)
    participant = current_participant()
    own = participant is not None and comment.participant_id == participant.id
    if (comment.status == CommentStatus.PENDING or comment.rejected) and not own:
        abort(404)
    return comment


@bp.get("/comments/<int:comment_id>")
def show(comment_id: int) -> Any:
    """A comment's own link: the page of the thread that shows it, at the comment."""
    comment = _comment_or_404(comment_id)
    anchor = f"#c-{comment.id}"
    if comment.parent_id is not None:
        # A reply may be folded away on the thread's page: its whole thread always shows it.
        root = services.root_of(comment)
        return redirect(url_for("comments.replies", comment_id=root.id) + anchor)
    participant = current_participant()
    page = queries.page_of(comment, viewer_id=participant.id if participant else None)
    url = stage_url(comment.stage, page=page) if page > 1 else stage_url(comment.stage)
    return redirect(url + anchor)


def _stage_url(stage: Stage, anchor: str = "") -> str:
    return stage_url(stage) + (f"#{anchor}" if anchor else "")


def _back(comment: Comment) -> str:
    return safe_next(request.values.get("next"), _stage_url(comment.stage, f"c-{comment.id}"))


def _subtree_page(comment: Comment, page: str, **context: Any) -> Any:
    """The comment (with its replies) as a fragment for htmx, else ``page``."""
    participant = current_participant()
    thread = queries.subtree(comment, viewer_id=participant.id if participant else None)
    return render(
        page,
        "comments/_comment.html",
        comment=comment,
        thread=thread,
        stage=comment.stage,
        project=comment.stage.project,
        viewer_id=participant.id if participant else None,
        **context,
    )


def show_errors(
    form: FlaskForm, error: Invalid, default: Field, aliases: dict[str, str] | None = None
) -> None:
    """Put ``error``'s messages next to the form's fields (``default`` for the others)."""
    fields = error.fields or {"": error.message}
    for name, message in fields.items():
        target = getattr(form, (aliases or {}).get(name, name), None)
        if not isinstance(target, Field) or target.type in (
            "HiddenField",
            "CSRFTokenField",
            "SubmitField",
        ):
            target = default  # a message must be seen: not next to a hidden field
        target.errors = [*target.errors, message]


def _post_comment(stage: Stage, form: CommentForm, parent: Comment | None = None) -> Comment:
    """Store the posted comment or reply; raises the service's domain errors."""
    new = NewComment.parse(
        form.schema_input(services.new_client_id(), parent.id if parent is not None else None)
    )
    # The photo is checked before anything is written: a refused photo stores no comment.
    photo = photos.prepare(photos.read_upload(form.photo.data), form.photo_alt.data)
    participant = current_participant()
    comment, created = services.post_comment(
        actor_from(current_user, participant),
        participant,
        stage,
        new,
        language=current_language(),
        new_participant=created_participant,
    )
    if created and photo is not None:
        photos.attach(comment, photo)
    return comment


def _discussion(
    stage: Stage, form: CommentForm | None = None, status: int = 200, notice: str | None = None
) -> Any:
    context = discussion_context(stage, form)
    context["notice"] = notice
    if is_htmx():
        return render_template("comments/_discussion.html", **context), status
    return render_template("comments/post.html", **context), status


@bp.get("/stages/<int:stage_id>/comments")
def discussion(stage_id: int) -> Any:
    """This address shows a refused comment form (no JavaScript); reloaded, or reached again
    with Back, it leads to the stage's discussion instead of "method not allowed"."""
    return redirect(_stage_url(_stage_or_404(stage_id), "discussion"), code=303)


@bp.post("/stages/<int:stage_id>/comments")
def post(stage_id: int) -> Any:
    """Post a comment to a stage's discussion, optionally placed on the map."""
    stage = _stage_or_404(stage_id)
    form = CommentForm()
    if not form.validate():
        return _discussion(stage, form, 422)
    try:
        comment = _post_comment(stage, form)
    except Invalid as exc:
        show_errors(form, exc, form.body, {"geometry": "lat"})
        return _discussion(stage, form, status_of(exc))
    pending = comment.status == CommentStatus.PENDING
    notice = _("Thank you! Your post is reviewed before it is published.") if pending else None
    if is_htmx():
        fresh = CommentForm(formdata=None)
        fresh.client_id.data = services.new_client_id()
        response, status = _discussion(stage, fresh, notice=notice)
        headers = {"HX-Trigger": "comment-posted"}
        return response, status, headers
    if notice:
        flash(notice, "success")
    return redirect(_stage_url(stage, f"c-{comment.id}"), code=303)


@bp.route("/comments/<int:comment_id>/reply", methods=["GET", "POST"])
def reply(comment_id: int) -> Any:
    """Reply to a comment: the form, and storing the reply."""
    parent = _comment_or_404(comment_id)
    stage = parent.stage
    form = CommentForm()
    if request.method == "POST":
        if not form.validate():
            return _reply_form(parent, form, 422)
        try:
            comment = _post_comment(stage, form, parent)
        except Invalid as exc:
            show_errors(form, exc, form.body)
            return _reply_form(parent, form, 422)
        if comment.status == CommentStatus.PENDING:
            flash(_("Thank you! Your post is reviewed before it is published."), "success")
        if is_htmx():
            root = services.root_of(comment)
            return _subtree_page(root, "comments/replies.html")
        return redirect(_stage_url(stage, f"c-{comment.id}"), code=303)
    form.client_id.data = services.new_client_id()
    return _reply_form(parent, form)


def _reply_form(parent: Comment, form: CommentForm, status: int = 200) -> Any:
    context = discussion_context(parent.stage, form)
    context.pop("thread")
    root = services.root_of(parent)
    body = render(
        "comments/reply.html", "comments/_reply_form.html", parent=parent, root=root, **context
    )
    return body, status, _retarget(f"#slot-{parent.id}", status)


def _retarget(selector: str, status: int) -> dict[str, str]:
    """Errors replace the form in its slot, not the comment the form would replace."""
    if status == 422 and is_htmx():
        return {"HX-Retarget": selector, "HX-Reswap": "innerHTML"}
    return {}


@bp.get("/comments/<int:comment_id>/replies")
def replies(comment_id: int) -> Any:
    """A comment with all its replies ("show more replies")."""
    comment = _comment_or_404(comment_id)
    participant = current_participant()
    thread = queries.subtree(comment, viewer_id=participant.id if participant else None)
    return render(
        "comments/replies.html",
        "comments/_comment.html",
        comment=comment,
        thread=thread,
        stage=comment.stage,
        project=comment.stage.project,
        viewer_id=participant.id if participant else None,
    )


@bp.post("/comments/<int:comment_id>/support")
def support(comment_id: int) -> Any:
    """Say "Håller med" (agree) with a comment, once per participant."""
    comment = _comment_or_404(comment_id)
    form = ConfirmForm()
    if not form.validate():
        abort(400)
    participant = current_participant()
    message = None
    try:
        services.support(
            actor_from(current_user, participant),
            participant,
            comment,
            new_participant=created_participant,
        )
    except Conflict as exc:
        if exc.code != "already_supported" or not is_htmx():
            raise
        message = exc.message
    if is_htmx():
        return render_template(
            "comments/_support.html", comment=comment, supported=True, message=message
        )
    flash(_("Thank you! Your support is counted."), "success")
    return redirect(_back(comment), code=303)


@bp.post("/comments/<int:comment_id>/support/withdraw")
def withdraw_support(comment_id: int) -> Any:
    """Take back "Håller med"."""
    comment = _comment_or_404(comment_id)
    if not ConfirmForm().validate():
        abort(400)
    services.withdraw_support(current_participant(), comment)
    if is_htmx():
        return render_template("comments/_support.html", comment=comment, supported=False)
    flash(_("You no longer agree with the comment."), "success")
    return redirect(_back(comment), code=303)


@bp.route("/comments/<int:comment_id>/flag", methods=["GET", "POST"])
def flag(comment_id: int) -> Any:
    """Report a comment to the moderators with a reason."""
    comment = _comment_or_404(comment_id)
    form = FlagForm()
    status = 200
    if request.method == "POST":
        if form.validate():
            participant = current_participant()
            try:
                services.flag(
                    actor_from(current_user, participant),
                    participant,
                    comment,
                    FlagComment.parse(form.schema_input()),
                    new_participant=created_participant,
                )
            except Invalid as exc:
                show_errors(form, exc, form.reason)
                status = 422
            except Conflict as exc:
                return render(
                    "comments/flag.html",
                    "comments/_flag_done.html",
                    comment=comment,
                    stage=comment.stage,
                    message=exc.message,
                ), (200 if is_htmx() else 409)
            else:
                message = _("Thank you. A moderator will look at the comment.")
                if is_htmx():
                    return render_template(
                        "comments/_flag_done.html", comment=comment, message=message
                    )
                flash(message, "success")
                return redirect(_back(comment), code=303)
        else:
            status = 422
    else:
        require(actor_from(current_user, current_participant()), Action.FLAG, comment)
    return render(
        "comments/flag.html",
        "comments/_flag_form.html",
        comment=comment,
        stage=comment.stage,
        form=form,
    ), status


@bp.route("/comments/<int:comment_id>/edit", methods=["GET", "POST"])
def edit(comment_id: int) -> Any:
    """Edit one's own comment within the edit window."""
    comment = _comment_or_404(comment_id)
    actor = actor_from(current_user, current_participant())
    require(actor, Action.EDIT_COMMENT, comment)
    form = EditForm(body=comment.body)
    if request.method == "GET" and comment.geometry:
        # Start at the comment's place; a post without the fields keeps it.
        lon, lat = comment.geometry["coordinates"]
        form.lat.data, form.lon.data = f"{lat:.6f}", f"{lon:.6f}"
    if request.method == "POST":
        if form.validate():
            try:
                services.edit(actor, comment, EditComment.parse(form.schema_input()))
            except Invalid as exc:
                show_errors(form, exc, form.body, aliases={"geometry": "lat"})
            else:
                if is_htmx():
                    return _subtree_page(comment, "comments/replies.html")
                flash(_("Your comment was saved."), "success")
                return redirect(_back(comment), code=303)
        return _edit_page(comment, form, 422)
    return _edit_page(comment, form)


def _edit_page(comment: Comment, form: EditForm, status: int = 200) -> Any:
    body = render(
        "comments/edit.html",
        "comments/_edit_form.html",
        comment=comment,
        stage=comment.stage,
        form=form,
        next=request.values.get("next", ""),
    )
    return body, status, _retarget(f"#slot-{comment.id}", status)


@bp.route("/comments/<int:comment_id>/delete", methods=["GET", "POST"])
def delete(comment_id: int) -> Any:
    """Delete one's own comment (its replies stay)."""
    comment = _comment_or_404(comment_id)
    actor = actor_from(current_user, current_participant())
    require(actor, Action.DELETE_COMMENT, comment)
    form = ConfirmForm()
    if request.method == "POST":
        if not form.validate():
            abort(400)
        services.delete(actor, comment)
        if is_htmx():
            return _subtree_page(comment, "comments/replies.html")
        flash(_("Your comment was deleted."), "success")
        return redirect(_back(comment), code=303)
    return render(
        "comments/delete.html",
        "comments/_delete_form.html",
        comment=comment,
        stage=comment.stage,
        form=form,
        next=request.values.get("next", ""),
    )
