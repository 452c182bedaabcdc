"""Staff views: the moderation queue (/manage/moderation) and official answers
(/manage/answers).

Plain forms that redirect after success (PRG) and work without JavaScript; htmx requests
get the changed queue item back instead. Every decision is checked per comment with
``Action.MODERATE`` (or ``Action.ANSWER_OFFICIALLY``) on the comment's stage.
"""

from __future__ import annotations

from typing import Any, TypedDict

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import format_timedelta, ngettext
from flask_babel import gettext as _
from flask_login import current_user

from app.comments.models import Comment
from app.core import permissions, pii
from app.core.auth import login_required
from app.core.htmx import is_htmx
from app.core.i18n import current_language
from app.core.permissions import Action, actor_from, can, project_of
from app.core.security import safe_next
from app.extensions import db
from app.moderation import bp, queries, redaction, services, work
from app.moderation.forms import AnswerForm, BulkForm, DecisionForm
from app.organizations.rules import is_staff_of
from app.projects.rules import is_partner
from app.projects.urls import stage_url


def flag_label(reason: str) -> str:
    labels = {
        "spam": _("Spam"),
        "offensive": _("Offensive"),
        "personal_data": _("Personal data"),
        "off_topic": _("Off topic"),
        "other": _("Other"),
    }
    return labels.get(reason, reason)


def pii_label(kind: str) -> str:
    labels = {
        pii.PHONE: _("Phone number"),
        pii.EMAIL: _("E-mail address"),
        pii.PERSONNUMMER: _("Personal identity number"),
        pii.STREET: _("Street address"),
    }
    return labels.get(kind, kind)


def require_staff(action: Action, obj: Any) -> None:
    """Staff-page check for the current user (see ``permissions.require_staff``)."""
    permissions.require_staff(actor_from(current_user), action, obj)
    if can(actor_from(current_user), action, obj):
        return
    if is_staff_of(current_user, obj) or is_partner(current_user, project_of(obj)):
        abort(403)
    abort(404)


def _comment(comment_id: int, action: Action) -> Comment:
    comment = db.session.get(Comment, comment_id)
    require_staff(action, comment)
    assert comment is not None  # noqa: S101 (require_staff aborted otherwise)
    return comment


def _filters() -> dict[str, Any]:
    kind = request.args.get("kind", "open")
    return {
        "kind": kind if kind in queries.KINDS else "open",
        "project_id": request.args.get("project", type=int),
        "stage_id": request.args.get("stage", type=int),
        "page": max(request.args.get("page", 1, type=int) or 1, 1),
    }


def _queue_url() -> str:
    return safe_next(request.values.get("next"), url_for("moderation.queue"))


def location_of(comment: Comment) -> tuple[float, float] | None:
    """(lat, lon) of a comment's point, or the centre of its line/area."""
    if comment.min_lat is None or comment.min_lon is None:
        return None
    lat = (comment.min_lat + (comment.max_lat or comment.min_lat)) / 2
    lon = (comment.min_lon + (comment.max_lon or comment.min_lon)) / 2
    return round(lat, 5), round(lon, 5)


def stage_link(comment: Comment) -> str | None:
    return f"{stage_url(comment.stage)}#c-{comment.id}"


def _item_context(**extra: Any) -> dict[str, Any]:
    ctx: dict[str, Any] = {
        "flag_label": flag_label,
        "pii_matches": lambda text: pii.find(text),
        "highlight": pii.highlight,
        "pii_label": pii_label,
        "location_of": location_of,
        "stage_link": stage_link,
        "may": lambda action, obj: can(actor_from(current_user), action, obj),
        "next_url": request.full_path if request.method == "GET" else _queue_url(),
        "item_errors": {},
        "notices": {},
        "hide_reasons": work.HIDE_REASONS,
    }
    ctx.update(extra)
    return ctx


def _queue_page(status: int = 200, **extra: Any) -> Any:
    filters = _filters()
    org_ids = queries.organization_ids(current_user)
    items, more = queries.queue(org_ids, **filters)
    actor = actor_from(current_user)
    items = [i for i in items if can(actor, Action.MODERATE, i.comment)]
    projects = queries.projects_for(org_ids)
    selected = next((p for p in projects if p.id == filters["project_id"]), None)
    ctx = _item_context(
        items=items,
        more=more,
        filters=filters,
        projects=projects,
        stages=selected.stages if selected else [],
        bulk_form=extra.pop("bulk_form", None) or BulkForm(formdata=None),
        kinds=[
            ("open", _("Waiting (flagged or pending)")),
            ("flagged", _("Flagged")),
            ("pending", _("Pending approval")),
            ("hidden", _("Hidden")),
            ("recent", _("All recent comments")),
        ],
        **extra,
    )
    return render_template("moderation/queue.html", **ctx), status


