"""Stage templates of the Swedish Planning and Building Act (PBL) processes (docs/design.md 3)."""

from __future__ import annotations

from dataclasses import dataclass, field

from app.projects.models import ParticipationLevel, StageAction, StageKind

RESIDENT_ALL = [a.value for a in StageAction]
INFO_ONLY = [StageAction.VIEW_ANSWERS.value]


@dataclass(frozen=True)
class StageTemplate:
    kind: StageKind
    title: dict[str, str]
    level: ParticipationLevel
    influence: dict[str, str]
    actions: list[str] = field(default_factory=list)


S = StageTemplate
L = ParticipationLevel

START = S(
    StageKind.START,
    {"sv": "Start", "en": "Start"},
    L.INFORMATION,
    {
        "sv": "Kommunen har fått i uppdrag att ta fram en plan. Här berättar vi varför.",
        "en": "The municipality has been asked to draw up a plan. Here we explain why.",
    },
    INFO_ONLY,
)
EARLY = S(
    StageKind.EARLY_DIALOGUE,
    {"sv": "Tidig dialog", "en": "Early dialogue"},
    L.DIALOGUE,
    {
        "sv": "Det mesta går fortfarande att påverka: vad som behövs, var och hur platsen används.",
        "en": "Most things can still be influenced: what is needed, where, how the place is used.",
    },
    RESIDENT_ALL,
)
ANNOUNCEMENT = S(
    StageKind.ANNOUNCEMENT,
    {"sv": "Kungörelse", "en": "Public announcement"},
    L.INFORMATION,
    {
        "sv": "Planförslaget kungörs. Snart kan du lämna synpunkter på det.",
        "en": "The plan proposal is announced. Soon you can comment on it.",
    },
    INFO_ONLY,
)
CONSULTATION = S(
    StageKind.CONSULTATION,
    {"sv": "Samråd", "en": "Consultation"},
    L.CONSULTATION,
    {
        "sv": "Förslaget kan fortfarande ändras: husens höjd och placering, grönytor, gator.",
        "en": "The proposal can still change: building heights, positions, green areas, streets.",
    },
    RESIDENT_ALL,
)
NOTIFICATION = S(
    StageKind.NOTIFICATION,
    {"sv": "Underrättelse", "en": "Notification"},
    L.INFORMATION,
    {
        "sv": "Berörda underrättas om att granskningen börjar.",
        "en": "Those affected are notified that the review is starting.",
    },
    INFO_ONLY,
)
REVIEW = S(
    StageKind.REVIEW,
    {"sv": "Granskning", "en": "Review"},
    L.CONSULTATION,
    {
        "sv": "Sista chansen att lämna synpunkter. Bara mindre ändringar kan göras nu.",
        "en": "The last chance to comment. Only minor changes can be made now.",
    },
    [
        StageAction.RESPOND.value,
        StageAction.COMMENT.value,
        StageAction.PLACE_ON_MAP.value,
        StageAction.FLAG.value,
    ],
)
ADOPTION = S(
    StageKind.ADOPTION,
    {"sv": "Antagande", "en": "Adoption"},
    L.INFORMATION,
    {
        "sv": "Politikerna beslutar om planen. Inget kan längre påverkas här.",
        "en": "The politicians decide on the plan. Nothing can be influenced here any more.",
    },
    INFO_ONLY,
)
IN_FORCE = S(
    StageKind.IN_FORCE,
    {"sv": "Laga kraft", "en": "In force"},
    L.INFORMATION,
    {
        "sv": "Planen gäller. Den som överklagat har fått besked.",
        "en": "The plan is in force. Appeals have been decided.",
    },
    INFO_ONLY,
)
IMPLEMENTATION = S(
    StageKind.IMPLEMENTATION,
    {"sv": "Genomförande och uppföljning", "en": "Implementation and follow-up"},
    L.DIALOGUE,
    {
        "sv": "Utformningen av detaljer som möbler, belysning och lek kan påverkas.",
        "en": "Details such as furniture, lighting and play can be influenced.",
    },
    RESIDENT_ALL,
)
FOLLOW_UP = S(
    StageKind.FOLLOW_UP,
    {"sv": "Uppföljning", "en": "Follow-up"},
    L.CONSULTATION,
    {
        "sv": "Berätta hur planen fungerar i vardagen.",
        "en": "Tell us how the plan works in everyday life.",
    },
    RESIDENT_ALL,
)

TEMPLATES: dict[str, list[StageTemplate]] = {
    "detaljplan_standard": [
        START,
        EARLY,
        CONSULTATION,
        REVIEW,
        ADOPTION,
        IN_FORCE,
        IMPLEMENTATION,
    ],
    "detaljplan_extended": [
        START,
        EARLY,
        ANNOUNCEMENT,
        CONSULTATION,
        NOTIFICATION,
        REVIEW,
        ADOPTION,
        IN_FORCE,
        IMPLEMENTATION,
    ],
    "oversiktsplan": [EARLY, CONSULTATION, REVIEW, ADOPTION, FOLLOW_UP],
    "free": [],
}

TEMPLATE_LABELS = {
    "detaljplan_standard": {
        "sv": "Detaljplan, standardförfarande",
        "en": "Detailed plan, standard procedure",
    },
    "detaljplan_extended": {
        "sv": "Detaljplan, utökat förfarande",
        "en": "Detailed plan, extended procedure",
    },
    "oversiktsplan": {"sv": "Översiktsplan", "en": "Comprehensive plan"},
    "free": {"sv": "Fritt upplägg", "en": "Free-form"},
}
