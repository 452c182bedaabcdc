"""Account writes and checks.

Functions flush and return objects; they never commit (the request boundary does), except
``authenticate``, which keeps the audit row of a failed attempt although the request fails.
"""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from app.accounts.models import Participant, User
from app.accounts.passwords import hash_password, needs_rehash, verify_dummy, verify_password
from app.accounts.tokens import Purpose, make_token
from app.audit.services import record
from app.core.mail import external_url, send_mail
from app.core.models import utcnow
from app.extensions import db


class DuplicateEmail(Exception):
    """Another account already uses this email address."""


class WrongPassword(Exception):
    """The current password given does not match."""


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user(email: str) -> User | None:
    """The user with this email address (case-insensitive), or None."""
    return db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))


def authenticate(email: str, password: str) -> User | None:
    """The active user with this email and password, or None (a failed attempt is audited)."""
    user = find_user(email)
    if user is None:
        verify_dummy(password)  # the same hash work: timing does not reveal unknown addresses
        ok = False
    else:
        ok = verify_password(user.password_hash, password) and user.active
    if user is None or not ok:
        record("login.failed", object_type="user", object_id=user.id if user else None)
        db.session.commit()  # keep the audit row although the request answers 422
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    return user


def create_user(
    email: str,
    password: str,
    *,
    display_name: str = "",
    verified: bool = False,
    superadmin: bool = False,
    locale: str | None = None,
    notify_feedback: bool = False,
    actor: User | None = None,
) -> User:
    """Add a user and flush; returns it. Raises ``DuplicateEmail``."""
    email = normalise_email(email)
    if find_user(email) is not None:
        raise DuplicateEmail(email)
    user = User(
        email=email,
        password_hash=hash_password(password),
        display_name=(display_name or "").strip(),
        is_superadmin=superadmin,
        email_verified_at=utcnow() if verified else None,
        locale=locale,
        notify_feedback=notify_feedback,
    )
    try:
        # A savepoint: a concurrent registration with the same address loses cleanly.
        with db.session.begin_nested():
            db.session.add(user)
            db.session.flush()
    except IntegrityError as exc:
        raise DuplicateEmail(email) from exc
    record("user.create", actor=actor, obj=user, superadmin=superadmin or None)
    return user


def register(
    email: str,
    password: str,
    *,
    display_name: str = "",
    locale: str | None = None,
    notify_feedback: bool = False,
) -> User | None:
    """A resident creates an account; a verification mail goes out.

    When the address already has an account, nothing is created and its owner is mailed
    instead (returns None). The caller answers the same either way, with the same work done
    (a password hash, a mail), so the form does not tell who has an account.
    """
    existing = find_user(email)
    if existing is None:
        try:
            user = create_user(
                email,
                password,
                display_name=display_name,
                locale=locale,
                notify_feedback=notify_feedback,
            )
        except DuplicateEmail:  # registered concurrently
            existing = find_user(email)
        else:
            record("user.register", actor=user, obj=user, consent="privacy_notice")
            send_verification(user)
            return user
    else:
        hash_password(password)  # the work a new account costs
    if existing is not None:
        _tell_owner_of_registration_attempt(existing)
    return None


def _tell_owner_of_registration_attempt(user: User) -> None:
    """Someone registered with an address that has an account: tell its owner, not them."""
    if not user.active:
        return
    if user.email_verified_at is None:
        send_verification(user)  # they probably lost the first link
        return
    with _in_language(user):
        subject = _("Someone tried to create a Platsdialog account with your address")
        body = _(
            "Hello,\n\nSomeone, perhaps you, tried to create a new Platsdialog account with this "
            "email address. You already have an account, so nothing was changed.\n\n"
            "Log in: %(login)s\nForgot your password? Choose a new one: %(reset)s\n\n"
            "If it was not you, ignore this message.",
            login=external_url("accounts.login"),
            reset=external_url("accounts.request_reset"),
        )
    send_mail(user.email, subject, body)
    record("user.register_existing", obj=user)


def _in_language(user: User) -> AbstractContextManager[None]:
    """Mails speak the recipient's chosen language when they have one."""
    return force_locale(user.locale) if user.locale else nullcontext()


def send_verification(user: User) -> None:
    """Mail ``user`` a link that verifies their address (valid for three days)."""
    link = external_url("accounts.verify", token=make_token(user, Purpose.VERIFY_EMAIL))
    with _in_language(user):
        subject = _("Confirm your email address for Platsdialog")
        body = _(
            "Hello,\n\nConfirm your email address by opening this link within three days:\n"
            "%(link)s\n\nIf you did not create an account on Platsdialog, ignore this message.",
            link=link,
        )
    send_mail(user.email, subject, body)


