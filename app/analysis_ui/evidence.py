"""How every figure, label and definition of the analysis reads, on screen and in documents.

One set of helpers so the analysis pages, the dialogue summary and the report print the same
number the same way: Swedish number formatting through Babel (decimal comma, a space as
thousands separator), "–" for a share of nothing (0 / 0), labels instead of stored codes
(gender, relation, valence, channel, question type, theme), and the glossary that defines
*deltagare*, *bidrag*, *synpunkt*, *kommentar* and *enkätsvar* once (docs/indicators.md).
"""

from __future__ import annotations

from typing import Any

from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from analysis.codebook import load_codebook

DASH = "–"
#: Fewer distinct participants than this: no claims about groups, no exact places, no hotspots.
MIN_PARTICIPANTS = 5


# --- Numbers ------------------------------------------------------------------------------


def number(value: float | int | None, digits: int = 0) -> str:
    """``value`` in the current locale with ``digits`` decimals ("1 234,5" in Swedish)."""
    if value is None:
        return DASH
    pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "")
    return str(format_decimal(round(float(value), digits), format=pattern))


def percent(share: float | None, digits: int = 0) -> str:
    """A share in [0, 1] as a percentage ("15 %"); "–" when there is no share (0 / 0)."""
    if share is None:
        return DASH
    return f"{number(100 * float(share), digits)}\u00a0%"


def interval(low: float | None, high: float | None, digits: int = 0) -> str:
    """A 95 % interval as "33–42 %"."""
    if low is None or high is None:
        return DASH
    return f"{number(100 * float(low), digits)}–{percent(high, digits)}"


def fraction(part: int, whole: int) -> str:
    """ "3 / 4", or "–" for 0 / 0."""
    if not whole:
        return DASH
    return f"{number(part)} / {number(whole)}"


def count(value: Any) -> str:
    """A count that may already be suppressed ("<5", "x")."""
    if isinstance(value, bool) or value is None:
        return DASH
    if isinstance(value, int):
        return number(value)
    return str(value)


# --- Labels -------------------------------------------------------------------------------


def dimension_label(dim: str) -> str:
    return {
        "age_band": _("Age"),
        "gender": _("Gender"),
        "district": _("District"),
        "relation": _("Relation to the area"),
    }.get(dim, dim)


def group_label(group: str, dim: str | None = None) -> str:
    """A demographic group's name (never its stored code)."""
    labels = {
        "woman": _("Women"),
        "man": _("Men"),
        "other": _("Other gender"),
        "no_answer": _("Gender not given"),
        "unknown": _("Not stated"),
        "live": _("Lives here"),
        "work": _("Works here"),
        "study": _("Studies here"),
        "visit": _("Visits the area"),
    }
    if dim == "relation" and group == "other":
        return _("Other relation")
    if group in labels:
        return labels[group]
    if group[:1].isdigit():
        return _("%(band)s years", band=group.replace("-", "–"))
    return group


def valence_label(valence: str | None) -> str:
    return {
        "positive": _("positive"),
        "negative": _("negative"),
        "neutral": _("neutral"),
        "mixed": _("mixed"),
    }.get(valence or "", valence or DASH)


def channel_label(channel: str | None) -> str:
    return {
        "web": _("Web"),
        "offline": _("Offline (sent later)"),
        "kiosk": _("Kiosk"),
        "paper": _("Paper form"),
        "meeting": _("Meeting"),
        "letter": _("Letter"),
        "email": _("E-mail"),
    }.get(channel or "", channel or DASH)


def question_type_label(qtype: str | None) -> str:
    return {
        "map_point": _("Places on a map"),
        "map_line": _("Routes on a map"),
        "map_polygon": _("Areas on a map"),
        "single_choice": _("Single choice"),
        "multi_choice": _("Multiple choice"),
        "likert": _("Agreement scale"),
        "scale": _("Scale"),
        "ranking": _("Ranking"),
        "short_text": _("Short text"),
        "long_text": _("Long text"),
        "number": _("Number"),
        "age_band": _("Age"),
        "gender": _("Gender"),
        "district": _("District"),
        "relation": _("Relation to the area"),
    }.get(str(qtype or ""), str(qtype or DASH))


