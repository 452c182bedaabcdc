"""Staff forms for projects, stages, activities, documents, partners and feedback.

Multilingual content fields (``title``, ``summary`` ...) exist once per language the
organization writes in, so the form classes are built per request with
:func:`localized_form`; the fields are named ``<name>_<lang>``.
"""

from __future__ import annotations

import re
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    DateTimeLocalField,
    EmailField,
    Field,
    SelectField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.validators import URL, DataRequired, Email, Length, Optional, ValidationError

from app.codebook.themes import theme_choices
from app.core.forms import FlaskForm, MultiCheckboxField
from app.extensions import db
from app.projects.models import (
    DocumentKind,
    ModerationMode,
    ParticipationLevel,
    ParticipationPolicy,
    Project,
    ProjectKind,
    StageAction,
    StageKind,
)
from app.projects.templates import TEMPLATE_LABELS, TEMPLATES

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def language_name(code: str) -> str:
    names = {"sv": _("Swedish"), "en": _("English")}
    return names.get(code, code)


def project_kind_choices() -> list[tuple[str, str]]:
    labels = {
        ProjectKind.DETAILPLAN: _("Detailed plan"),
        ProjectKind.COMPREHENSIVE: _("Comprehensive plan"),
        ProjectKind.PROGRAM: _("Planning programme"),
        ProjectKind.PARK: _("Park"),
        ProjectKind.TRAFFIC: _("Traffic"),
        ProjectKind.OTHER: _("Other"),
    }
    return [(k.value, str(labels[k])) for k in ProjectKind]


def stage_kind_label(kind: StageKind | str) -> str:
    labels = {
        StageKind.START: _("Start"),
        StageKind.EARLY_DIALOGUE: _("Early dialogue"),
        StageKind.ANNOUNCEMENT: _("Public announcement"),
        StageKind.CONSULTATION: _("Public consultation"),
        StageKind.NOTIFICATION: _("Notification"),
        StageKind.REVIEW: _("Review"),
        StageKind.ADOPTION: _("Adoption"),
        StageKind.IN_FORCE: _("In force"),
        StageKind.IMPLEMENTATION: _("Implementation and follow-up"),
        StageKind.FOLLOW_UP: _("Follow-up"),
        StageKind.CUSTOM: _("Other stage"),
    }
    return str(labels[StageKind(kind)])


def level_label(level: ParticipationLevel | str) -> str:
    labels = {
        ParticipationLevel.INFORMATION: _("Information"),
        ParticipationLevel.CONSULTATION: _("Consultation"),
        ParticipationLevel.DIALOGUE: _("Dialogue"),
        ParticipationLevel.INFLUENCE: _("Influence"),
        ParticipationLevel.CODECISION: _("Co-decision"),
    }
    return str(labels[ParticipationLevel(level)])


def action_label(action: StageAction | str) -> str:
    labels = {
        StageAction.RESPOND: _("Answer surveys"),
        StageAction.COMMENT: _("Comment"),
        StageAction.PLACE_ON_MAP: _("Place comments on the map"),
        StageAction.SUPPORT: _("Support others' comments"),
        StageAction.FLAG: _("Report comments"),
        StageAction.VIEW_ANSWERS: _("See others' contributions"),
    }
    return str(labels[StageAction(action)])


def policy_label(policy: ParticipationPolicy | str) -> str:
    labels = {
        ParticipationPolicy.ANONYMOUS: _("Anonymous"),
        ParticipationPolicy.NICKNAME: _("With a nickname"),
        ParticipationPolicy.ACCOUNT: _("With an account"),
    }
    return str(labels[ParticipationPolicy(policy)])


def moderation_label(mode: ModerationMode | str) -> str:
    labels = {
        ModerationMode.POST: _("Publish at once, moderate afterwards"),
        ModerationMode.PRE: _("Moderate before publishing"),
    }
    return str(labels[ModerationMode(mode)])


# --- multilingual fields -------------------------------------------------------------------


class LocalizedForm(FlaskForm):
    """A form with ``<name>_<lang>`` fields; helpers read and fill them as dicts."""

    languages: list[str] = []
    localized_names: list[str] = []

    def lang_dict(self, name: str) -> dict[str, str]:
        values = {}
        for lang in self.languages:
            value = (self[f"{name}_{lang}"].data or "").strip()
            if value:
                values[lang] = value
        return values

    def fill_lang(self, name: str, value: dict[str, str] | None) -> None:
        for lang in self.languages:
            self[f"{name}_{lang}"].data = (value or {}).get(lang, "")

    def lang_fields(self, name: str) -> list[Field]:
        return [self[f"{name}_{lang}"] for lang in self.languages]


