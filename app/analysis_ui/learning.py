"""The coder learns from the facilitators' reviews (issue 18, items 2 and 4, the app side).

- **Reviewed items.** Every contribution of a project a person has reviewed (a theme
  accepted, rejected or added, or the valence corrected) becomes an
  ``analysis.learn.ReviewedItem``: its final themes (human decisions win), its valence (a
  reviewer's correction, else the machine's valence the reviewer left standing), its language,
  channel, map category and its participant (for the rule that a model keeps only features
  seen from at least 3 participants).
- **Retraining.** Each time a project's reviewed contributions pass a multiple of
  :data:`RETRAIN_EVERY` (25), :func:`note_reviews` enqueues :func:`retrain` (RQ with
  ``REDIS_URL``, else in-process; coalesced). A project with at least
  :data:`PROJECT_MINIMUM` (100) reviews gets its own model; below that the organization's
  model is trained from the reviews of all its projects and used as the fallback. An erasure
  retrains the projects it touched (:func:`retrain_after_erasure`), and a scope without
  enough reviews left loses its model. Only the latest model of a scope is kept.
- **Use.** :func:`model_for` is the scope's model when cross-validation let it in for at
  least one theme or for valence (the model JSON records where); the coder then uses it only
  there, and every coding it writes records ``rule:v1+model:<id>``.
- **Suggestions.** :func:`suggestions`: stems frequent in the texts where reviewers added a
  theme the machine missed and rare elsewhere, seen from at least 3 participants, each with
  the contributions it comes from; :func:`accept_suggestion` adds one to the project's
  codebook.
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import sqlalchemy as sa

from analysis.coder import Coder
from analysis.learn import ReviewedItem, train
from analysis.learned import Model, ModelError
from analysis.models import VALENCES
from analysis.text import content_tokens, get_stemmer
from app.analysis_ui import dataset
from app.analysis_ui.models import CoderModel, Coding, ContributionReview, ReviewState, TargetType
from app.codebook.models import Codebook, Theme
from app.core.jobs import enqueue
from app.core.models import utcnow
from app.extensions import db
from app.projects.models import Project, Stage

log = logging.getLogger(__name__)

#: A retraining job is enqueued each time a project's reviews pass a multiple of this.
RETRAIN_EVERY = 25
#: A project with at least this many reviews gets its own model; below, its organization's.
PROJECT_MINIMUM = 100
#: Features (and suggested terms) must come from at least this many participants.
MIN_PARTICIPANTS = 3
PROJECT = "project"
ORGANIZATION = "organization"


# --- Reviewed items -----------------------------------------------------------------------


def _stage_ids(projects: Iterable[Project]) -> list[int]:
    ids = [p.id for p in projects]
    if not ids:
        return []
    return list(db.session.scalars(sa.select(Stage.id).where(Stage.project_id.in_(ids))))


def reviewed_keys(stage_ids: Sequence[int]) -> set[str]:
    """Keys of the contributions of ``stage_ids`` a person has reviewed (two queries)."""
    if not stage_ids:
        return set()
    human = sa.or_(Coding.source.like("human:%"), Coding.review_state != ReviewState.MACHINE)
    out = {
        dataset.key_of(t, i)
        for t, i in db.session.execute(
            sa.select(Coding.target_type, Coding.target_id)
            .where(Coding.stage_id.in_(stage_ids), human)
            .distinct()
        )
    }
    out.update(
        dataset.key_of(t, i)
        for t, i in db.session.execute(
            sa.select(ContributionReview.target_type, ContributionReview.target_id).where(
                ContributionReview.stage_id.in_(stage_ids),
                ContributionReview.valence.is_not(None),
            )
        )
    )
    return out


def review_count(project: Project) -> int:
    """How many of the project's contributions a person has reviewed."""
    return len(reviewed_keys(_stage_ids([project])))


@dataclass(frozen=True, slots=True)
class Reviewed:
    """A reviewed contribution: the training item plus what suggestions need."""

    item: ReviewedItem
    key: str
    machine: frozenset[str]
    added: frozenset[str]