@bp.get("/moderation")
@login_required
def queue() -> Any:
    """The moderation queue: flagged and pending comments with their context."""
    if not (current_user.memberships or current_user.is_superadmin):
        abort(403)
    return _queue_page()


def _item_response(
    comment: Comment, status: int, *, error: str | None = None, notice: str | None = None
) -> Any:
    item = queries.with_flags([comment])[0]
    if is_htmx():
        ctx = _item_context(
            item=item,
            item_errors={comment.id: error} if error else {},
            notices={comment.id: notice} if notice else {},
        )
        return render_template("moderation/_item.html", **ctx), status
    if status < 400:
        if notice:
            flash(notice, "success")
        return redirect(_queue_url(), code=303)
    # Without JavaScript, show the queue again with the message next to the item.
    return _queue_page(status, item_errors={comment.id: error}, failed=item)


@bp.post("/moderation/<int:comment_id>/<any(hide, restore, approve, dismiss):action>")
@login_required
def decide(comment_id: int, action: str) -> Any:
    """Hide, restore, approve or dismiss the flags of one comment."""
    comment = _comment(comment_id, Action.MODERATE)
    form = DecisionForm()
    form.validate()
    try:
        reason = form.reason.data
        if action == "hide":
            reason = work.hide_reason(request.form.get("preset"), reason)
        services.ACTIONS[action](comment, moderator=current_user, reason=reason)
    except services.ModerationError as exc:
        return _item_response(comment, 422, error=str(exc))
    except services.ModerationConflict as exc:
        return _item_response(comment, 409, error=str(exc))
    notices = {
        "hide": _("The comment is hidden."),
        "restore": _("The comment is published again."),
        "approve": _("The comment is published."),
        "dismiss": _("The flags were dismissed."),
    }
    return _item_response(comment, 200, notice=notices[action])


@bp.post("/moderation/bulk")
@login_required
def bulk() -> Any:
    """Apply one decision, with one reason, to every selected comment."""
    form = BulkForm()
    form.validate()
    ids = sorted({int(v) for v in request.form.getlist("ids") if v.isdigit()})
    comments = [_comment(comment_id, Action.MODERATE) for comment_id in ids]
    try:
        reason = form.reason.data
        if form.action.data == "hide":
            reason = work.hide_reason(request.form.get("preset"), reason)
        done, skipped = services.bulk(
            comments, form.action.data or "", moderator=current_user, reason=reason
        )
    except services.ModerationError as exc:
        target = form.reason if exc.field == "reason" else form.action
        target.errors = [str(exc)]
        return _queue_page(422, bulk_form=form, selected_ids=set(ids))
    message = ngettext("%(num)d comment changed.", "%(num)d comments changed.", done)
    if skipped:
        message += " " + _(
            "%(n)s were skipped because the action did not apply to them.", n=skipped
        )
    flash(message, "success")
    return redirect(_queue_url(), code=303)


@bp.post("/moderation/<int:comment_id>/needs-answer")
@login_required
def needs_answer(comment_id: int) -> Any:
    """Mark or unmark a comment as needing an official answer."""
    comment = db.session.get(Comment, comment_id)
    actor = actor_from(current_user)
    if comment is None or not (
        can(actor, Action.MODERATE, comment) or can(actor, Action.ANSWER_OFFICIALLY, comment)
    ):
        require_staff(Action.MODERATE, comment)
    assert comment is not None  # noqa: S101
    value = request.form.get("value") == "1"
    try:
        services.set_needs_answer(comment, value, user=current_user)
    except services.ModerationConflict as exc:
        return _item_response(comment, 409, error=str(exc))
    notice = (
        _("Marked as needing an official answer.")
        if value
        else _("No longer waiting for an answer.")
    )
    return _item_response(comment, 200, notice=notice)


# --- official answers ----------------------------------------------------------------------


def time_to_answer(comment: Comment) -> str | None:
    if comment.answered_at is None:
        return None
    return str(
        format_timedelta(
            comment.answered_at - comment.created_at, granularity="minute", threshold=1.0
        )
    )


class AnswerFilters(TypedDict):
    """The filters of the official answers list (keyword arguments of ``answer_list``)."""

    project_id: int | None
    assignee: str | None
    sort: str


