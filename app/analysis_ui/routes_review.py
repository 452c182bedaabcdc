"""The coding review screen (``Action.CODE``): one contribution at a time beside a filtered,
paged list; theme decisions, valence corrections, bulk accept of the page and the planner's
decision whether a contribution is met. Every write is audited; nothing here shows who wrote
a contribution.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from app.analysis_ui import bp, learning, review, services
from app.analysis_ui.dataset import Item, parse_key, target_items
from app.analysis_ui.forms import (
    BulkAcceptForm,
    DecisionForm,
    DispositionForm,
    SuggestionForm,
    ValenceForm,
)
from app.analysis_ui.routes import _helpers, _stage
from app.audit.services import record
from app.core.auth import login_required
from app.core.i18n import tr
from app.core.permissions import Action
from app.projects.models import Stage


def _item(stage: Stage, key: str) -> Item:
    parsed = parse_key(key)
    if parsed is None:
        abort(404)
    items = [it for it in target_items(parsed[0], [parsed[1]]) if it.stage_id == stage.id]
    if not items:
        abort(404)
    return items[0]


def _back(stage: Stage, key: str | None) -> Any:
    """Back to the review with the filters and page the form was posted from."""
    args = review.Filters.from_args(request.args).args()
    page = request.args.get("page", type=int)
    if page and page > 1:
        args["page"] = page
    if key and parse_key(key):
        args["item"] = key
    return redirect(url_for("analysis_ui.review", stage_id=stage.id, **args) + "#item"), 303


def _audit(action: str, stage: Stage, reason: str) -> None:
    record(
        action,
        actor=current_user,
        organization_id=stage.project.organization_id,
        obj=stage,
        reason=reason,
    )


@bp.get("/analysis/stages/<int:stage_id>/review", endpoint="review")
@login_required
def review_screen(stage_id: int) -> Any:
    """The coding review: the filtered list, 25 a page, and the chosen contribution."""
    stage = _stage(stage_id, Action.CODE)
    filters = review.Filters.from_args(request.args)
    data = review.load_review(stage, filters, request.args.get("page", 1, type=int))
    rows = data.page_rows
    key = request.args.get("item")
    index = next((i for i, r in enumerate(data.filtered) if r.key == key), None)
    if index is None:
        # The first contribution nobody has reviewed on this page, else the page's first.
        start = (data.page - 1) * review.PER_PAGE
        index = next(
            (start + i for i, r in enumerate(rows) if not r.reviewed), start if rows else None
        )
    row = data.filtered[index] if index is not None else None
    form = DecisionForm()
    form.theme.choices = [(t, tr(data.labels.get(t)) or t) for t in data.themes]
    valence_form = ValenceForm()
    disposition_form = DispositionForm()
    if row is not None:
        valence_form.valence.data = row.review.valence if row.review else ""
        disposition_form.disposition.data = row.disposition or ""
    args = filters.args()
    page_args = {**args, "page": data.page} if data.page > 1 else args
    return render_template(
        "analysis_ui/review.html",
        stage=stage,
        project=stage.project,
        data=data,
        row=row,
        item=row.item if row else None,
        final=row.final if row else None,
        index=index,
        next_row=data.filtered[index + 1]
        if index is not None and index + 1 < len(data.filtered)
        else None,
        prev_row=data.filtered[index - 1] if index else None,
        agreement=review.agreement(data),
        estimate_text=learning.describe(learning.estimate(stage.project)),
        suggestions=learning.suggestions(stage.project, services.coder_for(stage.project)),
        suggestion_form=SuggestionForm(),
        form=form,
        valence_form=valence_form,
        disposition_form=disposition_form,
        bulk_form=BulkAcceptForm(),
        filters=filters,
        filter_args=args,
        page_args=page_args,
        confidence_bands=review.CONFIDENCE_BANDS,
        reviewed=data.reviewed,
        response_links=_response_links(stage, data.page_rows, row),
        **_helpers(data.labels),
    )


def _response_links(stage: Stage, rows: Any, row: Any) -> dict[str, str]:
    """Links from survey contributions to their response in the staff response browser,
    for users who may open individual responses."""
    from flask_login import current_user

    from app.core.permissions import actor_from, can
    from app.surveys.responses_browser import response_ids_for

    if not can(actor_from(current_user), Action.VIEW_PERSONAL_DATA, stage):
        return {}
    items = [r.item for r in [*rows, row] if r is not None]
    found = response_ids_for((i.key, i.target_type.value, i.target_id) for i in items)
    return {
        key: url_for("surveys.response", survey_id=survey_id, response_id=response_id)
        for key, (survey_id, response_id) in found.items()
    }


@bp.post("/analysis/stages/<int:stage_id>/review/<key>")
@login_required
def review_decide(stage_id: int, key: str) -> Any:
    """Store a reviewer's accept, reject or add decision on one theme."""
    stage = _stage(stage_id, Action.CODE)
    item = _item(stage, key)
    themes = list(services.coder_for(stage.project).codebook.theme_ids)
    form = DecisionForm()
    form.theme.choices = [(t, t) for t in themes]
    if not form.validate_on_submit() or form.decision.data not in ("accepted", "rejected", "human"):
        flash(_("Choose a theme and a decision."), "error")
        return _back(stage, key)
    before = learning.review_count(stage.project)
    services.decide(item, form.theme.data, form.decision.data, current_user.id, themes)
    learning.note_reviews(stage.project, before)
    _audit(f"coding.{form.decision.data}", stage, f"{key}:{form.theme.data}")
    return _back(stage, form.next.data or key)