def reviewed(projects: Sequence[Project], coder: Coder) -> list[Reviewed]:
    """The reviewed contributions of ``projects`` as training items (themes the coder's
    codebook does not know are left out)."""
    from app.analysis_ui.services import finals

    known = set(coder.codebook.theme_ids)
    ids: dict[TargetType, list[int]] = defaultdict(list)
    for key in sorted(reviewed_keys(_stage_ids(projects))):
        parsed = dataset.parse_key(key)
        if parsed is not None:
            ids[parsed[0]].append(parsed[1])
    # Only the reviewed contributions are read, never a whole stage.
    items = [
        it for target, target_ids in ids.items() for it in dataset.target_items(target, target_ids)
    ]
    final = finals(items, coder.source)
    out: list[Reviewed] = []
    for it in items:
        f = final[it.key]
        c = it.contribution
        valence = f.valence if f.valence in VALENCES else "neutral"
        out.append(
            Reviewed(
                ReviewedItem(
                    id=it.key,
                    text=c.text,
                    themes=frozenset(t for t in f.themes if t in known),
                    valence=valence,
                    lang=c.lang,
                    channel=c.channel,
                    category=c.category,
                    participant=c.participant_id,
                ),
                it.key,
                frozenset(f.machine),
                frozenset(t for t, d in f.decisions.items() if d == ReviewState.HUMAN),
            )
        )
    return out


# --- Training -----------------------------------------------------------------------------


def note_reviews(project: Project, before: int) -> bool:
    """After a review write: enqueue a retraining when the project's reviews passed a
    multiple of :data:`RETRAIN_EVERY` (``before`` is the count before the write)."""
    after = review_count(project)
    if after // RETRAIN_EVERY > before // RETRAIN_EVERY:
        enqueue("app.analysis_ui.learning.retrain", project.id, coalesce=True)
        return True
    return False


def retrain_after_erasure(project_ids: Iterable[int]) -> None:
    """Retrain the scopes an erasure touched, so no model keeps what was erased."""
    for project_id in sorted(set(project_ids)):
        enqueue("app.analysis_ui.learning.retrain", project_id, coalesce=True)


def _organization_coder(organization_id: int) -> Coder:
    """The coder of the organization's own codebook (its projects' extensions left out)."""
    from app.analysis_ui.services import coder_for

    return coder_for(_OrgScope(organization_id))


@dataclass(frozen=True, slots=True)
class _OrgScope:
    """Stands for "no project of this organization" where a project is expected."""

    organization_id: int
    id: int = 0


def retrain(project_id: int) -> CoderModel | None:
    """The background job: train the project's model (100 reviews and more) or else its
    organization's, store it and drop what it replaces. Commits. Returns the stored row."""
    from app.analysis_ui.services import coder_for

    project = db.session.get(Project, project_id)
    if project is None:
        return None
    org_id = project.organization_id
    coder = _rules(coder_for(project))
    items = reviewed([project], coder)
    if len(items) >= PROJECT_MINIMUM:
        row = _store(PROJECT, org_id, project.id, items, coder)
    else:
        _drop(PROJECT, org_id, project.id)
        projects = list(
            db.session.scalars(sa.select(Project).where(Project.organization_id == org_id))
        )
        org_coder = _rules(_organization_coder(org_id))
        row = _store(ORGANIZATION, org_id, None, reviewed(projects, org_coder), org_coder)
    db.session.commit()
    return row


def _rules(coder: Coder) -> Coder:
    """The same codebook without a model: a model learns on top of the rules alone."""
    if coder.model is None:
        return coder
    return Coder(coder.codebook, coder.default_lang, coder.enabled, coder.scorer)


def _drop(scope: str, organization_id: int, project_id: int | None) -> None:
    db.session.execute(
        sa.delete(CoderModel).where(*_scope_filter(scope, organization_id, project_id))
    )


def _scope_filter(scope: str, organization_id: int, project_id: int | None) -> list[Any]:
    return [
        CoderModel.scope == scope,
        CoderModel.organization_id == organization_id,
        CoderModel.project_id == project_id
        if project_id is not None
        else CoderModel.project_id.is_(None),
    ]


def _store(
    scope: str,
    organization_id: int,
    project_id: int | None,
    items: Sequence[Reviewed],
    coder: Coder,
) -> CoderModel | None:
    _drop(scope, organization_id, project_id)
    owners = {r.item.owner for r in items}
    if len(items) < RETRAIN_EVERY or len(owners) < 2:
        return None
    model = train([r.item for r in items], coder, min_participants=MIN_PARTICIPANTS)
    cv = model.cv
    rules, combined = cv.get("rules", {}), cv.get("combined", {})
    row = CoderModel(
        scope=scope,
        organization_id=organization_id,
        project_id=project_id,
        model_id=model.id,
        trained_at=utcnow(),
        n_reviews=len(items),
        json=model.to_json(),
        rules_f1=rules.get("macro_f1"),
        model_f1=combined.get("macro_f1"),
        rules_valence=rules.get("valence_accuracy"),
        model_valence=combined.get("valence_accuracy"),
        used=bool(any(model.use_theme.values()) or model.use_valence),
    )
    db.session.add(row)
    db.session.flush()
    log.info("trained coder model %s (%s, %d reviews)", model.id, scope, len(items))
    return row