def localized_form(
    base: type[LocalizedForm],
    languages: list[str],
    spec: list[tuple[str, str, bool, bool, int]],
) -> type[LocalizedForm]:
    """Subclass ``base`` with one field per (name, label, textarea, required, max) and language.

    The first language's field is required when ``required`` is set: content is always
    written in the organization's main language, translations may follow.
    """
    attrs: dict[str, Any] = {"languages": list(languages), "localized_names": []}
    for name, label, textarea, required, max_length in spec:
        attrs["localized_names"].append(name)
        for index, lang in enumerate(languages):
            validators: list[Any] = [Length(max=max_length)]
            if required and index == 0:
                validators.insert(0, DataRequired(_("Enter the %(field)s.", field=label.lower())))
            else:
                validators.insert(0, Optional())
            cls = TextAreaField if textarea else StringField
            full = _("%(field)s (%(language)s)", field=label, language=language_name(lang))
            attrs[f"{name}_{lang}"] = cls(full, validators=validators)
    return type(base.__name__, (base,), attrs)


# --- projects ------------------------------------------------------------------------------


class ProjectBaseForm(LocalizedForm):
    slug = StringField(
        _l("Address name (slug)"),
        validators=[DataRequired(_l("Enter an address name.")), Length(min=2, max=80)],
    )
    kind = SelectField(_l("Kind of project"), choices=[])
    case_number = StringField(
        _l("Case number (diarienummer)"), validators=[Optional(), Length(max=60)]
    )

    def __init__(self, *args: Any, organization_id: int, project_id: int | None = None, **kw: Any):
        super().__init__(*args, **kw)
        self.organization_id = organization_id
        self.project_id = project_id
        self.kind.choices = project_kind_choices()

    def validate_slug(self, field: Field) -> None:
        value = (field.data or "").strip().lower()
        field.data = value
        if not SLUG_RE.match(value):
            raise ValidationError(
                _("Use only lower-case letters a–z, digits and single hyphens, e.g. norra-parken.")
            )
        query = db.select(Project.id).where(
            Project.organization_id == self.organization_id, Project.slug == value
        )
        if self.project_id is not None:
            query = query.where(Project.id != self.project_id)
        if db.session.scalar(query) is not None:
            raise ValidationError(_("Another project of the organization already uses it."))


class ProjectCreateBase(ProjectBaseForm):
    template = SelectField(_l("Process template"), choices=[])

    def __init__(self, *args: Any, **kw: Any):
        super().__init__(*args, **kw)
        from app.core.i18n import tr

        self.template.choices = [(key, tr(TEMPLATE_LABELS[key])) for key in TEMPLATES]


PROJECT_TEXT = [
    ("title", "Title", False, True, 200),
    ("summary", "Summary", True, False, 1000),
    ("body", "Description", True, False, 20000),
]


def _project_spec() -> list[tuple[str, str, bool, bool, int]]:
    labels = {"title": _("Title"), "summary": _("Summary"), "body": _("Description")}
    return [(n, str(labels[n]), ta, req, mx) for n, _label, ta, req, mx in PROJECT_TEXT]


def project_create_form(languages: list[str]) -> type[LocalizedForm]:
    return localized_form(ProjectCreateBase, languages, _project_spec())


def project_edit_form(languages: list[str]) -> type[LocalizedForm]:
    return localized_form(ProjectBaseForm, languages, _project_spec())


class AreaForm(FlaskForm):
    geojson = TextAreaField(
        _l("Area as GeoJSON"),
        validators=[Optional(), Length(max=2_000_000)],
    )
    upload = FileField(_l("Or upload a .geojson file"))


class CoverBase(LocalizedForm):
    image = FileField(_l("Cover image (JPEG, PNG or WebP)"))


def cover_form(languages: list[str]) -> type[LocalizedForm]:
    """The cover upload with its alt text, required in the main language: a cover always says
    what it shows (a decorative cover is not allowed silently)."""
    return localized_form(
        CoverBase, languages, [("alt", _("Text describing the image"), False, True, 300)]
    )


def document_kind_label(kind: DocumentKind | str) -> str:
    labels = {
        DocumentKind.CONSULTATION: _("Consultation documents (samrådshandlingar)"),
        DocumentKind.REVIEW: _("Review documents (granskningshandlingar)"),
        DocumentKind.OTHER: _("Other documents"),
    }
    return str(labels[DocumentKind(kind)])


