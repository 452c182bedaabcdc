"""The codebook: themes, their labels and definitions, and the patterns the coder matches.

The default codebook (``data/codebook.json``) encodes ``docs/codebook.md``. A project may add themes
or add patterns to existing themes with :func:`load_codebook`'s ``extra``; it may not rename or
remove the default theme ids, which reports, exports and stored codings rely on.

Pattern syntax (matched against lower-cased tokens of the detected language only):

``=word``
    exactly this token.
``word``
    this word, or this word plus an inflection ending of the language (``endings``).
``~word``
    any token with the same Snowball stem (use sparingly: stems conflate ``housing`` and
    ``houses``, ``nära`` and ``när``).
``pre*``
    any token starting with ``pre``.
``*head``
    a compound ending in ``head`` plus an optional inflection ending (``*park`` matches
    ``parken`` and ``skolparken`` but not ``parkering``).
``*infix*``
    any token containing ``infix`` (``*bullr*`` matches ``trafikbullret``).
``two words``
    a phrase: consecutive tokens, each element using the forms above.

``strong`` terms carry the strong weight, ``weak`` ones the weak weight; ``exclude`` patterns
veto a token for that theme (``parkering*`` under green keeps ``park`` from matching parking);
an ``exclude`` phrase vetoes the tokens it covers (``skate park`` under green).
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

DEFAULT_CODEBOOK_PATH = Path(__file__).resolve().parent / "data" / "codebook.json"

#: The stable ids of the default themes, in codebook order.
DEFAULT_THEME_IDS: tuple[str, ...] = (
    "safety",
    "green",
    "meeting",
    "everyday",
    "mobility",
    "identity",
    "cohesion",
    "children",
    "health_env",
    "influence",
)


class CodebookError(ValueError):
    """Raised for a malformed codebook or an extension that breaks the stable theme ids."""


@dataclass(frozen=True, slots=True)
class ThemePatterns:
    """The patterns of one theme in one language."""

    strong: tuple[str, ...] = ()
    weak: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()

    def merged(self, other: ThemePatterns) -> ThemePatterns:
        return ThemePatterns(
            strong=_unique(self.strong + other.strong),
            weak=_unique(self.weak + other.weak),
            exclude=_unique(self.exclude + other.exclude),
        )


@dataclass(frozen=True, slots=True)
class Theme:
    """A theme: stable id, labels and definitions per language, patterns per language."""

    id: str
    label: Mapping[str, str]
    definition: Mapping[str, str] = field(default_factory=dict)
    patterns: Mapping[str, ThemePatterns] = field(default_factory=dict)

    def label_for(self, lang: str) -> str:
        return self.label.get(lang) or self.label.get("en") or self.id


@dataclass(frozen=True, slots=True)
class Codebook:
    """A coding scheme and the coder's tuning constants."""

    version: str
    source: str
    themes: tuple[Theme, ...]
    strong_weight: float = 0.9
    weak_weight: float = 0.45
    threshold: float = 0.5
    locative_damping: float = 0.5
    locatives: Mapping[str, frozenset[str]] = field(default_factory=dict)
    endings: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def source_tag(self) -> str:
        """The coding source recorded with every machine coding, e.g. ``rule:v1``."""
        return f"{self.source}:{self.version}"

    @property
    def theme_ids(self) -> tuple[str, ...]:
        return tuple(t.id for t in self.themes)

    def theme(self, theme_id: str) -> Theme:
        for t in self.themes:
            if t.id == theme_id:
                return t
        raise KeyError(theme_id)

    def languages(self) -> tuple[str, ...]:
        langs: dict[str, None] = {}
        for t in self.themes:
            for lang in t.patterns:
                langs[lang] = None
        return tuple(langs)