# --- Use ----------------------------------------------------------------------------------


def stored_model(project: Any) -> CoderModel | None:
    """The model row that applies to ``project``: its own, else its organization's."""
    if project is None or getattr(project, "organization_id", None) is None:
        return None
    if project.id:
        own = db.session.scalar(
            sa.select(CoderModel)
            .where(*_scope_filter(PROJECT, project.organization_id, project.id))
            .order_by(CoderModel.id.desc())
            .limit(1)
        )
        if own is not None:
            return own
    return db.session.scalar(
        sa.select(CoderModel)
        .where(*_scope_filter(ORGANIZATION, project.organization_id, None))
        .order_by(CoderModel.id.desc())
        .limit(1)
    )


#: Parsed models of this process by (row id, model id); the JSON is read only on a miss.
_parsed: dict[tuple[int, str], Model | None] = {}
_PARSED_MAX = 16


def _model_of(row: CoderModel) -> Model | None:
    key = (row.id, row.model_id)
    if key not in _parsed:
        try:
            model: Model | None = Model.from_json(row.json)
        except ModelError:
            log.warning("coder model %s (row %s) cannot be read; coding with the rules", *key[::-1])
            model = None
        if len(_parsed) >= _PARSED_MAX:
            _parsed.pop(next(iter(_parsed)))
        _parsed[key] = model
    return _parsed[key]


def model_for(project: Any) -> Model | None:
    """The model the coder of ``project`` uses: the scope's, only where cross-validation
    showed it beat the rules (None when it beat them nowhere)."""
    row = stored_model(project)
    if row is None or not row.used:
        return None
    return _model_of(row)


@lru_cache(maxsize=32)
def _with_model(base: Coder, model: Model) -> Coder:
    return Coder(base.codebook, base.default_lang, base.enabled, base.scorer, model=model)


def with_model(project: Any, base: Coder) -> Coder:
    """``base`` (the project's rules) combined with the scope's model, if one is used."""
    model = model_for(project)
    return base if model is None else _with_model(base, model)


@dataclass(frozen=True, slots=True)
class Estimate:
    """What the review page says about the learned coder."""

    n_reviews: int
    scope: str | None = None
    model_f1: float | None = None
    rules_f1: float | None = None
    model_valence: float | None = None
    rules_valence: float | None = None
    used: bool = False
    #: Reviews still needed before the first model (when there is none).
    missing: int = 0

    @property
    def exists(self) -> bool:
        return self.scope is not None


def estimate(project: Project) -> Estimate:
    row = stored_model(project)
    count = review_count(project)
    if row is None:
        return Estimate(count, missing=max(1, RETRAIN_EVERY - count % RETRAIN_EVERY))
    return Estimate(
        row.n_reviews,
        row.scope,
        row.model_f1,
        row.rules_f1,
        row.model_valence,
        row.rules_valence,
        row.used,
    )


# --- Suggestions from reviews -------------------------------------------------------------

#: A suggested term occurs in at least this share of the texts where the theme was added...
MIN_SHARE_ADDED = 0.2
#: ...and in at most this share of the other reviewed texts without the theme.
MAX_SHARE_ELSEWHERE = 0.05
MIN_STEM_LENGTH = 4
MAX_SUGGESTIONS = 20


@dataclass
class Suggestion:
    """A candidate codebook term for ``theme``: ``term`` (the commonest word with the stem,
    stored as the pattern ``~term``) with the contributions it comes from."""

    theme: str
    lang: str
    term: str
    stem: str
    participants: int
    elsewhere: int
    keys: list[str] = field(default_factory=list)

    @property
    def pattern(self) -> str:
        return "~" + self.term


def _stems(text: str, lang: str | None, coder: Coder) -> dict[str, str]:
    """stem → the first word with it, of the text's content words."""
    language = lang if lang in ("sv", "en") else coder.detect(text)
    stem = get_stemmer(language).stem
    out: dict[str, str] = {}
    for token in content_tokens(text, language):
        if token.isalpha():
            out.setdefault(stem(token), token)
    return out


