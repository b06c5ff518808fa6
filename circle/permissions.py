"""Who may do what in a circle: the one place the core's permission rules live."""

from __future__ import annotations

from typing import Any

from circle.models import Circle, Member, Membership, Role

STAFF_ROLES = frozenset({Role.LEADER, Role.PARTICIPANT})


def membership_in(member: Any, circle: Circle) -> Membership | None:
    """Return the member's membership in the circle, if any."""
    if member is None or not getattr(member, "is_authenticated", False) or not member.active:
        return None
    for membership in member.memberships:
        if membership.circle_id == circle.id:
            return membership
    return None


def role_in(member: Any, circle: Circle) -> Role | None:
    """Return the member's role in the circle, or None."""
    membership = membership_in(member, circle)
    return membership.role if membership else None


def is_admin(member: Any) -> bool:
    """Return whether the member is an active site administrator."""
    return bool(getattr(member, "is_authenticated", False) and member.active and member.is_admin)


def can_view_circle(member: Any, circle: Circle) -> bool:
    """Members of the circle in any role, and site administrators."""
    return is_admin(member) or role_in(member, circle) is not None


def can_manage_circle(member: Any, circle: Circle) -> bool:
    """Circle leaders and site administrators edit the circle, invite, and run votes."""
    return is_admin(member) or role_in(member, circle) == Role.LEADER


def is_staff(member: Any, circle: Circle) -> bool:
    """Leaders and participants: the circle itself, as opposed to those it informs."""
    return is_admin(member) or role_in(member, circle) in STAFF_ROLES


def can_see_contact_details(member: Any, circle: Circle) -> bool:
    """Only leaders and participants see e-mail and phone in the directory."""
    return is_staff(member, circle)


def can_propose_theme(member: Any, circle: Circle) -> bool:
    """Leaders and participants propose themes in the opening phase."""
    return is_staff(member, circle)


def can_vote(member: Any, circle: Circle) -> bool:
    """Leaders and participants vote on themes."""
    return role_in(member, circle) in STAFF_ROLES


def can_create_circle(member: Any) -> bool:
    """Only site administrators create circles."""
    return is_admin(member)


def visible_circle_ids(member: Any) -> frozenset[int]:
    """Return the ids of circles the member belongs to (administrators see all elsewhere)."""
    if member is None or not getattr(member, "is_authenticated", False) or not member.active:
        return frozenset()
    return frozenset(m.circle_id for m in member.memberships)


def as_member(member: Any) -> Member | None:
    """Return the member, or None for anonymous users."""
    return member if getattr(member, "is_authenticated", False) else None