def _unique(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


def _str_list(value: Any, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise CodebookError(f"{where} must be a list of strings")
    return tuple(v.strip().lower() for v in value if v.strip())


def _str_map(value: Any, where: str) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise CodebookError(f"{where} must map language codes to strings")
    return dict(value)


def _parse_theme(raw: Any) -> Theme:
    if not isinstance(raw, dict) or not isinstance(raw.get("id"), str) or not raw["id"]:
        raise CodebookError("every theme needs a non-empty string id")
    tid: str = raw["id"]
    patterns: dict[str, ThemePatterns] = {}
    raw_patterns = raw.get("patterns") or {}
    if not isinstance(raw_patterns, dict):
        raise CodebookError(f"theme {tid}: patterns must be an object keyed by language")
    for lang, p in raw_patterns.items():
        if not isinstance(p, dict):
            raise CodebookError(f"theme {tid}: patterns.{lang} must be an object")
        patterns[str(lang)] = ThemePatterns(
            strong=_str_list(p.get("strong"), f"{tid}.{lang}.strong"),
            weak=_str_list(p.get("weak"), f"{tid}.{lang}.weak"),
            exclude=_str_list(p.get("exclude"), f"{tid}.{lang}.exclude"),
        )
    return Theme(
        id=tid,
        label=_str_map(raw.get("label"), f"{tid}.label") or {"en": tid},
        definition=_str_map(raw.get("definition"), f"{tid}.definition"),
        patterns=patterns,
    )


def _read(path: Path) -> dict[str, Any]:
    if path.suffix == ".toml":
        with path.open("rb") as fh:
            data: Any = tomllib.load(fh)
    else:
        with path.open(encoding="utf-8") as fh:
            data = json.load(fh)
    if not isinstance(data, dict):
        raise CodebookError(f"{path}: the top level must be an object")
    return data


def parse_codebook(data: Mapping[str, Any]) -> Codebook:
    """Build a :class:`Codebook` from its JSON/TOML structure."""
    raw_themes = data.get("themes")
    if not isinstance(raw_themes, list) or not raw_themes:
        raise CodebookError("a codebook needs a non-empty list of themes")
    themes = tuple(_parse_theme(t) for t in raw_themes)
    ids = [t.id for t in themes]
    if len(set(ids)) != len(ids):
        raise CodebookError("theme ids must be unique")
    weights = data.get("weights") or {}
    locatives = data.get("locatives") or {}
    endings = data.get("endings") or {}
    return Codebook(
        version=str(data.get("version", "v1")),
        source=str(data.get("source", "rule")),
        themes=themes,
        strong_weight=float(weights.get("strong", 0.9)),
        weak_weight=float(weights.get("weak", 0.45)),
        threshold=float(data.get("threshold", 0.5)),
        locative_damping=float(data.get("locative_damping", 0.5)),
        locatives={k: frozenset(_str_list(v, f"locatives.{k}")) for k, v in locatives.items()},
        endings={k: _str_list(v, f"endings.{k}") for k, v in endings.items()},
    )


def extend_codebook(base: Codebook, extra: Iterable[Mapping[str, Any]]) -> Codebook:
    """Add project themes, or add patterns (and missing labels) to existing themes.

    An entry whose id already exists merges its patterns into that theme; its label may add
    languages but the id is never renamed. New ids are appended after the default themes.
    """
    themes = {t.id: t for t in base.themes}
    order = list(themes)
    for raw in extra:
        new = _parse_theme(dict(raw))
        old = themes.get(new.id)
        if old is None:
            themes[new.id] = new
            order.append(new.id)
            continue
        patterns = dict(old.patterns)
        for lang, p in new.patterns.items():
            patterns[lang] = patterns[lang].merged(p) if lang in patterns else p
        themes[new.id] = replace(
            old,
            label={**new.label, **old.label} if "label" in raw else old.label,
            definition={**new.definition, **old.definition},
            patterns=patterns,
        )
    return replace(base, themes=tuple(themes[i] for i in order))


def load_codebook(
    path: str | Path | None = None,
    extra: Iterable[Mapping[str, Any]] | None = None,
) -> Codebook:
    """Load a codebook (the default when ``path`` is None) and apply project extensions.

    ``path`` may be JSON or TOML with the structure of ``data/codebook.json``. A custom file
    must keep every default theme id. Raises :class:`CodebookError` when it does not, or when
    the file is malformed.
    """
    cb = parse_codebook(_read(Path(path) if path is not None else DEFAULT_CODEBOOK_PATH))
    missing = [tid for tid in DEFAULT_THEME_IDS if tid not in cb.theme_ids]
    if missing:
        raise CodebookError(f"the codebook lacks the stable theme ids: {', '.join(missing)}")
    if extra:
        cb = extend_codebook(cb, extra)
    return cb