def suggestions(project: Project, coder: Coder) -> list[Suggestion]:
    """Candidate terms for the project's codebook from themes reviewers added that the
    machine missed, most participants first; stems already in the theme's patterns or that
    the rules already match for the theme are left out."""
    rows = reviewed([project], coder)
    added_to: dict[str, list[Reviewed]] = defaultdict(list)
    for r in rows:
        for theme in r.added - r.machine:
            added_to[theme].append(r)
    if not added_to:
        return []
    stems_of = {r.key: _stems(r.item.text, r.item.lang, coder) for r in rows}
    lang_of = {
        r.key: (r.item.lang if r.item.lang in ("sv", "en") else coder.detect(r.item.text))
        for r in rows
    }
    out: list[Suggestion] = []
    for theme, texts in added_to.items():
        others = [r for r in rows if theme not in r.item.themes]
        owners: dict[str, set[str]] = defaultdict(set)
        keys: dict[str, list[str]] = defaultdict(list)
        words: dict[str, Counter[str]] = defaultdict(Counter)
        langs: dict[str, Counter[str]] = defaultdict(Counter)
        for r in texts:
            for s, word in stems_of[r.key].items():
                owners[s].add(r.item.owner)
                keys[s].append(r.key)
                words[s][word] += 1
                langs[s][lang_of[r.key]] += 1
        elsewhere = Counter(s for r in others for s in stems_of[r.key])
        for s, who in owners.items():
            if len(who) < MIN_PARTICIPANTS or len(s) < MIN_STEM_LENGTH:
                continue
            if len(keys[s]) < MIN_SHARE_ADDED * len(texts):
                continue
            if elsewhere[s] > MAX_SHARE_ELSEWHERE * max(len(others), 1):
                continue
            term = words[s].most_common(1)[0][0]
            lang = langs[s].most_common(1)[0][0]
            ids = coder.codebook.theme_ids
            if theme in ids and coder.rule_confidences([term], lang)[ids.index(theme)] > 0:
                continue
            out.append(Suggestion(theme, lang, term, s, len(who), elsewhere[s], sorted(keys[s])))
    out.sort(key=lambda x: (-x.participants, x.elsewhere, x.theme, x.term))
    return out[:MAX_SUGGESTIONS]


def accept_suggestion(project: Project, theme: str, lang: str, term: str) -> Theme:
    """Add ``~term`` as a strong pattern of ``theme`` (language ``lang``) to the project's own
    codebook (created when it has none). Flushed; the caller audits and commits."""
    book = db.session.scalar(
        sa.select(Codebook).where(Codebook.project_id == project.id).order_by(Codebook.id).limit(1)
    )
    if book is None:
        book = Codebook(
            organization_id=project.organization_id, project_id=project.id, name="project"
        )
        db.session.add(book)
        db.session.flush()
    row = db.session.scalar(
        sa.select(Theme).where(Theme.codebook_id == book.id, Theme.key == theme)
    )
    if row is None:
        position = len(book.themes)
        row = Theme(codebook_id=book.id, key=theme, position=position, label={}, patterns={})
        db.session.add(row)
    patterns = {k: dict(v) for k, v in (row.patterns or {}).items()}
    strong = list(patterns.setdefault(lang, {}).get("strong", []))
    pattern = "~" + term
    if pattern not in strong:
        strong.append(pattern)
    patterns[lang]["strong"] = strong
    row.patterns = patterns  # a new dict, so the JSON column sees the change
    db.session.flush()
    return row


def describe(est: Estimate) -> str:
    """The review page's sentence about the learned coder, in the interface language."""
    from flask_babel import format_decimal, format_number, format_percent, ngettext
    from flask_babel import gettext as _

    if not est.exists:
        return ngettext(
            "The coder learns from your reviews after %(num)s more.",
            "The coder learns from your reviews after %(num)s more.",
            est.missing,
        )

    def f1(value: float | None) -> str:
        return "–" if value is None else format_decimal(value, format="0.00")

    text = _(
        "Trained on %(n)s reviews; estimated F1 %(model)s vs %(rules)s for the rules.",
        n=format_number(est.n_reviews),
        model=f1(est.model_f1),
        rules=f1(est.rules_f1),
    )
    if est.model_valence is not None and est.rules_valence is not None:
        text += " " + _(
            "Valence right in %(model)s vs %(rules)s for the rules.",
            model=format_percent(est.model_valence, format="0%"),
            rules=format_percent(est.rules_valence, format="0%"),
        )
    if est.scope == ORGANIZATION:
        text += " " + _("The organization's model, until this project has 100 reviews.")
    if not est.used:
        text += " " + _("It did not beat the rules, so the rules code alone.")
    return text
