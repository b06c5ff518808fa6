"""Services for invitations, memberships, roles and the participant directory."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from circle.audit import record_event
from circle.auth.passwords import check_password_policy, hash_password
from circle.auth.services import normalise_email
from circle.errors import Conflict, DomainError, NotAllowed
from circle.identity import ensure_no_identity_number
from circle.models import Circle, Invitation, Member, Membership, Role, ServiceSite, Unit, utcnow
from circle.permissions import can_manage_circle


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedInvitation:
    """An invitation together with the one-time token to put in the e-mailed link."""

    invitation: Invitation
    token: str


def _check_placement(circle: Circle, unit: Unit | None, site: ServiceSite | None) -> None:
    if unit is not None and unit.circle_id != circle.id:
        raise DomainError(_l("Enheten hører ikke til denne sirkelen."))
    if site is not None and (unit is None or site.unit_id != unit.id):
        raise DomainError(_l("Tjenestestedet hører ikke til den valgte enheten."))


def invite_member(
    session: Session,
    circle: Circle,
    *,
    actor: Member,
    email: str,
    role: Role,
    unit: Unit | None = None,
    site: ServiceSite | None = None,
    organisation: str = "",
    valid_days: int = 14,
    now: datetime | None = None,
) -> IssuedInvitation:
    """Create an invitation to the circle; the caller e-mails the link with the token."""
    if not can_manage_circle(actor, circle):
        raise NotAllowed(_l("Bare sirkelledere kan invitere."))
    email = normalise_email(email)
    ensure_no_identity_number(email, organisation)
    _check_placement(circle, unit, site)
    existing = session.scalar(select(Member).where(Member.email == email))
    if existing is not None and any(m.circle_id == circle.id for m in existing.memberships):
        raise Conflict(_l("Personen er allerede med i sirkelen."))
    now = now or utcnow()
    pending = session.scalars(
        select(Invitation).where(
            Invitation.circle_id == circle.id,
            Invitation.email == email,
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
            Invitation.expires_at > now,
        )
    ).first()
    if pending is not None:
        raise Conflict(
            _l(
                "Det finnes allerede en ventende invitasjon til denne adressen. "
                "Bruk «Send på nytt»."
            )
        )
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        circle=circle,
        email=email,
        role=role,
        unit=unit,
        service_site=site,
        organisation=organisation.strip(),
        token_hash=_hash_token(token),
        invited_by=actor,
        expires_at=now + timedelta(days=valid_days),
    )
    session.add(invitation)
    session.flush()
    record_event(
        session,
        "member_invited",
        actor=actor,
        circle=circle,
        detail=f"invitation {invitation.id} role {role.value}",
    )
    return IssuedInvitation(invitation, token)


def reissue_invitation(
    session: Session,
    invitation: Invitation,
    *,
    actor: Member,
    valid_days: int = 14,
    now: datetime | None = None,
) -> IssuedInvitation:
    """Give a pending or expired invitation a new token and expiry (the old link dies)."""
    if not can_manage_circle(actor, invitation.circle):
        raise NotAllowed(_l("Bare sirkelledere kan invitere."))
    if invitation.accepted_at or invitation.revoked_at:
        raise Conflict(_l("Invitasjonen er allerede brukt eller trukket tilbake."))
    token = secrets.token_urlsafe(32)
    invitation.token_hash = _hash_token(token)
    invitation.expires_at = (now or utcnow()) + timedelta(days=valid_days)
    session.flush()
    return IssuedInvitation(invitation, token)


def revoke_invitation(session: Session, invitation: Invitation, *, actor: Member) -> None:
    """Withdraw a pending invitation."""
    if not can_manage_circle(actor, invitation.circle):
        raise NotAllowed(_l("Bare sirkelledere kan trekke tilbake invitasjoner."))
    if invitation.accepted_at:
        raise Conflict(_l("Invitasjonen er allerede tatt imot."))
    invitation.revoked_at = utcnow()
    record_event(
        session,
        "invitation_revoked",
        actor=actor,
        circle=invitation.circle,
        detail=f"invitation {invitation.id}",
    )
    session.flush()


def find_invitation(session: Session, token: str, now: datetime | None = None) -> Invitation | None:
    """Return the usable invitation for a token: not expired, revoked or used."""
    invitation = session.scalar(
        select(Invitation).where(Invitation.token_hash == _hash_token(token))
    )
    if invitation is None or invitation.status(now or utcnow()) != "pending":
        return None
    return invitation


def _join(session: Session, invitation: Invitation, member: Member) -> Membership:
    membership = Membership(
        member=member,
        circle_id=invitation.circle_id,
        role=invitation.role,
        unit_id=invitation.unit_id,
        service_site_id=invitation.service_site_id,
        organisation=invitation.organisation,
    )
    session.add(membership)
    invitation.accepted_at = utcnow()
    session.flush()
    record_event(
        session,
        "invitation_accepted",
        actor=member,
        circle=invitation.circle,
        detail=f"invitation {invitation.id} role {invitation.role.value}",
    )
    return membership


def accept_invitation_new_account(
    session: Session,
    invitation: Invitation,
    *,
    name: str,
    password: str,
    job_title: str = "",
    phone: str = "",
) -> Member:
    """Create the invited person's account and membership."""
    if session.scalar(select(Member.id).where(Member.email == invitation.email)) is not None:
        raise Conflict(_l("Det finnes allerede en konto med denne e-postadressen. Logg inn først."))
    ensure_no_identity_number(name, job_title, phone)
    if not name.strip():
        raise DomainError(_l("Navn må fylles ut."))
    check_password_policy(password, email=invitation.email, name=name)
    member = Member(
        email=invitation.email,
        name=name.strip(),
        job_title=job_title.strip(),
        phone=phone.strip(),
        password_hash=hash_password(password),
    )
    session.add(member)
    session.flush()
    _join(session, invitation, member)
    return member


