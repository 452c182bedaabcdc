"""Writes of the intake domain: register a contribution by hand, keep the register of
remissinstanser and sakägare, import sakägare from the property register's CSV.

Every function validates everything first, then writes, flushes and adds an audit event; it
raises ``Invalid`` (with ``fields``) before anything is stored. Nothing here commits.
"""

from __future__ import annotations

import csv
import io
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from app.accounts.models import User
from app.audit.services import record
from app.comments.models import (
    Comment,
    CommentStatus,
    ContributionChannel,
    SenderType,
)
from app.comments.services import discussion_of
from app.core import images
from app.core.errors import Invalid
from app.core.geo import GeometryError
from app.core.signals import contribution_created
from app.extensions import db
from app.intake.models import Attachment, RegisterEntry, RegisterKind, Sender
from app.projects import signals as project_signals
from app.projects.models import Activity, ModerationMode, Project, Stage
from app.projects.services import ProjectError, clean_image

#: Channels a staff member may choose on the intake form.
INTAKE_CHANNELS = (
    ContributionChannel.LETTER,
    ContributionChannel.EMAIL,
    ContributionChannel.MEETING,
    ContributionChannel.PAPER,
    ContributionChannel.KIOSK,
)
#: Sender types whose yttrande means nothing without knowing who sent it.
NAMED_SENDERS = frozenset({SenderType.SAKAGARE, SenderType.REMISSINSTANS, SenderType.ORGANISATION})
MAX_BODY = 20000


@dataclass
class Registration:
    """A contribution typed in by staff, as the intake form parsed it."""

    stage_id: int | None
    channel: str
    sender_type: str
    body: str
    received_on: date | None
    sender_name: str = ""
    sender_contact: str = ""
    register_entry_id: int | None = None
    lat: float | None = None
    lon: float | None = None
    #: The uploaded file's bytes and its name on the staff member's computer.
    attachment: bytes | None = None
    attachment_name: str = ""


def _received_at(day: date) -> datetime:
    """Midnight of ``day`` in the municipality's time zone, as the UTC instant it was."""
    zone = ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE", "Europe/Stockholm"))
    return datetime.combine(day, time(0, 0), tzinfo=zone).astimezone(ZoneInfo("UTC"))


