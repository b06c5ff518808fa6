"""Who may see and do what with threads, posts, status updates and notifications."""

from __future__ import annotations

from typing import Any

from circle.models import Circle, Role
from circle.permissions import can_manage_circle, can_view_circle, is_admin, role_in
from circle.threads.models import Audience, Post, Thread
from circle.threads.subjects import Subject

# Unit leaders "see what is shared with them": what the circle shares with its reference group
# is shared with the unit leaders too, so they are in the circle-and-reference audience.
AUDIENCE_ROLES: dict[Audience, frozenset[str]] = {
    Audience.CIRCLE: frozenset({Role.LEADER.value, Role.PARTICIPANT.value}),
    Audience.REFERENCE: frozenset(
        {Role.LEADER.value, Role.PARTICIPANT.value, Role.REFERENCE.value, Role.UNIT_LEADER.value}
    ),
    Audience.LEADERS: frozenset({Role.LEADER.value}),
}


def audience_roles(audience: Audience) -> frozenset[str]:
    """Return the circle roles (as strings) a thread's audience includes."""
    return AUDIENCE_ROLES[Audience(audience)]


def visible_roles(thread: Thread, subject: Subject | None) -> frozenset[str]:
    """Return the roles that see the thread: its audience, narrowed by its subject's audience."""
    roles = audience_roles(thread.audience)
    if thread.subject_kind is not None:
        roles = roles & subject.audience_ok if subject is not None else frozenset()
    return roles


def can_view_threads(member: Any, circle: Circle) -> bool:
    """Every member of the circle has a list of threads (filtered by audience)."""
    return can_view_circle(member, circle)


def can_view_thread(
    member: Any, circle: Circle, thread: Thread, subject: Subject | None = None
) -> bool:
    """The thread's audience (and its subject's) includes the member's role; admins see all."""
    if thread.circle_id != circle.id:
        return False
    if thread.subject_kind is not None and subject is None:
        return False  # a subject that no longer resolves hides its threads from everyone
    if is_admin(member):
        return True
    role = role_in(member, circle)
    return role is not None and role.value in visible_roles(thread, subject)


def can_start_thread(member: Any, circle: Circle, audience: Audience | None = None) -> bool:
    """Members start threads for an audience they belong to; leaders-only threads by leaders."""
    if is_admin(member):
        return True
    role = role_in(member, circle)
    if role is None:
        return False
    if audience is None:
        return True
    return role.value in audience_roles(audience)


def allowed_audiences(member: Any, circle: Circle) -> list[Audience]:
    """Return the audiences the member may start a thread for."""
    return [a for a in Audience if can_start_thread(member, circle, a)]


def can_post(member: Any, circle: Circle, thread: Thread, subject: Subject | None = None) -> bool:
    """Anyone who sees the thread may post while it is neither locked nor closed."""
    return can_view_thread(member, circle, thread, subject) and thread.accepts_posts


def can_moderate(member: Any, circle: Circle) -> bool:
    """Circle leaders (and site administrators) hide posts, lock, pin, close and resolve."""
    return can_manage_circle(member, circle)


def _is_author(member: Any, post: Post) -> bool:
    return getattr(member, "is_authenticated", False) and post.author_id == member.id


def can_edit_post(member: Any, post: Post) -> bool:
    """The author edits their own post unless it was removed or hidden."""
    return _is_author(member, post) and post.deleted_at is None and post.hidden_at is None


def can_delete_post(member: Any, post: Post) -> bool:
    """The author removes their own post."""
    return _is_author(member, post) and post.deleted_at is None


def can_see_history(member: Any, circle: Circle, post: Post) -> bool:
    """The author and the circle's leaders see a post's earlier versions."""
    return _is_author(member, post) or can_moderate(member, circle)


def can_report(member: Any, post: Post) -> bool:
    """Anyone who sees a post may report it, except its author."""
    return (
        getattr(member, "is_authenticated", False)
        and not _is_author(member, post)
        and post.deleted_at is None
    )


def can_edit_thread_title(member: Any, circle: Circle, thread: Thread) -> bool:
    """Whoever started the thread and the circle's leaders change its title."""
    started = getattr(member, "is_authenticated", False) and thread.created_by_id == member.id
    return started or can_moderate(member, circle)


def can_write_status(member: Any, circle: Circle) -> bool:
    """Leaders write status updates for the reference group."""
    return can_manage_circle(member, circle)


def can_view_reference_page(member: Any, circle: Circle) -> bool:
    """The reference group's start page shows only what is shared with it: all members see it."""
    return can_view_circle(member, circle)
