"""Authentication services: sign-in, throttling, password changes and reset tokens."""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta
from functools import cache

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from circle.audit import record_event
from circle.auth.passwords import (
    check_password_policy,
    hash_password,
    needs_rehash,
    verify_password,
)
from circle.errors import DomainError
from circle.hooks import announce_member_deactivated
from circle.models import AuditEvent, Member, utcnow

LOGIN_FAILED = "login_failed"
RESET_REQUESTED = "password_reset_requested"
_RESET_SALT = "password-reset"


@cache
def _dummy_hash() -> str:
    """A hash to verify against for unknown e-mails, so they take as long as wrong passwords.

    Made on first use, not at import: hashing is slow on purpose.
    """
    return hash_password("dummy password for timing")


def normalise_email(email: str) -> str:
    """Return the canonical form of an e-mail address (trimmed, lower case)."""
    return email.strip().lower()


def get_member_by_email(session: Session, email: str) -> Member | None:
    """Return the member with this e-mail address, case-insensitively."""
    return session.scalar(select(Member).where(Member.email == normalise_email(email)))


def is_rate_limited(
    session: Session, *, ip: str, limit: int, window_minutes: int, now: datetime | None = None
) -> bool:
    """Return whether this address has failed to sign in too often recently."""
    since = (now or utcnow()) - timedelta(minutes=window_minutes)
    failures = session.scalar(
        select(func.count(AuditEvent.id)).where(
            AuditEvent.action == LOGIN_FAILED, AuditEvent.ip == ip, AuditEvent.created_at >= since
        )
    )
    return (failures or 0) >= limit


def address_key(secret_key: str, email: str) -> str:
    """Return a keyed hash of an e-mail address: what a per-address limit counts."""
    message = normalise_email(email).encode()
    return hmac.new(secret_key.encode(), b"reset-address:" + message, hashlib.sha256).hexdigest()


def reset_requests(
    session: Session,
    *,
    window_minutes: int,
    ip: str | None = None,
    key_hash: str | None = None,
    now: datetime | None = None,
) -> int:
    """Return how many password resets were asked for recently from an address or for a key."""
    since = (now or utcnow()) - timedelta(minutes=window_minutes)
    query = select(func.count(AuditEvent.id)).where(
        AuditEvent.action == RESET_REQUESTED, AuditEvent.created_at >= since
    )
    if ip is not None:
        query = query.where(AuditEvent.ip == ip)
    if key_hash is not None:
        query = query.where(AuditEvent.key_hash == key_hash)
    return session.scalar(query) or 0


def record_reset_request(session: Session, *, ip: str, key_hash: str) -> None:
    """Count a password-reset request (for the address asked for and the client asking)."""
    event = record_event(session, RESET_REQUESTED, ip=ip)
    event.key_hash = key_hash
    session.flush()


def authenticate(session: Session, *, email: str, password: str, ip: str) -> Member | None:
    """Return the active member with these credentials, or None (and log the failure)."""
    member = get_member_by_email(session, email)
    if member is None or not member.active:
        verify_password(_dummy_hash(), password)
        record_event(session, LOGIN_FAILED, ip=ip, detail="unknown or inactive account")
        return None
    if not verify_password(member.password_hash, password):
        record_event(session, LOGIN_FAILED, actor=member, ip=ip, detail="wrong password")
        return None
    if needs_rehash(member.password_hash or ""):
        member.password_hash = hash_password(password)
    member.last_login_at = utcnow()
    session.flush()
    return member


def set_password(session: Session, member: Member, password: str) -> None:
    """Set a new password after the policy check and end the member's other sessions."""
    check_password_policy(password, email=member.email, name=member.name)
    member.password_hash = hash_password(password)
    member.rotate_session_token()
    session.flush()


def change_password(session: Session, member: Member, *, current: str, new: str) -> None:
    """Change the member's own password, checking the current one first."""
    if not verify_password(member.password_hash, current):
        raise DomainError("wrong-current-password")
    set_password(session, member, new)
    record_event(session, "password_changed", actor=member)


def deactivate_member(session: Session, member: Member, *, actor: Member | None) -> None:
    """Deactivate a member and end all of their sessions and every area's access tokens."""
    member.active = False
    member.rotate_session_token()
    announce_member_deactivated(session, member)
    record_event(session, "member_deactivated", actor=actor, detail=f"member {member.id}")
    session.flush()


def reactivate_member(session: Session, member: Member, *, actor: Member | None) -> None:
    """Let a deactivated member sign in again (tokens ended on deactivation stay dead)."""
    member.active = True
    record_event(session, "member_reactivated", actor=actor, detail=f"member {member.id}")
    session.flush()


def _serializer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt=_RESET_SALT)


def make_reset_token(secret_key: str, member: Member) -> str:
    """Return a signed, time-limited token that stops working once the password changes."""
    # The hash fragment binds the token to the current password: using it makes it stale.
    return _serializer(secret_key).dumps([member.id, (member.password_hash or "")[-16:]])


def member_for_reset_token(
    session: Session, secret_key: str, token: str, max_age: int
) -> Member | None:
    """Return the member a valid, unused, unexpired reset token belongs to, else None."""
    try:
        member_id, fragment = _serializer(secret_key).loads(token, max_age=max_age)
    except (BadSignature, SignatureExpired, ValueError, TypeError):
        return None
    member = session.get(Member, member_id)
    if member is None or not member.active or (member.password_hash or "")[-16:] != fragment:
        return None
    return member