def _sniff_attachment(data: bytes) -> tuple[bytes, str, str]:
    """(bytes to store, extension, content type) of a PDF or an image; raises ``Invalid``."""
    limit = current_app.config["MAX_DOCUMENT_BYTES"]
    if len(data) > limit:
        message = _("The file is too large (at most %(mb)s MB).", mb=limit // (1024 * 1024))
        raise Invalid(message, fields={"attachment": message})
    if data.startswith(b"%PDF-"):
        return data, "pdf", "application/pdf"
    try:
        cleaned, ext = clean_image(data)
    except ProjectError as exc:
        message = _("Attach a PDF or an image (JPEG, PNG or WebP).")
        if exc.code == "too_large":
            message = exc.message
        raise Invalid(message, fields={"attachment": message}) from exc
    types = {"jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png", "webp": "image/webp"}
    return cleaned, ext, types.get(ext, "application/octet-stream")


def _stage_and_discussion(
    project: Project, stage_id: int | None, errors: dict[str, str]
) -> tuple[Stage | None, Activity | None]:
    """The project's stage and the discussion contributions are filed under (or an error)."""
    stage = db.session.get(Stage, stage_id) if stage_id else None
    if stage is None or stage.project_id != project.id:
        errors["stage"] = _("Choose a stage of this project.")
        return stage, None
    activity = discussion_of(stage)
    if activity is None:
        errors["stage"] = _(
            "This stage has no discussion to file contributions under. Add one to the stage first."
        )
    return stage, activity


def _channel_and_sender_type(
    data: Registration, errors: dict[str, str]
) -> tuple[ContributionChannel, SenderType]:
    """How the contribution arrived and who sent it (placeholders with an error when unknown)."""
    try:
        channel = ContributionChannel(data.channel)
        if channel not in INTAKE_CHANNELS:
            raise ValueError(channel)
    except ValueError:
        errors["channel"] = _("Choose how the contribution arrived.")
        channel = ContributionChannel.LETTER
    try:
        sender_type = SenderType(data.sender_type)
    except ValueError:
        errors["sender_type"] = _("Choose who sent it.")
        sender_type = SenderType.RESIDENT
    return channel, sender_type


def _register_entry(
    project: Project, entry_id: int | None, errors: dict[str, str]
) -> RegisterEntry | None:
    """The entry of the project's register the sender is, if one was chosen."""
    if not entry_id:
        return None
    entry = db.session.get(RegisterEntry, entry_id)
    if entry is None or entry.project_id != project.id:
        errors["register_entry"] = _("Choose an entry of this project's register.")
        return None
    return entry


def _set_place(
    comment: Comment, lat: float | None, lon: float | None, errors: dict[str, str]
) -> None:
    """Give ``comment`` the point it is about, if both coordinates were given."""
    if (lat is None) != (lon is None):
        errors["lat"] = _("Give both latitude and longitude, or neither.")
    elif lat is not None and lon is not None:
        try:
            comment.set_geometry({"type": "Point", "coordinates": [lon, lat]})
        except GeometryError as exc:
            errors["lat"] = str(exc)


def _store_attachment(
    project: Project, comment: Comment, stored: tuple[bytes, str, str], name: str
) -> None:
    """Write the sniffed file under the upload folder and add its row."""
    content, ext, content_type = stored
    relative = f"intake/{project.id}/{uuid.uuid4().hex}.{ext}"
    images.write_new(relative, content)  # removed again if the registration rolls back
    db.session.add(
        Attachment(
            comment_id=comment.id,
            filename=Path(name or f"bilaga.{ext}").name[:200],
            path=relative,
            content_type=content_type,
            size=len(content),
        )
    )


def register_contribution(project: Project, data: Registration, *, actor: User) -> Comment:
    """Store a contribution registered by hand as a comment in the stage's discussion.

    Returns the comment (pending when the discussion is pre-moderated). Raises ``Invalid``
    with per-field messages before anything is written.
    """
    errors: dict[str, str] = {}
    stage, activity = _stage_and_discussion(project, data.stage_id, errors)
    channel, sender_type = _channel_and_sender_type(data, errors)
    body = (data.body or "").strip()
    if not body:
        errors["body"] = _("Type the text of the contribution.")
    elif len(body) > MAX_BODY:
        errors["body"] = _("The text is too long (at most %(n)s characters).", n=MAX_BODY)
    if data.received_on is None:
        errors["received_on"] = _("Give the date it was received.")
    elif data.received_on > datetime.now(ZoneInfo("UTC")).date():
        errors["received_on"] = _("The date received cannot be in the future.")
    entry = _register_entry(project, data.register_entry_id, errors)
    name = (data.sender_name or "").strip() or (entry.name if entry else "")
    if sender_type in NAMED_SENDERS and not name:
        errors["sender_name"] = _("Give the sender's name for this sender type.")
    comment = Comment(body=body, channel=channel, sender_type=sender_type)
    _set_place(comment, data.lat, data.lon, errors)
    stored: tuple[bytes, str, str] | None = None
    if data.attachment:
        try:
            stored = _sniff_attachment(data.attachment)
        except Invalid as exc:
            errors.update(exc.fields or {})
    if errors:
        raise Invalid(_("The contribution was not registered."), fields=errors)
    assert stage is not None and activity is not None and data.received_on is not None  # noqa: S101 - errors is empty

    comment.activity, comment.stage = activity, stage
    comment.activity_id, comment.stage_id = activity.id, stage.id
    comment.received_at = _received_at(data.received_on)
    comment.registered_by_id = actor.id
    if activity.moderation == ModerationMode.PRE:
        comment.status = CommentStatus.PENDING
    db.session.add(comment)
    db.session.flush()
    contribution_created.send(comment)
    if name:
        db.session.add(
            Sender(
                comment_id=comment.id,
                name=name[:200],
                contact=(data.sender_contact or "").strip()[:300] or None,
                register_entry_id=entry.id if entry else None,
            )
        )
    if stored is not None:
        _store_attachment(project, comment, stored, data.attachment_name)
    db.session.flush()
    record(
        "intake.register",
        actor=actor,
        organization_id=project.organization_id,
        obj=comment,
        channel=channel.value,
        sender_type=sender_type.value,
        register_entry_id=entry.id if entry else None,
        attachment=bool(stored) or None,
    )
    return comment


def attachment_path(attachment: Attachment) -> Path:
    return Path(current_app.config["UPLOAD_DIR"]) / attachment.path


def erase_sender(comment: Comment, *, actor: User) -> int:
    """Erase who sent ``comment``: its sender row and attachments (a scan shows the name).

    The text, sender type, channel and date stay, so the samrådsredogörelse still counts it.
    Returns the number of attachment files removed. Files go once the erasure is committed
    (never before: a rollback keeps rows and files together); a file already missing is not
    an error.
    """
    sender = db.session.scalar(db.select(Sender).where(Sender.comment_id == comment.id))
    attachments = list(
        db.session.scalars(db.select(Attachment).where(Attachment.comment_id == comment.id))
    )
    paths = [a.path for a in attachments]
    if sender is not None:
        db.session.delete(sender)
    for attachment in attachments:
        db.session.delete(attachment)
    db.session.flush()
    images.unlink_after_commit(paths)
    record(
        "intake.sender.erase",
        actor=actor,
        organization_id=comment.stage.project.organization_id,
        obj=comment,
        attachments=len(paths),
    )
    return len(paths)


# --- the register ----------------------------------------------------------------------------


@dataclass
class EntryInput:
    kind: str
    name: str
    property_designation: str = ""
    address: str = ""
    email: str = ""


def _entry_errors(data: EntryInput) -> dict[str, str]:
    errors: dict[str, str] = {}
    if data.kind not in {k.value for k in RegisterKind}:
        errors["kind"] = _("Choose sakägare or remissinstans.")
    if not (data.name or "").strip():
        errors["name"] = _("Give a name.")
    elif len(data.name.strip()) > 200:
        errors["name"] = _("The name is too long (at most 200 characters).")
    if len((data.property_designation or "").strip()) > 100:
        errors["property_designation"] = _("At most 100 characters.")
    if len((data.address or "").strip()) > 300:
        errors["address"] = _("At most 300 characters.")
    email = (data.email or "").strip()
    if email and ("@" not in email or len(email) > 254):
        errors["email"] = _("Give a valid e-mail address or leave it empty.")
    return errors


def _apply(entry: RegisterEntry, data: EntryInput) -> None:
    entry.kind = RegisterKind(data.kind)
    entry.name = data.name.strip()
    entry.property_designation = (data.property_designation or "").strip() or None
    entry.address = (data.address or "").strip() or None
    entry.email = (data.email or "").strip() or None


def add_entry(project: Project, data: EntryInput, *, actor: User) -> RegisterEntry:
    """Add a remissinstans or sakägare to the project's register; raises ``Invalid``."""
    errors = _entry_errors(data)
    if errors:
        raise Invalid(_("The entry was not saved."), fields=errors)
    entry = RegisterEntry(project_id=project.id)
    _apply(entry, data)
    db.session.add(entry)
    db.session.flush()
    record(
        "intake.register_entry.create",
        actor=actor,
        organization_id=project.organization_id,
        obj=entry,
        object_type="register_entry",
        kind=entry.kind.value,
    )
    return entry


def update_entry(entry: RegisterEntry, data: EntryInput, *, actor: User) -> RegisterEntry:
    """Change an entry of the register; raises ``Invalid``."""
    errors = _entry_errors(data)
    if errors:
        raise Invalid(_("The entry was not saved."), fields=errors)
    _apply(entry, data)
    db.session.flush()
    record(
        "intake.register_entry.update",
        actor=actor,
        organization_id=entry.project.organization_id,
        obj=entry,
        object_type="register_entry",
    )
    return entry


def delete_entry(entry: RegisterEntry, *, actor: User) -> None:
    """Remove an entry; contributions it answered keep their sender (the link is dropped)."""
    record(
        "intake.register_entry.delete",
        actor=actor,
        organization_id=entry.project.organization_id,
        object_type="register_entry",
        object_id=entry.id,
    )
    for sender in db.session.scalars(db.select(Sender).where(Sender.register_entry_id == entry.id)):
        sender.register_entry_id = None
    db.session.delete(entry)
    db.session.flush()


#: Header names accepted for each register field (lower-case, as exported by Lantmäteriet's
#: fastighetsregister services and typed by hand).
CSV_COLUMNS = {
    "property_designation": ("fastighetsbeteckning", "fastighet", "beteckning"),
    "name": ("namn", "name", "ägare", "agare", "lagfaren ägare"),
    "address": ("adress", "address", "utdelningsadress", "postadress"),
    "email": ("e-post", "epost", "email", "e-mail"),
}


@dataclass
class ImportResult:
    added: int = 0
    skipped: int = 0
    #: (row number in the file, message) for every refused row.
    errors: list[tuple[int, str]] = field(default_factory=list)


def _decode(raw: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise Invalid(_("The file is not a text CSV file."), fields={"file": _("Not a CSV file.")})


def import_sakagare(project: Project, raw: bytes, *, actor: User) -> ImportResult:
    """Add the sakägare of a property register CSV (`;` or `,`, BOM or not) to the register.

    Rows already in the register (same fastighetsbeteckning and name) are skipped; bad rows
    are reported by line and the good ones kept. Raises ``Invalid`` when the file cannot be
    read at all (no name column, not text).
    """
    text = _decode(raw)
    if not text.strip():
        raise Invalid(_("The file is empty."), fields={"file": _("The file is empty.")})
    first = text.splitlines()[0]
    delimiter = ";" if first.count(";") >= first.count(",") and ";" in first else ","
    if "\t" in first and delimiter not in first:
        delimiter = "\t"
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = [h.strip().lower() for h in next(reader)]
    columns: dict[str, int] = {}
    for key, names in CSV_COLUMNS.items():
        for index, name in enumerate(header):
            if name in names:
                columns[key] = index
                break
    if "name" not in columns:
        message = _(
            "The file has no name column. The first row must name the columns, e.g. "
            "fastighetsbeteckning;namn;adress."
        )
        raise Invalid(message, fields={"file": message})
    existing = {
        ((e.property_designation or "").lower(), e.name.lower())
        for e in db.session.scalars(
            db.select(RegisterEntry).where(
                RegisterEntry.project_id == project.id,
                RegisterEntry.kind == RegisterKind.SAKAGARE,
            )
        )
    }
    result = ImportResult()
    for line, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue

        def cell(key: str, row: list[str] = row) -> str:
            index = columns.get(key)
            return row[index].strip() if index is not None and index < len(row) else ""

        data = EntryInput(
            kind=RegisterKind.SAKAGARE.value,
            name=cell("name"),
            property_designation=cell("property_designation"),
            address=cell("address"),
            email=cell("email"),
        )
        errors = _entry_errors(data)
        if errors:
            result.errors.append((line, " ".join(errors.values())))
            continue
        identity = (data.property_designation.lower(), data.name.lower())
        if identity in existing:
            result.skipped += 1
            continue
        existing.add(identity)
        entry = RegisterEntry(project_id=project.id)
        _apply(entry, data)
        db.session.add(entry)
        result.added += 1
    db.session.flush()
    record(
        "intake.register.import",
        actor=actor,
        organization_id=project.organization_id,
        obj=project,
        added=result.added,
        skipped=result.skipped,
        refused=len(result.errors),
    )
    return result


def _attachment_files(stage: Stage) -> list[str]:
    """The attachment files of the registered contributions of a stage being deleted."""
    return list(
        db.session.scalars(
            sa.select(Attachment.path)
            .join(Comment, Comment.id == Attachment.comment_id)
            .where(Comment.stage_id == stage.id)
        )
    )


def subscribe() -> None:
    """Answer the projects domain's questions about intake (at app creation)."""
    project_signals.deleting_stage.connect(_attachment_files)