def verify_email(user: User) -> bool:
    """Mark the address verified; returns False when it already was."""
    if user.email_verified_at is not None:
        return False
    user.email_verified_at = utcnow()
    record("user.verify_email", actor=user, obj=user)
    return True


def send_password_reset(email: str) -> None:
    """Mail a reset link (valid for one hour) when an active account has this address.

    Answers nothing either way, so the caller cannot tell whether the address exists.
    """
    user = find_user(email)
    if user is None or not user.active:
        return
    link = external_url("accounts.reset_password", token=make_token(user, Purpose.RESET_PASSWORD))
    with _in_language(user):
        subject = _("Reset your Platsdialog password")
        body = _(
            "Hello,\n\nSomeone asked to reset the password of your Platsdialog account. "
            "Choose a new password within one hour with this link:\n%(link)s\n\n"
            "If it was not you, ignore this message; your password stays the same.",
            link=link,
        )
    send_mail(user.email, subject, body)
    record("user.reset_requested", obj=user)


def end_sessions(user: User) -> None:
    """End every session of ``user`` server-side: cookies issued before no longer load."""
    user.session_version += 1
    db.session.flush()


def set_password(user: User, password: str, *, reason: str) -> None:
    """Store a new password and end every session and every earlier reset link."""
    user.password_hash = hash_password(password)
    end_sessions(user)
    # Following a reset link proves the owner reads the mailbox.
    if reason == "reset" and user.email_verified_at is None:
        user.email_verified_at = utcnow()
    record("user.password_change", actor=user, obj=user, reason=reason)
    db.session.flush()


def change_password(user: User, current: str, new: str) -> None:
    """Change the password after checking the current one. Raises ``WrongPassword``."""
    if not verify_password(user.password_hash, current):
        raise WrongPassword()
    set_password(user, new, reason="change")


def update_account(
    user: User,
    *,
    email: str,
    display_name: str,
    locale: str | None,
    notify_feedback: bool,
) -> bool:
    """Save account settings; returns True when the email changed (and needs verifying).

    Raises ``DuplicateEmail``.
    """
    email = normalise_email(email)
    changed_email = email != user.email
    if changed_email:
        other = find_user(email)
        if other is not None and other.id != user.id:
            raise DuplicateEmail(email)
        user.email = email
        user.email_verified_at = None
        record("user.email_change", actor=user, obj=user)
    user.display_name = (display_name or "").strip()
    user.locale = locale
    user.notify_feedback = notify_feedback
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError as exc:
        raise DuplicateEmail(email) from exc
    if changed_email:
        send_verification(user)
    return changed_email


class OwnSuperadmin(Exception):
    """A superadmin tried to remove their own platform rights."""


def set_superadmin(user: User, value: bool, *, actor: User) -> bool:
    """Grant or revoke platform administration; returns False when nothing changed.

    Raises ``OwnSuperadmin`` when ``actor`` revokes their own rights (the platform must not
    lose its last administrator by a slip of the hand).
    """
    if user.is_superadmin == value:
        return False
    if not value and user.id == actor.id:
        raise OwnSuperadmin()
    user.is_superadmin = value
    db.session.flush()
    record("user.superadmin_grant" if value else "user.superadmin_revoke", actor=actor, obj=user)
    return True


def claim_device_participant(user: User, participant: Participant | None) -> bool:
    """Carry what was written anonymously on this device into ``user``'s account at login,
    when the account has no contributions of its own yet. Returns whether it was carried.

    Two participants are never merged (a survey answered twice, an agreement given twice
    would break the one-voice rules): an account that already took part keeps its own, and
    the device's contributions stay with the device's cookie."""
    if participant is None or participant.user_id is not None or participant.erased_at:
        return False
    if db.session.scalar(db.select(Participant.id).where(Participant.user_id == user.id)):
        return False
    participant.user_id = user.id
    record("participant.claimed", actor=user, obj=participant)
    return True


# --- staff notification preference (app/notify mails by it) ---------------------------------

IMMEDIATELY, DAILY, OFF = "immediately", "daily", "off"
CHOICES = (IMMEDIATELY, DAILY, OFF)


def is_staff(user: User) -> bool:
    return bool(user.is_superadmin or user.memberships)


def set_preference(user: User, value: str) -> None:
    if value not in CHOICES:
        raise ValueError(value)
    user.staff_notify = value
    db.session.flush()
