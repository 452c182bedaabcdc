"""What audit actions and object types are called in the staff's language.

The log stores stable codes (``comment.hide``); people read labels. A code without its own
label is named from its object and verb ("Question: archived"), and an unknown code is shown
as it is, so nothing is ever hidden.
"""

from __future__ import annotations

from flask_babel import gettext as _


def _objects() -> dict[str, str]:
    return {
        "account": _("Account"),
        "activity": _("Activity"),
        "api_token": _("API token"),
        "audit": _("Audit log"),
        "codebook": _("Codebook"),
        "coding": _("Coding"),
        "comment": _("Comment"),
        "contribution": _("Contribution"),
        "document": _("Document"),
        "export": _("Export"),
        "feedback": _("Feedback"),
        "intake": _("Intake"),
        "login": _("Login"),
        "membership": _("Membership"),
        "option": _("Answer option"),
        "organization": _("Organization"),
        "participant": _("Participant"),
        "partner": _("Partner"),
        "population": _("Population figures"),
        "privacy": _("Privacy"),
        "project": _("Project"),
        "question": _("Question"),
        "response": _("Survey response"),
        "stage": _("Stage"),
        "survey": _("Survey"),
        "user": _("User"),
    }


def _verbs() -> dict[str, str]:
    return {
        "create": _("created"),
        "update": _("changed"),
        "delete": _("deleted"),
        "deleted": _("deleted"),
        "archive": _("archived"),
        "move": _("moved"),
        "open": _("opened"),
        "close": _("closed"),
        "publish": _("published"),
        "unpublish": _("unpublished"),
        "save": _("saved"),
        "status": _("status changed"),
        "hide": _("hidden"),
        "restore": _("restored"),
        "approve": _("approved"),
        "dismiss_flags": _("flags dismissed"),
        "answer": _("answered officially"),
        "assign": _("assigned"),
        "unassign": _("assignment removed"),
        "note": _("internal note"),
        "redact": _("partly redacted"),
        "export": _("exported"),
        "upload": _("uploaded"),
        "view": _("opened"),
        "area": _("area changed"),
        "cover": _("cover image changed"),
        "cover_remove": _("cover image removed"),
        "duplicate": _("duplicated"),
        "make_current": _("made current"),
        "revoke": _("revoked"),
        "failed": _("failed"),
        "register": _("registered"),
        "erase": _("erased"),
        "erase_sender": _("sender erased"),
        "role_change": _("role changed"),
        "email_change": _("e-mail address changed"),
        "password_change": _("password changed"),
        "verify_email": _("e-mail address verified"),
        "reset_requested": _("password reset requested"),
        "needs_answer": _("marked as needing an answer"),
        "needs_answer_cleared": _("no longer needs an answer"),
        "disposition": _("decision recorded"),
        "retention": _("retention run"),
        "self_delete": _("deleted by its owner"),
        "claimed": _("claimed by an account"),
        "responses_read": _("responses read"),
        "accept": _("accepted"),
        "reject": _("rejected"),
        "change": _("changed"),
        "bulk_accept": _("accepted in bulk"),
        "valence": _("valence changed"),
    }


def _exact() -> dict[str, str]:
    return {
        "export.responses": _("Export of survey responses"),
        "export.comments": _("Export of comments"),
        "export.summary": _("Export of the dialogue summary"),
        "export.report": _("Export of the consultation report"),
        "export.project": _("Export of the whole project"),
        "project.partner_add": _("Project: partner added"),
        "partner.add": _("Partner added"),
        "partner.remove": _("Partner removed"),
        "user.superadmin_grant": _("User: made platform administrator"),
        "user.superadmin_revoke": _("User: no longer platform administrator"),
        "user.register_existing": _("User: registration with an existing address"),
        "codebook.term_added": _("Codebook: term added"),
    }


def action_label(code: str | None) -> str:
    """The label of an audit action code, e.g. ``comment.hide`` -> "Comment: hidden"."""
    if not code:
        return ""
    exact = _exact().get(code)
    if exact:
        return exact
    obj, _dot, verb = code.partition(".")
    obj_label, verb_label = _objects().get(obj), _verbs().get(verb)
    if obj_label and verb_label:
        return _("%(object)s: %(verb)s", object=obj_label, verb=verb_label)
    return code


def object_label(object_type: str | None) -> str:
    """The label of an audit event's object type (``comment`` -> "Comment")."""
    if not object_type:
        return ""
    return _objects().get(object_type, object_type)