@bp.get("/answers")
@login_required
def answers() -> Any:
    """Comments waiting for (or given) an official answer, with the time to answer."""
    if not (current_user.memberships or current_user.is_superadmin):
        abort(403)
    answered = request.args.get("status") == "answered"
    org_ids = queries.organization_ids(current_user)
    actor = actor_from(current_user)
    sort = request.args.get("sort", "oldest")
    filters: AnswerFilters = {
        "project_id": request.args.get("project", type=int),
        "assignee": request.args.get("assignee") or None,
        "sort": sort if sort in work.SORTS else "oldest",
    }
    rows = [
        row
        for row in work.answer_list(
            org_ids, answered=answered, viewer_id=current_user.id, **filters
        )
        if can(actor, Action.ANSWER_OFFICIALLY, row.comment)
    ]
    return render_template(
        "moderation/answers.html",
        rows=rows,
        assign_forms=_assign_forms(rows) if not answered else {},
        comments=[row.comment for row in rows],
        answered=answered,
        filters=filters,
        projects=queries.projects_for(org_ids),
        assignees=work.assignee_choices(org_ids),
        time_to_answer=time_to_answer,
    )


def _assign_forms(rows: list[work.AnswerRow]) -> dict[int, Any]:
    """One assignment form per comment, offering the colleagues of its organization."""
    from app.moderation.forms_work import AssignForm

    by_org: dict[int, list[Any]] = {}
    forms: dict[int, Any] = {}
    for row in rows:
        org_id = row.comment.stage.project.organization_id
        if org_id not in by_org:
            by_org[org_id] = work.colleagues(row.comment)
        a = row.assignment
        data = {
            "assignee": str(a.assignee_id) if a and a.assignee_id else "",
            "due_on": a.due_on.isoformat() if a and a.due_on else "",
        }
        forms[row.comment.id] = AssignForm(formdata=None, data=data).set_colleagues(by_org[org_id])
    return forms


@bp.route("/answers/<int:comment_id>", methods=["GET", "POST"])
@login_required
def answer(comment_id: int) -> Any:
    """Write an official answer to a comment on behalf of the municipality."""
    comment = _comment(comment_id, Action.ANSWER_OFFICIALLY)
    form = AnswerForm()
    status = 200
    error: str | None = None
    if request.method == "POST":
        form.validate()
        try:
            services.answer(
                comment, author=current_user, body=form.body.data, language=current_language()
            )
        except services.ModerationError as exc:
            form.body.errors = [str(exc)]
            status = 422
        except services.ModerationConflict as exc:
            error, status = str(exc), 409
        else:
            flash(_("The official answer is published."), "success")
            return redirect(
                safe_next(request.values.get("next"), url_for("moderation.answers")), code=303
            )
    return (
        render_template(
            "moderation/answer.html",
            comment=comment,
            form=form,
            error=error,
            previous=queries.official_answers(comment),
            time_to_answer=time_to_answer,
            location_of=location_of,
        ),
        status,
    )


def _spans_from_form(text: str) -> list[tuple[int, int]]:
    """The spans a redaction form names: every marked piece of personal data (``all``), a
    moderator's own selection (``fragment``, every occurrence) or ``span`` values
    "start-end" (one highlighted match)."""
    if request.form.get("all"):
        return [(m.start, m.end) for m in pii.find(text)]
    fragment = request.form.get("fragment", "")
    if fragment.strip():
        return redaction.spans_of(text, fragment)
    spans = []
    for value in request.form.getlist("span"):
        start, _sep, end = value.partition("-")
        if start.isdigit() and end.isdigit():
            spans.append((int(start), int(end)))
    return spans


@bp.post("/moderation/<int:comment_id>/redact")
@login_required
def redact(comment_id: int) -> Any:
    """Remove personal data (or a moderator's selection) from a comment's text."""
    comment = _comment(comment_id, Action.MODERATE)
    text = comment.body or ""
    expected = request.form.get("length", type=int)
    try:
        if expected is not None and expected != len(text):
            raise redaction.RedactionError(_("The text has changed; reload and choose again."))
        removed = redaction.redact(
            comment, _spans_from_form(text), current_user, request.form.get("why") or "moderation"
        )
    except redaction.RedactionError as exc:
        return _item_response(comment, 422, error=str(exc))
    notice = ngettext("%(num)d character was removed.", "%(num)d characters were removed.", removed)
    return _item_response(comment, 200, notice=notice)