def accept_invitation_existing(
    session: Session, invitation: Invitation, *, member: Member
) -> Membership:
    """Add an existing, signed-in member to the circle of the invitation."""
    if member.email != invitation.email:
        raise NotAllowed(_l("Invitasjonen gjelder en annen e-postadresse."))
    if any(m.circle_id == invitation.circle_id for m in member.memberships):
        raise Conflict(_l("Du er allerede med i sirkelen."))
    return _join(session, invitation, member)


def change_role(
    session: Session,
    membership: Membership,
    *,
    actor: Member,
    role: Role,
    unit: Unit | None = None,
    site: ServiceSite | None = None,
    organisation: str = "",
) -> Membership:
    """Change a member's role and placement in a circle (audited)."""
    circle = membership.circle
    if not can_manage_circle(actor, circle):
        raise NotAllowed(_l("Bare sirkelledere kan endre roller."))
    _check_placement(circle, unit, site)
    ensure_no_identity_number(organisation)
    if membership.role == Role.LEADER and role != Role.LEADER:
        leaders = sum(1 for m in circle.memberships if m.role == Role.LEADER)
        if leaders <= 1:
            raise Conflict(_l("Sirkelen må ha minst én sirkelleder."))
    old = membership.role
    membership.role, membership.unit, membership.service_site = role, unit, site
    membership.organisation = organisation.strip()
    session.flush()
    record_event(
        session,
        "role_changed",
        actor=actor,
        circle=circle,
        detail=f"member {membership.member_id}: {old.value} -> {role.value}",
    )
    return membership


def remove_membership(session: Session, membership: Membership, *, actor: Member) -> None:
    """Take a member out of a circle (audited)."""
    circle = membership.circle
    if not can_manage_circle(actor, circle):
        raise NotAllowed(_l("Bare sirkelledere kan fjerne medlemmer."))
    if (
        membership.role == Role.LEADER
        and sum(1 for m in circle.memberships if m.role == Role.LEADER) <= 1
    ):
        raise Conflict(_l("Sirkelen må ha minst én sirkelleder."))
    record_event(
        session,
        "member_removed",
        actor=actor,
        circle=circle,
        detail=f"member {membership.member_id}",
    )
    session.delete(membership)
    session.flush()


def directory(session: Session, circle: Circle) -> list[Membership]:
    """Return the circle's memberships with member, unit and site, in one query."""
    return list(
        session.scalars(
            select(Membership)
            .join(Membership.member)
            .where(Membership.circle_id == circle.id, Member.active.is_(True))
            .options(
                joinedload(Membership.member),
                joinedload(Membership.unit),
                joinedload(Membership.service_site),
            )
            .order_by(Membership.role, Member.name)
        )
    )


def pending_invitations(session: Session, circle: Circle) -> list[Invitation]:
    """Return the circle's invitations, newest first, with unit and site loaded."""
    return list(
        session.scalars(
            select(Invitation)
            .where(Invitation.circle_id == circle.id)
            .options(selectinload(Invitation.unit), selectinload(Invitation.service_site))
            .order_by(Invitation.created_at.desc())
        )
    )
