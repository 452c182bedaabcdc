"""Translations that stay true: per content field and language, a hash of the source-language
text the translation was made from.

``obj.translated_from`` holds ``{field: {lang: hash}}``. When staff save a field, a translation
that changed is recorded as made from the current source text; one that did not change keeps
its record, or (never recorded before) is recorded as made from the source text it stood next
to until now. A translation whose recorded hash differs from the current source text's is
older than the source; an empty translation of a non-empty source is missing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

from flask import current_app

MISSING = "missing"
OUTDATED = "outdated"
CURRENT = "current"

#: The translatable fields of each kind of object that records its translations.
FIELDS: dict[str, tuple[str, ...]] = {
    "Project": ("title", "summary", "body"),
    "Stage": ("title", "description", "influence"),
    "Survey": ("title", "intro"),
    "Question": ("prompt", "help_text", "labels", "min_label", "max_label"),
    "QuestionOption": ("label",),
}

#: Fields kept in ``obj.settings`` rather than in a column of their own: a likert question's
#: five answer labels (``{lang: [five labels]}``) and a scale's end labels (``{lang: text}``).
SETTINGS_FIELDS = ("labels", "min_label", "max_label")


def source_language() -> str:
    return str(current_app.config["BABEL_DEFAULT_LOCALE"])


def text_hash(text: str | None) -> str:
    """A short hash of a text, insensitive to surrounding and repeated whitespace."""
    normal = " ".join((text or "").split())
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()[:16]


def record_change(
    obj: Any, field: str, old: dict[str, str] | None, new: dict[str, str] | None
) -> None:
    """Update ``obj.translated_from`` for ``field`` changing from ``old`` to ``new``."""
    source = source_language()
    old, new = old or {}, new or {}
    records: dict[str, Any] = {k: dict(v) for k, v in (obj.translated_from or {}).items()}
    made_from = records.get(field, {})
    for lang, text in new.items():
        if lang == source:
            continue
        if not (text or "").strip():
            made_from.pop(lang, None)
        elif text != old.get(lang):
            made_from[lang] = text_hash(new.get(source))
        elif lang not in made_from:
            made_from[lang] = text_hash(old.get(source))
    for lang in list(made_from):
        if lang not in new:
            made_from.pop(lang)
    records[field] = made_from
    obj.translated_from = records  # a new dict: the JSON column sees the change


def settings_texts(settings: dict[str, Any] | None, field: str) -> dict[str, str]:
    """``{lang: text}`` of a field kept in settings; a list of labels is one text, a line
    each."""
    value = (settings or {}).get(field)
    if not isinstance(value, dict):
        return {}
    return {
        lang: "\n".join(text) if isinstance(text, list) else str(text or "")
        for lang, text in value.items()
    }


def texts_of(obj: Any, field: str) -> dict[str, str]:
    """``{lang: text}`` of ``obj``'s ``field``."""
    if field in SETTINGS_FIELDS:
        return settings_texts(getattr(obj, "settings", None), field)
    return dict(getattr(obj, field) or {})


def field_status(obj: Any, field: str, lang: str) -> str:
    """``missing``, ``outdated`` or ``current`` for ``lang``'s text of ``obj.field``."""
    values = texts_of(obj, field)
    source_text = (values.get(source_language()) or "").strip()
    if lang == source_language() or not source_text:
        return CURRENT
    if not (values.get(lang) or "").strip():
        return MISSING
    made_from = ((obj.translated_from or {}).get(field) or {}).get(lang)
    if made_from is not None and made_from != text_hash(source_text):
        return OUTDATED
    return CURRENT


def statuses(obj: Any, languages: Iterable[str]) -> dict[str, dict[str, str]]:
    """``{field: {lang: status}}`` for the fields of ``obj`` that are not current."""
    found: dict[str, dict[str, str]] = {}
    for field in FIELDS.get(type(obj).__name__, ()):
        for lang in languages:
            state = field_status(obj, field, lang)
            if state != CURRENT:
                found.setdefault(field, {})[lang] = state
    return found


def complete_in(objs: Iterable[Any], lang: str) -> bool:
    """True when every tracked field of ``objs`` has a current ``lang`` text."""
    return all(
        field_status(obj, field, lang) == CURRENT
        for obj in objs
        for field in FIELDS.get(type(obj).__name__, ())
    )