def source_label(target_type: str) -> str:
    """What kind of contribution (bidrag) an item is."""
    return {
        "comment": _("Comment"),
        "answer": _("Survey answer"),
        "feature": _("Marking on the map"),
    }.get(str(target_type), str(target_type))


def theme_labels(lang: str, extra: dict[str, dict[str, str]] | None = None) -> dict[str, str]:
    """Theme id → name in ``lang``, in codebook order (a project's own themes after)."""
    out = {t.id: t.label_for(lang) for t in load_codebook().themes}
    for key, label in (extra or {}).items():
        out.setdefault(key, label.get(lang) or label.get("sv") or next(iter(label.values()), key))
    return out


def theme_label(theme: str, lang: str) -> str:
    return theme_labels(lang).get(theme) or _("Other theme")


# --- Key figures --------------------------------------------------------------------------


def fact_rows(doc: dict[str, Any]) -> list[tuple[str, str]]:
    """The key figures of an indicator document as (label, value) rows in the current locale:
    participants, per 1,000, contributions by kind, and each dimension's group shares with its
    dissimilarity index. The same numbers as the analysis page and the summary, for any
    document to render (the report draft's facts table does)."""
    totals = doc.get("totals", {})
    rep = doc.get("representation", {})
    rows = [
        (_("Participants"), number(totals.get("participants", 0))),
        (_("Participants per 1,000 inhabitants"), number(rep.get("per_1000"), 1)),
        (_("Contributions"), number(totals.get("contributions", 0))),
        (_("Survey responses"), number(totals.get("responses", 0))),
        (_("Comments"), number(totals.get("comments", 0))),
        (_("Markings on the map"), number(totals.get("markings", 0))),
    ]
    for dim in rep.get("dimensions", []):
        shares = [
            f"{group_label(g['group'], dim['dimension'])} {percent(g['participant_share'])}"
            for g in dim["groups"]
            if g["group"] != "unknown" and g["participant_share"] is not None
        ]
        if not shares and dim.get("dissimilarity") is None:
            continue
        value = ", ".join(shares) or DASH
        if dim.get("dissimilarity") is not None:
            value += " " + _("(dissimilarity index D = %(d)s)", d=number(dim["dissimilarity"], 2))
        rows.append(
            (
                _(
                    "Participants by %(dimension)s",
                    dimension=dimension_label(dim["dimension"]).lower(),
                ),
                value,
            )
        )
    return rows


# --- Glossary -----------------------------------------------------------------------------

#: The definitions every page and document uses (docs/indicators.md, "Definitions").
GLOSSARY: tuple[tuple[Any, Any], ...] = (
    (
        _l("Participant"),
        _l(
            "A person who sent a survey response or wrote a published comment; everyone is "
            "counted once, however much they contributed."
        ),
    ),
    (
        _l("Contribution"),
        _l(
            "One thing a participant said: a comment, a free-text survey answer or one "
            "marking on the map (with its comment, if any). Each is counted once."
        ),
    ),
    (
        _l("View"),
        _l(
            "A contribution that states an opinion, a problem or a proposal about a theme; "
            "a contribution can concern several themes."
        ),
    ),
    (
        _l("Comment"),
        _l("A published post in the stage's discussion, with or without a place on the map."),
    ),
    (
        _l("Survey response"),
        _l(
            "One participant's submitted answers to a survey; its free-text answers and map "
            "markings are contributions of their own."
        ),
    ),
)


def glossary() -> list[dict[str, str]]:
    """The glossary as data ({"term", "definition"}) in the current locale, for any renderer."""
    return [{"term": str(term), "definition": str(text)} for term, text in GLOSSARY]