@bp.post("/analysis/stages/<int:stage_id>/review/<key>/valence")
@login_required
def review_valence(stage_id: int, key: str) -> Any:
    """Correct the machine's valence of one contribution (or remove the correction)."""
    stage = _stage(stage_id, Action.CODE)
    item = _item(stage, key)
    form = ValenceForm()
    if not form.validate_on_submit():
        flash(_("Choose a valence."), "error")
        return _back(stage, key)
    before = learning.review_count(stage.project)
    review.set_valence(item, form.valence.data or None, current_user.id)
    learning.note_reviews(stage.project, before)
    _audit("coding.valence", stage, f"{key}:{form.valence.data or 'machine'}")
    flash(_("The valence was saved."), "success")
    return _back(stage, form.next.data or key)


@bp.post("/analysis/stages/<int:stage_id>/review/<key>/disposition")
@login_required
def review_disposition(stage_id: int, key: str) -> Any:
    """The planner's decision on one contribution: met, partly met or not met."""
    stage = _stage(stage_id, Action.CODE)
    item = _item(stage, key)
    form = DispositionForm()
    if not form.validate_on_submit():
        flash(_("Choose a decision."), "error")
        return _back(stage, key)
    review.set_disposition(item, form.disposition.data or None, current_user.id)
    _audit("contribution.disposition", stage, f"{key}:{form.disposition.data or 'none'}")
    flash(_("The decision was saved."), "success")
    return _back(stage, form.next.data or key)


@bp.post("/analysis/stages/<int:stage_id>/review/accept-page")
@login_required
def review_bulk_accept(stage_id: int) -> Any:
    """Accept every undecided machine theme of the contributions on the filtered page."""
    stage = _stage(stage_id, Action.CODE)
    form = BulkAcceptForm()
    if not form.validate_on_submit():
        abort(400)
    filters = review.Filters.from_args(request.args)
    data = review.load_review(stage, filters, request.args.get("page", 1, type=int))
    rows = data.page_rows
    before = learning.review_count(stage.project)
    count = review.bulk_accept(rows, current_user.id, data.themes)
    learning.note_reviews(stage.project, before)
    _audit("coding.bulk_accept", stage, f"{len(rows)} items, {count} themes")
    flash(
        _(
            "%(themes)s accepted on %(items)s.",
            themes=ngettext("%(num)d theme", "%(num)d themes", count),
            items=ngettext("%(num)d contribution", "%(num)d contributions", len(rows)),
        ),
        "success",
    )
    return _back(stage, None)


@bp.post("/analysis/stages/<int:stage_id>/review/suggestions")
@login_required
def review_accept_suggestion(stage_id: int) -> Any:
    """Add a term suggested from the reviews to the project's codebook (one click)."""
    stage = _stage(stage_id, Action.CODE)
    form = SuggestionForm()
    if not form.validate_on_submit():
        abort(400)
    coder = services.coder_for(stage.project)
    offered = {(s.theme, s.lang, s.term): s for s in learning.suggestions(stage.project, coder)}
    suggestion = offered.get((form.theme.data, form.lang.data, form.term.data))
    if suggestion is None:
        flash(_("That term is no longer suggested."), "error")
        return _back(stage, None)
    learning.accept_suggestion(stage.project, suggestion.theme, suggestion.lang, suggestion.term)
    _audit(
        "codebook.term_added",
        stage,
        f"{suggestion.theme}:{suggestion.lang}:{suggestion.pattern} "
        f"from {', '.join(suggestion.keys)}",
    )
    flash(
        _(
            "“%(term)s” was added to the theme %(theme)s of the project's codebook.",
            term=suggestion.term,
            theme=tr(dict(coder.codebook.theme(suggestion.theme).label)),
        ),
        "success",
    )
    return _back(stage, None)
