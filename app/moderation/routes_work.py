"""Answers as work: assign a comment to a colleague with a due date, and internal notes.

Both are staff pages: a comment's organization staff with ``Action.MODERATE`` or
``Action.ANSWER_OFFICIALLY``; partners get 403 (they never see internal notes), other
organizations 404.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.comments.models import Comment
from app.core.auth import login_required
from app.core.permissions import Action, actor_from, can
from app.core.security import safe_next
from app.extensions import db
from app.moderation import bp, work
from app.moderation.forms_work import NoteForm
from app.moderation.routes import require_staff, time_to_answer
from app.moderation.services import ModerationError


def _staff_comment(comment_id: int) -> Comment:
    comment = db.session.get(Comment, comment_id)
    actor = actor_from(current_user)
    if comment is None or not (
        can(actor, Action.MODERATE, comment) or can(actor, Action.ANSWER_OFFICIALLY, comment)
    ):
        require_staff(Action.MODERATE, comment)
    if comment is None:  # pragma: no cover - require_staff aborted
        abort(404)
    return comment


@bp.post("/answers/<int:comment_id>/assign")
@login_required
def assign(comment_id: int) -> Any:
    """Give the answer to a colleague with a due date (empty fields clear the assignment)."""
    comment = db.session.get(Comment, comment_id)
    require_staff(Action.ANSWER_OFFICIALLY, comment)
    assert comment is not None  # noqa: S101
    back = safe_next(request.form.get("next"), url_for("moderation.answers"))
    raw = request.form.get("assignee", "")
    try:
        due = work.parse_due(request.form.get("due_on"))
        assignee_id = int(raw) if raw.isdigit() else None
        if raw and assignee_id is None:
            raise ModerationError("assignee", _("Choose a colleague who may answer officially."))
        done = work.assign(comment, assignee_id=assignee_id, due_on=due, by=current_user)
    except ModerationError as exc:
        db.session.rollback()
        flash(_("Comment %(id)s: %(error)s", id=comment_id, error=str(exc)), "error")
        return redirect(f"{back}#c-{comment_id}", code=303)
    db.session.commit()
    if done is None:
        flash(_("The assignment is removed."), "success")
    elif done.assignee is not None:
        flash(
            _("Assigned to %(name)s.", name=done.assignee.display_name or done.assignee.email),
            "success",
        )
    else:
        flash(_("The due date is saved."), "success")
    return redirect(f"{back}#c-{comment_id}", code=303)


@bp.route("/comments/<int:comment_id>/notes", methods=["GET", "POST"])
@login_required
def notes(comment_id: int) -> Any:
    """Internal notes on a comment, for staff only."""
    comment = _staff_comment(comment_id)
    form = NoteForm()
    status = 200
    if request.method == "POST":
        form.validate()
        try:
            work.add_note(comment, author=current_user, body=form.body.data)
        except ModerationError as exc:
            db.session.rollback()
            form.body.errors = [str(exc)]
            status = 422
        else:
            db.session.commit()
            flash(_("The note is saved. Only staff can read it."), "success")
            return redirect(url_for("moderation.notes", comment_id=comment.id), code=303)
    assignment = work.assignment_of(comment)
    return (
        render_template(
            "moderation/notes.html",
            comment=comment,
            notes=work.notes_of(comment),
            assignment=assignment,
            form=form,
            time_to_answer=time_to_answer,
            may_answer=can(actor_from(current_user), Action.ANSWER_OFFICIALLY, comment),
        ),
        status,
    )
