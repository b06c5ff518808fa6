"""Who may see and do what with meetings, agendas, minutes and action items."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from circle.models import Circle, Role
from circle.permissions import as_member, can_manage_circle, can_view_circle, is_admin, role_in
from meetings.models import ActionItem, Material, Meeting, MeetingKind, Minutes, MinutesState

# Who is invited to (and may see the agenda of) each kind of meeting, besides administrators.
AUDIENCE: dict[MeetingKind, frozenset[Role]] = {
    MeetingKind.CIRCLE: frozenset({Role.LEADER, Role.PARTICIPANT}),
    MeetingKind.SEMINAR: frozenset({Role.LEADER, Role.PARTICIPANT}),
    MeetingKind.REFERENCE: frozenset({Role.LEADER, Role.REFERENCE, Role.UNIT_LEADER}),
}
# Minutes in these states are public to the circle (Minutes.is_public).
PUBLIC_STATES = frozenset({MinutesState.APPROVED, MinutesState.DISTRIBUTED})
# The reference group's meetings also show to participants: they report there on the projects.
VIEWERS: dict[MeetingKind, frozenset[Role]] = {
    MeetingKind.CIRCLE: AUDIENCE[MeetingKind.CIRCLE],
    MeetingKind.SEMINAR: AUDIENCE[MeetingKind.SEMINAR],
    MeetingKind.REFERENCE: frozenset(Role),
}


def can_view_meetings(member: Any, circle: Circle) -> bool:
    """Every member of the circle sees the meeting list (filtered to what they may see)."""
    return can_view_circle(member, circle)


def can_manage_meetings(member: Any, circle: Circle) -> bool:
    """Circle leaders (and administrators) plan meetings, agendas and the template."""
    return can_manage_circle(member, circle)


def can_view_meeting(member: Any, meeting: Meeting, circle: Circle) -> bool:
    """The meeting page and agenda: the meeting's audience, leaders and administrators."""
    if meeting.circle_id != circle.id:
        return False
    if is_admin(member):
        return True
    role = role_in(member, circle)
    return role is not None and role in VIEWERS[meeting.kind]


def can_answer(member: Any, meeting: Meeting, circle: Circle) -> bool:
    """Those invited answer the invitation (attending or absent)."""
    role = role_in(member, circle)
    return meeting.circle_id == circle.id and role is not None and role in AUDIENCE[meeting.kind]


def is_reviewer(member: Any, minutes: Minutes) -> bool:
    """Return whether the member was invited to review these minutes."""
    member = as_member(member)
    return member is not None and any(r.member_id == member.id for r in minutes.reviewers)


def can_view_minutes(member: Any, minutes: Minutes, circle: Circle) -> bool:
    """Approved minutes: the whole circle; drafts: leaders; in review: also the reviewers."""
    return can_view_minutes_in_state(
        member,
        circle,
        minutes_circle_id=minutes.circle_id,
        state=minutes.state,
        reviewing=lambda: is_reviewer(member, minutes),
    )


def can_view_minutes_in_state(
    member: Any,
    circle: Circle,
    *,
    minutes_circle_id: int,
    state: MinutesState,
    reviewing: Callable[[], bool],
) -> bool:
    """can_view_minutes for minutes known by circle and state; reviewing() is asked last."""
    if minutes_circle_id != circle.id or not can_view_circle(member, circle):
        return False
    if state in PUBLIC_STATES or can_manage_circle(member, circle):
        return True
    return state == MinutesState.REVIEW and reviewing()


def can_view_review_trail(member: Any, minutes: Minutes, circle: Circle) -> bool:
    """Review comments stay with leaders and the reviewers, also after approval."""
    if minutes.circle_id != circle.id:
        return False
    return can_manage_circle(member, circle) or (
        role_in(member, circle) is not None and is_reviewer(member, minutes)
    )


def can_edit_minutes(member: Any, circle: Circle) -> bool:
    """Any leader of the circle writes and edits the draft minutes."""
    return can_manage_circle(member, circle)


def can_approve_minutes(member: Any, circle: Circle) -> bool:
    """Only leaders approve, distribute and correct minutes."""
    return can_manage_circle(member, circle)


def can_comment_minutes(member: Any, minutes: Minutes, circle: Circle) -> bool:
    """Reviewers and leaders comment while the minutes are in review."""
    return minutes.state == MinutesState.REVIEW and (
        can_manage_circle(member, circle)
        or (role_in(member, circle) is not None and is_reviewer(member, minutes))
    )


def can_view_draft_history(member: Any, circle: Circle) -> bool:
    """Edit revisions of the draft hold draft text: leaders only."""
    return can_manage_circle(member, circle)


def can_record_attendance(member: Any, circle: Circle) -> bool:
    """Leaders keep the attendance register."""
    return can_manage_circle(member, circle)


def can_view_attendance_series(member: Any, circle: Circle) -> bool:
    """Leaders, participants and unit leaders follow attendance across the series."""
    return is_admin(member) or role_in(member, circle) in {
        Role.LEADER,
        Role.PARTICIPANT,
        Role.UNIT_LEADER,
    }


def can_view_action(member: Any, action: ActionItem, circle: Circle) -> bool:
    """An action item shows to whoever may read the minutes it was agreed in."""
    return action.circle_id == circle.id and can_view_minutes(member, action.minutes, circle)


def can_toggle_action(member: Any, action: ActionItem, circle: Circle) -> bool:
    """Leaders and the item's owner mark it done or open again."""
    member = as_member(member)
    if member is None or not can_view_action(member, action, circle):
        return False
    return can_manage_circle(member, circle) or action.owner_id == member.id


def can_attach_to_item(member: Any, meeting: Meeting, circle: Circle) -> bool:
    """Those invited (and leaders) attach slides or handouts to an agenda item."""
    if meeting.cancelled_at is not None or not can_view_meeting(member, meeting, circle):
        return False
    return can_manage_circle(member, circle) or can_answer(member, meeting, circle)


def can_attach_to_minutes(member: Any, meeting: Meeting, circle: Circle) -> bool:
    """Leaders attach files to the minutes while they are a draft or in review."""
    minutes = meeting.minutes
    return (
        meeting.circle_id == circle.id
        and minutes is not None
        and not minutes.is_public
        and can_edit_minutes(member, circle)
    )


def can_view_material(member: Any, meeting: Meeting, circle: Circle, on_minutes: bool) -> bool:
    """An item's materials follow the meeting; the minutes' follow the minutes' state."""
    if on_minutes:
        return meeting.minutes is not None and can_view_minutes(member, meeting.minutes, circle)
    return can_view_meeting(member, meeting, circle)


def can_withdraw_material(
    member: Any, material: Material, meeting: Meeting, circle: Circle
) -> bool:
    """Whoever attached it, and leaders; approved minutes' materials only leaders."""
    if material.meeting_id != meeting.id or not can_view_material(
        member, meeting, circle, material.item_id is None
    ):
        return False
    if can_manage_circle(member, circle):
        return True
    me = as_member(member)
    if me is None or material.uploaded_by_id != me.id or role_in(member, circle) is None:
        return False
    minutes = meeting.minutes
    return not (material.item_id is None and minutes is not None and minutes.is_public)