class DocumentBase(LocalizedForm):
    url = URLField(
        _l("Link (https://...)"),
        validators=[Optional(), URL(message=_l("Enter a full web address.")), Length(max=1000)],
    )
    file = FileField(_l("Or upload a PDF"))
    stage = SelectField(_l("Stage"), choices=[], validators=[Optional()])
    kind = SelectField(_l("Kind of document"), choices=[], default=DocumentKind.OTHER.value)

    def __init__(self, *args: Any, **kw: Any):
        super().__init__(*args, **kw)
        self.kind.choices = [(k.value, document_kind_label(k)) for k in DocumentKind]

    def set_stages(self, stages: list[Any]) -> None:
        from app.core.i18n import tr

        self.stage.choices = [("", _("The whole project"))] + [
            (str(s.id), tr(s.title)) for s in stages
        ]

    def validate_url(self, field: Field) -> None:
        if field.data and not field.data.lower().startswith(("https://", "http://")):
            raise ValidationError(_("Enter a web address starting with https://."))


def document_form(languages: list[str]) -> type[LocalizedForm]:
    return localized_form(
        DocumentBase, languages, [("title", _("Document title"), False, True, 300)]
    )


class PartnerBase(LocalizedForm):
    organization = SelectField(_l("Organization"), choices=[], validators=[Optional()])
    email = EmailField(
        _l("Or a person's email address"),
        validators=[Optional(), Email(_l("Enter a valid email address.")), Length(max=254)],
    )


def partner_form(languages: list[str]) -> type[LocalizedForm]:
    return localized_form(
        PartnerBase,
        languages,
        [("description", _("What the partner contributes"), True, False, 1000)],
    )


# --- stages and activities -----------------------------------------------------------------


class StageAddBase(LocalizedForm):
    kind = SelectField(_l("Kind of stage"), choices=[])

    def __init__(self, *args: Any, **kw: Any):
        super().__init__(*args, **kw)
        self.kind.choices = [(k.value, stage_kind_label(k)) for k in StageKind]


def stage_add_form(languages: list[str]) -> type[LocalizedForm]:
    return localized_form(StageAddBase, languages, [("title", _("Stage name"), False, True, 200)])


class StageEditBase(LocalizedForm):
    opens_at = DateTimeLocalField(_l("Opens"), format="%Y-%m-%dT%H:%M", validators=[Optional()])
    closes_at = DateTimeLocalField(_l("Closes"), format="%Y-%m-%dT%H:%M", validators=[Optional()])
    participation_level = SelectField(_l("Participation level"), choices=[])
    allowed_actions = MultiCheckboxField(_l("What residents can do"), choices=[])

    def __init__(self, *args: Any, **kw: Any):
        super().__init__(*args, **kw)
        self.participation_level.choices = [(v.value, level_label(v)) for v in ParticipationLevel]
        self.allowed_actions.choices = [(a.value, action_label(a)) for a in StageAction]

    def validate_closes_at(self, field: Field) -> None:
        if field.data and self.opens_at.data and field.data <= self.opens_at.data:
            raise ValidationError(_("The closing time must be after the opening time."))


def stage_edit_form(languages: list[str]) -> type[LocalizedForm]:
    return localized_form(
        StageEditBase,
        languages,
        [
            ("title", _("Stage name"), False, True, 200),
            ("description", _("About the stage"), True, False, 5000),
            ("influence", _("What can be influenced"), True, False, 2000),
        ],
    )


class ActivityBase(LocalizedForm):
    kind = SelectField(_l("Kind of activity"), choices=[])
    policy = SelectField(_l("Who can take part"), choices=[])
    moderation = SelectField(_l("Moderation"), choices=[])

    def __init__(self, *args: Any, **kw: Any):
        super().__init__(*args, **kw)
        self.kind.choices = [("survey", _("Survey")), ("discussion", _("Discussion"))]
        self.policy.choices = [(p.value, policy_label(p)) for p in ParticipationPolicy]
        self.moderation.choices = [(m.value, moderation_label(m)) for m in ModerationMode]


def activity_form(languages: list[str]) -> type[LocalizedForm]:
    return localized_form(
        ActivityBase, languages, [("title", _("Activity name"), False, False, 200)]
    )


# --- feedback -------------------------------------------------------------------------------


class FeedbackBase(LocalizedForm):
    """``themes``: the ``(id, label)`` choices (``theme_choices`` of the stage's project)."""

    theme_keys = MultiCheckboxField(_l("Themes this feedback answers"), choices=[])

    def __init__(self, *args: Any, themes: list[tuple[str, str]] | None = None, **kw: Any):
        super().__init__(*args, **kw)
        self.theme_keys.choices = themes if themes is not None else theme_choices()


def feedback_form(languages: list[str]) -> type[LocalizedForm]:
    return localized_form(
        FeedbackBase,
        languages,
        [
            ("heard", _("What we heard"), True, False, 20000),
            ("did", _("What we did"), True, False, 20000),
        ],
    )
