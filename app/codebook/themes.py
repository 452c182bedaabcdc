"""Theme ids and labels, read from the codebook: never written out by hand anywhere else.

A project's codebook is the default one (``analysis/data/codebook.json``, docs/codebook.md)
plus the themes and patterns its organization and the project itself added (``Codebook`` and
``Theme`` rows). Forms offer these themes — question hints, the themes feedback answers — and
validate against them, so a project's own themes are choices too. Labels come from the
codebook in the language asked for (Swedish and English).
"""

from __future__ import annotations

import json
import logging
from functools import lru_cache
from typing import Any

import sqlalchemy as sa
from flask_babel import get_locale

from analysis.codebook import Codebook as CodebookSpec
from analysis.codebook import CodebookError, extend_codebook
from analysis.coder import default_coder
from app.codebook.models import Codebook, Theme
from app.extensions import db

log = logging.getLogger(__name__)


def extension_rows(project: Any | None) -> list[Theme]:
    """The themes the project's organization and the project itself added, in order.

    ``project`` is anything with ``id`` and ``organization_id`` (a ``Project``)."""
    if project is None or project.id is None:
        return []
    return list(
        db.session.scalars(
            sa.select(Theme)
            .join(Codebook, Theme.codebook_id == Codebook.id)
            .where(
                sa.or_(
                    Codebook.project_id == project.id,
                    sa.and_(
                        Codebook.organization_id == project.organization_id,
                        Codebook.project_id.is_(None),
                    ),
                )
            )
            .order_by(Codebook.id, Theme.position, Theme.id)
        )
    )


def extension(rows: list[Theme], *, with_patterns_only: bool = False) -> list[dict[str, Any]]:
    """``Theme`` rows as codebook extension entries (``analysis.codebook.extend_codebook``)."""
    return [
        {"id": t.key, "label": t.label or {"en": t.key}, "patterns": t.patterns or {}}
        for t in rows
        if t.patterns or not with_patterns_only
    ]


@lru_cache(maxsize=32)
def _extended(extra_json: str) -> CodebookSpec:
    return extend_codebook(default_coder().codebook, json.loads(extra_json))


def project_codebook(project: Any | None) -> CodebookSpec:
    """The default codebook plus the project's (and its organization's) own themes. A
    malformed extension is logged and left out, so forms always have the default themes."""
    extra = extension(extension_rows(project))
    if not extra:
        return default_coder().codebook
    try:
        return _extended(json.dumps(extra, sort_keys=True))
    except (CodebookError, TypeError, ValueError):
        log.warning("malformed codebook extension for project %s; using the default", project)
        return default_coder().codebook


def _lang(lang: str | None) -> str:
    if lang:
        return lang
    locale = get_locale()
    return locale.language if locale is not None else "sv"


def theme_choices(project: Any | None = None, lang: str | None = None) -> list[tuple[str, str]]:
    """``(id, label)`` of every theme of ``project``'s codebook, in codebook order, labelled
    in ``lang`` (default: the interface language)."""
    language = _lang(lang)
    return [(t.id, t.label_for(language)) for t in project_codebook(project).themes]


def theme_ids(project: Any | None = None) -> tuple[str, ...]:
    return project_codebook(project).theme_ids