def _survey_texts(survey: Any) -> list[tuple[Any, str]]:
    """What a resident reads of a survey, each with how the builder names it: the survey
    itself, its active questions and their active options."""
    from flask_babel import gettext as _

    from app.core.i18n import tr

    texts: list[tuple[Any, str]] = []
    number = 0
    for question in survey.questions:
        if question.archived_at is not None:
            continue
        number += 1
        texts.append((question, _("question %(n)s: %(text)s", n=number, text=tr(question.prompt))))
        texts.extend(
            (option, _("option “%(text)s” of question %(n)s", text=tr(option.label), n=number))
            for option in question.options
            if option.archived_at is None
        )
    return texts


def survey_gaps(
    survey: Any, organization_languages: Iterable[str]
) -> dict[str, dict[str, list[str]]]:
    """For the builder: per language of the survey's organization, the texts missing in it
    and those older than the source text ("question 2: What do you think?", "option “Bad” of
    question 2"), as ``{lang: {"missing": [...], "outdated": [...]}}``."""
    from flask_babel import gettext as _

    languages = [lang for lang in organization_languages if lang != source_language()]
    survey_names = {"title": _("the survey's title"), "intro": _("the survey's introduction")}
    gaps: dict[str, dict[str, list[str]]] = {}
    for lang in languages:
        found: dict[str, list[str]] = {}
        for field, name in survey_names.items():
            state = field_status(survey, field, lang)
            if state != CURRENT:
                found.setdefault(state, []).append(name)
        for obj, name in _survey_texts(survey):
            states = {field_status(obj, f, lang) for f in FIELDS[type(obj).__name__]}
            for state in (MISSING, OUTDATED):
                if state in states:
                    found.setdefault(state, []).append(name)
        if found:
            gaps[lang] = found
    return gaps


def survey_incomplete_languages(survey: Any, languages: Iterable[str]) -> list[str]:
    """Languages a survey has a text missing in, or older than the source text: its title,
    intro, question prompts and help texts, and the options' labels (a survey never opens
    half in one language)."""
    objs = [survey, *(obj for obj, _name in _survey_texts(survey))]
    return [lang for lang in languages if not complete_in(objs, lang)]


def merged_states(states: dict[str, dict[str, str]]) -> list[tuple[str, str]]:
    """``statuses`` of an object's fields as one list of (lang, state), each pair once: for a
    question whose prompt and help text are both older, "English: older" once."""
    found: list[tuple[str, str]] = []
    for by_lang in states.values():
        for pair in by_lang.items():
            if pair not in found:
                found.append(pair)
    return sorted(found)


def limit_languages(incomplete: Iterable[str]) -> None:
    """For this request: the language switch does not offer ``incomplete`` languages, and a
    resident reading one of them gets the content in the source language (with a note),
    never half in one language and half in another."""
    from flask import g

    from app.core.i18n import current_language

    hidden = [lang for lang in incomplete if lang != source_language()]
    g.hidden_languages = hidden
    # Set or cleared every time: ``g`` outlives the request where an app context is shared.
    limited = current_language() in hidden
    g.content_language = source_language() if limited else None
    g.incomplete_language = current_language() if limited else None


def incomplete_languages(objs: Iterable[Any], languages: Iterable[str]) -> list[str]:
    """The languages among ``languages`` some tracked text of ``objs`` is missing or old in."""
    items = list(objs)
    return [lang for lang in languages if not complete_in(items, lang)]


def language_label(lang: str) -> str:
    """The language's name, capitalised to start a line ("Engelska")."""
    from flask_babel import gettext as _

    name = {"sv": _("Swedish"), "en": _("English")}.get(lang, lang)
    return name[:1].upper() + name[1:]


def translation_label(lang: str, state: str) -> str:
    """ "Engelska: saknas" / "Engelska: äldre än svenskan" for the staff editors."""
    from flask_babel import gettext as _

    names = {"sv": _("Swedish"), "en": _("English")}
    language = language_label(lang)
    if state == MISSING:
        return _("%(language)s: missing", language=language)
    return _(
        "%(language)s: older than the %(source)s text – update the translation",
        language=language,
        source=names.get(source_language(), source_language()),
    )


def translation_status(obj: Any) -> dict[str, dict[str, str]]:
    """Template helper: ``statuses`` of ``obj`` in its organization's languages."""
    project = obj if type(obj).__name__ == "Project" else getattr(obj, "project", None)
    languages = list(getattr(getattr(project, "organization", None), "languages", None) or [])
    return statuses(obj, languages)
